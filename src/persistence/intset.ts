/**
 * Intset encoding and decoding (Redis intset.c), the serialized form of small all-integer sets
 * (RDB_TYPE_SET_INTSET): <encoding u32 LE: 2, 4 or 8 bytes per element> <length u32 LE> <sorted unique
 * signed little-endian integers>. Members are latin1 strings on our side, so encoding is only possible when
 * every member is a canonical int64 (see `intsetMembers`), and decoding gives decimal text back.
 */

import { asBuffer, parseCanonicalInt64 } from './listpack';

/**
 * If every member is a canonical int64 text, returns them as numbers/bigints (unsorted); otherwise null.
 * Used by the writer to decide between SET_INTSET and a plain SET.
 */
export function intsetMembers(members: readonly string[]): Array<number | bigint> | null {
  const out: Array<number | bigint> = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const v = parseCanonicalInt64(members[i]);
    if (v === null) return null;
    out[i] = v;
  }
  return out;
}

/** Encodes integers (unique; any order) as an intset using the narrowest width that fits them all. */
export function encodeIntset(values: ReadonlyArray<number | bigint>): Buffer {
  const sorted = values.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) {
      width = 8;
      break;
    }
    if (v < -32768 || v > 32767) width = 4;
  }
  const out = Buffer.allocUnsafe(8 + width * sorted.length);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(sorted.length, 4);
  let p = 8;
  for (const v of sorted) {
    if (width === 2) out.writeInt16LE(v as number, p);
    else if (width === 4) out.writeInt32LE(v as number, p);
    else out.writeBigInt64LE(BigInt(v), p);
    p += width;
  }
  return out;
}

/** Decodes the intset in buf[start, end) into decimal-text members; throws on a malformed blob. */
export function decodeIntset(buf: Uint8Array, start: number, end: number): string[] {
  const b = asBuffer(buf);
  if (end - start < 8) throw new Error('Corrupt intset: too short');
  const width = b.readUInt32LE(start);
  const len = b.readUInt32LE(start + 4);
  if (width !== 2 && width !== 4 && width !== 8) throw new Error(`Corrupt intset: bad encoding ${width}`);
  if (8 + width * len !== end - start) throw new Error('Corrupt intset: length does not match blob size');
  const out: string[] = new Array(len);
  let p = start + 8;
  for (let i = 0; i < len; i++, p += width) {
    out[i] = width === 2 ? String(b.readInt16LE(p)) : width === 4 ? String(b.readInt32LE(p)) : b.readBigInt64LE(p).toString();
  }
  return out;
}
