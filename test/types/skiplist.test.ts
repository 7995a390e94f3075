/*
 * Tests for src/types/skiplist.ts: the zskiplist port behind sorted sets.
 *
 * Hand-written cases pin Redis's edge semantics (binary member order,
 * exclusive bounds, "-"/"+" lex bounds, strtod quirks in range parsing);
 * the randomized tests drive thousands of inserts/deletes/score updates
 * against a naive sorted-array model with a seeded PRNG (so failures
 * reproduce) and check ranks, ranges, lex ranges and the structural
 * invariants (order, spans summing to the length, backward links).
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  SkipList,
  SkipNode,
  ScoreRange,
  LexRange,
  LexBound,
  LEX_MIN,
  LEX_MAX,
  SKIPLIST_MAXLEVEL,
  parseScoreRange,
  parseLexRange,
  compareLex,
} from '../../src/types/skiplist';
import { rng } from '../helpers';

interface Entry {
  score: number;
  member: string;
}

function walk(zsl: SkipList): Entry[] {
  const out: Entry[] = [];
  for (let x = zsl.head; x !== null; x = x.next) out.push({ score: x.score, member: x.member });
  return out;
}

function walkBackward(zsl: SkipList): Entry[] {
  const out: Entry[] = [];
  for (let x = zsl.tail; x !== null; x = x.backward) out.push({ score: x.score, member: x.member });
  return out;
}

function nodeEntry(x: SkipNode | null): Entry | null {
  return x === null ? null : { score: x.score, member: x.member };
}

function range(min: number, max: number, minex = false, maxex = false): ScoreRange {
  return { min, max, minex, maxex };
}

function lex(min: LexBound, max: LexBound, minex = false, maxex = false): LexRange {
  return { min, max, minex, maxex };
}

// ---------------------------------------------------------------------------
// Naive model: a sorted array of entries.
// ---------------------------------------------------------------------------

function entryBefore(a: Entry, b: Entry): boolean {
  return a.score < b.score || (a.score === b.score && a.member < b.member);
}

class Model {
  items: Entry[] = [];
  scores = new Map<string, number>();

  index(score: number, member: string): number {
    return this.items.findIndex((e) => e.score === score && e.member === member);
  }
  insert(score: number, member: string): void {
    const e = { score, member };
    let i = 0;
    while (i < this.items.length && entryBefore(this.items[i], e)) i++;
    this.items.splice(i, 0, e);
    this.scores.set(member, score);
  }
  delete(member: string): void {
    const score = this.scores.get(member);
    if (score === undefined) return;
    this.items.splice(this.index(score, member), 1);
    this.scores.delete(member);
  }
  inScore(e: Entry, r: ScoreRange): boolean {
    const aboveMin = r.minex ? e.score > r.min : e.score >= r.min;
    const belowMax = r.maxex ? e.score < r.max : e.score <= r.max;
    return aboveMin && belowMax;
  }
  inLex(e: Entry, r: LexRange): boolean {
    const lo = modelLexCmp(e.member, r.min);
    const hi = modelLexCmp(e.member, r.max);
    return (r.minex ? lo > 0 : lo >= 0) && (r.maxex ? hi < 0 : hi <= 0);
  }
}

/** Independent restatement of sdscmplex for a member against a bound. */
function modelLexCmp(member: string, bound: LexBound): number {
  if (bound === LEX_MIN) return 1;
  if (bound === LEX_MAX) return -1;
  // memcmp over bytes, then length.
  const n = Math.min(member.length, bound.length);
  for (let i = 0; i < n; i++) {
    const d = member.charCodeAt(i) - bound.charCodeAt(i);
    if (d !== 0) return d;
  }
  return member.length - bound.length;
}

function randomMember(rand: () => number): string {
  const len = Math.floor(rand() * 6);
  let s = '';
  for (let i = 0; i < len; i++) {
    // Mostly a small alphabet (more collisions), sometimes any byte.
    s += String.fromCharCode(rand() < 0.8 ? 97 + Math.floor(rand() * 4) : Math.floor(rand() * 256));
  }
  return s;
}

const SCORES = [-Infinity, -3, -1.5, -0, 0, 1, 1, 2, 2.5, 7, 100, Infinity];

/** Half the time a score from a few special values (many ties), else an integer in -50..50. */
function randomScore(rand: () => number): number {
  if (rand() < 0.5) return SCORES[Math.floor(rand() * SCORES.length)];
  return Math.floor(rand() * 101) - 50;
}

function randomScoreRange(rand: () => number): ScoreRange {
  return range(randomScore(rand), randomScore(rand), rand() < 0.4, rand() < 0.4);
}

// ---------------------------------------------------------------------------
// Hand-written cases
// ---------------------------------------------------------------------------

test('empty list', () => {
  const zsl = new SkipList();
  assert.equal(zsl.length, 0);
  assert.equal(zsl.head, null);
  assert.equal(zsl.tail, null);
  assert.equal(zsl.getRank(1, 'a'), 0);
  assert.equal(zsl.getByRank(0), null);
  assert.equal(zsl.getByRank(1), null);
  assert.equal(zsl.firstInRange(range(-Infinity, Infinity)), null);
  assert.equal(zsl.lastInRange(range(-Infinity, Infinity)), null);
  assert.equal(zsl.firstInLexRange(lex(LEX_MIN, LEX_MAX, true, true)), null);
  assert.equal(zsl.delete(1, 'a'), false);
  assert.equal(zsl.deleteRangeByRank(1, 10), 0);
  zsl.checkInvariants();
});

test('orders by score, then members as binary strings', () => {
  const zsl = new SkipList();
  const members = ['b', 'a', '', 'ab', '\xff', '\x00', 'a\x00', 'B', '\x80z'];
  for (const m of members) zsl.insert(1, m);
  zsl.insert(0.5, 'zzz');
  zsl.insert(-Infinity, 'low');
  zsl.insert(Infinity, 'high');
  zsl.checkInvariants();
  assert.deepEqual(
    walk(zsl).map((e) => e.member),
    ['low', 'zzz', '', '\x00', 'B', 'a', 'a\x00', 'ab', 'b', '\x80z', '\xff', 'high'],
  );
  assert.deepEqual(walkBackward(zsl), walk(zsl).reverse());
  assert.equal(zsl.length, 12);
  assert.equal(zsl.head?.member, 'low');
  assert.equal(zsl.tail?.member, 'high');
});

test('getRank and getByRank are 1-based and inverse', () => {
  const zsl = new SkipList();
  for (let i = 0; i < 500; i++) zsl.insert(i % 50, 'm' + String(i).padStart(3, '0'));
  zsl.checkInvariants();
  const all = walk(zsl);
  for (let r = 1; r <= all.length; r++) {
    const node = zsl.getByRank(r);
    assert.deepEqual(nodeEntry(node), all[r - 1]);
    assert.equal(zsl.getRank(all[r - 1].score, all[r - 1].member), r);
  }
  assert.equal(zsl.getByRank(0), null);
  assert.equal(zsl.getByRank(501), null);
  assert.equal(zsl.getRank(3, 'nope'), 0);
  assert.equal(zsl.getRank(4, all[0].member), 0, 'right member, wrong score');
});

test('delete needs both score and member', () => {
  const zsl = new SkipList();
  zsl.insert(1, 'a');
  zsl.insert(2, 'b');
  assert.equal(zsl.delete(2, 'a'), false);
  assert.equal(zsl.delete(1, 'b'), false);
  assert.equal(zsl.delete(1, 'a'), true);
  assert.equal(zsl.delete(1, 'a'), false);
  assert.equal(zsl.length, 1);
  assert.equal(zsl.head?.member, 'b');
  assert.equal(zsl.head?.backward, null);
  assert.equal(zsl.delete(2, 'b'), true);
  assert.equal(zsl.head, null);
  assert.equal(zsl.tail, null);
  zsl.checkInvariants();
});

test('insert rejects NaN', () => {
  const zsl = new SkipList();
  assert.throws(() => zsl.insert(NaN, 'a'), RangeError);
  zsl.insert(1, 'a');
  assert.throws(() => zsl.updateScore(1, 'a', NaN), RangeError);
});

test('updateScore keeps the node in place when the order allows, else relinks it', () => {
  const zsl = new SkipList();
  const a = zsl.insert(1, 'a');
  const b = zsl.insert(2, 'b');
  zsl.insert(3, 'c');
  // Still between neighbours: same node, score changed in place.
  assert.equal(zsl.updateScore(2, 'b', 2.5), b);
  assert.equal(b.score, 2.5);
  // Must move: still the same node object (we relink instead of reallocating).
  const moved = zsl.updateScore(1, 'a', 10);
  assert.equal(moved, a);
  assert.deepEqual(walk(zsl), [
    { score: 2.5, member: 'b' },
    { score: 3, member: 'c' },
    { score: 10, member: 'a' },
  ]);
  // Equal score to a neighbour forces a relink so member order is respected.
  zsl.updateScore(2.5, 'b', 3);
  zsl.updateScore(3, 'c', 3);
  assert.deepEqual(walk(zsl).map((e) => e.member), ['b', 'c', 'a']);
  zsl.updateScore(10, 'a', 3);
  assert.deepEqual(walk(zsl).map((e) => e.member), ['a', 'b', 'c']);
  assert.equal(zsl.tail?.member, 'c');
  zsl.checkInvariants();
  assert.throws(() => zsl.updateScore(99, 'a', 1), /not found/);
});

test('score ranges follow zslValueGteMin / zslValueLteMax', () => {
  const zsl = new SkipList();
  for (let i = 1; i <= 5; i++) zsl.insert(i, 'm' + i);
  const first = (r: ScoreRange) => zsl.firstInRange(r)?.member ?? null;
  const last = (r: ScoreRange) => zsl.lastInRange(r)?.member ?? null;
  assert.equal(first(range(2, 4)), 'm2');
  assert.equal(last(range(2, 4)), 'm4');
  assert.equal(first(range(2, 4, true, true)), 'm3');
  assert.equal(last(range(2, 4, true, true)), 'm3');
  assert.equal(first(range(2, 3, true, true)), null, 'open interval with no member');
  assert.equal(first(range(3, 3)), 'm3');
  assert.equal(first(range(3, 3, true)), null);
  assert.equal(zsl.isInRange(range(3, 3, false, true)), false);
  assert.equal(zsl.isInRange(range(4, 2)), false);
  assert.equal(first(range(-Infinity, Infinity)), 'm1');
  assert.equal(last(range(-Infinity, Infinity)), 'm5');
  assert.equal(first(range(5, Infinity, true)), null);
  assert.equal(last(range(-Infinity, 1, false, true)), null);
  assert.equal(first(range(1.5, 1.7)), null);
  assert.equal(zsl.isInRange(range(1.5, 1.7)), true, 'isInRange is only the cheap end check');
  assert.equal(first(range(0, 0.5)), null);
  assert.equal(first(range(6, 7)), null);
});

test('lex ranges follow sdscmplex with "-" and "+"', () => {
  const zsl = new SkipList();
  for (const m of ['a', 'b', 'c', 'd', 'e', 'foo', 'zap', 'zip']) zsl.insert(0, m);
  const first = (r: LexRange) => zsl.firstInLexRange(r)?.member ?? null;
  const last = (r: LexRange) => zsl.lastInLexRange(r)?.member ?? null;
  const parsed = (a: string, b: string): LexRange => {
    const r = parseLexRange(a, b);
    assert.ok(r !== null, `${a} ${b} should parse`);
    return r;
  };
  assert.equal(first(parsed('-', '+')), 'a');
  assert.equal(last(parsed('-', '+')), 'zip');
  assert.equal(first(parsed('[b', '[d')), 'b');
  assert.equal(last(parsed('[b', '[d')), 'd');
  assert.equal(first(parsed('(b', '(d')), 'c');
  assert.equal(last(parsed('(b', '(d')), 'c');
  assert.equal(first(parsed('[f', '+')), 'foo');
  assert.equal(last(parsed('-', '(f')), 'e');
  assert.equal(first(parsed('(zip', '+')), null);
  assert.equal(first(parsed('-', '-')), null);
  assert.equal(first(parsed('+', '+')), null);
  assert.equal(first(parsed('+', '-')), null);
  assert.equal(first(parsed('[c', '[c')), 'c');
  assert.equal(first(parsed('(c', '[c')), null);
  assert.equal(first(parsed('[d', '[c')), null);
  assert.equal(first(parsed('[', '[')), null, 'empty string is a valid bound');
  assert.equal(first(parsed('[', '+')), 'a');
  assert.equal(zsl.isInLexRange(parsed('[zz', '+')), false);
});

test('compareLex', () => {
  assert.equal(compareLex(LEX_MIN, LEX_MIN), 0);
  assert.equal(compareLex(LEX_MAX, LEX_MAX), 0);
  assert.equal(compareLex(LEX_MIN, LEX_MAX), -1);
  assert.equal(compareLex(LEX_MAX, LEX_MIN), 1);
  assert.equal(compareLex('', LEX_MIN), 1);
  assert.equal(compareLex('\xff\xff', LEX_MAX), -1);
  assert.equal(compareLex('a', 'ab'), -1);
  assert.equal(compareLex('\x80', 'z'), 1);
  assert.equal(compareLex('q', 'q'), 0);
});

test('parseLexRange', () => {
  assert.deepEqual(parseLexRange('-', '+'), { min: LEX_MIN, max: LEX_MAX, minex: true, maxex: true });
  assert.deepEqual(parseLexRange('[a', '(b'), { min: 'a', max: 'b', minex: false, maxex: true });
  assert.deepEqual(parseLexRange('(', '['), { min: '', max: '', minex: true, maxex: false });
  assert.deepEqual(parseLexRange('[\xff\x00', '+'), { min: '\xff\x00', max: LEX_MAX, minex: false, maxex: true });
  assert.deepEqual(parseLexRange('+', '-'), { min: LEX_MAX, max: LEX_MIN, minex: true, maxex: true });
  // Redis checks c[1] != '\0', so "+\0..." is still "+".
  assert.deepEqual(parseLexRange('-\x00x', '+'), { min: LEX_MIN, max: LEX_MAX, minex: true, maxex: true });
  for (const [a, b] of [
    ['a', '+'],
    ['-', 'b'],
    ['', '+'],
    ['-', ''],
    ['--', '+'],
    ['-', '++'],
    ['+a', '+'],
    ['1', '2'],
  ]) {
    assert.equal(parseLexRange(a, b), null, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
  }
});

test('parseScoreRange matches strtod + "no trailing bytes, not NaN"', () => {
  const ok: [string, number, boolean][] = [
    ['1', 1, false],
    ['(1', 1, true],
    ['-1.5', -1.5, false],
    ['(-1.5', -1.5, true],
    ['+2', 2, false],
    ['.5', 0.5, false],
    ['5.', 5, false],
    ['1e3', 1000, false],
    ['1E-2', 0.01, false],
    ['-inf', -Infinity, false],
    ['+inf', Infinity, false],
    ['inf', Infinity, false],
    ['(inf', Infinity, true],
    ['(-inf', -Infinity, true],
    ['-Infinity', -Infinity, false],
    ['INF', Infinity, false],
    ['0x10', 16, false],
    ['0x1p-2', 0.25, false],
    ['-0X.8', -0.5, false],
    ['0x1.8p1', 3, false],
    ['1e-400', 0, false],
    ['1e400', Infinity, false],
    [' 7', 7, false],
    ['\t\n7', 7, false],
    ['', 0, false],
    ['(', 0, true],
    ['3\x00junk', 3, false],
  ];
  for (const [text, value, ex] of ok) {
    const r = parseScoreRange(text, text);
    assert.ok(r !== null, `${JSON.stringify(text)} should parse`);
    assert.equal(r.min, value, JSON.stringify(text));
    assert.equal(r.max, value, JSON.stringify(text));
    assert.equal(r.minex, ex);
    assert.equal(r.maxex, ex);
  }
  for (const text of ['nan', '(nan', '-nan', 'NaN', 'abc', '1x', '1 ', ' ', '((1', '1e', '1e+', 'e5', '.', '-', 'infx', 'inf ', 'infin', '0x', '0xg', '1.2.3', '1,5', '[1']) {
    assert.equal(parseScoreRange(text, '1'), null, JSON.stringify(text));
    assert.equal(parseScoreRange('1', text), null, JSON.stringify(text));
  }
  assert.deepEqual(parseScoreRange('(1', '5'), { min: 1, max: 5, minex: true, maxex: false });
});

test('deleteRangeByScore / ByLex / ByRank report each removed member', () => {
  const zsl = new SkipList();
  for (let i = 1; i <= 10; i++) zsl.insert(i, 'm' + i);
  const removed: string[] = [];
  const onDelete = (member: string, score: number) => removed.push(`${member}:${score}`);
  assert.equal(zsl.deleteRangeByScore(range(3, 5, true, false), onDelete), 2);
  assert.deepEqual(removed, ['m4:4', 'm5:5']);
  assert.equal(zsl.deleteRangeByScore(range(5, 3)), 0);
  assert.equal(zsl.deleteRangeByRank(1, 2, onDelete), 2);
  assert.deepEqual(removed.slice(2), ['m1:1', 'm2:2']);
  assert.equal(zsl.deleteRangeByRank(5, 100, onDelete), 2); // ranks 5..6 of m3 m6 m7 m8 m9 m10
  assert.deepEqual(removed.slice(4), ['m9:9', 'm10:10']);
  assert.deepEqual(walk(zsl).map((e) => e.member), ['m3', 'm6', 'm7', 'm8']);
  zsl.checkInvariants();

  const lexList = new SkipList();
  for (const m of ['a', 'b', 'c', 'd']) lexList.insert(0, m);
  const lexRemoved: string[] = [];
  assert.equal(lexList.deleteRangeByLex(lex('a', 'c', true, false), (m) => lexRemoved.push(m)), 2);
  assert.deepEqual(lexRemoved, ['b', 'c']);
  assert.equal(lexList.deleteRangeByLex(lex(LEX_MIN, LEX_MAX, true, true)), 2);
  assert.equal(lexList.length, 0);
  lexList.checkInvariants();
});

test('random levels follow P = 0.25', () => {
  const zsl = new SkipList();
  const n = 40000;
  for (let i = 0; i < n; i++) zsl.insert(i, '');
  const atLeast = new Array<number>(SKIPLIST_MAXLEVEL + 1).fill(0);
  for (let x = zsl.head; x !== null; x = x.next) {
    for (let l = 1; l <= x.level; l++) atLeast[l]++;
  }
  assert.equal(atLeast[1], n);
  // Expected n/4 and n/16; allow generous slack.
  assert.ok(Math.abs(atLeast[2] / n - 0.25) < 0.02, `level>=2 fraction ${atLeast[2] / n}`);
  assert.ok(Math.abs(atLeast[3] / n - 0.0625) < 0.01, `level>=3 fraction ${atLeast[3] / n}`);
  zsl.checkInvariants();
});

test('deleting everything lets the level count fall back', () => {
  const zsl = new SkipList();
  for (let i = 0; i < 2000; i++) zsl.insert(i, 'x');
  assert.equal(zsl.deleteRangeByScore(range(-Infinity, Infinity)), 2000);
  zsl.checkInvariants();
  zsl.insert(1, 'again');
  assert.equal(zsl.getRank(1, 'again'), 1);
  zsl.checkInvariants();
});

// ---------------------------------------------------------------------------
// Randomized comparison against the model
// ---------------------------------------------------------------------------

function assertSameAsModel(zsl: SkipList, model: Model): void {
  zsl.checkInvariants();
  assert.deepEqual(walk(zsl), model.items);
  assert.deepEqual(walkBackward(zsl), model.items.slice().reverse());
}

for (const seed of [1, 2, 3, 42, 1234]) {
  test(`random ops against a sorted-array model (seed ${seed})`, () => {
    const rand = rng(seed);
    const zsl = new SkipList();
    const model = new Model();
    const members = Array.from({ length: 3000 }, () => randomMember(rand));
    const pick = () => members[Math.floor(rand() * members.length)];

    for (let op = 0; op < 12000; op++) {
      const p = rand();
      if (p < 0.5) {
        // ZADD: insert or update.
        const member = pick();
        const score = randomScore(rand);
        const old = model.scores.get(member);
        if (old === undefined) {
          const node = zsl.insert(score, member);
          assert.equal(node.member, member);
          model.insert(score, member);
        } else {
          const node = zsl.updateScore(old, member, score);
          assert.equal(node.score, score);
          assert.equal(node.member, member);
          model.delete(member);
          model.insert(score, member);
        }
      } else if (p < 0.62) {
        // ZREM, sometimes with a wrong score.
        const member = pick();
        const known = model.scores.get(member);
        const score = known !== undefined && rand() < 0.8 ? known : randomScore(rand);
        const expected = known !== undefined && known === score;
        assert.equal(zsl.delete(score, member), expected);
        if (expected) model.delete(member);
      } else if (p < 0.74) {
        // Rank lookups both ways.
        const member = pick();
        const known = model.scores.get(member);
        if (known !== undefined) {
          const expected = model.index(known, member) + 1;
          assert.equal(zsl.getRank(known, member), expected);
          assert.equal(zsl.getByRank(expected)?.member, member);
        } else {
          assert.equal(zsl.getRank(randomScore(rand), member), 0);
        }
        const r = Math.floor(rand() * (model.items.length + 2));
        assert.deepEqual(nodeEntry(zsl.getByRank(r)), r >= 1 && r <= model.items.length ? model.items[r - 1] : null);
      } else if (p < 0.985) {
        // Score ranges.
        const r = randomScoreRange(rand);
        const inRange = model.items.filter((e) => model.inScore(e, r));
        assert.deepEqual(nodeEntry(zsl.firstInRange(r)), inRange.length ? inRange[0] : null, JSON.stringify(r));
        assert.deepEqual(nodeEntry(zsl.lastInRange(r)), inRange.length ? inRange[inRange.length - 1] : null);
        const items = model.items;
        const emptySpec = r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
        const cheap =
          !emptySpec &&
          items.length > 0 &&
          (r.minex ? items[items.length - 1].score > r.min : items[items.length - 1].score >= r.min) &&
          (r.maxex ? items[0].score < r.max : items[0].score <= r.max);
        assert.equal(zsl.isInRange(r), cheap);
        // ZCOUNT the Redis way: rank of last - rank of first + 1.
        const f = zsl.firstInRange(r);
        const l = zsl.lastInRange(r);
        const count = f === null || l === null ? 0 : zsl.getRank(l.score, l.member) - zsl.getRank(f.score, f.member) + 1;
        assert.equal(count, inRange.length);
      } else if (p < 0.992) {
        // A narrow ZREMRANGEBYSCORE, so the list keeps growing overall.
        const min = randomScore(rand);
        const r = range(min, min + Math.floor(rand() * 4), rand() < 0.4, rand() < 0.4);
        const removed: Entry[] = [];
        const n = zsl.deleteRangeByScore(r, (member, score) => removed.push({ score, member }));
        const expected = model.items.filter((e) => model.inScore(e, r));
        assert.equal(n, expected.length);
        assert.deepEqual(removed, expected);
        for (const e of expected) model.delete(e.member);
      } else {
        const len = model.items.length;
        const start = 1 + Math.floor(rand() * (len + 1));
        const end = start + Math.floor(rand() * 20) - 2;
        const removed: Entry[] = [];
        const n = zsl.deleteRangeByRank(start, end, (member, score) => removed.push({ score, member }));
        const expected = model.items.slice(start - 1, Math.max(start - 1, end));
        assert.equal(n, expected.length);
        assert.deepEqual(removed, expected);
        for (const e of expected) model.delete(e.member);
      }
      assert.equal(zsl.length, model.items.length);
      if (op % 250 === 0) assertSameAsModel(zsl, model);
    }
    assertSameAsModel(zsl, model);
  });
}

function randomLexBound(rand: () => number, members: string[]): LexBound {
  const p = rand();
  if (p < 0.1) return LEX_MIN;
  if (p < 0.2) return LEX_MAX;
  if (p < 0.6) return members[Math.floor(rand() * members.length)];
  return randomMember(rand);
}

for (const seed of [7, 8, 99]) {
  test(`random lex ranges on equal scores against the model (seed ${seed})`, () => {
    const rand = rng(seed);
    const zsl = new SkipList();
    const model = new Model();
    const members = Array.from({ length: 1000 }, () => randomMember(rand));
    for (let op = 0; op < 4000; op++) {
      const p = rand();
      const member = members[Math.floor(rand() * members.length)];
      if (p < 0.5) {
        if (!model.scores.has(member)) {
          zsl.insert(0, member);
          model.insert(0, member);
        }
      } else if (p < 0.65) {
        assert.equal(zsl.delete(0, member), model.scores.has(member));
        model.delete(member);
      } else if (p < 0.99) {
        const r = lex(randomLexBound(rand, members), randomLexBound(rand, members), rand() < 0.5, rand() < 0.5);
        const inRange = model.items.filter((e) => model.inLex(e, r));
        const describe = () => `${String(r.min)}..${String(r.max)} ${r.minex} ${r.maxex}`;
        assert.deepEqual(nodeEntry(zsl.firstInLexRange(r)), inRange.length ? inRange[0] : null, describe());
        assert.deepEqual(nodeEntry(zsl.lastInLexRange(r)), inRange.length ? inRange[inRange.length - 1] : null, describe());
      } else {
        const r = lex(randomLexBound(rand, members), randomLexBound(rand, members), rand() < 0.5, rand() < 0.5);
        const removed: string[] = [];
        const n = zsl.deleteRangeByLex(r, (m) => removed.push(m));
        const expected = model.items.filter((e) => model.inLex(e, r)).map((e) => e.member);
        assert.equal(n, expected.length);
        assert.deepEqual(removed, expected);
        for (const m of expected) model.delete(m);
      }
      if (op % 250 === 0) assertSameAsModel(zsl, model);
    }
    assertSameAsModel(zsl, model);
  });
}
