/*
 * Argument splitting exactly as Redis's sdssplitargs() (sds.c), which parses
 * inline commands ("SET k v" typed into telnet) and config-file lines.
 *
 * Ported line by line because the quirks are user-visible:
 *   - Tokens are separated by runs of C isspace (space, \t, \n, \v, \f, \r),
 *     but inside an unquoted token only space, \t, \n, \r (and NUL) end it,
 *     so "a\vb" is one token while a leading \v is skipped.
 *   - Quotes may start mid-token and glue on: foo"bar"baz is wrong (text after
 *     a closing quote), but foo"bar" is the single token foobar.
 *   - Double quotes understand \n \r \t \b \a, \xHH (two hex digits, any case)
 *     and \<any other> as that char; a '\' as the last char before the end is
 *     kept literally and then the quote is unterminated.
 *   - Single quotes only understand \' ; every other byte is literal.
 *   - A closing quote must be followed by whitespace or the end, and an
 *     unterminated quote is an error: both return null (Redis replies
 *     "Protocol error: unbalanced quotes in request" for inline commands).
 *   - The input is a C string: a NUL byte ends it, whatever follows.
 * Input and output are latin1 byte strings.
 */

/** C isspace in the "C" locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexDigitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits `line` into arguments per sdssplitargs; null on unbalanced quotes.
 * An empty or all-blank line gives [].
 */
export function splitArgs(line: string): string[] | null {
  // C string semantics: stop at the first NUL.
  const nul = line.indexOf('\0');
  const end = nul === -1 ? line.length : nul;
  // Byte i, or 0 at/after the end (the terminator).
  const at = (i: number): number => (i < end ? line.charCodeAt(i) : 0);
  const args: string[] = [];
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line.charCodeAt(p))) p++;
    if (p >= end) return args;
    let inq = false; // inside "double quotes"
    let insq = false; // inside 'single quotes'
    let done = false;
    let current = '';
    let runStart = p; // start of a run of literal bytes not yet copied
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 92 /* \ */ && at(p + 1) === 120 /* x */ && hexDigitValue(at(p + 2)) >= 0 && hexDigitValue(at(p + 3)) >= 0) {
          current += line.slice(runStart, p);
          current += String.fromCharCode(hexDigitValue(at(p + 2)) * 16 + hexDigitValue(at(p + 3)));
          p += 3;
          runStart = p + 1;
        } else if (c === 92 && at(p + 1) !== 0) {
          current += line.slice(runStart, p);
          p++;
          const e = at(p);
          switch (e) {
            case 110: current += '\n'; break; // n
            case 114: current += '\r'; break; // r
            case 116: current += '\t'; break; // t
            case 98: current += '\b'; break; // b
            case 97: current += '\x07'; break; // a
            default: current += String.fromCharCode(e);
          }
          runStart = p + 1;
        } else if (c === 34 /* " */) {
          // The closing quote must be followed by a space or nothing at all.
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return null;
          current += line.slice(runStart, p);
          done = true;
        } else if (c === 0) {
          return null; // unterminated quotes
        }
      } else if (insq) {
        if (c === 92 && at(p + 1) === 39 /* ' */) {
          current += line.slice(runStart, p);
          p++;
          runStart = p; // the quote itself is copied with the next run
        } else if (c === 39) {
          const next = at(p + 1);
          if (next !== 0 && !isSpace(next)) return null;
          current += line.slice(runStart, p);
          done = true;
        } else if (c === 0) {
          return null;
        }
      } else {
        switch (c) {
          case 32:
          case 10:
          case 13:
          case 9:
          case 0:
            current += line.slice(runStart, p);
            done = true;
            break;
          case 34:
            current += line.slice(runStart, p);
            inq = true;
            runStart = p + 1;
            break;
          case 39:
            current += line.slice(runStart, p);
            insq = true;
            runStart = p + 1;
            break;
          default:
            break; // literal byte, part of the current run
        }
      }
      if (p < end) p++;
    }
    args.push(current);
  }
}
