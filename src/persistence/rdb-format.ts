/**
 * The RDB file format as Redis 7.0 writes it (version 10), kept apart from the keyspace: `RdbWriter` turns
 * a stream of (db, key, value, expiry) calls into RDB bytes, and `readRdb` walks an RDB file and hands each
 * key to a visitor as a plain tagged union (`RdbValue`). Whoever saves or loads the keyspace (rdb.ts, DEBUG
 * RELOAD, DUMP/RESTORE, replication) adapts between those unions and the live data structures; nothing in
 * here knows about them.
 *
 * Why it is built this way:
 * - The writer fills fixed 64 KiB chunks and either hands each to a sink (a file write) or keeps them for one
 *   final concat, checksumming each chunk as it leaves; a large dataset never needs one huge buffer and no
 *   byte is copied twice. Strings go straight from their latin1 form into the chunk.
 * - The writer emits what Redis 7.0 emits for the same data where it matters to the loader (integer-encoded
 *   and LZF-compressed strings, quicklist-2 lists of 8 KiB listpack nodes, intsets for small integer sets,
 *   binary double scores) and the simple hashtable types for hashes and sets otherwise: Redis converts those
 *   to its compact encodings on load, so the file stays simple without costing the loader anything.
 * - The reader accepts every type Redis 7.0 itself loads (versions 1 to 10: ziplists, zipmaps, intsets,
 *   listpacks, both quicklists, string and binary doubles), refuses streams and module values with a clear
 *   message, and bounds-checks every read: a truncated or corrupt file raises `RdbError`, never a hang, an
 *   out-of-range read or an allocation bigger than the file can justify.
 *
 * Keys, string values and elements are latin1 strings (one char per byte), never UTF-8.
 */

import { Crc64, crc64 } from './crc64';
import { decodeIntset, encodeIntset, intsetMembers } from './intset';
import { asBuffer, decodeListpack, ListpackBuilder, listpackEntrySize, LP_HEADER_SIZE } from './listpack';
import { lzfCompress, lzfDecompress } from './lzf';
import { decodeZiplist, decodeZipmap } from './ziplist';
import { listpackScoreText } from '../types/zset';

/** The RDB version Redis 7.0 writes, and the newest it loads. */
export const RDB_VERSION = 10;

/** Object type bytes (rdb.h). */
export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Special opcodes that take the place of a type byte (rdb.h). */
export const RDB_OPCODE = {
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Length-prefix special encodings (the low 6 bits after a 0b11 prefix). */
const RDB_ENC_INT8 = 0;
const RDB_ENC_INT16 = 1;
const RDB_ENC_INT32 = 2;
const RDB_ENC_LZF = 3;

/** Quicklist-2 node containers. */
const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** Module value opcodes (used to skip MODULE_AUX payloads). */
const RDB_MODULE_OPCODE_EOF = 0;
const RDB_MODULE_OPCODE_SINT = 1;
const RDB_MODULE_OPCODE_UINT = 2;
const RDB_MODULE_OPCODE_FLOAT = 3;
const RDB_MODULE_OPCODE_DOUBLE = 4;
const RDB_MODULE_OPCODE_STRING = 5;

/**
 * A key's value as it crosses the RDB boundary. Elements are latin1 strings. Order is the file's order (for
 * a zset that Redis wrote as ZSET_2, highest score first); sets and hashes carry no duplicates.
 */
export type RdbValue =
  | { type: 'string'; value: string }
  | { type: 'list'; items: string[] }
  | { type: 'set'; members: string[] }
  | { type: 'zset'; entries: Array<[member: string, score: number]> }
  | { type: 'hash'; entries: Array<[field: string, value: string]> };

/** Thrown for any file the reader cannot accept: truncated, corrupt, bad checksum, unsupported type. */
export class RdbError extends Error {
  override name = 'RdbError';
}

// ---------------------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------------------

export interface RdbWriterOptions {
  /** Receives the file in order, chunk by chunk; each chunk is handed over for good. Without it, `finish`
   *  returns the whole file as one Buffer. */
  sink?: (chunk: Buffer) => void;
  /** LZF-compress strings longer than 20 bytes when it saves at least 4 (rdbcompression). Default true. */
  compression?: boolean;
  /** Write the CRC-64 trailer (rdbchecksum); when false the trailer is 0, meaning "not checked". Default true. */
  checksum?: boolean;
  /** The `ctime` aux field, in seconds. Default: now. */
  ctimeSec?: number;
  /** The `used-mem` aux field, in bytes. Default: this process's heap in use. */
  usedMem?: number;
  /** List elements this long or longer get a PLAIN quicklist node of their own, as Redis does for elements
   *  at or above `packed_threshold` (1 GiB by default, so in practice never). Default 2^30. */
  listPlainThreshold?: number;
  /** Maximum listpack size of a quicklist node, as list-max-listpack-size -2 gives. Default 8192. */
  listNodeMaxBytes?: number;
  /** Sets of at most this many integers are written as SET_INTSET (set-max-intset-entries). Default 512. */
  setMaxIntsetEntries?: number;
  /** Output chunk size in bytes. Default 64 KiB. */
  chunkSize?: number;
  /** Write no magic and no aux fields: the writer serializes one lone value (DUMP, see createDumpPayload). */
  bare?: boolean;
}

const INT32_TEXT = /^(?:0|-?[1-9][0-9]{0,9})$/;

/**
 * Writes an RDB version 10 file. The constructor emits the magic and Redis's aux fields (redis-ver,
 * redis-bits, ctime, used-mem, aof-base); then call, in file order: any `aux`/`functionLibrary`, and per
 * database `selectDb`, `resizeDb`, `writeKey`...; finally `finish` (EOF opcode and checksum).
 */
export class RdbWriter {
  private readonly sink: ((chunk: Buffer) => void) | undefined;
  private readonly chunks: Buffer[] = [];
  private readonly crc = new Crc64();
  private readonly compression: boolean;
  private readonly checksum: boolean;
  private readonly plainThreshold: number;
  private readonly nodeMaxBytes: number;
  private readonly maxIntsetEntries: number;
  private readonly chunkSize: number;
  private chunk: Buffer;
  private pos = 0;
  private flushed = 0;
  private finished = false;
  private lzfIn: Buffer = Buffer.allocUnsafe(0);
  private lzfOut: Buffer = Buffer.allocUnsafe(0);
  private readonly lp = new ListpackBuilder();

  constructor(options: RdbWriterOptions = {}) {
    this.sink = options.sink;
    this.compression = options.compression ?? true;
    this.checksum = options.checksum ?? true;
    this.plainThreshold = options.listPlainThreshold ?? 2 ** 30;
    this.nodeMaxBytes = options.listNodeMaxBytes ?? 8192;
    this.maxIntsetEntries = options.setMaxIntsetEntries ?? 512;
    this.chunkSize = Math.max(options.chunkSize ?? 65536, 64);
    this.chunk = Buffer.allocUnsafe(this.chunkSize);

    if (options.bare === true) return;
    this.pos += this.chunk.latin1Write('REDIS' + String(RDB_VERSION).padStart(4, '0'), 0);
    this.aux('redis-ver', '7.0.15');
    this.aux('redis-bits', '64');
    this.aux('ctime', String(Math.floor(options.ctimeSec ?? Date.now() / 1000)));
    this.aux('used-mem', String(Math.floor(options.usedMem ?? process.memoryUsage().heapUsed)));
    this.aux('aof-base', '0');
  }

  /** Bytes produced so far. */
  get bytesWritten(): number {
    return this.flushed + this.pos;
  }

  /** An AUX field (RDB_OPCODE_AUX): informational key/value pair. */
  aux(key: string, value: string): void {
    this.byte(RDB_OPCODE.AUX);
    this.string(key);
    this.string(value);
  }

  /** A function library's source (RDB_OPCODE_FUNCTION2), as Redis saves each library before the keys. */
  functionLibrary(code: string): void {
    this.byte(RDB_OPCODE.FUNCTION2);
    this.string(code);
  }

  /** Starts database `db`: the keys that follow belong to it. */
  selectDb(db: number): void {
    this.byte(RDB_OPCODE.SELECTDB);
    this.length(db);
  }

  /** Hints the loader to presize the current database's tables. */
  resizeDb(size: number, expiresSize: number): void {
    this.byte(RDB_OPCODE.RESIZEDB);
    this.length(size);
    this.length(expiresSize);
  }

  /**
   * Writes one key. `expireAtMs` is an absolute Unix time in ms; a negative value (-1) means no expiry.
   * `evictionInfo` adds the IDLE or FREQ opcode Redis writes under an LRU or LFU maxmemory-policy.
   */
  writeKey(key: string, value: RdbValue, expireAtMs = -1, evictionInfo?: { idleSec?: number; freq?: number }): void {
    if (expireAtMs >= 0) {
      this.ensure(9);
      this.chunk[this.pos++] = RDB_OPCODE.EXPIRETIME_MS;
      this.chunk.writeBigInt64LE(BigInt(Math.floor(expireAtMs)), this.pos);
      this.pos += 8;
    }
    if (evictionInfo !== undefined) {
      if (evictionInfo.idleSec !== undefined && evictionInfo.idleSec >= 0) {
        this.byte(RDB_OPCODE.IDLE);
        this.length(Math.floor(evictionInfo.idleSec));
      }
      if (evictionInfo.freq !== undefined && evictionInfo.freq >= 0) {
        this.byte(RDB_OPCODE.FREQ);
        this.byte(Math.min(255, Math.floor(evictionInfo.freq)));
      }
    }
    switch (value.type) {
      case 'string':
        this.byte(RDB_TYPE.STRING);
        this.string(key);
        this.string(value.value);
        break;
      case 'list':
        this.byte(RDB_TYPE.LIST_QUICKLIST_2);
        this.string(key);
        this.quicklist(value.items);
        break;
      case 'set':
        this.set(key, value.members);
        break;
      case 'zset': {
        this.byte(RDB_TYPE.ZSET_2);
        this.string(key);
        const entries = value.entries;
        this.length(entries.length);
        for (let i = 0; i < entries.length; i++) {
          this.string(entries[i][0]);
          this.ensure(8);
          this.chunk.writeDoubleLE(entries[i][1], this.pos);
          this.pos += 8;
        }
        break;
      }
      case 'hash': {
        this.byte(RDB_TYPE.HASH);
        this.string(key);
        const entries = value.entries;
        this.length(entries.length);
        for (let i = 0; i < entries.length; i++) {
          this.string(entries[i][0]);
          this.string(entries[i][1]);
        }
        break;
      }
      default:
        throw new Error(`RdbWriter: unknown value type ${(value as { type: unknown }).type}`);
    }
  }

  /** Writes the EOF opcode and checksum. Returns the whole file, or an empty Buffer when a sink was given. */
  finish(): Buffer {
    if (this.finished) throw new Error('RdbWriter: finish() called twice');
    this.byte(RDB_OPCODE.EOF);
    this.flush();
    const trailer = Buffer.alloc(8);
    if (this.checksum) this.crc.writeLE(trailer, 0);
    this.emit(trailer, false);
    this.finished = true;
    if (this.sink) return Buffer.alloc(0);
    const out = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return out;
  }

  /**
   * DUMP's body for one value (createDumpPayload): the type byte and the value, no key. `compact` asks for
   * the encodings Redis keeps small values in and dumps as they are: SET_INTSET, HASH_LISTPACK and
   * ZSET_LISTPACK (whose pairs go lowest score first, the reverse of RdbValue's zset order). Lists are cut
   * into quicklist nodes as RPUSH fills them under list-max-listpack-size `listFill`. Only with `bare`.
   */
  writeDumpObject(value: RdbValue, compact: boolean, listFill: number): void {
    switch (value.type) {
      case 'string':
        this.byte(RDB_TYPE.STRING);
        this.string(value.value);
        return;
      case 'list':
        this.byte(RDB_TYPE.LIST_QUICKLIST_2);
        this.dumpQuicklist(value.items, listFill);
        return;
      case 'set': {
        const ints = compact ? intsetMembers(value.members) : null;
        if (ints !== null) {
          this.byte(RDB_TYPE.SET_INTSET);
          this.blob(encodeIntset(ints));
          return;
        }
        this.byte(RDB_TYPE.SET);
        this.length(value.members.length);
        for (let i = 0; i < value.members.length; i++) this.string(value.members[i]);
        return;
      }
      case 'hash': {
        const entries = value.entries;
        if (compact) {
          this.byte(RDB_TYPE.HASH_LISTPACK);
          const lp = this.lp;
          lp.reset();
          for (let i = 0; i < entries.length; i++) {
            lp.append(entries[i][0]);
            lp.append(entries[i][1]);
          }
          this.blob(lp.finish());
          return;
        }
        this.byte(RDB_TYPE.HASH);
        this.length(entries.length);
        for (let i = 0; i < entries.length; i++) {
          this.string(entries[i][0]);
          this.string(entries[i][1]);
        }
        return;
      }
      case 'zset': {
        const entries = value.entries;
        if (compact) {
          this.byte(RDB_TYPE.ZSET_LISTPACK);
          const lp = this.lp;
          lp.reset();
          for (let i = entries.length - 1; i >= 0; i--) {
            lp.append(entries[i][0]);
            lp.append(listpackScoreText(entries[i][1]));
          }
          this.blob(lp.finish());
          return;
        }
        this.byte(RDB_TYPE.ZSET_2);
        this.length(entries.length);
        for (let i = 0; i < entries.length; i++) {
          this.string(entries[i][0]);
          this.ensure(8);
          this.chunk.writeDoubleLE(entries[i][1], this.pos);
          this.pos += 8;
        }
        return;
      }
      default:
        throw new Error(`RdbWriter: unknown value type ${(value as { type: unknown }).type}`);
    }
  }

  /** Ends a DUMP payload: the RDB version (2 bytes LE) and the CRC-64 of everything (8 bytes LE). */
  finishDump(): Buffer {
    if (this.finished) throw new Error('RdbWriter: finish() called twice');
    this.ensure(2);
    this.chunk[this.pos++] = RDB_VERSION & 0xff;
    this.chunk[this.pos++] = RDB_VERSION >> 8;
    this.flush();
    const trailer = Buffer.alloc(8);
    this.crc.writeLE(trailer, 0);
    this.emit(trailer, false);
    this.finished = true;
    const out = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return out;
  }

  /**
   * LIST_QUICKLIST_2 body with Redis's node boundaries for a list built by RPUSH (_quicklistNodeAllowInsert):
   * an element joins the tail node while node bytes + element length + 8 stay within the size class of a
   * negative fill (or, for a positive fill, within 8 KiB and under `fill` elements); elements of 1 GiB or
   * more get a PLAIN node of their own.
   */
  private dumpQuicklist(items: readonly string[], fill: number): void {
    if (fill > 32767) fill = 32767;
    else if (fill < -5) fill = -5;
    const sizeLimit = fill < 0 ? 4096 << (-fill - 1) : 0;
    const starts: number[] = [];
    let nodeBytes = 0;
    let nodeCount = 0;
    let nodeOpen = false;
    for (let i = 0; i < items.length; i++) {
      const len = items[i].length;
      if (len >= this.plainThreshold) {
        starts.push(i);
        nodeOpen = false;
        continue;
      }
      let allow = false;
      if (nodeOpen) {
        const newSz = nodeBytes + len + 8;
        if (fill < 0 && newSz <= sizeLimit) allow = true;
        else if (newSz > 8192) allow = false;
        else allow = nodeCount < fill;
      }
      if (!allow) {
        starts.push(i);
        nodeOpen = true;
        nodeBytes = LP_HEADER_SIZE + 1;
        nodeCount = 0;
      }
      nodeBytes += listpackEntrySize(items[i]);
      nodeCount++;
    }
    this.quicklistNodes(items, starts);
  }

  // --- value bodies ------------------------------------------------------------------------------------

  /**
   * The node count and the nodes of a LIST_QUICKLIST_2 body, given where each node starts (both node planners,
   * the RDB one by listpack size and the DUMP one by Redis's fill rules, end here).
   */
  private quicklistNodes(items: readonly string[], starts: readonly number[]): void {
    this.length(starts.length);
    for (let n = 0; n < starts.length; n++) {
      const from = starts[n];
      const to = n + 1 < starts.length ? starts[n + 1] : items.length;
      if (items[from].length >= this.plainThreshold) {
        this.length(QUICKLIST_NODE_CONTAINER_PLAIN);
        this.string(items[from]);
        continue;
      }
      this.length(QUICKLIST_NODE_CONTAINER_PACKED);
      const lp = this.lp;
      lp.reset();
      for (let i = from; i < to; i++) lp.append(items[i]);
      this.blob(lp.finish());
    }
  }

  /** LIST_QUICKLIST_2 body: node count, then per node its container and a listpack (or one plain element). */
  private quicklist(items: readonly string[]): void {
    // Plan node boundaries first: the node count precedes the nodes.
    const starts: number[] = [];
    let nodeSize = 0;
    let nodeOpen = false;
    const headerAndEnd = 7;
    for (let i = 0; i < items.length; i++) {
      if (items[i].length >= this.plainThreshold) {
        starts.push(i);
        nodeOpen = false;
        continue;
      }
      const sz = listpackEntrySize(items[i]);
      if (!nodeOpen || nodeSize + sz > this.nodeMaxBytes) {
        starts.push(i);
        nodeOpen = true;
        nodeSize = headerAndEnd;
      }
      nodeSize += sz;
    }
    this.quicklistNodes(items, starts);
  }

  private set(key: string, members: readonly string[]): void {
    const ints = members.length <= this.maxIntsetEntries ? intsetMembers(members) : null;
    if (ints !== null && members.length > 0) {
      this.byte(RDB_TYPE.SET_INTSET);
      this.string(key);
      this.blob(encodeIntset(ints));
      return;
    }
    this.byte(RDB_TYPE.SET);
    this.string(key);
    this.length(members.length);
    for (let i = 0; i < members.length; i++) this.string(members[i]);
  }

  // --- primitives --------------------------------------------------------------------------------------

  private byte(b: number): void {
    this.ensure(1);
    this.chunk[this.pos++] = b;
  }

  /** An RDB length: 6-bit, 14-bit, 32-bit or 64-bit big-endian form. */
  private length(n: number): void {
    this.ensure(9);
    const c = this.chunk;
    if (n < 64) {
      c[this.pos++] = n;
    } else if (n < 16384) {
      c[this.pos++] = 0x40 | (n >> 8);
      c[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      c[this.pos++] = 0x80;
      c.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      c[this.pos++] = 0x81;
      c.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /**
   * A string as rdbSaveRawString writes it: integer-encoded when it is the canonical text of an int32 (11
   * chars at most), LZF-compressed when longer than 20 bytes and compression pays, else length + bytes.
   */
  private string(s: string): void {
    const len = s.length;
    if (len <= 11 && len > 0) {
      const c0 = s.charCodeAt(0);
      if (((c0 >= 48 && c0 <= 57) || c0 === 45) && INT32_TEXT.test(s)) {
        const v = Number(s);
        if (v >= -2147483648 && v <= 2147483647) {
          this.intString(v);
          return;
        }
      }
    }
    if (this.compression && len > 20) {
      if (this.lzfIn.length < len) this.lzfIn = Buffer.allocUnsafe(Math.max(len, this.lzfIn.length * 2));
      this.lzfIn.latin1Write(s, 0, len);
      if (this.lzf(this.lzfIn, 0, len)) return;
    }
    this.length(len);
    this.latin1(s);
  }

  /** A binary blob (listpack, intset) through the same path: LZF when it pays, else length + bytes. */
  private blob(b: Uint8Array): void {
    if (this.compression && b.length > 20 && this.lzf(b, 0, b.length)) return;
    this.length(b.length);
    this.raw(b);
  }

  private intString(v: number): void {
    this.ensure(5);
    const c = this.chunk;
    if (v >= -128 && v <= 127) {
      c[this.pos++] = 0xc0 | RDB_ENC_INT8;
      c.writeInt8(v, this.pos);
      this.pos += 1;
    } else if (v >= -32768 && v <= 32767) {
      c[this.pos++] = 0xc0 | RDB_ENC_INT16;
      c.writeInt16LE(v, this.pos);
      this.pos += 2;
    } else {
      c[this.pos++] = 0xc0 | RDB_ENC_INT32;
      c.writeInt32LE(v, this.pos);
      this.pos += 4;
    }
  }

  /** Tries LZF on src[start, end); writes the compressed form and returns true only if it saves at least 4 bytes. */
  private lzf(src: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (len <= 4) return false;
    if (this.lzfOut.length < len) this.lzfOut = Buffer.allocUnsafe(Math.max(len, this.lzfOut.length * 2));
    const clen = lzfCompress(src, start, end, this.lzfOut, len - 4);
    if (clen === 0) return false;
    this.byte(0xc0 | RDB_ENC_LZF);
    this.length(clen);
    this.length(len);
    this.raw(this.lzfOut.subarray(0, clen));
    return true;
  }

  private latin1(s: string): void {
    const len = s.length;
    if (len <= this.chunk.length - this.pos) {
      this.pos += this.chunk.latin1Write(s, this.pos, len);
      return;
    }
    if (len <= this.chunkSize) {
      this.flush();
      this.pos += this.chunk.latin1Write(s, 0, len);
      return;
    }
    this.flush();
    this.emit(Buffer.from(s, 'latin1'), true);
  }

  private raw(b: Uint8Array): void {
    const len = b.length;
    if (len > this.chunk.length - this.pos) {
      this.flush();
      if (len > this.chunkSize) {
        this.emit(Buffer.from(b), true);
        return;
      }
    }
    this.chunk.set(b, this.pos);
    this.pos += len;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.chunk.length) this.flush();
  }

  /** Hands the filled part of the current chunk on and starts a fresh one. */
  private flush(): void {
    if (this.finished) throw new Error('RdbWriter: write after finish()');
    if (this.pos === 0) return;
    const full = this.chunk.subarray(0, this.pos);
    this.chunk = Buffer.allocUnsafe(this.chunkSize);
    this.pos = 0;
    this.emit(full, true);
  }

  private emit(b: Buffer, checksummed: boolean): void {
    if (checksummed && this.checksum) this.crc.update(b);
    this.flushed += b.length;
    if (this.sink) this.sink(b);
    else this.chunks.push(b);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------------------

/** Receives the contents of an RDB file in file order. Only `onKey` is required. */
export interface RdbVisitor {
  onAux?(key: string, value: string): void;
  onSelectDb?(db: number): void;
  onResizeDb?(dbSize: number, expiresSize: number): void;
  /** A function library (RDB_OPCODE_FUNCTION2): its source code. */
  onFunction?(code: string): void;
  /** A module's aux data was skipped (its payload is not decoded). */
  onModuleAux?(moduleId: bigint): void;
  /**
   * One key. `expireAtMs` is an absolute Unix time in ms or -1; keys already past it are reported all the
   * same (the loader decides, as Redis does differently for masters and replicas). `meta` is one object reused
   * for every key: read it during the call, do not keep it. Keys whose collections decode empty are skipped,
   * as Redis skips them.
   */
  onKey(db: number, key: string, value: RdbValue, expireAtMs: number, meta: RdbKeyMeta): void;
}

/** What the file says about a key besides its value. */
export interface RdbKeyMeta {
  /** The type byte the value was stored with (RDB_TYPE). */
  rdbType: number;
  /** Seconds idle from an IDLE opcode (LRU policies), or -1. */
  idleSec: number;
  /** LFU counter from a FREQ opcode (LFU policies), or -1. */
  freq: number;
}

export interface RdbReadOptions {
  /** Check the CRC-64 trailer (a zero trailer always passes: it means checksums were off). Default true. */
  verifyChecksum?: boolean;
}

export interface RdbSummary {
  version: number;
  keys: number;
  /** Keys whose value decoded to an empty collection (not reported to onKey). */
  emptyKeysSkipped: number;
}

/** Parses a whole RDB file (versions 1 to 10) and reports its contents to `visitor`. Throws RdbError. */
export function readRdb(buf: Uint8Array, visitor: RdbVisitor, options: RdbReadOptions = {}): RdbSummary {
  return new RdbReader(asBuffer(buf), visitor, options.verifyChecksum ?? true).run();
}

const MAX_JS_STRING = 2 ** 29 - 24;

class RdbReader {
  private pos = 0;
  private version = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly visitor: RdbVisitor,
    private readonly verifyChecksum: boolean,
  ) {}

  run(): RdbSummary {
    const buf = this.buf;
    const v = this.visitor;
    if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') throw new RdbError('Wrong signature trying to load DB from file');
    const verText = buf.latin1Slice(5, 9);
    const version = /^[0-9]{4}$/.test(verText) ? Number(verText) : NaN;
    if (!(version >= 1 && version <= RDB_VERSION)) throw new RdbError(`Can't handle RDB format version ${verText}`);
    this.version = version;
    this.pos = 9;

    let db = 0;
    let expireAt = -1;
    const meta: RdbKeyMeta = { rdbType: 0, idleSec: -1, freq: -1 };
    let keys = 0;
    let empty = 0;
    for (;;) {
      const type = this.u8();
      switch (type) {
        case RDB_OPCODE.EXPIRETIME:
          this.need(4);
          expireAt = buf.readInt32LE(this.pos) * 1000;
          this.pos += 4;
          continue;
        case RDB_OPCODE.EXPIRETIME_MS:
          this.need(8);
          expireAt = Number(buf.readBigInt64LE(this.pos));
          this.pos += 8;
          continue;
        case RDB_OPCODE.IDLE:
          meta.idleSec = this.length();
          continue;
        case RDB_OPCODE.FREQ:
          meta.freq = this.u8();
          continue;
        case RDB_OPCODE.SELECTDB:
          db = this.length();
          v.onSelectDb?.(db);
          continue;
        case RDB_OPCODE.RESIZEDB: {
          const size = this.length();
          const expires = this.length();
          v.onResizeDb?.(size, expires);
          continue;
        }
        case RDB_OPCODE.AUX: {
          const key = this.string();
          const value = this.string();
          v.onAux?.(key, value);
          continue;
        }
        case RDB_OPCODE.MODULE_AUX:
          this.skipModuleAux();
          continue;
        case RDB_OPCODE.FUNCTION_PRE_GA:
          throw this.error('Pre-release function format not supported');
        case RDB_OPCODE.FUNCTION2: {
          const code = this.string();
          v.onFunction?.(code);
          continue;
        }
        case RDB_OPCODE.EOF:
          this.checkTrailer();
          return { version, keys, emptyKeysSkipped: empty };
        default:
          break;
      }
      const key = this.string();
      const value = this.object(type);
      if (value === null) {
        empty++;
      } else {
        keys++;
        meta.rdbType = type;
        v.onKey(db, key, value, expireAt, meta);
      }
      expireAt = -1;
      meta.idleSec = -1;
      meta.freq = -1;
    }
  }

  /** One value as a DUMP payload holds it: a type byte, then the value (null: an empty collection). */
  readObject(): { rdbType: number; value: RdbValue | null } {
    const rdbType = this.u8();
    return { rdbType, value: this.object(rdbType) };
  }

  private checkTrailer(): void {
    if (this.version < 5) return;
    const end = this.pos;
    this.need(8);
    const stored = this.buf.readBigUInt64LE(end);
    this.pos += 8;
    if (!this.verifyChecksum || stored === 0n) return;
    const actual = crc64(this.buf, 0, end);
    if (actual !== stored) {
      throw new RdbError(`Wrong RDB checksum expected: (${stored.toString(16)}) got: (${actual.toString(16)})`);
    }
  }

  /** Decodes a value of the given type; null when it is an empty collection. */
  private object(type: number): RdbValue | null {
    switch (type) {
      case RDB_TYPE.STRING:
        return { type: 'string', value: this.string() };
      case RDB_TYPE.LIST: {
        const n = this.length();
        const items: string[] = [];
        for (let i = 0; i < n; i++) items.push(this.string());
        return items.length ? { type: 'list', items } : null;
      }
      case RDB_TYPE.SET: {
        const n = this.length();
        const members: string[] = [];
        for (let i = 0; i < n; i++) members.push(this.string());
        return members.length ? { type: 'set', members } : null;
      }
      case RDB_TYPE.ZSET:
      case RDB_TYPE.ZSET_2: {
        const n = this.length();
        const entries: Array<[string, number]> = [];
        for (let i = 0; i < n; i++) {
          const member = this.string();
          entries.push([member, type === RDB_TYPE.ZSET_2 ? this.binaryDouble() : this.stringDouble()]);
        }
        return entries.length ? { type: 'zset', entries } : null;
      }
      case RDB_TYPE.HASH: {
        const n = this.length();
        const entries: Array<[string, string]> = [];
        for (let i = 0; i < n; i++) {
          const field = this.string();
          entries.push([field, this.string()]);
        }
        return entries.length ? { type: 'hash', entries } : null;
      }
      case RDB_TYPE.HASH_ZIPMAP: {
        const blob = this.blob();
        const entries = this.decode(() => decodeZipmap(blob, 0, blob.length));
        return entries.length ? { type: 'hash', entries } : null;
      }
      case RDB_TYPE.LIST_ZIPLIST: {
        const blob = this.blob();
        const items = this.decode(() => decodeZiplist(blob, 0, blob.length));
        return items.length ? { type: 'list', items } : null;
      }
      case RDB_TYPE.SET_INTSET: {
        const blob = this.blob();
        const members = this.decode(() => decodeIntset(blob, 0, blob.length));
        return members.length ? { type: 'set', members } : null;
      }
      case RDB_TYPE.ZSET_ZIPLIST:
      case RDB_TYPE.ZSET_LISTPACK: {
        const blob = this.blob();
        const flat = this.decode(() =>
          type === RDB_TYPE.ZSET_LISTPACK ? decodeListpack(blob, 0, blob.length) : decodeZiplist(blob, 0, blob.length),
        );
        if (flat.length % 2 !== 0) throw this.error('Sorted set listpack/ziplist with an odd number of elements');
        const entries: Array<[string, number]> = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], this.parseScore(flat[i + 1])]);
        return entries.length ? { type: 'zset', entries } : null;
      }
      case RDB_TYPE.HASH_ZIPLIST:
      case RDB_TYPE.HASH_LISTPACK: {
        const blob = this.blob();
        const flat = this.decode(() =>
          type === RDB_TYPE.HASH_LISTPACK ? decodeListpack(blob, 0, blob.length) : decodeZiplist(blob, 0, blob.length),
        );
        if (flat.length % 2 !== 0) throw this.error('Hash listpack/ziplist with an odd number of elements');
        const entries: Array<[string, string]> = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], flat[i + 1]]);
        return entries.length ? { type: 'hash', entries } : null;
      }
      case RDB_TYPE.LIST_QUICKLIST: {
        const n = this.length();
        const items: string[] = [];
        for (let i = 0; i < n; i++) {
          const blob = this.blob();
          this.decode(() => decodeZiplist(blob, 0, blob.length, items));
        }
        return items.length ? { type: 'list', items } : null;
      }
      case RDB_TYPE.LIST_QUICKLIST_2: {
        const n = this.length();
        const items: string[] = [];
        for (let i = 0; i < n; i++) {
          const container = this.length();
          if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
            items.push(this.string());
          } else if (container === QUICKLIST_NODE_CONTAINER_PACKED) {
            const blob = this.blob();
            this.decode(() => decodeListpack(blob, 0, blob.length, items));
          } else {
            throw this.error(`Quicklist integrity check failed: unknown node container ${container}`);
          }
        }
        return items.length ? { type: 'list', items } : null;
      }
      case RDB_TYPE.MODULE_PRE_GA:
      case RDB_TYPE.MODULE_2:
      case RDB_TYPE.STREAM_LISTPACKS:
      case RDB_TYPE.STREAM_LISTPACKS_2:
        throw this.error(`Unsupported RDB type ${type} (streams/modules are not supported yet)`);
      default:
        throw this.error(`Unknown RDB type ${type}`);
    }
  }

  /** Runs a container decoder, turning its errors into an RdbError that says where the value was. */
  private decode<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.error((e as Error).message);
    }
  }

  private error(message: string): RdbError {
    return new RdbError(`${message} (at offset ${this.pos})`);
  }

  // --- primitives --------------------------------------------------------------------------------------

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RdbError(`Unexpected end of RDB file (at offset ${this.pos}, needed ${n} more bytes)`);
  }

  private u8(): number {
    if (this.pos >= this.buf.length) throw new RdbError(`Unexpected end of RDB file (at offset ${this.pos})`);
    return this.buf[this.pos++];
  }

  /** A plain length (not a special string encoding). */
  private length(): number {
    const first = this.u8();
    if (first >= 0xc0) throw this.error(`Unexpected encoded value 0x${first.toString(16)} where a length was expected`);
    return this.lengthFrom(first);
  }

  private lengthFrom(first: number): number {
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return ((first & 0x3f) << 8) | this.u8();
    if (first === 0x80) {
      this.need(4);
      const n = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return n;
    }
    if (first === 0x81) {
      this.need(8);
      const n = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw this.error('Length out of range');
      return Number(n);
    }
    throw this.error(`Unknown length encoding 0x${first.toString(16)}`);
  }

  /** A 64-bit length as a bigint (module ids and module values use the full range). */
  private length64(): bigint {
    const first = this.u8();
    if (first === 0x81) {
      this.need(8);
      const n = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return n;
    }
    if (first >= 0xc0) throw this.error(`Unexpected encoded value 0x${first.toString(16)} where a length was expected`);
    return BigInt(this.lengthFrom(first));
  }

  /** A string (raw, integer-encoded or LZF) as latin1 text. */
  private string(): string {
    const first = this.u8();
    if (first < 0xc0) {
      const len = this.lengthFrom(first);
      this.need(len);
      if (len > MAX_JS_STRING) throw this.error(`String of ${len} bytes is too long for this runtime`);
      const s = this.buf.latin1Slice(this.pos, this.pos + len);
      this.pos += len;
      return s;
    }
    const enc = first & 0x3f;
    if (enc === RDB_ENC_LZF) {
      const data = this.lzf();
      if (data.length > MAX_JS_STRING) throw this.error(`String of ${data.length} bytes is too long for this runtime`);
      return data.latin1Slice(0, data.length);
    }
    return String(this.intEncoded(enc));
  }

  /** A string's bytes (for containers: listpack, ziplist, intset, zipmap). May share memory with the file. */
  private blob(): Buffer {
    const first = this.u8();
    if (first < 0xc0) {
      const len = this.lengthFrom(first);
      this.need(len);
      const b = this.buf.subarray(this.pos, this.pos + len);
      this.pos += len;
      return b;
    }
    const enc = first & 0x3f;
    if (enc === RDB_ENC_LZF) return this.lzf();
    return Buffer.from(String(this.intEncoded(enc)), 'latin1');
  }

  private intEncoded(enc: number): number {
    const b = this.buf;
    let v: number;
    if (enc === RDB_ENC_INT8) {
      this.need(1);
      v = b.readInt8(this.pos);
      this.pos += 1;
    } else if (enc === RDB_ENC_INT16) {
      this.need(2);
      v = b.readInt16LE(this.pos);
      this.pos += 2;
    } else if (enc === RDB_ENC_INT32) {
      this.need(4);
      v = b.readInt32LE(this.pos);
      this.pos += 4;
    } else {
      throw this.error(`Unknown RDB string encoding type ${enc}`);
    }
    return v;
  }

  private lzf(): Buffer {
    const clen = this.length();
    const len = this.length();
    this.need(clen);
    // An LZF back-reference of 3 bytes expands to at most 264: anything claiming more is corrupt, and refusing
    // it here keeps a damaged header from allocating far more memory than the file could describe.
    if (len > clen * 100 + 64) throw this.error('Invalid LZF compressed string (declared length too large)');
    const start = this.pos;
    this.pos += clen;
    try {
      return lzfDecompress(this.buf, start, start + clen, len);
    } catch (e) {
      throw this.error(`Invalid LZF compressed string: ${(e as Error).message}`);
    }
  }

  private binaryDouble(): number {
    this.need(8);
    const d = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return d;
  }

  /** The pre-ZSET_2 score format: a length byte (253 nan, 254 +inf, 255 -inf) then ASCII text. */
  private stringDouble(): number {
    const len = this.u8();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    this.need(len);
    const text = this.buf.latin1Slice(this.pos, this.pos + len);
    this.pos += len;
    return this.parseScore(text);
  }

  /** A score stored as text (strtod-style: also inf/-inf/nan), as in ziplist/listpack zsets. */
  private parseScore(text: string): number {
    const d = parseDoubleText(text);
    if (d === null) throw this.error(`Invalid sorted set score ${JSON.stringify(text)}`);
    return d;
  }

  /** Skips a module's aux payload: moduleid, when-opcode, when, then opcode-tagged values up to EOF. */
  private skipModuleAux(): void {
    const moduleId = this.length64();
    const whenOpcode = this.length();
    if (whenOpcode !== RDB_MODULE_OPCODE_UINT) throw this.error(`Bad module AUX when-opcode ${whenOpcode}`);
    this.length64(); // when
    for (;;) {
      const op = this.length();
      if (op === RDB_MODULE_OPCODE_EOF) break;
      if (op === RDB_MODULE_OPCODE_SINT || op === RDB_MODULE_OPCODE_UINT) this.length64();
      else if (op === RDB_MODULE_OPCODE_FLOAT) this.skip(4);
      else if (op === RDB_MODULE_OPCODE_DOUBLE) this.skip(8);
      else if (op === RDB_MODULE_OPCODE_STRING) this.blob();
      else throw this.error(`Unknown module opcode ${op} in module AUX data`);
    }
    this.visitor.onModuleAux?.(moduleId);
  }

  private skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

// ---------------------------------------------------------------------------------------------------------
// DUMP payloads: <type byte><value> <RDB version u16 LE> <CRC-64 of all the preceding bytes, u64 LE>
// ---------------------------------------------------------------------------------------------------------

/**
 * createDumpPayload: one value serialized as DUMP replies it. `compact`, `listFill` as for
 * RdbWriter.writeDumpObject; `compression` is rdbcompression.
 */
export function createDumpPayload(value: RdbValue, compact: boolean, listFill: number, compression: boolean): Buffer {
  const w = new RdbWriter({ bare: true, compression, chunkSize: 4096 });
  w.writeDumpObject(value, compact, listFill);
  return w.finishDump();
}

/** verifyDumpPayload: at least 10 bytes, an RDB version Redis 7.0 loads, and a matching CRC-64. */
export function verifyDumpPayload(payload: Buffer): boolean {
  const len = payload.length;
  if (len < 10) return false;
  const version = payload[len - 10] | (payload[len - 9] << 8);
  if (version > RDB_VERSION) return false;
  return crc64(payload, 0, len - 8) === payload.readBigUInt64LE(len - 8);
}

/**
 * The value of a verified DUMP payload and the type byte it was stored with. Like Redis, the reader runs over
 * the whole payload, footer included. Throws RdbError when the value is malformed or of a type not supported.
 */
export function readDumpPayload(payload: Buffer): { rdbType: number; value: RdbValue | null } {
  return new RdbReader(payload, { onKey() {} }, false).readObject();
}

/** Parses a double's text as strtod would for Redis-written scores: decimal/exponent forms, inf, nan. */
export function parseDoubleText(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t.length === 0 || !/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/.test(t)) return null;
  return Number(t);
}
