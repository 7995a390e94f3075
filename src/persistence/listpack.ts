/**
 * Listpack encoding and decoding (Redis 7.0 listpack.c), the compact serialized container that RDB files use
 * for small hashes and sorted sets (HASH_LISTPACK, ZSET_LISTPACK) and for every quicklist node
 * (LIST_QUICKLIST_2).
 *
 * Layout: <total-bytes u32 LE> <count u16 LE, 65535 = unknown> <entry>* <0xFF>. An entry is an encoding byte
 * (small int, 13/16/24/32/64-bit int, or 6/12/32-bit string length), its data, then a "backlen": the size of
 * encoding+data written in 7-bit groups so the list can also be walked backwards. Decoding here only walks
 * forwards, so it computes each backlen's size from the entry size and skips it.
 *
 * Elements are latin1 strings (one char per byte). Strings that are canonical 64-bit integers are stored as
 * integers, exactly as lpAppend does, and integers decode back to their decimal text: the round trip is exact.
 */

// Node's fast, undocumented latin1 paths (one char per byte, no encoding lookup); also declared in
// src/resp/reply.ts. Every persistence decoder uses them, through this module.
declare module 'buffer' {
  interface Buffer {
    latin1Write(s: string, offset: number, length?: number): number;
    latin1Slice(start: number, end: number): string;
  }
}

/** A Buffer view of any Uint8Array (no copy), so decoders can use Buffer's typed reads. */
export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Listpack header (total bytes + element count) and terminator sizes. */
export const LP_HEADER_SIZE = 6;
const LP_EOF = 0xff;
const LP_COUNT_UNKNOWN = 65535;

/** A canonical decimal int64 as Redis's string2ll / lpStringToInt64 accept it: no '+', no leading zeros, no "-0". */
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,18})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * If s is the canonical text of an int64, returns it as a number (when |v| < 2^53) or a bigint; else null.
 * Shared with the intset encoder.
 */
export function parseCanonicalInt64(s: string): number | bigint | null {
  if (s.length === 0 || s.length > 20 || !CANONICAL_INT.test(s)) return null;
  if (s.length <= 15) return Number(s);
  const b = BigInt(s);
  if (b < INT64_MIN || b > INT64_MAX) return null;
  return b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b;
}

/**
 * Bytes element s takes inside a listpack (encoding, data and backlen), so a writer can plan node boundaries
 * before encoding anything.
 */
export function listpackEntrySize(s: string): number {
  const iv = s.length <= 20 ? parseCanonicalInt64(s) : null;
  if (iv !== null) {
    if (typeof iv === 'bigint') return 10;
    if (iv >= 0 && iv <= 127) return 2;
    if (iv >= -4096 && iv <= 4095) return 3;
    if (iv >= -32768 && iv <= 32767) return 4;
    if (iv >= -8388608 && iv <= 8388607) return 5;
    if (iv >= -2147483648 && iv <= 2147483647) return 6;
    return 10;
  }
  const len = s.length;
  const l = (len <= 63 ? 1 : len <= 4095 ? 2 : 5) + len;
  return l + backlenSize(l);
}

/** Size of the backlen field for an entry whose encoding+data take l bytes. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/**
 * Builds one listpack in a reusable, growing scratch buffer. `append` adds an element; `finish` patches the
 * header and returns a view of the bytes, valid until the next `reset`/`append`.
 */
export class ListpackBuilder {
  private buf: Buffer = Buffer.allocUnsafe(8192 + 64);
  private pos = LP_HEADER_SIZE;
  private n = 0;

  reset(): void {
    this.pos = LP_HEADER_SIZE;
    this.n = 0;
  }

  /** Elements appended since the last reset. */
  get count(): number {
    return this.n;
  }

  /** Size in bytes the listpack would have if finished now (header, entries, terminator). */
  get size(): number {
    return this.pos + 1;
  }

  private ensure(extra: number): void {
    if (this.pos + extra + 1 <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra + 1) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends an element (latin1 string); canonical integers are stored in integer encodings. */
  append(s: string): void {
    const iv = s.length <= 20 ? parseCanonicalInt64(s) : null;
    if (iv !== null) this.appendInt(iv);
    else this.appendString(s);
    this.n++;
  }

  private appendInt(v: number | bigint): void {
    this.ensure(9 + 1);
    const b = this.buf;
    let p = this.pos;
    let l: number;
    if (typeof v === 'bigint') {
      b[p] = 0xf4;
      b.writeBigInt64LE(v, p + 1);
      l = 9;
    } else if (v >= 0 && v <= 127) {
      b[p] = v;
      l = 1;
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      b[p] = (u >> 8) | 0xc0;
      b[p + 1] = u & 0xff;
      l = 2;
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xf1;
      b.writeInt16LE(v, p + 1);
      l = 3;
    } else if (v >= -8388608 && v <= 8388607) {
      b[p] = 0xf2;
      b.writeIntLE(v, p + 1, 3);
      l = 4;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xf3;
      b.writeInt32LE(v, p + 1);
      l = 5;
    } else {
      b[p] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p + 1);
      l = 9;
    }
    p += l;
    b[p++] = l; // every int entry is at most 9 bytes: a one-byte backlen
    this.pos = p;
  }

  private appendString(s: string): void {
    const len = s.length;
    const hdr = len <= 63 ? 1 : len <= 4095 ? 2 : 5;
    const l = hdr + len;
    this.ensure(l + 5);
    const b = this.buf;
    let p = this.pos;
    if (hdr === 1) {
      b[p++] = 0x80 | len;
    } else if (hdr === 2) {
      b[p++] = 0xe0 | (len >> 8);
      b[p++] = len & 0xff;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(len, p);
      p += 4;
    }
    if (len > 0) p += b.latin1Write(s, p, len);
    // Backlen: most significant 7-bit group first; every byte but the first has the high bit set.
    const bl = backlenSize(l);
    for (let i = bl - 1; i >= 0; i--) {
      const group = Math.floor(l / 2 ** (7 * i)) & 127;
      b[p++] = i === bl - 1 ? group : group | 128;
    }
    this.pos = p;
  }

  /** Writes the header and terminator; returns the listpack bytes (a view into the scratch buffer). */
  finish(): Buffer {
    const b = this.buf;
    b[this.pos] = LP_EOF;
    const total = this.pos + 1;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(this.n < LP_COUNT_UNKNOWN ? this.n : LP_COUNT_UNKNOWN, 4);
    return b.subarray(0, total);
  }
}

/** Encodes items as one listpack (a fresh Buffer). */
export function encodeListpack(items: readonly string[]): Buffer {
  const lp = new ListpackBuilder();
  for (const s of items) lp.append(s);
  return Buffer.from(lp.finish());
}

function corrupt(what: string): never {
  throw new Error(`Corrupt listpack: ${what}`);
}

/**
 * Decodes the listpack in buf[start, end) and appends its elements to `out` (latin1 strings; integers as
 * decimal text). Validates the header, every entry's bounds and the element count; throws on corruption.
 */
export function decodeListpack(buf: Uint8Array, start: number, end: number, out: string[] = []): string[] {
  if (end - start < LP_HEADER_SIZE + 1) corrupt('too short');
  const total = (buf[start] | (buf[start + 1] << 8) | (buf[start + 2] << 16) | (buf[start + 3] << 24)) >>> 0;
  if (total !== end - start) corrupt('header size does not match blob size');
  const declared = buf[start + 4] | (buf[start + 5] << 8);
  const b = asBuffer(buf);
  const last = end - 1; // position of the terminator
  let p = start + LP_HEADER_SIZE;
  let n = 0;
  while (p < last) {
    const e = b[p];
    let l: number; // encoding + data size
    if (e < 0x80) {
      out.push(String(e));
      l = 1;
    } else if (e < 0xc0) {
      const len = e & 0x3f;
      l = 1 + len;
      if (p + l > last) corrupt('string overruns');
      out.push(b.latin1Slice(p + 1, p + l));
    } else if (e < 0xe0) {
      if (p + 2 > last) corrupt('int overruns');
      const u = ((e & 0x1f) << 8) | b[p + 1];
      out.push(String(u >= 4096 ? u - 8192 : u));
      l = 2;
    } else if (e < 0xf0) {
      if (p + 2 > last) corrupt('string header overruns');
      const len = ((e & 0x0f) << 8) | b[p + 1];
      l = 2 + len;
      if (p + l > last) corrupt('string overruns');
      out.push(b.latin1Slice(p + 2, p + l));
    } else if (e === 0xf0) {
      if (p + 5 > last) corrupt('string header overruns');
      const len = b.readUInt32LE(p + 1);
      l = 5 + len;
      if (p + l > last) corrupt('string overruns');
      out.push(b.latin1Slice(p + 5, p + l));
    } else if (e >= 0xf1 && e <= 0xf4) {
      l = e === 0xf1 ? 3 : e === 0xf2 ? 4 : e === 0xf3 ? 5 : 9;
      if (p + l > last) corrupt('int overruns');
      if (e === 0xf1) out.push(String(b.readInt16LE(p + 1)));
      else if (e === 0xf2) out.push(String(b.readIntLE(p + 1, 3)));
      else if (e === 0xf3) out.push(String(b.readInt32LE(p + 1)));
      else out.push(b.readBigInt64LE(p + 1).toString());
    } else {
      corrupt(`bad entry encoding 0x${e.toString(16)}`);
    }
    p += l + backlenSize(l);
    n++;
  }
  if (p !== last || b[last] !== LP_EOF) corrupt('missing terminator');
  if (declared !== LP_COUNT_UNKNOWN && declared !== n) corrupt('element count mismatch');
  return out;
}
