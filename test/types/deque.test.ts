/*
 * Tests for src/types/deque.ts, the ring-buffer deque behind Redis lists.
 *
 * Besides hand-written cases for each operation (with the head wrapped
 * around the end of the buffer, where index arithmetic goes wrong), a
 * seeded randomized test runs thousands of mixed operations against a
 * plain array and checks, after each, the contents, the capacity rules
 * (power of two, grows when full, shrinks when sparse) and that every
 * vacated slot was cleared so popped values can be garbage collected.
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Deque } from '../../src/types/deque';
import { rng } from '../helpers';

/** The backing array, for checking that dead slots hold nothing. */
function slots<T>(d: Deque<T>): (T | undefined)[] {
  return (d as unknown as { buf: (T | undefined)[] }).buf;
}

function checkInvariants<T>(d: Deque<T>, expected: T[]): void {
  assert.deepEqual(d.toArray(), expected);
  assert.equal(d.length, expected.length);
  const cap = d.capacity;
  assert.ok(cap >= 8 && (cap & (cap - 1)) === 0, `capacity ${cap} is a power of two >= 8`);
  assert.ok(cap >= d.length);
  assert.equal(slots(d).length, cap);
  let live = 0;
  for (const v of slots(d)) if (v !== undefined) live++;
  assert.equal(live, expected.length, 'vacated slots are cleared');
}

/** A deque whose head sits near the end of its buffer, so contents wrap. */
function wrapped(values: number[]): Deque<number> {
  const d = new Deque<number>();
  for (let i = 0; i < 5; i++) d.pushBack(-1);
  for (let i = 0; i < 5; i++) d.popFront();
  for (const v of values) d.pushBack(v);
  return d;
}

test('push and pop at both ends', () => {
  const d = new Deque<string>();
  assert.equal(d.length, 0);
  assert.equal(d.popFront(), undefined);
  assert.equal(d.popBack(), undefined);
  assert.equal(d.peekFront(), undefined);
  assert.equal(d.peekBack(), undefined);
  d.pushBack('b');
  d.pushFront('a');
  d.pushBack('c');
  assert.deepEqual([...d], ['a', 'b', 'c']);
  assert.equal(d.peekFront(), 'a');
  assert.equal(d.peekBack(), 'c');
  assert.equal(d.popFront(), 'a');
  assert.equal(d.popBack(), 'c');
  assert.equal(d.popBack(), 'b');
  assert.equal(d.popBack(), undefined);
  checkInvariants(d, []);
});

test('grows by doubling and shrinks when a quarter full', () => {
  const d = new Deque<number>();
  assert.equal(d.capacity, 8);
  for (let i = 0; i < 1000; i++) (i % 2 ? d.pushBack(i) : d.pushFront(i));
  assert.equal(d.capacity, 1024);
  const expected = d.toArray();
  checkInvariants(d, expected);
  while (d.length > 10) d.popFront();
  assert.ok(d.capacity <= 64, `capacity ${d.capacity} after draining`);
  checkInvariants(d, expected.slice(990));
  while (d.length) d.popBack();
  assert.equal(d.capacity, 8);
});

test('a deque grown at one end only never wraps', () => {
  const headOf = (d: Deque<number>) => (d as unknown as { head: number }).head;
  const front = new Deque<number>();
  const back = new Deque<number>();
  for (let i = 0; i < 5000; i++) {
    front.pushFront(i);
    back.pushBack(i);
    assert.ok(headOf(front) + front.length <= front.capacity, `LPUSH-only wrapped at ${i}`);
    assert.equal(headOf(back), 0);
  }
  checkInvariants(front, Array.from({ length: 5000 }, (_, i) => 4999 - i));
  checkInvariants(back, Array.from({ length: 5000 }, (_, i) => i));
});

test('initial capacity and fromArray', () => {
  assert.equal(new Deque<number>(100).capacity, 128);
  assert.equal(new Deque<number>(0).capacity, 8);
  const d = Deque.fromArray(['x', 'y', 'z']);
  checkInvariants(d, ['x', 'y', 'z']);
  d.pushFront('w');
  assert.deepEqual(d.toArray(), ['w', 'x', 'y', 'z']);
  const big = Deque.fromArray(Array.from({ length: 100 }, (_, i) => i));
  assert.equal(big.capacity, 128);
  assert.equal(big.get(99), 99);
});

test('get and set across the wrap point', () => {
  const values = [0, 1, 2, 3, 4, 5, 6];
  const d = wrapped(values);
  for (let i = 0; i < values.length; i++) assert.equal(d.get(i), i);
  assert.equal(d.get(-1), undefined);
  assert.equal(d.get(7), undefined);
  assert.equal(d.set(6, 60), true);
  assert.equal(d.set(7, 70), false);
  assert.equal(d.set(-1, 70), false);
  checkInvariants(d, [0, 1, 2, 3, 4, 5, 60]);
});

test('insertAt every position, wrapped and not', () => {
  for (const make of [(v: number[]) => Deque.fromArray(v), wrapped]) {
    for (let at = 0; at <= 7; at++) {
      const base = [0, 1, 2, 3, 4, 5, 6];
      const d = make(base);
      d.insertAt(at, 99);
      const expected = base.slice();
      expected.splice(at, 0, 99);
      checkInvariants(d, expected);
    }
  }
  const d = new Deque<number>();
  assert.throws(() => d.insertAt(1, 1), RangeError);
  assert.throws(() => d.insertAt(-1, 1), RangeError);
  d.insertAt(0, 1);
  assert.deepEqual(d.toArray(), [1]);
});

test('removeAt every position, wrapped and not', () => {
  for (const make of [(v: number[]) => Deque.fromArray(v), wrapped]) {
    for (let at = 0; at < 7; at++) {
      const base = [0, 1, 2, 3, 4, 5, 6];
      const d = make(base);
      assert.equal(d.removeAt(at), at);
      const expected = base.slice();
      expected.splice(at, 1);
      checkInvariants(d, expected);
    }
    const d = make([1]);
    assert.equal(d.removeAt(1), undefined);
    assert.equal(d.removeAt(-1), undefined);
    assert.equal(d.length, 1);
  }
});

test('range clamps and copies', () => {
  const d = wrapped([0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(d.range(0, 6), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(d.range(2, 4), [2, 3, 4]);
  assert.deepEqual(d.range(-5, 1), [0, 1]);
  assert.deepEqual(d.range(5, 100), [5, 6]);
  assert.deepEqual(d.range(4, 3), []);
  assert.deepEqual(d.range(7, 9), []);
  const copy = d.range(0, 2);
  copy[0] = 42;
  assert.equal(d.get(0), 0, 'range returns a copy');
  assert.deepEqual(new Deque<number>().range(0, -1), []);
});

test('removeRange from the front, back and middle', () => {
  const base = Array.from({ length: 40 }, (_, i) => i);
  const cases: [number, number][] = [
    [0, 5],
    [35, 5],
    [30, 100],
    [3, 4],
    [30, 4],
    [10, 25],
    [0, 40],
    [0, 0],
    [40, 3],
    [-3, 2],
  ];
  for (const [start, count] of cases) {
    const d = Deque.fromArray(base);
    for (let i = 0; i < 20; i++) d.pushBack(d.popFront() as number); // rotate the head away from 0
    const expected = d.toArray();
    const s = Math.max(0, start);
    const n = Math.max(0, Math.min(count, expected.length - s));
    expected.splice(s, n);
    assert.equal(d.removeRange(start, count), n, `${start},${count}`);
    checkInvariants(d, expected);
  }
});

test('trim keeps an inclusive range (LTRIM)', () => {
  const base = Array.from({ length: 100 }, (_, i) => i);
  const cases: [number, number][] = [
    [0, 99],
    [0, 0],
    [10, 89],
    [1, 98],
    [50, 200],
    [-10, 3],
    [60, 50],
    [100, 100],
    [99, 99],
  ];
  for (const [start, end] of cases) {
    const d = Deque.fromArray(base);
    d.trim(start, end);
    checkInvariants(d, base.slice(Math.max(0, start), end + 1));
  }
  const w = wrapped([1, 2, 3, 4, 5]);
  w.trim(1, 3);
  checkInvariants(w, [2, 3, 4]);
});

test('removeValue has LREM semantics', () => {
  const base = ['a', 'x', 'b', 'x', 'c', 'x', 'd'];
  const run = (count: number) => {
    const d = Deque.fromArray(base);
    const n = d.removeValue('x', count);
    return [n, d.toArray()] as const;
  };
  assert.deepEqual(run(0), [3, ['a', 'b', 'c', 'd']]);
  assert.deepEqual(run(1), [1, ['a', 'b', 'x', 'c', 'x', 'd']]);
  assert.deepEqual(run(2), [2, ['a', 'b', 'c', 'x', 'd']]);
  assert.deepEqual(run(-1), [1, ['a', 'x', 'b', 'x', 'c', 'd']]);
  assert.deepEqual(run(-2), [2, ['a', 'x', 'b', 'c', 'd']]);
  assert.deepEqual(run(-10), [3, ['a', 'b', 'c', 'd']]);
  const d = Deque.fromArray(base);
  assert.equal(d.removeValue('nope', 0), 0);
  assert.equal(d.removeValue('nope', -1), 0);
  checkInvariants(d, base);
});

test('indexOf / lastIndexOf', () => {
  const d = wrapped([5, 6, 5, 7]);
  assert.equal(d.indexOf(5), 0);
  assert.equal(d.indexOf(5, 1), 2);
  assert.equal(d.indexOf(8), -1);
  assert.equal(d.lastIndexOf(5), 2);
  assert.equal(d.lastIndexOf(5, 1), 0);
  assert.equal(d.lastIndexOf(7, 100), 3);
  assert.equal(d.indexOf(5, -4), 0);
});

test('clear releases the buffer', () => {
  const d = new Deque<number>();
  for (let i = 0; i < 100; i++) d.pushBack(i);
  d.clear();
  checkInvariants(d, []);
  assert.equal(d.capacity, 8);
  d.pushFront(1);
  assert.deepEqual([...d], [1]);
});

test('random ops against a plain array', () => {
  for (const seed of [1, 2, 3]) {
    const rand = rng(seed);
    const d = new Deque<number>();
    const model: number[] = [];
    let next = 0;
    for (let op = 0; op < 20000; op++) {
      // Phases bias towards growth or shrinkage so capacity moves both ways.
      const growing = Math.floor(op / 2500) % 2 === 0;
      const p = rand();
      const idx = () => Math.floor(rand() * (model.length + 1));
      if (p < (growing ? 0.3 : 0.15)) {
        d.pushBack(next);
        model.push(next++);
      } else if (p < (growing ? 0.6 : 0.3)) {
        d.pushFront(next);
        model.unshift(next++);
      } else if (p < 0.45) {
        assert.equal(d.popFront(), model.shift());
      } else if (p < 0.6) {
        assert.equal(d.popBack(), model.pop());
      } else if (p < 0.68) {
        const i = idx();
        d.insertAt(i, next);
        model.splice(i, 0, next++);
      } else if (p < 0.76) {
        const i = idx();
        assert.equal(d.removeAt(i), i < model.length ? model.splice(i, 1)[0] : undefined);
      } else if (p < 0.82) {
        const i = idx();
        assert.equal(d.get(i), model[i]);
        if (i < model.length) {
          d.set(i, next);
          model[i] = next++;
        }
      } else if (p < 0.88) {
        const a = idx();
        const b = a + Math.floor(rand() * 30) - 5;
        assert.deepEqual(d.range(a, b), b < a ? [] : model.slice(a, b + 1));
      } else if (p < 0.91) {
        const a = idx();
        const n = Math.floor(rand() * 20);
        assert.equal(d.removeRange(a, n), model.splice(a, n).length);
      } else if (p < 0.93) {
        const a = Math.floor(rand() * 4);
        const b = model.length - 1 - Math.floor(rand() * 4);
        d.trim(a, b);
        model.splice(0, model.length, ...(b < a ? [] : model.slice(a, b + 1)));
      } else if (p < 0.96) {
        // LREM of a value that occurs several times.
        const v = model.length ? model[Math.floor(rand() * model.length)] : 0;
        for (let k = 0; k < 3; k++) {
          const i = idx();
          d.insertAt(i, v);
          model.splice(i, 0, v);
        }
        const count = Math.floor(rand() * 7) - 3;
        let removed = 0;
        const limit = count === 0 ? Infinity : Math.abs(count);
        if (count >= 0) {
          for (let i = 0; i < model.length && removed < limit; ) {
            if (model[i] === v) {
              model.splice(i, 1);
              removed++;
            } else i++;
          }
        } else {
          for (let i = model.length - 1; i >= 0 && removed < limit; i--) {
            if (model[i] === v) {
              model.splice(i, 1);
              removed++;
            }
          }
        }
        assert.equal(d.removeValue(v, count), removed);
      } else {
        const v = model.length ? model[Math.floor(rand() * model.length)] : -1;
        assert.equal(d.indexOf(v), model.indexOf(v));
        assert.equal(d.lastIndexOf(v), model.lastIndexOf(v));
      }
      assert.equal(d.length, model.length);
      if (op % 100 === 0) checkInvariants(d, model);
      // Sparse buffers shrink: above the minimum, more than a quarter is always in use.
      assert.ok(d.capacity === 8 || d.length * 4 > d.capacity, `capacity ${d.capacity} for ${d.length}`);
    }
    checkInvariants(d, model);
  }
});
