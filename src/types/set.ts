/**
 * The set value: what a Redis set key holds, in the two encodings Redis 7.0 has (t_set.c, intset.c).
 *
 * - "intset": while every member is a canonical 64-bit integer (string2ll: no '+', no leading zeros, no "-0")
 *   and there are at most set-max-intset-entries of them, members live in one ascending array, exactly the
 *   order in which Redis's intset returns them (SMEMBERS, SSCAN, SPOP/SRANDMEMBER of the whole set). Values
 *   within +-(2^53-1) are JS numbers and larger ones bigints, always the same representation for the same
 *   value, so `===` is equality and `<` compares across both kinds exactly.
 * - "hashtable": a Dict of plain DictEntry nodes (the key is the member), giving O(1) membership, Redis's SSCAN
 *   cursor and random sampling. Once a set is a hashtable it stays one, as in Redis.
 *
 * The thresholds are passed in by the caller at each write (read from the live config, as Redis reads
 * server.set_max_intset_entries), so CONFIG SET takes effect on the next write. Nothing here knows RESP.
 */

import { Dict, DictEntry, hashKey } from './dict';
import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';
import { parseI64, parseSafeInt } from '../util/numbers';

export type Int64 = number | bigint;

/** Members sampled by memoryUsage(), like Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const MEMORY_SAMPLES = 5;

/**
 * Redis's string2ll as a set member test: the integer value (number when safe, bigint beyond) or null when
 * `s` is not a canonical 64-bit integer.
 */
export function toInt64(s: string): Int64 | null {
  const n = parseSafeInt(s);
  if (n !== null) return n;
  const len = s.length;
  if (len < 16 || len > 20) return null;
  return parseI64(s);
}

/** Index of v in the ascending array, or -(insertion point) - 1. */
function intSearch(a: Int64[], v: Int64): number {
  let lo = 0;
  let hi = a.length - 1;
  // Fast paths for appends and prepends (members often arrive in order).
  if (hi >= 0) {
    const last = a[hi];
    if (v > last) return -(hi + 1) - 1;
    if (v === last) return hi;
    if (v < a[0]) return -1;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = a[mid];
    if (m < v) lo = mid + 1;
    else if (m > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

export class SetValue implements CollectionValue {
  /** Ascending members while intset-encoded, else null. */
  private ints: Int64[] | null;
  /** The members once hashtable-encoded, else null. */
  private dict: Dict<DictEntry> | null;

  private constructor(ints: Int64[] | null, dict: Dict<DictEntry> | null) {
    this.ints = ints;
    this.dict = dict;
  }

  get type(): 'set' {
    return 'set';
  }

  /** An empty intset (createIntsetObject: the SINTERSTORE/SUNIONSTORE/SDIFFSTORE destination). */
  static emptyIntset(): SetValue {
    return new SetValue([], null);
  }

  /** setTypeCreate: an empty set of the encoding able to hold `first` (intset for an integer). */
  static createFor(first: string): SetValue {
    return toInt64(first) !== null ? new SetValue([], null) : new SetValue(null, new Dict<DictEntry>());
  }

  /** A set built from a snapshot record, the way rdbLoadObject builds it (RDB loading, RESTORE). */
  static fromMembers(members: readonly string[], maxIntset: number): SetValue {
    const s = members.length > maxIntset ? new SetValue(null, new Dict<DictEntry>()) : SetValue.emptyIntset();
    for (let i = 0; i < members.length; i++) s.add(members[i], maxIntset);
    return s;
  }

  get length(): number {
    return this.ints !== null ? this.ints.length : this.dict!.size;
  }

  get isIntset(): boolean {
    return this.ints !== null;
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  /** The member table while hashtable-encoded (SSCAN walks it with its cursor), else null. */
  get hashtable(): Dict<DictEntry> | null {
    return this.dict;
  }

  /**
   * setTypeAdd: add `m`; true when it was not a member. `maxIntset` is set-max-intset-entries, consulted
   * only while intset-encoded (an intset that outgrows it, or meets a non-integer, becomes a hashtable).
   */
  add(m: string, maxIntset: number): boolean {
    const ints = this.ints;
    if (ints === null) {
      const d = this.dict!;
      const h = hashKey(m);
      if (d.getWithHash(m, h) !== null) return false;
      d.add(new DictEntry(m), h);
      return true;
    }
    const v = toInt64(m);
    if (v === null) {
      this.convertToHashtable();
      this.dict!.add(new DictEntry(m));
      return true;
    }
    const i = intSearch(ints, v);
    if (i >= 0) return false;
    const at = -i - 1;
    if (at === ints.length) ints.push(v);
    else ints.splice(at, 0, v);
    if (ints.length > maxIntset) this.convertToHashtable();
    return true;
  }

  /** setTypeRemove: true when `m` was a member. */
  remove(m: string): boolean {
    const ints = this.ints;
    if (ints === null) return this.dict!.delete(m) !== null;
    const v = toInt64(m);
    if (v === null) return false;
    const i = intSearch(ints, v);
    if (i < 0) return false;
    if (i === ints.length - 1) ints.pop();
    else ints.splice(i, 1);
    return true;
  }

  /** setTypeIsMember. */
  has(m: string): boolean {
    const ints = this.ints;
    if (ints === null) return this.dict!.get(m) !== null;
    const v = toInt64(m);
    return v !== null && intSearch(ints, v) >= 0;
  }

  /** setTypeRandomElement: a uniformly random member of a non-empty set. */
  random(): string {
    const ints = this.ints;
    if (ints !== null) return String(ints[(Math.random() * ints.length) | 0]);
    return this.dict!.random()!.key;
  }

  /** Remove and return a random member of a non-empty set (SPOP). */
  pop(): string {
    const ints = this.ints;
    if (ints !== null) {
      const i = (Math.random() * ints.length) | 0;
      const v = ints[i];
      if (i === ints.length - 1) ints.pop();
      else ints.splice(i, 1);
      return String(v);
    }
    const d = this.dict!;
    const e = d.random()!;
    d.delete(e.key);
    return e.key;
  }

  /** Visit every member in the encoding's order (ascending for an intset). No writes during the walk. */
  forEach(fn: (m: string) => void): void {
    const ints = this.ints;
    if (ints !== null) {
      for (let i = 0; i < ints.length; i++) fn(String(ints[i]));
    } else {
      this.dict!.forEach((e) => fn(e.key));
    }
  }

  /** The members in the encoding's order, as a new array. */
  toArray(): string[] {
    const ints = this.ints;
    const out = new Array<string>(this.length);
    if (ints !== null) {
      for (let i = 0; i < ints.length; i++) out[i] = String(ints[i]);
    } else {
      let i = 0;
      for (const e of this.dict!.entries()) out[i++] = e.key;
    }
    return out;
  }

  /** setTypeConvert(OBJ_ENCODING_HT). */
  private convertToHashtable(): void {
    const ints = this.ints!;
    const d = new Dict<DictEntry>();
    for (let i = 0; i < ints.length; i++) {
      const m = String(ints[i]);
      d.add(new DictEntry(m));
    }
    this.ints = null;
    this.dict = d;
  }

  clone(): SetValue {
    if (this.ints !== null) return new SetValue(this.ints.slice(), null);
    const d = new Dict<DictEntry>();
    this.dict!.forEach((e) => d.add(new DictEntry(e.key)));
    return new SetValue(null, d);
  }

  /**
   * Approximate bytes: 8 per intset slot; for a hashtable the buckets plus a node per member, string sizes
   * estimated from a few sampled members as Redis's objectComputeSize does (MEMORY USAGE stays cheap).
   */
  memoryUsage(): number {
    const ints = this.ints;
    if (ints !== null) return 16 + ints.length * 8;
    const d = this.dict!;
    const sample: DictEntry[] = [];
    d.sample(MEMORY_SAMPLES, sample);
    let sampled = 0;
    for (let i = 0; i < sample.length; i++) sampled += sample[i].key.length;
    const avg = sample.length === 0 ? 0 : sampled / sample.length;
    return 32 + d.buckets * 8 + Math.round(d.size * (40 + avg));
  }

  toRdb(): RdbValue {
    return { type: 'set', members: this.toArray() };
  }
}
