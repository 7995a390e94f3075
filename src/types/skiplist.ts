/*
 * The ordered half of a sorted set: a port of Redis's zskiplist (t_zset.c).
 *
 * Nodes are ordered by (score, member), members comparing as binary strings.
 * Members are one-byte "latin1" strings, so JS `<` (UTF-16 code units) is
 * exactly memcmp-then-length order. Every forward link carries a span (how
 * many level-0 steps it skips), which gives O(log n) rank lookups in both
 * directions; the level-0 chain is also linked backwards for reverse scans.
 * The algorithms, range predicates and edge cases follow t_zset.c line by
 * line so replies match Redis even in corner cases (e.g. lex ranges walked
 * over members with different scores). The member -> score map that makes
 * ZSCORE O(1) lives with the caller; this structure knows no RESP.
 *
 * Built for V8: one node class whose fields are all set in the constructor,
 * forward/span arrays cloned from per-level packed templates (exact size, no
 * holes), and search paths kept in scratch arrays owned by the list, so no
 * operation allocates apart from the node it inserts. updateScore relinks
 * the existing node when it has to move, rather than allocating a new one
 * as Redis does.
 *
 * Parsing of range arguments (ZRANGEBYSCORE/ZRANGEBYLEX style "(1.5", "[a",
 * "-inf", "+") lives here too, because it defines the range semantics.
 */

/** Redis's ZSKIPLIST_MAXLEVEL: enough for 4^32 elements. */
export const SKIPLIST_MAXLEVEL = 32;
/** Redis's ZSKIPLIST_P: each level holds about a quarter of the one below. */
export const SKIPLIST_P = 0.25;

// Packed templates indexed by level; `slice()` gives an exact-size packed copy.
const NULL_TEMPLATES: null[][] = [];
const ZERO_TEMPLATES: number[][] = [];
for (let level = 0; level <= SKIPLIST_MAXLEVEL; level++) {
  const nulls: null[] = [];
  const zeros: number[] = [];
  for (let i = 0; i < level; i++) {
    nulls.push(null);
    zeros.push(0);
  }
  NULL_TEMPLATES.push(nulls);
  ZERO_TEMPLATES.push(zeros);
}

/** One element. Walk forward with `next` (level 0), backward with `backward`. */
export class SkipNode {
  member: string;
  score: number;
  /** Previous node at level 0; null for the first node. */
  backward: SkipNode | null;
  /** forward[i]: next node at level i. Length is the node's level. */
  readonly forward: (SkipNode | null)[];
  /** span[i]: level-0 steps from this node to forward[i] (to the end when null). */
  readonly span: number[];

  constructor(level: number, score: number, member: string) {
    this.member = member;
    this.score = score;
    this.backward = null;
    this.forward = NULL_TEMPLATES[level].slice();
    this.span = ZERO_TEMPLATES[level].slice();
  }

  /** Next node in (score, member) order, or null at the tail. */
  get next(): SkipNode | null {
    return this.forward[0];
  }

  get level(): number {
    return this.forward.length;
  }
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
    return this.header.forward[0];
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
    const x = this.findUpdatePath(score, member).forward[0];
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
    const x = this.findUpdatePath(curScore, member).forward[0];
    if (x === null || x.score !== curScore || x.member !== member) {
      throw new Error('SkipList.updateScore: element not found');
    }
    const prev = x.backward;
    const next = x.forward[0];
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
      let f = x.forward[i];
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span[i];
        x = f;
        f = x.forward[i];
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
      let f = x.forward[i];
      while (f !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = f;
        f = x.forward[i];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** zslIsInRange: could any element fall in `range`? */
  isInRange(range: ScoreRange): boolean {
    if (range.min > range.max || (range.min === range.max && (range.minex || range.maxex))) {
      return false;
    }
    const last = this.tailNode;
    if (last === null || !scoreGteMin(last.score, range)) return false;
    const first = this.header.forward[0];
    return first !== null && scoreLteMax(first.score, range);
  }

  /** zslFirstInRange: lowest element within `range`, or null. */
  firstInRange(range: ScoreRange): SkipNode | null {
    if (!this.isInRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !scoreGteMin(f.score, range)) {
        x = f;
        f = x.forward[i];
      }
    }
    const first = x.forward[0];
    return first !== null && scoreLteMax(first.score, range) ? first : null;
  }

  /** zslLastInRange: highest element within `range`, or null. */
  lastInRange(range: ScoreRange): SkipNode | null {
    if (!this.isInRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && scoreLteMax(f.score, range)) {
        x = f;
        f = x.forward[i];
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
    const first = this.header.forward[0];
    return first !== null && lexLteMax(first.member, range);
  }

  /** zslFirstInLexRange */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.isInLexRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f;
        f = x.forward[i];
      }
    }
    const first = x.forward[0];
    return first !== null && lexLteMax(first.member, range) ? first : null;
  }

  /** zslLastInLexRange */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.isInLexRange(range)) return null;
    let x = this.header;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && lexLteMax(f.member, range)) {
        x = f;
        f = x.forward[i];
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
      let f = x.forward[i];
      while (f !== null && !scoreGteMin(f.score, range)) {
        x = f;
        f = x.forward[i];
      }
      this.update[i] = x;
    }
    let removed = 0;
    let node = x.forward[0];
    while (node !== null && scoreLteMax(node.score, range)) {
      const next: SkipNode | null = node.forward[0];
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
      let f = x.forward[i];
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f;
        f = x.forward[i];
      }
      this.update[i] = x;
    }
    let removed = 0;
    let node = x.forward[0];
    while (node !== null && lexLteMax(node.member, range)) {
      const next: SkipNode | null = node.forward[0];
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
      let f = x.forward[i];
      while (f !== null && traversed + x.span[i] < start) {
        traversed += x.span[i];
        x = f;
        f = x.forward[i];
      }
      this.update[i] = x;
    }
    traversed++;
    let removed = 0;
    let node = x.forward[0];
    while (node !== null && traversed <= end) {
      const next: SkipNode | null = node.forward[0];
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
   * length) and throws describing the first violation. O(n * levels): for
   * tests and debugging only.
   */
  checkInvariants(): void {
    const header = this.header;
    // Level 0: order, backward links, tail, length.
    let n = 0;
    let prev: SkipNode | null = null;
    for (let x = header.forward[0]; x !== null; x = x.forward[0]) {
      if (x.backward !== prev) throw new Error(`backward link broken at position ${n + 1}`);
      if (prev !== null && !sortsBefore(prev, x.score, x.member)) {
        throw new Error(`order broken at position ${n + 1}`);
      }
      if (x.forward.length < 1 || x.forward.length > this.levels) {
        throw new Error(`node level ${x.forward.length} outside 1..${this.levels}`);
      }
      prev = x;
      n++;
    }
    if (n !== this.count) throw new Error(`length ${this.count} but ${n} nodes`);
    if (this.tailNode !== prev) throw new Error('tail is not the last node');
    if (this.levels < 1 || (this.levels > 1 && header.forward[this.levels - 1] === null)) {
      throw new Error(`level count ${this.levels} not tight`);
    }
    for (let i = this.levels; i < SKIPLIST_MAXLEVEL; i++) {
      if (header.forward[i] !== null) throw new Error(`header links above level count at ${i}`);
    }
    // Every level: spans match positions and sum to the length.
    const position = new Map<SkipNode, number>();
    let pos = 0;
    for (let x = header.forward[0]; x !== null; x = x.forward[0]) position.set(x, ++pos);
    for (let i = 0; i < this.levels; i++) {
      let sum = 0;
      let at = 0;
      for (let x: SkipNode = header; ; ) {
        const f = x.forward[i];
        const expected = f === null ? this.count - at : (position.get(f) ?? -1) - at;
        if (x.span[i] !== expected) {
          throw new Error(`span ${x.span[i]} at level ${i} position ${at}, expected ${expected}`);
        }
        sum += x.span[i];
        if (f === null) break;
        at += x.span[i];
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
      let f = x.forward[i];
      while (f !== null && (f.score < score || (f.score === score && f.member < member))) {
        x = f;
        f = x.forward[i];
      }
      this.update[i] = x;
    }
    return x;
  }

  /** The body of zslInsert for a node already carrying its level, score and member. */
  private link(node: SkipNode): SkipNode {
    const header = this.header;
    const update = this.update;
    const rank = this.rank;
    const score = node.score;
    const member = node.member;
    let x = header;
    let r = 0;
    for (let i = this.levels - 1; i >= 0; i--) {
      let f = x.forward[i];
      while (f !== null && (f.score < score || (f.score === score && f.member < member))) {
        r += x.span[i];
        x = f;
        f = x.forward[i];
      }
      rank[i] = r;
      update[i] = x;
    }
    const level = node.forward.length;
    if (level > this.levels) {
      for (let i = this.levels; i < level; i++) {
        rank[i] = 0;
        update[i] = header;
        header.span[i] = this.count;
      }
      this.levels = level;
    }
    const rank0 = rank[0];
    for (let i = 0; i < level; i++) {
      const u = update[i];
      node.forward[i] = u.forward[i];
      u.forward[i] = node;
      node.span[i] = u.span[i] - (rank0 - rank[i]);
      u.span[i] = rank0 - rank[i] + 1;
    }
    for (let i = level; i < this.levels; i++) update[i].span[i]++;
    node.backward = update[0] === header ? null : update[0];
    const next = node.forward[0];
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
      if (u.forward[i] === x) {
        u.span[i] += x.span[i] - 1;
        u.forward[i] = x.forward[i];
      } else {
        u.span[i] -= 1;
      }
    }
    const next = x.forward[0];
    if (next !== null) next.backward = x.backward;
    else this.tailNode = x.backward;
    const header = this.header;
    while (this.levels > 1 && header.forward[this.levels - 1] === null) this.levels--;
    this.count--;
  }
}

// ---------------------------------------------------------------------------
// Range argument parsing
// ---------------------------------------------------------------------------

/**
 * zslParseRange: parses the min/max of ZRANGEBYSCORE, ZCOUNT,
 * ZREMRANGEBYSCORE... A leading "(" makes a bound exclusive. Returns null
 * when either bound is invalid; the caller replies
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
  const min = strtodWhole(minStr);
  const max = strtodWhole(maxStr);
  if (min !== min || max !== max) return null;
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

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;

/**
 * What `strtod(s, &end)` followed by Redis's `end[0] == '\0'` check accepts,
 * as a number; NaN for rejected input (Redis rejects NaN results too).
 * Faithful to glibc: leading C whitespace is skipped, "inf"/"infinity" in
 * any case and hex floats ("0x1p3") are accepted, trailing bytes are not.
 * Two consequences Redis shows as well: "" (and so "(") parses as 0, and a
 * NUL byte ends the string, since strtod reads C strings.
 * Deliberately not src/util/numbers.ts's parser: Redis's generic
 * string-to-double rejects leading spaces and "", this one does not.
 */
function strtodWhole(s: string): number {
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return i === 0 ? 0 : NaN; // no digits: end points at s itself
  if (i > 0) s = s.slice(i);
  if (DECIMAL_FLOAT.test(s)) return Number(s);
  if (INFINITY.test(s)) return s.charCodeAt(0) === 45 /* - */ ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) {
    const intDigits = hex[2];
    const fracDigits = hex[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return NaN; // "0x" parses as "0", leaving "x"
    const mantissa = parseInt(intDigits + fracDigits, 16);
    const exponent = (hex[4] === undefined ? 0 : parseInt(hex[4], 10)) - 4 * fracDigits.length;
    const value = mantissa * Math.pow(2, exponent);
    return hex[1] === '-' ? -value : value;
  }
  return NaN;
}

/** C isspace in the "C" locale. */
function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
