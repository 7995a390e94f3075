/**
 * The hash value: what a Redis hash key holds, in the two encodings Redis 7.0 has (t_hash.c).
 *
 * - "listpack": while the hash has at most hash-max-listpack-entries fields and no field or value longer
 *   than hash-max-listpack-value bytes, the pairs live in one flat array [field0, value0, field1, value1...]
 *   in insertion order, which is the order Redis's listpack returns them in (HGETALL, HKEYS, HVALS, HSCAN).
 *   Updating a field keeps its place; deleting closes the gap. Lookups scan the array like Redis scans its
 *   listpack: for the small sizes the limits allow, a linear walk over strings beats hashing.
 * - "hashtable": a Dict of HashEntry nodes (the value sits on the node), giving O(1) access, Redis's HSCAN
 *   cursor and random sampling. A hash never converts back, as in Redis.
 *
 * The thresholds are passed in by the caller at each write (read from the live config, as Redis reads
 * server.hash_max_listpack_*), so CONFIG SET takes effect on the next write. Nothing here knows RESP.
 */

import { Dict, DictEntry, hashKey } from './dict';
import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';

/** Pairs sampled by memoryUsage(), like Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const MEMORY_SAMPLES = 5;

export class HashEntry extends DictEntry {
  constructor(
    key: string,
    public value: string,
  ) {
    super(key);
  }
}

/** A field and its value (a HashEntry, or a pair read from the listpack). */
export interface FieldValue {
  readonly key: string;
  readonly value: string;
}

export class HashValue implements CollectionValue {
  /** [field, value, field, value...] in insertion order while listpack-encoded, else null. */
  private lp: string[] | null = [];
  /** The fields once hashtable-encoded, else null. */
  private dict: Dict<HashEntry> | null = null;

  get type(): 'hash' {
    return 'hash';
  }

  /** A hash built from a snapshot record, converted as rdbLoadObject would (RDB loading, RESTORE). */
  static fromEntries(entries: ReadonlyArray<readonly [string, string]>, maxEntries: number, maxValue: number): HashValue {
    const h = new HashValue();
    if (entries.length > maxEntries) h.convertToHashtable();
    for (let i = 0; i < entries.length; i++) h.set(entries[i][0], entries[i][1], maxEntries, maxValue);
    return h;
  }

  get length(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.dict!.size;
  }

  get isListpack(): boolean {
    return this.lp !== null;
  }

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  /** The pairs [f0, v0, f1, v1...] while listpack-encoded (read only), else null. */
  get listpack(): readonly string[] | null {
    return this.lp;
  }

  /** The field table while hashtable-encoded (HSCAN walks it with its cursor), else null. */
  get hashtable(): Dict<HashEntry> | null {
    return this.dict;
  }

  /** Position of field's name in the listpack array, or -1. */
  private lpIndex(field: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i;
    return -1;
  }

  /** hashTypeGetValue: the value of field, or null. */
  get(field: string): string | null {
    if (this.lp !== null) {
      const i = this.lpIndex(field);
      return i < 0 ? null : this.lp[i + 1];
    }
    const e = this.dict!.get(field);
    return e === null ? null : e.value;
  }

  has(field: string): boolean {
    return this.lp !== null ? this.lpIndex(field) >= 0 : this.dict!.get(field) !== null;
  }

  /**
   * hashTypeTryConversion: before a write of argv[start..end] (fields and values), convert a listpack that
   * would receive a string longer than hash-max-listpack-value.
   */
  prepareWrite(argv: readonly string[], start: number, end: number, maxValue: number): void {
    if (this.lp === null) return;
    for (let i = start; i <= end; i++) {
      if (argv[i].length > maxValue) {
        this.convertToHashtable();
        return;
      }
    }
  }

  /**
   * hashTypeSet: set field to value; true when the field is new. A listpack converts when the pair is too
   * long (the HINCRBY* case, which skips prepareWrite) or when it outgrows hash-max-listpack-entries.
   */
  set(field: string, value: string, maxEntries: number, maxValue: number): boolean {
    const lp = this.lp;
    if (lp !== null) {
      if (field.length <= maxValue && value.length <= maxValue) {
        const i = this.lpIndex(field);
        const created = i < 0;
        if (created) lp.push(field, value);
        else lp[i + 1] = value;
        // Checked after updates too: a CONFIG SET may have lowered the limit since the last write.
        if (lp.length >> 1 > maxEntries) this.convertToHashtable();
        return created;
      }
      this.convertToHashtable();
    }
    const d = this.dict!;
    const h = hashKey(field);
    const e = d.getWithHash(field, h);
    if (e !== null) {
      e.value = value;
      return false;
    }
    d.add(new HashEntry(field, value), h);
    return true;
  }

  /** hashTypeDelete: true when the field existed. */
  delete(field: string): boolean {
    const lp = this.lp;
    if (lp !== null) {
      const i = this.lpIndex(field);
      if (i < 0) return false;
      lp.splice(i, 2);
      return true;
    }
    return this.dict!.delete(field) !== null;
  }

  /** Visit every pair in the encoding's order (insertion order for a listpack). No writes during the walk. */
  forEach(fn: (field: string, value: string) => void): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let i = 0; i < lp.length; i += 2) fn(lp[i], lp[i + 1]);
    } else {
      this.dict!.forEach((e) => fn(e.key, e.value));
    }
  }

  /** The pair at position i (0 <= i < length) of a listpack-encoded hash. */
  pairAt(i: number): FieldValue {
    const lp = this.lp!;
    return { key: lp[2 * i], value: lp[2 * i + 1] };
  }

  /** A random pair of a non-empty hash (hashTypeRandomElement / dictGetFairRandomKey). */
  random(): FieldValue {
    if (this.lp !== null) return this.pairAt((Math.random() * (this.lp.length >> 1)) | 0);
    return this.dict!.random()!;
  }

  /** hashTypeConvert(OBJ_ENCODING_HT). */
  private convertToHashtable(): void {
    const lp = this.lp!;
    const d = new Dict<HashEntry>();
    for (let i = 0; i < lp.length; i += 2) d.add(new HashEntry(lp[i], lp[i + 1]));
    this.lp = null;
    this.dict = d;
  }

  clone(): HashValue {
    const h = new HashValue();
    if (this.lp !== null) {
      h.lp = this.lp.slice();
    } else {
      const d = new Dict<HashEntry>();
      this.dict!.forEach((e) => d.add(new HashEntry(e.key, e.value)));
      h.lp = null;
      h.dict = d;
    }
    return h;
  }

  /**
   * Approximate bytes: the listpack's strings plus a little per entry; for a hashtable the buckets plus a
   * node per field, string sizes estimated from a few sampled pairs as Redis's objectComputeSize does.
   */
  memoryUsage(): number {
    const lp = this.lp;
    if (lp !== null) {
      let bytes = 24 + lp.length * 8;
      for (let i = 0; i < lp.length; i++) bytes += 2 + lp[i].length;
      return bytes;
    }
    const d = this.dict!;
    const sample: HashEntry[] = [];
    d.sample(MEMORY_SAMPLES, sample);
    let sampled = 0;
    for (let i = 0; i < sample.length; i++) sampled += sample[i].key.length + sample[i].value.length;
    const avg = sample.length === 0 ? 0 : sampled / sample.length;
    return 32 + d.buckets * 8 + Math.round(d.size * (56 + avg));
  }

  toRdb(): RdbValue {
    const entries: Array<[string, string]> = [];
    this.forEach((f, v) => {
      entries.push([f, v]);
    });
    return { type: 'hash', entries };
  }
}
