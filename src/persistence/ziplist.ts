/**
 * Decoders for the two legacy compact containers that RDB files written by Redis before 7.0 carry and that
 * Redis 7.0 still loads (converting them to listpacks): the ziplist (LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST
 * and the nodes of LIST_QUICKLIST) and the even older zipmap (HASH_ZIPMAP, RDB version < 4 era hashes).
 * Nothing here encodes: Redis 7.0 never writes either format.
 *
 * Ziplist: <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> <entry>* <0xFF>; each entry is <prevlen: 1 byte, or
 * 0xFE + u32 LE> <encoding> <data>. Zipmap: <count u8> then <len><key><len><free u8><value><free bytes> pairs
 * and 0xFF, where a len is one byte below 254 or 254 + u32 LE. Elements come back as latin1 strings, integers
 * as decimal text. Every read is bounds-checked: a corrupt blob throws, it never reads past its end.
 */

import { asBuffer } from './listpack';

function corrupt(kind: string, what: string): never {
  throw new Error(`Corrupt ${kind}: ${what}`);
}


const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 0xfe;
const ZIPLIST_HEADER_SIZE = 10;

/** Decodes the ziplist in buf[start, end), appending its elements to `out`. */
export function decodeZiplist(buf: Uint8Array, start: number, end: number, out: string[] = []): string[] {
  const b = asBuffer(buf);
  if (end - start < ZIPLIST_HEADER_SIZE + 1) corrupt('ziplist', 'too short');
  if (b.readUInt32LE(start) !== end - start) corrupt('ziplist', 'header size does not match blob size');
  const declared = b.readUInt16LE(start + 8);
  const last = end - 1;
  let p = start + ZIPLIST_HEADER_SIZE;
  let n = 0;
  while (p < last) {
    // prevlen
    if (b[p] === ZIP_BIG_PREVLEN) p += 5;
    else p += 1;
    if (p >= last) corrupt('ziplist', 'entry overruns');
    const e = b[p];
    const kind = e >> 6;
    if (kind === 0) {
      const len = e & 0x3f;
      if (p + 1 + len > last) corrupt('ziplist', 'string overruns');
      out.push(b.latin1Slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === 1) {
      if (p + 2 > last) corrupt('ziplist', 'entry overruns');
      const len = ((e & 0x3f) << 8) | b[p + 1];
      if (p + 2 + len > last) corrupt('ziplist', 'string overruns');
      out.push(b.latin1Slice(p + 2, p + 2 + len));
      p += 2 + len;
    } else if (kind === 2) {
      if (e !== 0x80) corrupt('ziplist', `bad encoding 0x${e.toString(16)}`);
      if (p + 5 > last) corrupt('ziplist', 'entry overruns');
      const len = b.readUInt32BE(p + 1);
      if (p + 5 + len > last) corrupt('ziplist', 'string overruns');
      out.push(b.latin1Slice(p + 5, p + 5 + len));
      p += 5 + len;
    } else {
      let size: number;
      let v: string;
      if (e === 0xc0) {
        size = 2;
        if (p + 1 + size > last) corrupt('ziplist', 'int overruns');
        v = String(b.readInt16LE(p + 1));
      } else if (e === 0xd0) {
        size = 4;
        if (p + 1 + size > last) corrupt('ziplist', 'int overruns');
        v = String(b.readInt32LE(p + 1));
      } else if (e === 0xe0) {
        size = 8;
        if (p + 1 + size > last) corrupt('ziplist', 'int overruns');
        v = b.readBigInt64LE(p + 1).toString();
      } else if (e === 0xf0) {
        size = 3;
        if (p + 1 + size > last) corrupt('ziplist', 'int overruns');
        v = String(b.readIntLE(p + 1, 3));
      } else if (e === 0xfe) {
        size = 1;
        if (p + 1 + size > last) corrupt('ziplist', 'int overruns');
        v = String(b.readInt8(p + 1));
      } else if (e >= 0xf1 && e <= 0xfd) {
        size = 0;
        v = String((e & 0x0f) - 1);
      } else {
        corrupt('ziplist', `bad encoding 0x${e.toString(16)}`);
      }
      out.push(v);
      p += 1 + size;
    }
    n++;
  }
  if (p !== last || b[last] !== ZIP_END) corrupt('ziplist', 'missing terminator');
  // zllen saturates at 65535: only a smaller value is an exact count to check.
  if (declared < 65535 && declared !== n) corrupt('ziplist', 'element count mismatch');
  return out;
}

/** Decodes the zipmap in buf[start, end) into [field, value] pairs. */
export function decodeZipmap(buf: Uint8Array, start: number, end: number): Array<[string, string]> {
  const b = asBuffer(buf);
  const out: Array<[string, string]> = [];
  let p = start + 1; // skip the count byte (saturates at 254: not trusted)
  const readLen = (): number => {
    if (p >= end) corrupt('zipmap', 'truncated');
    const first = b[p];
    if (first < 254) {
      p += 1;
      return first;
    }
    if (first === 254) {
      if (p + 5 > end) corrupt('zipmap', 'truncated');
      const len = b.readUInt32LE(p + 1);
      p += 5;
      return len;
    }
    corrupt('zipmap', 'unexpected end marker');
  };
  for (;;) {
    if (p >= end) corrupt('zipmap', 'missing terminator');
    if (b[p] === ZIP_END) break;
    const klen = readLen();
    if (p + klen > end) corrupt('zipmap', 'field overruns');
    const field = b.latin1Slice(p, p + klen);
    p += klen;
    const vlen = readLen();
    if (p >= end) corrupt('zipmap', 'truncated');
    const free = b[p++];
    if (p + vlen + free > end) corrupt('zipmap', 'value overruns');
    const value = b.latin1Slice(p, p + vlen);
    p += vlen + free;
    out.push([field, value]);
  }
  if (p !== end - 1) corrupt('zipmap', 'trailing bytes after terminator');
  return out;
}
