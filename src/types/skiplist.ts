/*
 * The ordered half of a sorted set: a port of Redis's zskiplist (t_zset.c).
 *
 * Nodes are ordered by (score, member), members comparing as binary strings.
 * Members are one-byte "latin1" strings, so JS `<` (UTF-16 code units) is
 * exactly memcmp-then-length order. Every forward link carries a span (how
 * many level-0 steps it skips), which gives O(log n) rank lookups in both
 * directions; the level-0 chain is also linked backwards for reverse scans.
 * The algorithms, range predicates and edge cases follow t_zset.c function
 * by function, so replies match Redis even in corner cases (e.g. lex ranges
 * walked over members with different scores). The member -> score map that
 * makes ZSCORE O(1) lives with the caller; this structure knows no RESP.
 *
 * Laid out for V8, where every object and array is a separate allocation
 * and a lookup at a million members is bound by cache misses: level 0 is a
 * plain `next` field, and its span is implicit (1 to a real successor, 0 at
 * the tail), so the three nodes in four that have a single level are one
 * object with no arrays. Higher levels live in one packed array per node,
 * forward links and spans interleaved (`up`), cloned from per-level
 * templates. Search paths go into scratch arrays owned by the list, so an
 * insert allocates only its node, and updateScore relinks the existing node
 * when it has to move instead of allocating a new one as Redis does.
 * Against Redis's layout transcribed directly (two arrays per node) this
 * halves the memory per member and cuts lookups by 20-45% at 1e5-1e6
 * members, where every step is a cache miss (see bench/structures.ts).
 *
 * Parsing of range arguments (ZRANGEBYSCORE/ZRANGEBYLEX style "(1.5", "[a",
 * "-inf", "+") lives here too, because it defines the range semantics.
 */

import { parseDoubleLenient } from '../util/numbers';

/** Redis's ZSKIPLIST_MAXLEVEL: enough for 4^32 elements. */
export const SKIPLIST_MAXLEVEL = 32;
/** Redis's ZSKIPLIST_P: each level holds about a quarter of the one below. */
export const SKIPLIST_P = 0.25;

type UpperLevels = (SkipNode | number | null)[];

// Packed templates indexed by level: [forward1, span1, forward2, span2, ...]
// for levels 1..level-1; `slice()` gives an exact-size packed copy. Entry 1
// (no upper levels) is shared by every single-level node and never written.
const UPPER_TEMPLATES: UpperLevels[] = [];
for (let level = 0; level <= SKIPLIST_MAXLEVEL; level++) {
  const up: UpperLevels = [null];
  up.pop(); // an empty array already of the generic elements kind
  for (let i = 1; i < level; i++) up.push(null, 0);
  UPPER_TEMPLATES.push(up);
}

/**
 * One element. Walk forward with `next`, backward with `backward`. The
 * fields belong to the list: callers read them and never assign them.
 */
export class SkipNode {
  member: string;
  score: number;
  /** Previous node in order; null for the first node. */
  backward: SkipNode | null;
  /** Next node in order (the level-0 link); null for the last node. */
  next: SkipNode | null;
  /** @internal Levels 1..level-1: forward link at 2(i-1), span at 2(i-1)+1. */
  readonly up: UpperLevels;

  constructor(level: number, score: number, member: string) {
    this.member = member;
    this.score = score;
    this.backward = null;
    this.next = null;
    this.up = level > 1 ? UPPER_TEMPLATES[level].slice() : UPPER_TEMPLATES[1];
  }

  /** Number of levels this node is linked on (1..SKIPLIST_MAXLEVEL). */
  get level(): number {
    return (this.up.length >>> 1) + 1;
  }
}

// Uniform access to level i of a node, so the algorithms read like t_zset.c's
// x->level[i].forward / .span. V8 inlines these; the branch on i is predictable.

function forwardAt(x: SkipNode, i: number): SkipNode | null {
  return i === 0 ? x.next : (x.up[2 * i - 2] as SkipNode | null);
}

/** Level-0 spans are implicit: 1 to a successor, 0 (the distance to the end) at the tail. */
function spanAt(x: SkipNode, i: number): number {
  return i === 0 ? (x.next === null ? 0 : 1) : (x.up[2 * i - 1] as number);
}

function setForwardAt(x: SkipNode, i: number, node: SkipNode | null): void {
  if (i === 0) x.next = node;
  else x.up[2 * i - 2] = node;
}

/** No-op at level 0, where t_zset.c's updates always leave the implicit value. */
function setSpanAt(x: SkipNode, i: number, span: number): void {
  if (i !== 0) x.up[2 * i - 1] = span;
}

/** A score interval; `minex`/`maxex` make the bound exclusive ("(1.5"). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** Redis's shared.minstring / shared.maxstring: the "-" and "+" lex bounds. */
export const LEX_MIN: unique symbol = Symbol('lex -');
export const LEX_MAX: unique symbol = Symbol('lex +');
export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;

/** A member interval for the *BYLEX commands. "-"/"+" are always exclusive, as in Redis. */
export interface LexRange {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

/** zslValueGteMin */
export function scoreGteMin(value: number, range: ScoreRange): boolean {
  return range.minex ? value > range.min : value >= range.min;
}

/** zslValueLteMax */
export function scoreLteMax(value: number, range: ScoreRange): boolean {
  return range.maxex ? value < range.max : value <= range.max;
}

/** sdscmplex: binary string order with LEX_MIN below and LEX_MAX above every string. */
export function compareLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : 1;
}

/** zslLexValueGteMin */
export function lexGteMin(value: string, range: LexRange): boolean {
  const cmp = compareLex(value, range.min);
  return range.minex ? cmp > 0 : cmp >= 0;
}

/** zslLexValueLteMax */
export function lexLteMax(value: string, range: LexRange): boolean {
  const cmp = compareLex(value, range.max);
  return range.maxex ? cmp < 0 : cmp <= 0;
}

/** zslRandomLevel: 1 + geometric(P), capped at SKIPLIST_MAXLEVEL. */
function randomLevel(): number {
  let level = 1;
  while (level < SKIPLIST_MAXLEVEL && Math.random() < SKIPLIST_P) level++;
  return level;
}

/** Strict (score, member) order: does node `x` sort before (score, member)? */
function sortsBefore(x: SkipNode, score: number, member: string): boolean {
  return x.score < score || (x.score === score && x.member < member);
}

export class SkipList {
  /** Sentinel with SKIPLIST_MAXLEVEL levels; never holds an element. */
  private readonly header: SkipNode;
  private tailNode: SkipNode | null;
  private count: number;
  /** Number of levels in use (Redis's zsl->level), at least 1. */
  private levels: number;
  /** Scratch: the last node before the search key at each level. */
  private readonly update: SkipNode[];
  /** Scratch: the rank of update[i]. */
  private readonly rank: number[];

  constructor() {
    this.header = new SkipNode(SKIPLIST_MAXLEVEL, 0, '');
    this.tailNode = null;
    this.count = 0;
    this.levels = 1;
    this.update = [];
    this.rank = [];
    for (let i = 0; i < SKIPLIST_MAXLEVEL; i++) {
      this.update.push(this.header);
      this.rank.push(0);
    }
  }

  get length(): number {
    return this.count;
  }

  /** First (lowest) element, or null when empty. */
  get head(): SkipNode | null {
    return this.header.next;
  }

  /** Last (highest) element, or null when empty. */
  get tail(): SkipNode | null {
    return this.tailNode;
  }

  /**
   * zslInsert. The caller guarantees `member` is not already present (it
   * keeps the member -> score map) and that `score` is not NaN.
   */
  insert(score: number, member: string): SkipNode {
    if (score !== score) throw new RangeError('SkipList.insert: score is NaN');
    return this.link(new SkipNode(randomLevel(), score, member));
  }

  /** zslDelete: removes the element if present; false when it was not found. */
  delete(score: number, member: string): boolean {
    const x = this.findUpdatePath(score, member).next;
    if (x !== null && x.score === score && x.member === member) {
      this.deleteNode(x);
      return true;
    }
    return false;
  }

  /**
   * zslUpdateScore: moves an existing element (which must be at
   * (curScore, member), or this throws) to newScore. When the new score
   * keeps it between its neighbours the score is updated in place;
   * otherwise the same node is unlinked and relinked. Returns the node.
   */
  updateScore(curScore: number, member: string, newScore: number): SkipNode {
    if (newScore !== newScore) throw new RangeError('SkipList.updateScore: score is NaN');
    const x = this.findUpdatePath(curScore, member).next;
    if (x === null || x.score !== curScore || x.member !== member) {
      throw new Error('SkipList.updateScore: element not found');
    }
    const prev = x.backward;
    const next = x.next;
    if ((prev === null || prev.score < newScore) && (next === null || next.score > newScore)) {
      x.score = newScore;
      return x;
    }
    this.deleteNode(x); // `update` still holds x's predecessors
    x.score = newScore;
    return this.link(x);
  }

  /** zslGetRank: 1-based rank of (score, member), 0 when absent. */
  getRank(score: number, member: string): number {
    const header = this.header;
    let x = header;
    let rank = 0;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += spanAt(x, i);
        x = f;
        f = forwardAt(x, i);
      }
      if (x !== header && x.score === score && x.member === member) return rank;
    }
    return 0;
  }

  /** zslGetElementByRank: the element at 1-based `rank`, or null when out of range. */
  getByRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.count) return null;
    let x = this.header;
    let traversed = 0;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && traversed + spanAt(x, i) <= rank) {
        traversed += spanAt(x, i);
        x = f;
        f = forwardAt(x, i);
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** zslIsInRange: could any element fall in `range`? (Checks only the ends.) */
  isInRange(range: ScoreRange): boolean {
    if (range.min > range.max || (range.min === range.max && (range.minex || range.maxex))) {
      return false;
    }
    const last = this.tailNode;
    if (last === null || !scoreGteMin(last.score, range)) return false;
    const first = this.header.next;
    return first !== null && scoreLteMax(first.score, range);
  }

  /** zslFirstInRange: lowest element within `range`, or null. */
  firstInRange(range: ScoreRange): SkipNode | null {
    if (!this.isInRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && !scoreGteMin(f.score, range)) {
        x = f;
        f = forwardAt(x, i);
      }
    }
    const first = x.next;
    return first !== null && scoreLteMax(first.score, range) ? first : null;
  }

  /** zslLastInRange: highest element within `range`, or null. */
  lastInRange(range: ScoreRange): SkipNode | null {
    if (!this.isInRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && scoreLteMax(f.score, range)) {
        x = f;
        f = forwardAt(x, i);
      }
    }
    return x !== this.header && scoreGteMin(x.score, range) ? x : null;
  }

  /** zslIsInLexRange: could any element fall in `range`? Assumes equal scores, as Redis does. */
  isInLexRange(range: LexRange): boolean {
    const cmp = compareLex(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.minex || range.maxex))) return false;
    const last = this.tailNode;
    if (last === null || !lexGteMin(last.member, range)) return false;
    const first = this.header.next;
    return first !== null && lexLteMax(first.member, range);
  }

  /** zslFirstInLexRange */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.isInLexRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f;
        f = forwardAt(x, i);
      }
    }
    const first = x.next;
    return first !== null && lexLteMax(first.member, range) ? first : null;
  }

  /** zslLastInLexRange */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.isInLexRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && lexLteMax(f.member, range)) {
        x = f;
        f = forwardAt(x, i);
      }
    }
    return x !== this.header && lexGteMin(x.member, range) ? x : null;
  }

  /**
   * zslDeleteRangeByScore (ZREMRANGEBYSCORE): removes every element in
   * `range`, calling onDelete for each so the caller can drop it from its
   * member map. Returns how many were removed.
   */
  deleteRangeByScore(range: ScoreRange, onDelete?: (member: string, score: number) => void): number {
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && !scoreGteMin(f.score, range)) {
        x = f;
        f = forwardAt(x, i);
      }
      this.update[i] = x;
    }
    let removed = 0;
    let node = x.next;
    while (node !== null && scoreLteMax(node.score, range)) {
      const next: SkipNode | null = node.next;
      this.deleteNode(node);
      if (onDelete !== undefined) onDelete(node.member, node.score);
      removed++;
      node = next;
    }
    return removed;
  }

  /** zslDeleteRangeByLex (ZREMRANGEBYLEX); see deleteRangeByScore. */
  deleteRangeByLex(range: LexRange, onDelete?: (member: string, score: number) => void): number {
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f;
        f = forwardAt(x, i);
      }
      this.update[i] = x;
    }
    let removed = 0;
    let node = x.next;
    while (node !== null && lexLteMax(node.member, range)) {
      const next: SkipNode | null = node.next;
      this.deleteNode(node);
      if (onDelete !== undefined) onDelete(node.member, node.score);
      removed++;
      node = next;
    }
    return removed;
  }

  /**
   * zslDeleteRangeByRank (ZREMRANGEBYRANK): removes ranks start..end,
   * 1-based and inclusive; see deleteRangeByScore.
   */
  deleteRangeByRank(start: number, end: number, onDelete?: (member: string, score: number) => void): number {
    let x = this.header;
    let traversed = 0;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && traversed + spanAt(x, i) < start) {
        traversed += spanAt(x, i);
        x = f;
        f = forwardAt(x, i);
      }
      this.update[i] = x;
    }
    traversed++;
    let removed = 0;
    let node = x.next;
    while (node !== null && traversed <= end) {
      const next: SkipNode | null = node.next;
      this.deleteNode(node);
      if (onDelete !== undefined) onDelete(node.member, node.score);
      removed++;
      traversed++;
      node = next;
    }
    return removed;
  }

  /**
   * Checks every structural invariant (order, spans, backward links, tail,
   * length, level count) and throws describing the first violation.
   * O(n * levels): for tests and debugging only.
   */
  checkInvariants(): void {
    const header = this.header;
    const position = new Map<SkipNode, number>();
    let n = 0;
    let prev: SkipNode | null = null;
    for (let x = header.next; x !== null; x = x.next) {
      if (x.backward !== prev) throw new Error(`backward link broken at position ${n + 1}`);
      if (prev !== null && !sortsBefore(prev, x.score, x.member)) {
        throw new Error(`order broken at position ${n + 1}`);
      }
      if (x.level > this.levels) throw new Error(`node level ${x.level} above level count ${this.levels}`);
      position.set(x, ++n);
      prev = x;
    }
    if (n !== this.count) throw new Error(`length ${this.count} but ${n} nodes`);
    if (this.tailNode !== prev) throw new Error('tail is not the last node');
    if (this.levels < 1 || (this.levels > 1 && forwardAt(header, this.levels - 1) === null)) {
      throw new Error(`level count ${this.levels} not tight`);
    }
    for (let i = this.levels; i < SKIPLIST_MAXLEVEL; i++) {
      if (forwardAt(header, i) !== null) throw new Error(`header linked above level count at ${i}`);
    }
    // At each level, every span is the distance to the next node (to the end
    // after the last), so the spans sum to the length.
    for (let i = 0; i < this.levels; i++) {
      let sum = 0;
      let at = 0;
      for (let x: SkipNode = header; ; ) {
        const f = forwardAt(x, i);
        if (f !== null && f.level <= i) throw new Error(`level ${i} links to a node of level ${f.level}`);
        const expected = f === null ? this.count - at : (position.get(f) ?? -1) - at;
        if (spanAt(x, i) !== expected) {
          throw new Error(`span ${spanAt(x, i)} at level ${i} position ${at}, expected ${expected}`);
        }
        sum += spanAt(x, i);
        if (f === null) break;
        at += spanAt(x, i);
        x = f;
      }
      if (sum !== this.count) throw new Error(`spans at level ${i} sum to ${sum}, not ${this.count}`);
    }
  }

  /**
   * Fills `update` with the last node before (score, member) at every level
   * and returns the level-0 one (the header when nothing sorts before).
   */
  private findUpdatePath(score: number, member: string): SkipNode {
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && (f.score < score || (f.score === score && f.member < member))) {
        x = f;
        f = forwardAt(x, i);
      }
      this.update[i] = x;
    }
    return x;
  }

  /** The body of zslInsert, for a node already carrying its level, score and member. */
  private link(node: SkipNode): SkipNode {
    const header = this.header;
    const update = this.update;
    const rank = this.rank;
    const score = node.score;
    const member = node.member;
    let x = header;
    let r = 0;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = forwardAt(x, i);
      while (f !== null && (f.score < score || (f.score === score && f.member < member))) {
        r += spanAt(x, i);
        x = f;
        f = forwardAt(x, i);
      }
      rank[i] = r;
      update[i] = x;
    }
    const level = node.level;
    if (level > this.levels) {
      for (let i = this.levels; i < level; i++) {
        rank[i] = 0;
        update[i] = header;
        setSpanAt(header, i, this.count);
      }
      this.levels = level;
    }
    const rank0 = rank[0];
    for (let i = 0; i < level; i++) {
      const u = update[i];
      setForwardAt(node, i, forwardAt(u, i));
      setForwardAt(u, i, node);
      setSpanAt(node, i, spanAt(u, i) - (rank0 - rank[i]));
      setSpanAt(u, i, rank0 - rank[i] + 1);
    }
    for (let i = level; i < this.levels; i++) setSpanAt(update[i], i, spanAt(update[i], i) + 1);
    node.backward = update[0] === header ? null : update[0];
    const next = node.next;
    if (next !== null) next.backward = node;
    else this.tailNode = node;
    this.count++;
    return node;
  }

  /** zslDeleteNode: unlinks `x`, whose predecessors are in `update`. */
  private deleteNode(x: SkipNode): void {
    const update = this.update;
    for (let i = 0; i < this.levels; i++) {
      const u = update[i];
      if (forwardAt(u, i) === x) {
        setSpanAt(u, i, spanAt(u, i) + spanAt(x, i) - 1);
        setForwardAt(u, i, forwardAt(x, i));
      } else {
        setSpanAt(u, i, spanAt(u, i) - 1);
      }
    }
    const next = x.next;
    if (next !== null) next.backward = x.backward;
    else this.tailNode = x.backward;
    const header = this.header;
    while (this.levels > 1 && forwardAt(header, this.levels - 1) === null) this.levels--;
    this.count--;
  }
}

// ---------------------------------------------------------------------------
// Range argument parsing
// ---------------------------------------------------------------------------

/**
 * zslParseRange: parses the min/max of ZRANGEBYSCORE, ZCOUNT,
 * ZREMRANGEBYSCORE... A leading "(" makes a bound exclusive; the rest is
 * read by plain strtod (parseDoubleLenient: leading spaces skipped, "" is 0,
 * "inf" and hex floats accepted, NaN and trailing bytes rejected). Returns
 * null when either bound is invalid; the caller replies
 * "ERR min or max is not a float".
 */
export function parseScoreRange(minStr: string, maxStr: string): ScoreRange | null {
  let minex = false;
  let maxex = false;
  if (minStr.charCodeAt(0) === 40 /* ( */) {
    minex = true;
    minStr = minStr.slice(1);
  }
  if (maxStr.charCodeAt(0) === 40 /* ( */) {
    maxex = true;
    maxStr = maxStr.slice(1);
  }
  const min = parseDoubleLenient(minStr);
  const max = parseDoubleLenient(maxStr);
  if (min === null || max === null) return null;
  return { min, max, minex, maxex };
}

/**
 * zslParseLexRange: parses the min/max of ZRANGEBYLEX, ZLEXCOUNT,
 * ZREMRANGEBYLEX: "[x" inclusive, "(x" exclusive, "-" and "+" the infinite
 * bounds. Returns null when either is invalid; the caller replies
 * "ERR min or max not valid string range item".
 */
export function parseLexRange(minStr: string, maxStr: string): LexRange | null {
  const min = parseLexBound(minStr);
  const max = parseLexBound(maxStr);
  if (min === undefined || max === undefined) return null;
  return { min, max, minex: isExclusiveLexItem(minStr), maxex: isExclusiveLexItem(maxStr) };
}

/** zslParseLexRangeItem's bound, or undefined when the item is invalid. */
function parseLexBound(item: string): LexBound | undefined {
  const c = item.charCodeAt(0);
  // Redis tests c[1] != '\0', so a NUL right after "+"/"-" ends the item.
  const alone = item.length === 1 || item.charCodeAt(1) === 0;
  if (c === 43 /* + */) return alone ? LEX_MAX : undefined;
  if (c === 45 /* - */) return alone ? LEX_MIN : undefined;
  if (c === 40 /* ( */ || c === 91 /* [ */) return item.slice(1);
  return undefined;
}

function isExclusiveLexItem(item: string): boolean {
  return item.charCodeAt(0) !== 91; /* only "[x" is inclusive; "-" and "+" count as exclusive */
}
