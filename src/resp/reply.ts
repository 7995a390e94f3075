/**
 * ReplyWriter: encodes replies for one client into an output buffer, RESP2 or RESP3 as the client negotiated.
 *
 * Handlers call typed methods (`bulk`, `int`, `mapLen`...) and never see the socket. Bytes accumulate in a
 * Buffer taken from a small shared pool; `flush()` hands everything accumulated since the last flush to the
 * connection's sink in one write, so a pipeline of N commands costs one syscall. When the kernel accepted the
 * whole write synchronously the buffer goes back to the pool (no allocation per batch); when the socket kept
 * it, the writer simply takes a fresh one. RESP3-only types degrade to their RESP2 form exactly as Redis's
 * networking.c does (maps become flat arrays, doubles become bulk strings, nulls become `$-1`/`*-1`).
 * Replies to clients other than the one running (pub/sub, unblocked clients, MONITOR) use the same writer;
 * the writer tells its owner when it first becomes dirty so the server can flush it after the current event.
 */

import { formatDouble } from '../util/numbers';
import { writeLatin1 } from './latin1';

/** Constant replies, encoded once (Redis's `shared.*`). */
export const SHARED = {
  ok: Buffer.from('+OK\r\n'),
  pong: Buffer.from('+PONG\r\n'),
  queued: Buffer.from('+QUEUED\r\n'),
  zero: Buffer.from(':0\r\n'),
  one: Buffer.from(':1\r\n'),
  negOne: Buffer.from(':-1\r\n'),
  negTwo: Buffer.from(':-2\r\n'),
  emptyBulk: Buffer.from('$0\r\n\r\n'),
  nullBulk2: Buffer.from('$-1\r\n'),
  nullArray2: Buffer.from('*-1\r\n'),
  null3: Buffer.from('_\r\n'),
  emptyArray: Buffer.from('*0\r\n'),
  true3: Buffer.from('#t\r\n'),
  false3: Buffer.from('#f\r\n'),
  crlf: Buffer.from('\r\n'),
};

const POOL_BUFFER_SIZE = 16 * 1024;
/** Strings longer than this are handed to the socket as their own chunk instead of being copied. */
const BIG_STRING = 64 * 1024;
/** Byte ranges up to this length are copied with a loop instead of Buffer#set (bulkBytes). */
const SMALL_STRING = 32;
const pool: Buffer[] = [];
const ONE_CHUNK: Array<Buffer | string> = [''];

/** Write `<type><decimal n>\r\n` at p (n a non-negative safe integer); returns the new position. */
function writeHeader(b: Buffer, p: number, type: number, n: number): number {
  b[p++] = type;
  if (n < 10) {
    b[p++] = 48 + n;
  } else if (n < 100) {
    b[p++] = 48 + ((n / 10) | 0);
    b[p++] = 48 + (n % 10);
  } else {
    // Count the digits arithmetically: String(n).length would put every large reply value into V8's
    // number-to-string cache, keeping thousands of strings alive through young-generation collections.
    let digits = 3;
    for (let limit = 1000; n >= limit && digits < 16; limit *= 10) digits++;
    let q = p + digits;
    p = q;
    while (n >= 1) {
      b[--q] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
  }
  b[p++] = 13;
  b[p++] = 10;
  return p;
}

function takeBuffer(minSize: number): Buffer {
  if (minSize <= POOL_BUFFER_SIZE) {
    const b = pool.pop();
    if (b !== undefined) return b;
    return Buffer.allocUnsafe(POOL_BUFFER_SIZE);
  }
  return Buffer.allocUnsafe(minSize);
}

/**
 * Receives what a writer flushes. Returns true when the data was fully written and buffers may be reused.
 * The array is only lent for the call (the writer reuses it); the chunks in it may be kept.
 */
export interface ReplySink {
  write(chunks: Array<Buffer | string>): boolean;
}

declare module 'buffer' {
  interface Buffer {
    latin1Write(s: string, offset: number, length?: number): number;
    latin1Slice(start: number, end: number): string;
  }
}

export class ReplyWriter {
  /** 2 or 3: the protocol negotiated with HELLO. */
  resp: 2 | 3 = 2;
  private buf: Buffer | null = null;
  private pos = 0;
  /** Chunks completed before `buf` (full buffers or big strings), in order. */
  private chunks: Array<Buffer | string> = [];
  /** Bytes written since the last flush (for output-buffer accounting). */
  pending = 0;
  /** Errors replied since created: the client compares before/after a command to count failed calls. */
  errors = 0;
  /** Last error text (for INFO errorstats), valid when `errors` moved. */
  lastError = '';
  /** When > 0, replies are dropped (CLIENT REPLY OFF/SKIP, or replies a MULTI needs to discard). */
  muted = 0;
  /** Called once when the writer goes from clean to dirty. */
  onDirty: (() => void) | null = null;
  private dirty = false;

  constructor(private readonly sink: ReplySink) {}

  get hasPending(): boolean {
    return this.dirty;
  }

  private markDirty(): void {
    if (!this.dirty) {
      this.dirty = true;
      if (this.onDirty !== null) this.onDirty();
    }
  }

  /** Make room for `n` more bytes in the current buffer. */
  private ensure(n: number): Buffer {
    let b = this.buf;
    if (b === null) {
      b = this.buf = takeBuffer(n);
      this.pos = 0;
      this.markDirty();
    } else if (this.pos + n > b.length) {
      this.chunks.push(b.subarray(0, this.pos));
      b = this.buf = Buffer.allocUnsafe(Math.max(POOL_BUFFER_SIZE, n));
      this.pos = 0;
    }
    return b;
  }

  /** Write an ASCII/latin1 string as-is. */
  private str(s: string): void {
    if (this.muted > 0) return;
    const n = s.length;
    if (n > BIG_STRING) {
      this.cutChunk();
      this.chunks.push(s);
      this.pending += n;
      this.markDirty();
      return;
    }
    const b = this.ensure(n);
    this.pos += b.latin1Write(s, this.pos, n);
    this.pending += n;
  }

  private cutChunk(): void {
    if (this.buf !== null && this.pos > 0) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      if (this.buf.length < 1024) this.buf = null;
    }
  }

  /** Write pre-encoded bytes (SHARED constants, or a reply encoded elsewhere). */
  raw(bytes: Buffer): void {
    if (this.muted > 0) return;
    const n = bytes.length;
    const b = this.ensure(n);
    if (n <= 16) {
      // Constant replies are a few bytes: a loop is cheaper than Buffer.copy's call.
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = bytes[i];
    } else {
      bytes.copy(b, this.pos);
    }
    this.pos += n;
    this.pending += n;
  }

  ok(): void {
    this.raw(SHARED.ok);
  }

  simple(s: string): void {
    this.str('+' + s + '\r\n');
  }

  /** An error reply; `text` starts with the code ("ERR ...") and has no CRLF. */
  error(text: string): void {
    this.errors++;
    this.lastError = text;
    this.str('-' + text + '\r\n');
  }

  int(n: number | bigint): void {
    if (n === 0) this.raw(SHARED.zero);
    else if (n === 1) this.raw(SHARED.one);
    else if (typeof n === 'number' && n >= 0 && n <= 0xffffffff) this.header(58 /* : */, n);
    else this.str(':' + n + '\r\n');
  }

  /** `<type byte><n>\r\n` for a non-negative integer n (array, map, set, push headers and integers). */
  private header(type: number, n: number): void {
    if (this.muted > 0) return;
    const b = this.ensure(24);
    const start = this.pos;
    this.pos = writeHeader(b, start, type, n);
    this.pending += this.pos - start;
  }

  /** A bulk string from a latin1 string. */
  bulk(s: string): void {
    if (this.muted > 0) return;
    const n = s.length;
    if (n > BIG_STRING) {
      this.str('$' + n + '\r\n');
      this.str(s);
      this.raw(SHARED.crlf);
      return;
    }
    const total = n + 25;
    const b = this.ensure(total);
    const start = this.pos;
    let p = writeLatin1(b, writeHeader(b, start, 36 /* $ */, n), s);
    b[p++] = 13;
    b[p++] = 10;
    this.pos = p;
    this.pending += p - start;
  }

  /** A bulk string from bytes src[offset, offset + n) (values the keyspace keeps as bytes). */
  bulkBytes(src: Buffer, offset: number, n: number): void {
    if (this.muted > 0) return;
    const b = this.ensure(n + 25);
    const start = this.pos;
    let p = writeHeader(b, start, 36 /* $ */, n);
    if (n <= SMALL_STRING) {
      for (let i = 0; i < n; i++) b[p++] = src[offset + i];
    } else {
      b.set(src.subarray(offset, offset + n), p);
      p += n;
    }
    b[p++] = 13;
    b[p++] = 10;
    this.pos = p;
    this.pending += p - start;
  }

  /** A bulk string, or the null of the protocol when `s` is null. */
  bulkOrNull(s: string | null): void {
    if (s === null) this.nullBulk();
    else this.bulk(s);
  }

  nullBulk(): void {
    this.raw(this.resp === 3 ? SHARED.null3 : SHARED.nullBulk2);
  }

  nullArray(): void {
    this.raw(this.resp === 3 ? SHARED.null3 : SHARED.nullArray2);
  }

  arrayLen(n: number): void {
    if (n === 0) this.raw(SHARED.emptyArray);
    else this.header(42 /* * */, n);
  }

  /** A map header of n pairs: `%n` in RESP3, `*2n` in RESP2. */
  mapLen(n: number): void {
    if (this.resp === 3) this.header(37 /* % */, n);
    else this.header(42 /* * */, n * 2);
  }

  /** A set header: `~n` in RESP3, `*n` in RESP2. */
  setLen(n: number): void {
    this.header(this.resp === 3 ? 126 /* ~ */ : 42 /* * */, n);
  }

  /** A push header: `>n` in RESP3, `*n` in RESP2 (pub/sub messages). */
  pushLen(n: number): void {
    this.header(this.resp === 3 ? 62 /* > */ : 42 /* * */, n);
  }

  /** A double: `,d` in RESP3, a bulk string in RESP2, formatted as Redis 7.0 does (%.17g). */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.str(',' + s + '\r\n');
    else this.bulk(s);
  }

  /** A double already formatted as the client must see it (scores stored as text). */
  doubleText(s: string): void {
    if (this.resp === 3) this.str(',' + s + '\r\n');
    else this.bulk(s);
  }

  /** RESP3 boolean; RESP2 gets 1 or 0 as Redis does. */
  bool(b: boolean): void {
    if (this.resp === 3) this.raw(b ? SHARED.true3 : SHARED.false3);
    else this.raw(b ? SHARED.one : SHARED.zero);
  }

  /** RESP3 verbatim string (`=len\r\ntxt:...`), a bulk string in RESP2 (CLIENT INFO, INFO, LOLWUT). */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 3) this.str('=' + (s.length + 4) + '\r\n' + format + ':' + s + '\r\n');
    else this.bulk(s);
  }

  /** An array of bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.arrayLen(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }

  /** Hand everything written since the last flush to the sink. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const b = this.buf;
    let chunks = this.chunks;
    const pos = this.pos;
    this.buf = null;
    this.pos = 0;
    this.pending = 0;
    if (chunks.length === 0) {
      if (b === null || pos === 0) {
        if (b !== null && b.length === POOL_BUFFER_SIZE) pool.push(b);
        return;
      }
      // The common case, one buffer: hand it over in a reused one-element array (sinks do not keep it).
      chunks = ONE_CHUNK;
      chunks[0] = b.subarray(0, pos);
    } else {
      if (b !== null && pos > 0) chunks.push(b.subarray(0, pos));
      this.chunks = [];
    }
    const single = chunks.length === 1;
    const done = this.sink.write(chunks);
    // Keep the array's one element (truncating it would free its backing store, reallocated next time).
    if (chunks === ONE_CHUNK) ONE_CHUNK[0] = '';
    if (done && b !== null && b.length === POOL_BUFFER_SIZE && single && pool.length < 16) {
      pool.push(b);
    }
  }

  /** Drop everything not yet flushed (a client being closed). */
  discard(): void {
    this.buf = null;
    this.chunks = [];
    this.pos = 0;
    this.pending = 0;
    this.dirty = false;
  }
}
