/**
 * RequestParser: turns the bytes a client sends into argument vectors, resuming exactly where it stopped.
 *
 * Like Redis's processMultibulkBuffer/processInlineBuffer, the parser keeps its progress on the client
 * (`multibulkLen` arguments still expected, `bulkLen` of the one being read, the arguments parsed so far), so
 * a command split across many TCP chunks is never parsed twice: only the unconsumed tail of a chunk is kept and
 * joined to the next one. Arguments of 32 KiB or more that are still incomplete are assembled in a buffer
 * allocated once at their announced size (Redis's PROTO_MBULK_BIG_ARG trick), so a 512 MiB value costs one
 * copy, not a quadratic series of concatenations.
 *
 * Arguments come out as latin1 strings: one char per byte, binary safe and compact in V8.
 * Protocol errors are reported with Redis's exact text; the caller replies with it and closes the connection.
 *
 * Redis finds line ends with strchr() on its NUL-terminated query buffer, so a NUL byte before the line end
 * hides it: the request then waits for more input (until it is too big) instead of failing. That quirk is
 * visible to clients, so the parser reproduces it, on the error paths only (a valid header has no NUL).
 */

import { splitArgs } from '../util/splitargs';
import { latin1 } from './latin1';
import { hashBytes, hashKey } from '../types/dict';

/** The longest first argument hashed as a key (longer ones are rarely keys: script bodies, ECHO payloads). */
const FIRST_KEY_MAX = 64;

const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const PROTO_MBULK_BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** When true, the client has not authenticated: Redis's tighter limits apply. */
  unauthenticated: boolean;
}

export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Arguments still expected in the current multibulk; 0 when between commands. */
  private multibulkLen = 0;
  /** Length of the bulk being read, -1 when its `$` header has not been read yet. */
  private bulkLen = -1;
  /** The arguments of the command being read (preallocated for small counts) and how many are filled. */
  private args: string[] = NO_ARGS;
  private argc = 0;
  /** Assembly buffer for a big argument arriving over several chunks. */
  private big: Buffer | null = null;
  private bigFilled = 0;
  /** Set when a protocol error was found: Redis's text after "Protocol error: " (the client adds the prefix). */
  error: string | null = null;
  /** True when the last command came inline (Redis does not count those toward some checks). */
  inline = false;
  /**
   * The second argument of the last multibulk read from the buffer (the key of most commands) and its
   * hashKey, computed from the bytes. Always a matching pair: whoever holds a key equal to firstKey may use
   * firstKeyHash instead of hashing it again (Client.keyHash).
   */
  firstKey = '';
  firstKeyHash = hashKey('');

  constructor(readonly limits: ParserLimits) {}

  /** Bytes buffered but not yet consumed (the client's query buffer, for CLIENT LIST and the limit). */
  get buffered(): number {
    return this.buf.length - this.pos + (this.big !== null ? this.bigFilled : 0);
  }

  /** Append a chunk received from the socket. */
  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const need = this.big.length - this.bigFilled;
      if (chunk.length < need) {
        chunk.copy(this.big, this.bigFilled);
        this.bigFilled += chunk.length;
        return;
      }
      chunk.copy(this.big, this.bigFilled, 0, need);
      this.bigFilled += need;
      chunk = chunk.subarray(need);
      this.finishBig();
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else if (chunk.length > 0) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
  }

  /**
   * `chunk`, fed earlier, is about to be reused by its owner (a shared read buffer, socket-input.ts): keep a
   * private copy of its bytes not consumed yet, if any. Nothing to copy when everything was parsed (the common
   * case) or when the tail already lives in a buffer of the parser's own (joined with an earlier tail).
   */
  detach(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.buf.buffer === chunk.buffer) {
      this.buf = Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
  }

  private finishBig(): void {
    // Like Redis, the two bytes after the announced length are skipped, not checked.
    const big = this.big!;
    this.args[this.argc++] = big.latin1Slice(0, big.length - 2);
    this.big = null;
    this.bigFilled = 0;
    this.bulkLen = -1;
    this.multibulkLen--;
  }

  /**
   * The next complete command, or null when more bytes are needed or an error was found (see `error`).
   * An empty array is never returned: empty inline lines and `*0` are skipped as Redis skips them.
   */
  next(): string[] | null {
    for (;;) {
      if (this.error !== null) return null;
      if (this.big !== null) return null;
      if (this.multibulkLen > 0 || this.argc > 0) return this.parseBulks();
      const buf = this.buf;
      if (this.pos >= buf.length) {
        // Everything consumed: drop the reference so a big chunk is not pinned.
        if (buf.length > 0) {
          this.buf = EMPTY;
          this.pos = 0;
        }
        return null;
      }
      if (buf[this.pos] === 42 /* '*' */) {
        const start = this.pos;
        const fast = scanLength(buf, start + 1);
        if (fast > 0 && fast <= INT_MAX && (fast <= 10 || !this.limits.unauthenticated)) {
          this.pos = scanEnd + 2;
          this.multibulkLen = fast;
          this.bulkLen = -1;
          this.startArgs(fast);
          this.inline = false;
          return this.parseBulks();
        }
        const end = buf.indexOf(13, start);
        if (end < 0 || end + 1 >= buf.length) {
          if (buf.length - start > PROTO_INLINE_MAX_SIZE) this.error = 'too big mbulk count string';
          return null;
        }
        const n = parseLength(buf, start + 1, end);
        if (n === null || n > INT_MAX) {
          if (hasNul(buf, start, end)) {
            if (buf.length - start > PROTO_INLINE_MAX_SIZE) this.error = 'too big mbulk count string';
          } else {
            this.error = 'invalid multibulk length';
          }
          return null;
        }
        if (n > 10 && this.limits.unauthenticated) {
          this.error = 'unauthenticated multibulk length';
          return null;
        }
        this.pos = end + 2;
        if (n <= 0) continue;
        this.multibulkLen = n;
        this.bulkLen = -1;
        this.startArgs(n);
        this.inline = false;
        return this.parseBulks();
      }
      const r = this.parseInline();
      if (r === undefined) return null;
      if (r.length > 0) return r;
    }
  }

  private startArgs(n: number): void {
    this.args = n <= PREALLOC_ARGS ? new Array<string>(n) : [];
    this.argc = 0;
  }

  /** Inline command: one line split like sdssplitargs. undefined = need more / error; [] = empty line. */
  private parseInline(): string[] | undefined {
    const buf = this.buf;
    const start = this.pos;
    const nl = buf.indexOf(10, start);
    if (nl < 0 || hasNul(buf, start, nl)) {
      if (buf.length - start > PROTO_INLINE_MAX_SIZE) this.error = 'too big inline request';
      return undefined;
    }
    let end = nl;
    if (end > start && buf[end - 1] === 13) end--;
    const line = buf.latin1Slice(start, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) {
      this.error = 'unbalanced quotes in request';
      return undefined;
    }
    this.inline = true;
    return argv;
  }

  /** Continue reading the bulks of the current multibulk. Returns the argv when complete. */
  private parseBulks(): string[] | null {
    const buf = this.buf;
    let pos = this.pos;
    while (this.multibulkLen > 0) {
      if (this.bulkLen === -1) {
        if (pos >= buf.length) break;
        // Fast path: a well-formed `$<digits>\r\n` within limits, parsed in one pass.
        const fast = buf[pos] === 36 ? scanLength(buf, pos + 1) : -1;
        if (fast >= 0 && fast <= this.limits.maxBulkLen && (fast <= 16384 || !this.limits.unauthenticated)) {
          pos = scanEnd + 2;
          this.bulkLen = fast;
        }
      }
      if (this.bulkLen === -1) {
        const end = buf.indexOf(13, pos);
        const n = end < 0 || end + 1 >= buf.length ? null : parseLength(buf, pos + 1, end);
        if (n === null || buf[pos] !== 36 /* '$' */ || n < 0 || n > this.limits.maxBulkLen) {
          this.pos = pos;
          if (end < 0 || end + 1 >= buf.length || hasNul(buf, pos, end)) {
            // No complete line yet (or a NUL hides its end, see the header comment).
            if (buf.length - pos > PROTO_INLINE_MAX_SIZE) {
              this.error = 'too big bulk count string';
              return null;
            }
            break;
          }
          if (buf[pos] !== 36) this.error = `expected '$', got '${String.fromCharCode(buf[pos])}'`;
          else this.error = 'invalid bulk length';
          return null;
        }
        if (n > 16384 && this.limits.unauthenticated) {
          this.error = 'unauthenticated bulk length';
          this.pos = pos;
          return null;
        }
        pos = end + 2;
        this.bulkLen = n;
      }
      const n = this.bulkLen;
      if (buf.length - pos < n + 2) {
        if (n >= PROTO_MBULK_BIG_ARG) {
          // Assemble this argument in its own buffer from now on.
          const big = Buffer.allocUnsafe(n + 2);
          const have = buf.length - pos;
          buf.copy(big, 0, pos);
          this.big = big;
          this.bigFilled = have;
          this.buf = EMPTY;
          this.pos = 0;
          return null;
        }
        break;
      }
      const i = this.argc++;
      if (i === 1 && n <= FIRST_KEY_MAX) {
        // The first argument after the name is the key of most commands: hash it from the bytes (see firstKey).
        const s = latin1(buf, pos, n);
        this.args[1] = s;
        this.firstKey = s;
        this.firstKeyHash = hashBytes(buf, pos, n);
      } else {
        this.args[i] = i === 0 && n <= MAX_INTERNED_NAME ? internName(buf, pos, n) : latin1(buf, pos, n);
      }
      pos += n + 2;
      this.bulkLen = -1;
      this.multibulkLen--;
    }
    this.pos = pos;
    if (this.multibulkLen > 0) return null;
    const argv = this.args;
    this.args = NO_ARGS;
    this.argc = 0;
    return argv;
  }
}

const EMPTY = Buffer.alloc(0);
const NO_ARGS: string[] = [];
/** Like Redis (which preallocates up to 1024 argv slots), trust the announced count only when it is small. */
const PREALLOC_ARGS = 64;

/**
 * Command names come from a tiny vocabulary, so the first argument of each command is looked up in a small
 * cache of strings already made from the same bytes: no new string per command, and the command table's
 * lookup reuses the hash V8 keeps on the cached string.
 */
const MAX_INTERNED_NAME = 24;
const NAME_CACHE_MASK = 255;
const nameCache: Array<string | undefined> = new Array(NAME_CACHE_MASK + 1).fill(undefined);

function internName(buf: Buffer, start: number, n: number): string {
  let h = n;
  for (let i = 0; i < n; i++) h = (h * 31 + buf[start + i]) | 0;
  h &= NAME_CACHE_MASK;
  const cached = nameCache[h];
  if (cached !== undefined && cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return cached;
  }
  const s = buf.latin1Slice(start, start + n);
  nameCache[h] = s;
  return s;
}

/** Where the last successful scanLength stopped (the '\r'). A module variable avoids allocating a result. */
let scanEnd = 0;

/**
 * Parse a canonical non-negative decimal (no sign, no leading zero, at most 15 digits) at buf[pos...] that is
 * followed by "\r" and one more byte. Returns the number and sets scanEnd, or -1 for anything else (incomplete
 * or unusual input), in which case the caller takes the general path with Redis's exact error handling.
 */
function scanLength(buf: Buffer, pos: number): number {
  const len = buf.length;
  let i = pos;
  if (i >= len) return -1;
  let c = buf[i];
  if (c === 48 /* '0' */) {
    if (i + 2 < len + 0 && buf[i + 1] === 13) {
      scanEnd = i + 1;
      return 0;
    }
    return -1;
  }
  if (c < 49 || c > 57) return -1;
  let n = c - 48;
  i++;
  while (i < len) {
    c = buf[i];
    if (c === 13) {
      if (i + 1 >= len || i - pos > 15) return -1;
      scanEnd = i;
      return n;
    }
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
    i++;
  }
  return -1;
}

/** True when buf[start, end) holds a NUL byte (where Redis's strchr stops looking for the line end). */
function hasNul(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

/** Parse the decimal number in buf[start, end) like string2ll; null when malformed. */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  if (start >= end) return null;
  let neg = false;
  let i = start;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i >= end) return null;
  }
  if (end - i > 18) return null;
  let v = 0;
  const first = buf[i];
  if (first === 48 /* '0' */) {
    if (end - i !== 1 || neg) return null;
    return 0;
  }
  for (; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}
