/**
 * The sorted-set value: what a Redis zset key holds (t_zset.c's "sorted set API" half; commands/zsets.ts is
 * the other half).
 *
 * Every zset is the pair Redis uses for big sets: a SkipList ordered by (score, member) for ranks and ranges,
 * and a Dict member -> score (ZsetEntry) for O(1) ZSCORE and membership. Small sets are not stored as a real
 * listpack: in V8 a packed byte buffer would be slower to search and edit than the pair, and nothing a client
 * can see depends on the bytes. What *is* visible is the encoding, so the `listpack` flag tracks exactly when
 * Redis would hold this set as a listpack, and the few behaviours that differ follow it:
 *  - OBJECT ENCODING ("listpack" / "skiplist"), converting one way only, at the moments zsetAdd converts
 *    (before an insert that would exceed zset-max-listpack-entries or add a member longer than
 *    zset-max-listpack-value); store commands build their result and convert back when small
 *    (convertToListpackIfNeeded, zsetConvertToListpackIfNeeded);
 *  - a listpack keeps a score as an integer when it is integral (double2ll), so -0 becomes 0 there;
 *  - ZSCAN of a listpack returns everything at once (listpackScan prints scores as the listpack holds them);
 *  - lex ranges on a listpack are found by a linear walk (zzlFirstInLexRange), which differs from the skiplist
 *    search when members with different scores are mixed (Redis leaves that undefined but deterministic).
 * Element order is the same in both encodings: by score, then by member bytes.
 */

import { Dict, DictEntry, hashKey } from './dict';
import {
  SkipList,
  SkipNode,
  LexRange,
  ScoreRange,
  compareLex,
  lexGteMin,
  lexLteMax,
} from './skiplist';
import type { CollectionValue } from '../keyspace/object';
import type { RdbValue } from '../persistence/rdb-format';
import { formatDouble } from '../util/numbers';

/** zsetAdd input flags (ZADD_IN_*). */
export const ZADD_INCR = 1;
export const ZADD_NX = 2;
export const ZADD_XX = 4;
export const ZADD_GT = 8;
export const ZADD_LT = 16;

/** zsetAdd output flags (ZADD_OUT_*). */
export const ZADD_OUT_NAN = 1;
export const ZADD_OUT_ADDED = 2;
export const ZADD_OUT_UPDATED = 4;
export const ZADD_OUT_NOP = 8;

/** Members sampled by memoryUsage(), like Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const MEMORY_SAMPLES = 5;

/** The member -> score half. The score here and in the skiplist node are always equal. */
export class ZsetEntry extends DictEntry {
  constructor(
    key: string,
    hash: number,
    public score: number,
  ) {
    super(key, hash);
  }
}

// Range deletions walk the skiplist and drop each removed member from the dict through this callback; the
// dict is passed in a module variable so no closure is created per call.
let deletingFrom: Dict<ZsetEntry> | null = null;
function dropMember(member: string): void {
  deletingFrom!.delete(member);
}

export class Zset implements CollectionValue {
  readonly zsl = new SkipList();
  readonly dict = new Dict<ZsetEntry>();
  /** True while Redis would keep this set listpack-encoded. */
  listpack: boolean;
  /** zsetAdd's *newscore: the score the last add() set or computed (valid unless it returned NOP or NaN). */
  newScore = 0;

  constructor(listpack: boolean) {
    this.listpack = listpack;
  }

  get type(): 'zset' {
    return 'zset';
  }

  get length(): number {
    return this.zsl.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /**
   * The empty set ZADD creates for a missing key (zaddGenericCommand): a skiplist when listpacks are disabled
   * or the first member is already too long for one, else a listpack.
   */
  static createFor(firstMemberLength: number, maxEntries: number, maxValue: number): Zset {
    return new Zset(!(maxEntries === 0 || maxValue < firstMemberLength));
  }

  /**
   * A set built from a snapshot record, the way rdbLoadObject builds a ZSET_2 (every member inserted, then
   * converted to a listpack when small enough). A repeated member keeps its last score.
   */
  static fromEntries(entries: ReadonlyArray<readonly [string, number]>, maxEntries: number, maxValue: number): Zset {
    const z = new Zset(false);
    let maxLen = 0;
    for (let i = 0; i < entries.length; i++) {
      const [member, score] = entries[i];
      if (member.length > maxLen) maxLen = member.length;
      z.add(score, member, 0, maxEntries, maxValue);
    }
    z.convertToListpackIfNeeded(maxEntries, maxValue, maxLen);
    return z;
  }

  // ---- lookups ----

  /** The score of member, or undefined (zsetScore). */
  score(member: string): number | undefined {
    const e = this.dict.get(member);
    return e === null ? undefined : e.score;
  }

  has(member: string): boolean {
    return this.dict.get(member) !== null;
  }

  /** zsetRank: 0-based rank of member counting from the lowest (or, reversed, the highest) score; -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const e = this.dict.get(member);
    if (e === null) return -1;
    const r = this.zsl.getRank(e.score, member);
    return reverse ? this.zsl.length - r : r - 1;
  }

  /** The element at 0-based rank (from the lowest score), or null. */
  byRank(rank: number): SkipNode | null {
    return this.zsl.getByRank(rank + 1);
  }

  get first(): SkipNode | null {
    return this.zsl.head;
  }

  get last(): SkipNode | null {
    return this.zsl.tail;
  }

  // ---- writes ----

  /**
   * zsetAdd: add member or update its score under the ZADD_* flags; returns ZADD_OUT_* flags (ZADD_OUT_NAN
   * when an increment produced NaN: nothing changed). this.newScore gets the resulting score. A listpack
   * about to exceed maxEntries or receive a member longer than maxValue becomes a skiplist first.
   */
  add(score: number, member: string, flags: number, maxEntries: number, maxValue: number): number {
    if (score !== score) return ZADD_OUT_NAN;
    const dict = this.dict;
    const h = hashKey(member);
    const e = dict.getWithHash(member, h);
    if (e !== null) {
      if ((flags & ZADD_NX) !== 0) return ZADD_OUT_NOP;
      const cur = e.score;
      if ((flags & ZADD_INCR) !== 0) {
        score += cur;
        if (score !== score) return ZADD_OUT_NAN;
      }
      if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) return ZADD_OUT_NOP;
      this.newScore = score;
      if (score === cur) return 0; // equal (also -0 vs 0): Redis leaves the element alone
      const stored = this.listpack && score === 0 ? 0 : score;
      this.zsl.updateScore(cur, member, stored);
      e.score = stored;
      return ZADD_OUT_UPDATED;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
    if (this.listpack && (this.zsl.length + 1 > maxEntries || member.length > maxValue)) this.listpack = false;
    // A listpack holds an integral score as an integer: -0 is stored as 0 (the reply still shows -0).
    const stored = this.listpack && score === 0 ? 0 : score;
    this.zsl.insert(stored, member);
    dict.add(new ZsetEntry(member, h, stored));
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /**
   * Insert a member known to be absent, with no encoding check: store commands build their result this way
   * and then call convertToListpackIfNeeded, as zunionInterDiffGenericCommand does.
   */
  insertNew(score: number, member: string): void {
    this.zsl.insert(score, member);
    this.dict.add(new ZsetEntry(member, hashKey(member), score));
  }

  /** zsetDel: remove member; true when it was there. */
  delete(member: string): boolean {
    const e = this.dict.delete(member);
    if (e === null) return false;
    this.zsl.delete(e.score, member);
    return true;
  }

  /** Remove an element known to be present, given its node (ZPOPMIN/ZPOPMAX). */
  deleteNode(node: SkipNode): void {
    this.dict.delete(node.member);
    this.zsl.delete(node.score, node.member);
  }

  /** ZREMRANGEBYSCORE: remove every element in range; returns how many. */
  deleteRangeByScore(range: ScoreRange): number {
    deletingFrom = this.dict;
    const n = this.zsl.deleteRangeByScore(range, dropMember);
    deletingFrom = null;
    return n;
  }

  /** ZREMRANGEBYRANK: remove 0-based ranks start..end (inclusive, already clamped); returns how many. */
  deleteRangeByRank(start: number, end: number): number {
    deletingFrom = this.dict;
    const n = this.zsl.deleteRangeByRank(start + 1, end + 1, dropMember);
    deletingFrom = null;
    return n;
  }

  /**
   * ZREMRANGEBYLEX: remove every element in range; returns how many. A listpack deletes from its first
   * in-range element while elements stay below max (zzlDeleteRangeByLex); a skiplist uses zslDeleteRangeByLex.
   */
  deleteRangeByLex(range: LexRange): number {
    if (!this.listpack) {
      deletingFrom = this.dict;
      const n = this.zsl.deleteRangeByLex(range, dropMember);
      deletingFrom = null;
      return n;
    }
    let x = this.firstInLexRange(range);
    let n = 0;
    while (x !== null && lexLteMax(x.member, range)) {
      const next: SkipNode | null = x.next;
      this.deleteNode(x);
      n++;
      x = next;
    }
    return n;
  }

  /** The listpack becomes a skiplist (zsetConvert to OBJ_ENCODING_SKIPLIST). */
  convertToSkiplist(): void {
    this.listpack = false;
  }

  /**
   * zsetConvertToListpackIfNeeded: a skiplist small enough (length and longest member, `maxMemberLength`)
   * becomes a listpack again, as store commands leave their results. Integral scores become integers: -0 is 0.
   */
  convertToListpackIfNeeded(maxEntries: number, maxValue: number, maxMemberLength: number): void {
    if (this.listpack || this.zsl.length > maxEntries || maxMemberLength > maxValue) return;
    this.listpack = true;
    for (let x = this.zsl.head; x !== null; x = x.next) {
      if (x.score === 0 && 1 / x.score < 0) {
        x.score = 0;
        this.dict.get(x.member)!.score = 0;
      }
    }
  }

  // ---- ranges ----

  /** zslFirstInRange / zzlFirstInRange (same result: scores are sorted). */
  firstInRange(range: ScoreRange): SkipNode | null {
    return this.zsl.firstInRange(range);
  }

  lastInRange(range: ScoreRange): SkipNode | null {
    return this.zsl.lastInRange(range);
  }

  /** ZCOUNT: elements with a score in range, from the ranks of the first and last (as zcountCommand). */
  countInRange(range: ScoreRange): number {
    const zsl = this.zsl;
    const first = zsl.firstInRange(range);
    if (first === null) return 0;
    let count = zsl.length - (zsl.getRank(first.score, first.member) - 1);
    const last = zsl.lastInRange(range);
    if (last !== null) count -= zsl.length - zsl.getRank(last.score, last.member);
    return count;
  }

  /** zzlFirstInLexRange (a linear walk) on a listpack, zslFirstInLexRange on a skiplist. */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.listpack) return this.zsl.firstInLexRange(range);
    if (!this.lexRangeMayMatch(range)) return null;
    for (let x = this.zsl.head; x !== null; x = x.next) {
      if (lexGteMin(x.member, range)) return lexLteMax(x.member, range) ? x : null;
    }
    return null;
  }

  /** zzlLastInLexRange (a linear walk back from the tail) on a listpack, zslLastInLexRange on a skiplist. */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.listpack) return this.zsl.lastInLexRange(range);
    if (!this.lexRangeMayMatch(range)) return null;
    for (let x = this.zsl.tail; x !== null; x = x.backward) {
      if (lexLteMax(x.member, range)) return lexGteMin(x.member, range) ? x : null;
    }
    return null;
  }

  /** ZLEXCOUNT: a walk on a listpack, rank arithmetic on a skiplist (zlexcountCommand). */
  countInLexRange(range: LexRange): number {
    const first = this.firstInLexRange(range);
    if (first === null) return 0;
    if (this.listpack) {
      let n = 0;
      for (let x: SkipNode | null = first; x !== null && lexLteMax(x.member, range); x = x.next) n++;
      return n;
    }
    const zsl = this.zsl;
    let count = zsl.length - (zsl.getRank(first.score, first.member) - 1);
    const last = zsl.lastInLexRange(range);
    if (last !== null) count -= zsl.length - zsl.getRank(last.score, last.member);
    return count;
  }

  /** zzlIsInLexRange: the range is not empty and overlaps the first/last members. */
  private lexRangeMayMatch(range: LexRange): boolean {
    const cmp = compareLex(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.minex || range.maxex))) return false;
    const last = this.zsl.tail;
    if (last === null || !lexGteMin(last.member, range)) return false;
    return lexLteMax(this.zsl.head!.member, range);
  }

  // ---- scanning and copying ----

  /**
   * ZSCAN of a listpack: every pair at once in order, the score printed as the listpack holds it (an
   * integer when integral within +-2^62, else %.17g).
   */
  listpackScan(out: string[]): void {
    for (let x = this.zsl.head; x !== null; x = x.next) {
      out.push(x.member, listpackScoreText(x.score));
    }
  }

  /** A deep copy with the same encoding (zsetDup). */
  clone(): Zset {
    const z = new Zset(this.listpack);
    // Highest first: each insert stops at the head, as zsetDup does it.
    for (let x = this.zsl.tail; x !== null; x = x.backward) {
      z.zsl.insert(x.score, x.member);
      z.dict.add(new ZsetEntry(x.member, hashKey(x.member), x.score));
    }
    return z;
  }

  /** Approximate bytes: per-element node, dict entry and member, sampled from the lowest elements. */
  memoryUsage(): number {
    const n = this.zsl.length;
    let sampled = 0;
    let k = 0;
    for (let x = this.zsl.head; x !== null && k < MEMORY_SAMPLES; x = x.next, k++) sampled += x.member.length;
    const members = k === 0 ? 0 : Math.round((sampled / k) * n);
    return (this.listpack ? 24 : 96) + n * (this.listpack ? 12 : 120) + members;
  }

  /** The RDB record: ZSET_2 order, highest score first (as rdbSaveObject walks a skiplist). */
  toRdb(): RdbValue {
    const entries: Array<[string, number]> = [];
    for (let x = this.zsl.tail; x !== null; x = x.backward) entries.push([x.member, x.score]);
    return { type: 'zset', entries };
  }
}

const TWO_POW_62 = 4611686018427387904;

/**
 * How a listpack shows a score read back as a string (ZSCAN): zzlInsertAt stores an integral score within
 * double2ll's range (|d| <= 2^62) as an integer, anything else as d2string's "%.17g".
 */
export function listpackScoreText(d: number): string {
  if (Number.isInteger(d) && d >= -TWO_POW_62 && d <= TWO_POW_62) {
    return Number.isSafeInteger(d) ? String(d === 0 ? 0 : d) : BigInt(d).toString();
  }
  return formatDouble(d);
}
