/**
 * The sorted-set value: what a Redis zset key holds (t_zset.c's "sorted set API" half; commands/zsets.ts is
 * the other half).
 *
 * Two representations, switched exactly where Redis switches between listpack and skiplist encodings (the
 * `listpack` getter says which one is live):
 *  - listpack: two parallel arrays, members and scores, kept in (score, member) order and searched linearly
 *    or by bisection, like a listpack. 100,000 sets of 10 small members would otherwise each carry a
 *    skiplist (a 32-level head) and a member dict: about 3.4 KB per set against about 0.4 KB this way.
 *    Callers that walk elements (first/last/byRank/ranges return SkipNodes; `zsl` and `dict` are public)
 *    get a node view: a SkipList + Dict built from the arrays on demand and cached for one set at a time
 *    (module-level slot), kept in step by every write while cached, dropped when another set needs one.
 *  - skiplist: the pair Redis uses for big sets, a SkipList ordered by (score, member) for ranks and ranges
 *    and a Dict member -> score (ZsetEntry) for O(1) ZSCORE and membership.
 * The behaviours that depend on the encoding follow it:
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
  scoreGteMin,
  scoreLteMax,
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
    public score: number,
  ) {
    super(key);
  }
}

// Range deletions walk the skiplist and drop each removed member from the dict through this callback; the
// dict is passed in a module variable so no closure is created per call.
let deletingFrom: Dict<ZsetEntry> | null = null;
function dropMember(member: string): void {
  deletingFrom!.delete(member);
}

// The node view of one listpack-encoded set (see the file comment): its owner, its skiplist, and its dict
// (built separately, only when asked for). Only one set has a view at a time.
let viewOwner: Zset | null = null;
let viewZsl: SkipList | null = null;
let viewDict: Dict<ZsetEntry> | null = null;

function dropView(): void {
  viewOwner = null;
  viewZsl = null;
  viewDict = null;
}

/** Strict (score, member) order between two elements. */
function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

export class Zset implements CollectionValue {
  /** Skiplist encoding: the ordered half (null while a listpack). */
  private sl: SkipList | null = null;
  /** Skiplist encoding: member -> score (null while a listpack). */
  private md: Dict<ZsetEntry> | null = null;
  /** Listpack encoding: members in (score, member) order (null while a skiplist). */
  private lm: string[] | null = null;
  /** Listpack encoding: lm's scores, same order. */
  private ls: number[] | null = null;
  /** zsetAdd's *newscore: the score the last add() set or computed (valid unless it returned NOP or NaN). */
  newScore = 0;

  constructor(listpack: boolean) {
    if (listpack) {
      this.lm = [];
      this.ls = [];
    } else {
      this.sl = new SkipList();
      this.md = new Dict<ZsetEntry>();
    }
  }

  get type(): 'zset' {
    return 'zset';
  }

  /** True while Redis would keep this set listpack-encoded (and it is held as the two arrays). */
  get listpack(): boolean {
    return this.lm !== null;
  }

  get length(): number {
    return this.lm !== null ? this.lm.length : this.sl!.length;
  }

  encoding(): string {
    return this.lm !== null ? 'listpack' : 'skiplist';
  }

  /** The skiplist half; for a listpack, its (cached) node view. */
  get zsl(): SkipList {
    return this.sl !== null ? this.sl : this.view();
  }

  /** The member -> score half; for a listpack, its (cached) view. */
  get dict(): Dict<ZsetEntry> {
    if (this.md !== null) return this.md;
    this.view();
    if (viewDict === null) {
      const d = new Dict<ZsetEntry>();
      const lm = this.lm!;
      const ls = this.ls!;
      for (let i = 0; i < lm.length; i++) d.add(new ZsetEntry(lm[i], ls[i]));
      viewDict = d;
    }
    return viewDict;
  }

  /** The node view of this listpack, built (evicting any other set's) when not cached. */
  private view(): SkipList {
    if (viewOwner === this) return viewZsl!;
    const zsl = new SkipList();
    const lm = this.lm!;
    const ls = this.ls!;
    for (let i = lm.length - 1; i >= 0; i--) zsl.insert(ls[i], lm[i]);
    viewOwner = this;
    viewZsl = zsl;
    viewDict = null;
    return zsl;
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

  // ---- listpack helpers ----

  /** Index of member in the listpack arrays, or -1 (a linear search, as zzlFind). */
  private lpFind(member: string): number {
    return this.lm!.indexOf(member);
  }

  /** Index of the first element not before (score, member): where it is or would be inserted. */
  private lpLowerBound(score: number, member: string): number {
    const lm = this.lm!;
    const ls = this.ls!;
    let lo = 0;
    let hi = lm.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(ls[mid], lm[mid], score, member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Insert an absent member into the listpack arrays (and the view, when cached). */
  private lpInsert(score: number, member: string): void {
    const i = this.lpLowerBound(score, member);
    const lm = this.lm!;
    const ls = this.ls!;
    if (i === lm.length) {
      lm.push(member);
      ls.push(score);
    } else {
      lm.splice(i, 0, member);
      ls.splice(i, 0, score);
    }
    if (viewOwner === this) {
      viewZsl!.insert(score, member);
      if (viewDict !== null) viewDict.add(new ZsetEntry(member, score));
    }
  }

  /** Remove count elements from index i of the listpack arrays (and the view, when cached). */
  private lpRemove(i: number, count: number): void {
    const lm = this.lm!;
    const ls = this.ls!;
    if (viewOwner === this) {
      for (let k = i; k < i + count; k++) {
        viewZsl!.delete(ls[k], lm[k]);
        if (viewDict !== null) viewDict.delete(lm[k]);
      }
    }
    if (i + count === lm.length) {
      lm.length = i;
      ls.length = i;
    } else {
      lm.splice(i, count);
      ls.splice(i, count);
    }
  }

  // ---- lookups ----

  /** The score of member, or undefined (zsetScore). */
  score(member: string): number | undefined {
    if (this.lm !== null) {
      const i = this.lpFind(member);
      return i < 0 ? undefined : this.ls![i];
    }
    const e = this.md!.get(member);
    return e === null ? undefined : e.score;
  }

  has(member: string): boolean {
    if (this.lm !== null) return this.lpFind(member) >= 0;
    return this.md!.get(member) !== null;
  }

  /** zsetRank: 0-based rank of member counting from the lowest (or, reversed, the highest) score; -1 when absent. */
  rank(member: string, reverse: boolean): number {
    if (this.lm !== null) {
      const i = this.lpFind(member);
      if (i < 0) return -1;
      return reverse ? this.lm.length - 1 - i : i;
    }
    const e = this.md!.get(member);
    if (e === null) return -1;
    const zsl = this.sl!;
    const r = zsl.getRank(e.score, member);
    return reverse ? zsl.length - r : r - 1;
  }

  /** The element at 0-based rank (from the lowest score), or null. */
  byRank(rank: number): SkipNode | null {
    return this.zsl.getByRank(rank + 1);
  }

  get first(): SkipNode | null {
    if (this.lm !== null && this.lm.length === 0) return null;
    return this.zsl.head;
  }

  get last(): SkipNode | null {
    if (this.lm !== null && this.lm.length === 0) return null;
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
    const lm = this.lm;
    if (lm !== null) {
      const i = lm.indexOf(member);
      if (i >= 0) {
        if ((flags & ZADD_NX) !== 0) return ZADD_OUT_NOP;
        const cur = this.ls![i];
        if ((flags & ZADD_INCR) !== 0) {
          score += cur;
          if (score !== score) return ZADD_OUT_NAN;
        }
        if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) return ZADD_OUT_NOP;
        this.newScore = score;
        if (score === cur) return 0; // equal (also -0 vs 0): Redis leaves the element alone
        // A listpack holds an integral score as an integer: -0 is stored as 0 (the reply still shows -0).
        this.lpRemove(i, 1);
        this.lpInsert(score === 0 ? 0 : score, member);
        return ZADD_OUT_UPDATED;
      }
      if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
      if (lm.length + 1 > maxEntries || member.length > maxValue) {
        this.convertToSkiplist();
      } else {
        this.lpInsert(score === 0 ? 0 : score, member);
        this.newScore = score;
        return ZADD_OUT_ADDED;
      }
    }
    const dict = this.md!;
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
      this.sl!.updateScore(cur, member, score);
      e.score = score;
      return ZADD_OUT_UPDATED;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
    this.sl!.insert(score, member);
    dict.add(new ZsetEntry(member, score), h);
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /**
   * Insert a member known to be absent, with no encoding check: store commands build their result this way
   * and then call convertToListpackIfNeeded, as zunionInterDiffGenericCommand does.
   */
  insertNew(score: number, member: string): void {
    if (this.lm !== null) {
      this.lpInsert(score, member);
      return;
    }
    this.sl!.insert(score, member);
    this.md!.add(new ZsetEntry(member, score));
  }

  /** zsetDel: remove member; true when it was there. */
  delete(member: string): boolean {
    if (this.lm !== null) {
      const i = this.lpFind(member);
      if (i < 0) return false;
      this.lpRemove(i, 1);
      return true;
    }
    const e = this.md!.delete(member);
    if (e === null) return false;
    this.sl!.delete(e.score, member);
    return true;
  }

  /** Remove an element known to be present, given its node (ZPOPMIN/ZPOPMAX). */
  deleteNode(node: SkipNode): void {
    if (this.lm !== null) {
      const i = this.lpLowerBound(node.score, node.member);
      if (i < this.lm.length && this.lm[i] === node.member) this.lpRemove(i, 1);
      return;
    }
    this.md!.delete(node.member);
    this.sl!.delete(node.score, node.member);
  }

  /** ZREMRANGEBYSCORE: remove every element in range; returns how many. */
  deleteRangeByScore(range: ScoreRange): number {
    if (this.lm !== null) {
      const ls = this.ls!;
      let i = 0;
      while (i < ls.length && !scoreGteMin(ls[i], range)) i++;
      let j = i;
      while (j < ls.length && scoreLteMax(ls[j], range)) j++;
      if (j > i) this.lpRemove(i, j - i);
      return j - i;
    }
    deletingFrom = this.md;
    const n = this.sl!.deleteRangeByScore(range, dropMember);
    deletingFrom = null;
    return n;
  }

  /** ZREMRANGEBYRANK: remove 0-based ranks start..end (inclusive, already clamped); returns how many. */
  deleteRangeByRank(start: number, end: number): number {
    if (this.lm !== null) {
      const n = end - start + 1;
      if (n <= 0) return 0;
      this.lpRemove(start, n);
      return n;
    }
    deletingFrom = this.md;
    const n = this.sl!.deleteRangeByRank(start + 1, end + 1, dropMember);
    deletingFrom = null;
    return n;
  }

  /**
   * ZREMRANGEBYLEX: remove every element in range; returns how many. A listpack deletes from its first
   * in-range element while elements stay below max (zzlDeleteRangeByLex); a skiplist uses zslDeleteRangeByLex.
   */
  deleteRangeByLex(range: LexRange): number {
    if (this.lm === null) {
      deletingFrom = this.md;
      const n = this.sl!.deleteRangeByLex(range, dropMember);
      deletingFrom = null;
      return n;
    }
    const i = this.lpFirstInLexRange(range);
    if (i < 0) return 0;
    const lm = this.lm;
    let j = i;
    while (j < lm.length && lexLteMax(lm[j], range)) j++;
    this.lpRemove(i, j - i);
    return j - i;
  }

  /** The listpack becomes a skiplist (zsetConvert to OBJ_ENCODING_SKIPLIST), inserting in listpack order. */
  convertToSkiplist(): void {
    const lm = this.lm;
    if (lm === null) return;
    const ls = this.ls!;
    const zsl = new SkipList();
    const dict = new Dict<ZsetEntry>();
    for (let i = 0; i < lm.length; i++) {
      zsl.insert(ls[i], lm[i]);
      dict.add(new ZsetEntry(lm[i], ls[i]));
    }
    if (viewOwner === this) dropView();
    this.sl = zsl;
    this.md = dict;
    this.lm = null;
    this.ls = null;
  }

  /**
   * zsetConvertToListpackIfNeeded: a skiplist small enough (length and longest member, `maxMemberLength`)
   * becomes a listpack again, as store commands leave their results. Integral scores become integers: -0 is 0.
   */
  convertToListpackIfNeeded(maxEntries: number, maxValue: number, maxMemberLength: number): void {
    if (this.lm !== null || this.sl!.length > maxEntries || maxMemberLength > maxValue) return;
    const lm: string[] = [];
    const ls: number[] = [];
    for (let x = this.sl!.head; x !== null; x = x.next) {
      lm.push(x.member);
      ls.push(x.score === 0 ? 0 : x.score);
    }
    this.lm = lm;
    this.ls = ls;
    this.sl = null;
    this.md = null;
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
    if (this.lm !== null) {
      const ls = this.ls!;
      let i = 0;
      while (i < ls.length && !scoreGteMin(ls[i], range)) i++;
      let j = i;
      while (j < ls.length && scoreLteMax(ls[j], range)) j++;
      return j - i;
    }
    const zsl = this.sl!;
    return countBetween(zsl, zsl.firstInRange(range), zsl.lastInRange(range));
  }

  /** zzlFirstInLexRange (a linear walk) on a listpack, zslFirstInLexRange on a skiplist. */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (this.lm === null) return this.sl!.firstInLexRange(range);
    const i = this.lpFirstInLexRange(range);
    return i < 0 ? null : this.view().getByRank(i + 1);
  }

  /** zzlLastInLexRange (a linear walk back from the tail) on a listpack, zslLastInLexRange on a skiplist. */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (this.lm === null) return this.sl!.lastInLexRange(range);
    const i = this.lpLastInLexRange(range);
    return i < 0 ? null : this.view().getByRank(i + 1);
  }

  /** ZLEXCOUNT: a walk on a listpack, rank arithmetic on a skiplist (zlexcountCommand). */
  countInLexRange(range: LexRange): number {
    if (this.lm !== null) {
      const i = this.lpFirstInLexRange(range);
      if (i < 0) return 0;
      const lm = this.lm;
      let j = i;
      while (j < lm.length && lexLteMax(lm[j], range)) j++;
      return j - i;
    }
    const zsl = this.sl!;
    return countBetween(zsl, zsl.firstInLexRange(range), zsl.lastInLexRange(range));
  }

  /** zzlFirstInLexRange on the arrays: index of the first element >= min, if it is also <= max; else -1. */
  private lpFirstInLexRange(range: LexRange): number {
    if (!this.lexRangeMayMatch(range)) return -1;
    const lm = this.lm!;
    for (let i = 0; i < lm.length; i++) {
      if (lexGteMin(lm[i], range)) return lexLteMax(lm[i], range) ? i : -1;
    }
    return -1;
  }

  /** zzlLastInLexRange on the arrays: index of the last element <= max, if it is also >= min; else -1. */
  private lpLastInLexRange(range: LexRange): number {
    if (!this.lexRangeMayMatch(range)) return -1;
    const lm = this.lm!;
    for (let i = lm.length - 1; i >= 0; i--) {
      if (lexLteMax(lm[i], range)) return lexGteMin(lm[i], range) ? i : -1;
    }
    return -1;
  }

  /** zzlIsInLexRange: the range is not empty and overlaps the first/last members. */
  private lexRangeMayMatch(range: LexRange): boolean {
    const cmp = compareLex(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.minex || range.maxex))) return false;
    const lm = this.lm!;
    if (lm.length === 0 || !lexGteMin(lm[lm.length - 1], range)) return false;
    return lexLteMax(lm[0], range);
  }

  // ---- scanning and copying ----

  /**
   * ZSCAN of a listpack: every pair at once in order, the score printed as the listpack holds it (an
   * integer when integral within +-2^62, else %.17g).
   */
  listpackScan(out: string[]): void {
    if (this.lm !== null) {
      const lm = this.lm;
      const ls = this.ls!;
      for (let i = 0; i < lm.length; i++) out.push(lm[i], listpackScoreText(ls[i]));
      return;
    }
    for (let x = this.sl!.head; x !== null; x = x.next) {
      out.push(x.member, listpackScoreText(x.score));
    }
  }

  /** A deep copy with the same encoding (zsetDup). */
  clone(): Zset {
    if (this.lm !== null) {
      const z = new Zset(true);
      z.lm = this.lm.slice();
      z.ls = this.ls!.slice();
      return z;
    }
    const z = new Zset(false);
    // Highest first: each insert stops at the head, as zsetDup does it.
    for (let x = this.sl!.tail; x !== null; x = x.backward) {
      z.sl!.insert(x.score, x.member);
      z.md!.add(new ZsetEntry(x.member, x.score));
    }
    return z;
  }

  /** Approximate bytes: per-element node, dict entry and member, sampled from the lowest elements. */
  memoryUsage(): number {
    const n = this.length;
    let sampled = 0;
    let k = 0;
    if (this.lm !== null) {
      for (; k < n && k < MEMORY_SAMPLES; k++) sampled += this.lm[k].length;
    } else {
      for (let x = this.sl!.head; x !== null && k < MEMORY_SAMPLES; x = x.next, k++) sampled += x.member.length;
    }
    const members = k === 0 ? 0 : Math.round((sampled / k) * n);
    return (this.lm !== null ? 24 : 96) + n * (this.lm !== null ? 12 : 120) + members;
  }

  /** The RDB record: ZSET_2 order, highest score first (as rdbSaveObject walks a skiplist). */
  toRdb(): RdbValue {
    const entries: Array<[string, number]> = [];
    if (this.lm !== null) {
      const lm = this.lm;
      const ls = this.ls!;
      for (let i = lm.length - 1; i >= 0; i--) entries.push([lm[i], ls[i]]);
    } else {
      for (let x = this.sl!.tail; x !== null; x = x.backward) entries.push([x.member, x.score]);
    }
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

/** Elements from `first` to `last` inclusive by rank arithmetic (zcountCommand/zlexcountCommand); 0 without a first. */
function countBetween(zsl: SkipList, first: SkipNode | null, last: SkipNode | null): number {
  if (first === null) return 0;
  let count = zsl.length - (zsl.getRank(first.score, first.member) - 1);
  if (last !== null) count -= zsl.length - zsl.getRank(last.score, last.member);
  return count;
}
