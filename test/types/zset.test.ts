/*
 * Tests for src/types/zset.ts: the two representations of a sorted set.
 *
 * A listpack-encoded Zset is held as two parallel arrays with a cached node view (a SkipList + Dict built
 * on demand for one set at a time); a skiplist-encoded one as the SkipList + Dict pair. The randomized tests
 * drive the same seeded operations into one set of each encoding (plus a third set whose accesses keep
 * evicting the shared view) and check that every read agrees: lengths, scores, ranks, walks from both ends,
 * ranks to nodes, score and lex ranges, counts, range deletions, the dict view, RDB records and ZSCAN text.
 * Hand-written cases pin the conversions (at zset-max-listpack-entries/value, back for store results) and
 * the listpack's -0 -> 0.
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Zset, ZADD_INCR, ZADD_OUT_ADDED, ZADD_OUT_UPDATED } from '../../src/types/zset';
import { LEX_MAX, LEX_MIN, LexRange, ScoreRange, SkipNode } from '../../src/types/skiplist';
import { rng } from '../helpers';

function walk(z: Zset, reverse: boolean): string[] {
  const out: string[] = [];
  for (let x = reverse ? z.last : z.first; x !== null; x = reverse ? x.backward : x.next) {
    out.push(`${x.member}=${x.score}`);
  }
  return out;
}

function nodeText(x: SkipNode | null): string {
  return x === null ? 'null' : `${x.member}=${x.score}`;
}

function sameSet(lp: Zset, sk: Zset, other: Zset, r: () => number): void {
  assert.equal(lp.encoding(), 'listpack');
  assert.equal(sk.encoding(), 'skiplist');
  assert.equal(lp.length, sk.length);
  const forward = walk(sk, false);
  if (r() < 0.5) walk(other, false); // evict lp's view now and then
  assert.deepEqual(walk(lp, false), forward);
  assert.deepEqual(walk(lp, true), walk(sk, true));
  assert.deepEqual(lp.toRdb(), sk.toRdb());
  const a: string[] = [];
  const b: string[] = [];
  lp.listpackScan(a);
  sk.listpackScan(b);
  assert.deepEqual(a, b);
  assert.equal(lp.dict.size, lp.length);
  lp.zsl.checkInvariants();
  for (const e of sk.dict.entries()) {
    assert.equal(lp.score(e.key), e.score);
    assert.equal(lp.dict.get(e.key)!.score, e.score);
    assert.equal(lp.rank(e.key, false), sk.rank(e.key, false));
    assert.equal(lp.rank(e.key, true), sk.rank(e.key, true));
  }
  for (let i = -1; i <= lp.length; i++) assert.equal(nodeText(lp.byRank(i)), nodeText(sk.byRank(i)));
}

function randomScoreRange(r: () => number): ScoreRange {
  return { min: Math.floor(r() * 12) - 1, max: Math.floor(r() * 12) - 1, minex: r() < 0.3, maxex: r() < 0.3 };
}

test('listpack arrays and skiplist agree under random writes (with view eviction)', () => {
  for (const seed of [1, 2, 3, 42]) {
    const r = rng(seed);
    const lp = new Zset(true);
    const sk = new Zset(false);
    const other = new Zset(true);
    for (let i = 0; i < 5; i++) other.add(i, `o${i}`, 0, 1000, 1000);
    for (let step = 0; step < 1500; step++) {
      const member = `m${Math.floor(r() * 40)}`;
      const score = r() < 0.7 ? Math.floor(r() * 10) : Math.round(r() * 1000) / 100;
      const op = r();
      if (op < 0.45) {
        const flags = r() < 0.2 ? ZADD_INCR : 0;
        const got = lp.add(score, member, flags, 1000, 1000);
        assert.equal(got, sk.add(score, member, flags, 1000, 1000), `seed ${seed} step ${step}`);
        assert.equal(lp.newScore, sk.newScore);
      } else if (op < 0.6) {
        assert.equal(lp.delete(member), sk.delete(member));
      } else if (op < 0.67) {
        if (lp.length > 0) {
          const fromLow = r() < 0.5;
          const x = fromLow ? lp.first! : lp.last!;
          const from = fromLow ? sk.first! : sk.last!;
          assert.equal(nodeText(x), nodeText(from));
          lp.deleteNode(x);
          sk.deleteNode(from);
        }
      } else if (op < 0.72) {
        const range = randomScoreRange(r);
        assert.equal(lp.deleteRangeByScore(range), sk.deleteRangeByScore(range));
      } else if (op < 0.76) {
        const n = lp.length;
        if (n > 0) {
          const s = Math.floor(r() * n);
          const e = s + Math.floor(r() * (n - s));
          assert.equal(lp.deleteRangeByRank(s, e), sk.deleteRangeByRank(s, e));
        }
      } else {
        const range = randomScoreRange(r);
        assert.equal(lp.countInRange(range), sk.countInRange(range));
        assert.equal(nodeText(lp.firstInRange(range)), nodeText(sk.firstInRange(range)));
        assert.equal(nodeText(lp.lastInRange(range)), nodeText(sk.lastInRange(range)));
      }
      if (step % 25 === 0) sameSet(lp, sk, other, r);
    }
    sameSet(lp, sk, other, r);
    const copy = lp.clone();
    assert.equal(copy.encoding(), 'listpack');
    assert.deepEqual(walk(copy, false), walk(lp, false));
    copy.add(-5, 'only-in-copy', 0, 1000, 1000);
    assert.equal(lp.has('only-in-copy'), false);
  }
});

test('lex ranges on equal scores: listpack walk matches the skiplist', () => {
  const r = rng(9);
  const lp = new Zset(true);
  const sk = new Zset(false);
  for (let i = 0; i < 60; i++) {
    const m = String.fromCharCode(97 + Math.floor(r() * 26)) + String.fromCharCode(97 + Math.floor(r() * 26));
    lp.add(0, m, 0, 1000, 1000);
    sk.add(0, m, 0, 1000, 1000);
  }
  const bound = (): string | typeof LEX_MIN | typeof LEX_MAX => {
    const x = r();
    return x < 0.1 ? LEX_MIN : x < 0.2 ? LEX_MAX : String.fromCharCode(97 + Math.floor(r() * 26));
  };
  for (let k = 0; k < 300; k++) {
    const range: LexRange = { min: bound(), max: bound(), minex: r() < 0.5, maxex: r() < 0.5 };
    if (typeof range.min !== 'string') range.minex = true;
    if (typeof range.max !== 'string') range.maxex = true;
    assert.equal(lp.countInLexRange(range), sk.countInLexRange(range));
    assert.equal(nodeText(lp.firstInLexRange(range)), nodeText(sk.firstInLexRange(range)));
    assert.equal(nodeText(lp.lastInLexRange(range)), nodeText(sk.lastInLexRange(range)));
    if (k % 30 === 0) {
      assert.equal(lp.deleteRangeByLex(range), sk.deleteRangeByLex(range));
      assert.deepEqual(walk(lp, false), walk(sk, false));
    }
  }
});

test('conversions happen where Redis converts, and -0 is 0 only in a listpack', () => {
  const z = Zset.createFor(2, 3, 5);
  assert.equal(z.encoding(), 'listpack');
  assert.equal(z.add(-0, 'a', 0, 3, 5), ZADD_OUT_ADDED);
  assert.ok(Object.is(z.score('a'), 0));
  z.add(1, 'b', 0, 3, 5);
  z.add(2, 'c', 0, 3, 5);
  assert.equal(z.add(5, 'c', 0, 3, 5), ZADD_OUT_UPDATED); // an update never converts
  assert.equal(z.encoding(), 'listpack');
  const held = z.first!; // a view node, then the set converts under it
  z.add(3, 'd', 0, 3, 5);
  assert.equal(z.encoding(), 'skiplist');
  assert.equal(held.member, 'a');
  assert.deepEqual(walk(z, false), ['a=0', 'b=1', 'd=3', 'c=5']);
  z.add(-0, 'b', 0, 3, 5);
  assert.ok(Object.is(z.score('b'), -0)); // a skiplist keeps -0
  z.delete('d');
  z.convertToListpackIfNeeded(3, 5, 1);
  assert.equal(z.encoding(), 'listpack');
  assert.ok(Object.is(z.score('b'), 0));
  assert.deepEqual(walk(z, false), ['a=0', 'b=0', 'c=5']);
  assert.equal(Zset.createFor(6, 3, 5).encoding(), 'skiplist');
  const long = Zset.createFor(1, 3, 5);
  long.add(1, 'toolong', 0, 3, 5);
  assert.equal(long.encoding(), 'skiplist');
  z.convertToSkiplist();
  assert.equal(z.encoding(), 'skiplist');
  assert.deepEqual(walk(z, false), ['a=0', 'b=0', 'c=5']);
  assert.equal(z.dict.size, 3);
});

test('ZPOP-style loops on a listpack keep the view in step', () => {
  const z = new Zset(true);
  for (let i = 0; i < 20; i++) z.add(i, `m${i}`, 0, 128, 64);
  const popped: string[] = [];
  while (z.length > 10) {
    const x = z.first!;
    popped.push(x.member);
    z.deleteNode(x);
  }
  while (z.length > 0) {
    const x = z.last!;
    popped.push(x.member);
    z.deleteNode(x);
  }
  const expected: string[] = [];
  for (let i = 0; i < 10; i++) expected.push(`m${i}`);
  for (let i = 19; i >= 10; i--) expected.push(`m${i}`);
  assert.deepEqual(popped, expected);
  assert.equal(z.first, null);
  assert.equal(z.last, null);
});
