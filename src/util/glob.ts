/*
 * Glob-style matching exactly as Redis 7.0 does it (stringmatchlen in util.c),
 * used by KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE and CONFIG GET.
 *
 * This is a line-by-line port rather than a regex translation because Redis's
 * corner cases are part of the protocol users see:
 *   - `*` runs collapse; `?` is any one byte; `\x` is a literal x anywhere; a
 *     trailing lone `\` is a literal backslash.
 *   - `[...]` sets: `^` negates, `a-z` ranges also work reversed (`[z-a]`),
 *     `\` escapes inside the set, and an unterminated set ends at the pattern's
 *     end: "[" alone matches nothing, "[^" matches any single byte, "[a-"
 *     matches "a" or "-".
 *   - Bytes are C `char`, which is signed on x86: in ranges a byte >= 0x80
 *     compares as negative, so "[a-\xff]" means [\xff-a] and does not match "b".
 *   - Case folding (nocase, used by CONFIG GET) is C-locale tolower: ASCII only.
 *   - An empty subject never matches anything but an empty pattern: the main
 *     loop does not run, so "*" and "**" fail on "" (KEYS/SCAN special-case a
 *     lone "*" before calling the matcher, which is why KEYS * still lists "").
 *   - Exponential blow-up is cut off like in Redis 7.0.10+: once a `*` has
 *     failed to match the rest of the pattern at every position, no outer `*`
 *     retries (skipLongerMatches), and recursion deeper than 1000 `*`s reports
 *     no match (CVE-2022-36021).
 * Strings are latin1 (one char per byte); past the end reads as NUL, as in C.
 */

const STAR = 42;
const QUESTION = 63;
const LBRACKET = 91;
const RBRACKET = 93;
const BACKSLASH = 92;
const CARET = 94;
const DASH = 45;

const MAX_NESTING = 1000;

/** Shared "give up on longer matches" flag of one top-level match (single-threaded). */
let skipLongerMatches = false;

/** C-locale tolower on a byte. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Byte i of s, or 0 (the C NUL terminator) past the end. */
function byteAt(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

/** A byte as a signed C char. */
function signedChar(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/**
 * True when `str` matches glob `pattern` per Redis stringmatchlen().
 * Both are byte strings (latin1).
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  skipLongerMatches = false;
  return matchImpl(pattern, 0, str, 0, nocase, 0);
}

function matchImpl(pat: string, p: number, str: string, s: number, nocase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const patEnd = pat.length;
  const strEnd = str.length;

  while (p < patEnd && s < strEnd) {
    const pc = pat.charCodeAt(p);
    switch (pc) {
      case STAR: {
        while (p < patEnd && byteAt(pat, p + 1) === STAR) p++;
        if (patEnd - p === 1) return true;
        while (s < strEnd) {
          if (matchImpl(pat, p + 1, str, s, nocase, nesting + 1)) return true;
          if (skipLongerMatches) return false;
          s++;
        }
        // The rest of the pattern matches nowhere in the rest of the string,
        // so no earlier '*' can help by consuming more: stop everywhere.
        skipLongerMatches = true;
        return false;
      }
      case QUESTION:
        s++;
        break;
      case LBRACKET: {
        p++;
        const not = byteAt(pat, p) === CARET;
        if (not) p++;
        let match = false;
        const sc = str.charCodeAt(s);
        for (;;) {
          const c = byteAt(pat, p);
          if (c === BACKSLASH && patEnd - p >= 2) {
            p++;
            if (pat.charCodeAt(p) === sc) match = true;
          } else if (c === RBRACKET) {
            break;
          } else if (p >= patEnd) {
            // Unterminated set: step back so the outer p++ ends the pattern.
            p--;
            break;
          } else if (patEnd - p >= 3 && pat.charCodeAt(p + 1) === DASH) {
            let start = signedChar(c);
            let end = signedChar(pat.charCodeAt(p + 2));
            let ch = signedChar(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            p += 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(c) === lower(sc) : c === sc) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      default: {
        // A backslash makes the next byte literal (a trailing one is itself).
        if (pc === BACKSLASH && patEnd - p >= 2) p++;
        const c = pat.charCodeAt(p);
        const sc = str.charCodeAt(s);
        if (nocase ? lower(c) !== lower(sc) : c !== sc) return false;
        s++;
        break;
      }
    }
    p++;
    if (s === strEnd) {
      while (byteAt(pat, p) === STAR) p++;
      break;
    }
  }
  return p === patEnd && s === strEnd;
}
