/*
 * The value of a Redis list: a double-ended queue over a growable ring buffer.
 *
 * Redis keeps lists in a quicklist of listpacks; in V8 one plain array used
 * as a ring is simpler and faster: O(1) push/pop at either end and O(1)
 * indexing (LINDEX, LSET), with a power-of-two capacity so wrapping is a
 * mask. The backing array doubles when full, placing the elements so that a
 * list grown at one end only (LPUSH-only or RPUSH-only) never wraps, and
 * shrinks to half full once a quarter full (never below MIN_CAPACITY), so a
 * list that grew large and drained gives its memory back. Middle edits
 * (LINSERT, LREM, removeAt) shift whichever side of the gap is
 * shorter; trimming (LTRIM) either clears the dropped slots or, when few
 * elements survive, copies the survivors into a smaller array, whichever
 * touches less. Ranges (LRANGE) are `Array.prototype.slice` copies of at
 * most two contiguous runs.
 *
 * Vacated slots are reset to undefined so popped values can be collected.
 * Indices are plain integers 0..length-1: translating Redis's negative
 * indices is the command layer's job. Values compare with === (the right
 * equality for the latin1 strings a Redis list holds).
 */

/** Smallest backing array; also the size of a fresh or cleared deque. */
const MIN_CAPACITY = 8;

/** Smallest power of two >= max(n, MIN_CAPACITY). */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap < n) cap *= 2;
  return cap;
}

export class Deque<T> implements Iterable<T> {
  private buf: (T | undefined)[];
  /** Slot of element 0. */
  private head: number;
  private len: number;
  /** capacity - 1 */
  private mask: number;

  constructor(initialCapacity: number = MIN_CAPACITY) {
    const cap = capacityFor(initialCapacity);
    this.buf = new Array<T | undefined>(cap);
    this.head = 0;
    this.len = 0;
    this.mask = cap - 1;
  }

  /** A deque holding `values` in order (e.g. when loading a snapshot). */
  static fromArray<T>(values: readonly T[]): Deque<T> {
    const d = new Deque<T>(values.length);
    const buf = d.buf;
    for (let i = 0; i < values.length; i++) buf[i] = values[i];
    d.len = values.length;
    return d;
  }

  get length(): number {
    return this.len;
  }

  /** Size of the backing array (exposed for tests and memory accounting). */
  get capacity(): number {
    return this.mask + 1;
  }

  pushBack(value: T): void {
    if (this.len > this.mask) this.grow(false);
    this.buf[(this.head + this.len) & this.mask] = value;
    this.len++;
  }

  pushFront(value: T): void {
    if (this.len > this.mask) this.grow(true);
    const head = (this.head - 1) & this.mask;
    this.buf[head] = value;
    this.head = head;
    this.len++;
  }

  /** Removes and returns the first element; undefined when empty. */
  popFront(): T | undefined {
    if (this.len === 0) return undefined;
    const head = this.head;
    const value = this.buf[head];
    this.buf[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.len--;
    this.shrinkIfSparse();
    return value;
  }

  /** Removes and returns the last element; undefined when empty. */
  popBack(): T | undefined {
    if (this.len === 0) return undefined;
    const slot = (this.head + this.len - 1) & this.mask;
    const value = this.buf[slot];
    this.buf[slot] = undefined;
    this.len--;
    this.shrinkIfSparse();
    return value;
  }

  peekFront(): T | undefined {
    return this.len === 0 ? undefined : this.buf[this.head];
  }

  peekBack(): T | undefined {
    return this.len === 0 ? undefined : this.buf[(this.head + this.len - 1) & this.mask];
  }

  /** Element at `index` (0..length-1), or undefined when out of range. */
  get(index: number): T | undefined {
    if (index < 0 || index >= this.len) return undefined;
    return this.buf[(this.head + index) & this.mask];
  }

  /** Replaces the element at `index`; false (and no change) when out of range. */
  set(index: number, value: T): boolean {
    if (index < 0 || index >= this.len) return false;
    this.buf[(this.head + index) & this.mask] = value;
    return true;
  }

  /** Inserts so that `value` ends up at `index` (0..length). Throws RangeError otherwise. */
  insertAt(index: number, value: T): void {
    const len = this.len;
    if (index < 0 || index > len) throw new RangeError(`Deque.insertAt: index ${index} outside 0..${len}`);
    if (len > this.mask) this.grow(index < len - index);
    const buf = this.buf;
    const mask = this.mask;
    if (index < len - index) {
      // Shift elements 0..index-1 one slot towards the front.
      const head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) buf[(head + i) & mask] = buf[(head + i + 1) & mask];
      this.head = head;
    } else {
      // Shift elements index..len-1 one slot towards the back.
      const head = this.head;
      for (let i = len; i > index; i--) buf[(head + i) & mask] = buf[(head + i - 1) & mask];
    }
    buf[(this.head + index) & mask] = value;
    this.len = len + 1;
  }

  /** Removes and returns the element at `index`; undefined (no change) when out of range. */
  removeAt(index: number): T | undefined {
    const len = this.len;
    if (index < 0 || index >= len) return undefined;
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    const value = buf[(head + index) & mask];
    if (index < len - 1 - index) {
      // Close the gap from the front: shift 0..index-1 one slot back.
      for (let i = index; i > 0; i--) buf[(head + i) & mask] = buf[(head + i - 1) & mask];
      buf[head] = undefined;
      this.head = (head + 1) & mask;
    } else {
      for (let i = index; i < len - 1; i++) buf[(head + i) & mask] = buf[(head + i + 1) & mask];
      buf[(head + len - 1) & mask] = undefined;
    }
    this.len = len - 1;
    this.shrinkIfSparse();
    return value;
  }

  /**
   * Removes `count` elements starting at `start`, both clamped to the
   * deque; returns how many were removed. Shifts the shorter side.
   */
  removeRange(start: number, count: number): number {
    const len = this.len;
    if (start < 0) start = 0;
    if (count > len - start) count = len - start;
    if (count <= 0) return 0;
    const remaining = len - count;
    if (this.shouldCompact(remaining)) {
      this.rebuild(0, start, start + count, len);
      return count;
    }
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    const after = len - start - count;
    if (start < after) {
      // Shift the front run start-1..0 back by `count`, then clear the first `count` slots.
      for (let i = start - 1; i >= 0; i--) buf[(head + i + count) & mask] = buf[(head + i) & mask];
      for (let i = 0; i < count; i++) buf[(head + i) & mask] = undefined;
      this.head = (head + count) & mask;
    } else {
      for (let i = start + count; i < len; i++) buf[(head + i - count) & mask] = buf[(head + i) & mask];
      for (let i = remaining; i < len; i++) buf[(head + i) & mask] = undefined;
    }
    this.len = remaining;
    return count;
  }

  /**
   * LTRIM: keeps only elements start..end (inclusive, clamped); an empty
   * range empties the deque. Touches only the dropped slots, or only the
   * kept ones when that is fewer.
   */
  trim(start: number, end: number): void {
    const len = this.len;
    if (start < 0) start = 0;
    if (end > len - 1) end = len - 1;
    if (start > end) {
      this.clear();
      return;
    }
    const keep = end - start + 1;
    if (keep === len) return;
    if (this.shouldCompact(keep)) {
      this.rebuild(start, end + 1, len, len);
      return;
    }
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    for (let i = 0; i < start; i++) buf[(head + i) & mask] = undefined;
    for (let i = end + 1; i < len; i++) buf[(head + i) & mask] = undefined;
    this.head = (head + start) & mask;
    this.len = keep;
  }

  /**
   * LREM: removes elements === value, at most `count` of them scanning from
   * the front when count > 0, at most -count from the back when count < 0,
   * all when count is 0. One compaction pass; returns how many were removed.
   */
  removeValue(value: T, count: number): number {
    const len = this.len;
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    const limit = count === 0 ? len : Math.abs(count);
    let removed = 0;
    if (count >= 0) {
      let w = this.indexOf(value);
      if (w < 0) return 0;
      for (let r = w; r < len; r++) {
        const v = buf[(head + r) & mask];
        if (removed < limit && v === value) removed++;
        else buf[(head + w++) & mask] = v;
      }
      for (let i = w; i < len; i++) buf[(head + i) & mask] = undefined;
    } else {
      let w = this.lastIndexOf(value);
      if (w < 0) return 0;
      for (let r = w; r >= 0; r--) {
        const v = buf[(head + r) & mask];
        if (removed < limit && v === value) removed++;
        else buf[(head + w--) & mask] = v;
      }
      for (let i = 0; i <= w; i++) buf[(head + i) & mask] = undefined;
      this.head = (head + removed) & mask;
    }
    this.len = len - removed;
    this.shrinkIfSparse();
    return removed;
  }

  /** First index >= fromIndex holding `value` (===), or -1. */
  indexOf(value: T, fromIndex: number = 0): number {
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    for (let i = fromIndex < 0 ? 0 : fromIndex; i < this.len; i++) {
      if (buf[(head + i) & mask] === value) return i;
    }
    return -1;
  }

  /** Last index <= fromIndex holding `value` (===), or -1. */
  lastIndexOf(value: T, fromIndex: number = this.len - 1): number {
    const buf = this.buf;
    const mask = this.mask;
    const head = this.head;
    for (let i = fromIndex >= this.len ? this.len - 1 : fromIndex; i >= 0; i--) {
      if (buf[(head + i) & mask] === value) return i;
    }
    return -1;
  }

  /**
   * LRANGE: a new array of elements start..end (inclusive, clamped to the
   * deque; empty when start > end). At most two slice copies.
   */
  range(start: number, end: number): T[] {
    if (start < 0) start = 0;
    if (end > this.len - 1) end = this.len - 1;
    if (start > end) return [];
    const cap = this.mask + 1;
    const from = (this.head + start) & this.mask;
    const to = from + (end - start + 1);
    if (to <= cap) return this.buf.slice(from, to) as T[];
    return this.buf.slice(from, cap).concat(this.buf.slice(0, to - cap)) as T[];
  }

  /** All elements, front to back, as a new array. */
  toArray(): T[] {
    return this.range(0, this.len - 1);
  }

  /** Empties the deque and releases the backing array. */
  clear(): void {
    this.buf = new Array<T | undefined>(MIN_CAPACITY);
    this.head = 0;
    this.len = 0;
    this.mask = MIN_CAPACITY - 1;
  }

  /** Front-to-back iteration; the deque must not be modified meanwhile. */
  [Symbol.iterator](): Iterator<T> {
    return new DequeIterator<T>(this.buf, this.head, this.mask, this.len);
  }

  /**
   * Doubles the backing array. The elements go to its end when the deque is
   * growing at the front, to its start otherwise, so a list built only by
   * LPUSH or only by RPUSH never wraps and its ranges stay one slice.
   */
  private grow(atFront: boolean): void {
    const cap = (this.mask + 1) * 2;
    this.rebuildInto(cap, atFront ? cap - this.len : 0, 0, this.len, this.len, this.len);
  }

  /** Once no more than a quarter of the backing array is used, moves to one half used. */
  private shrinkIfSparse(): void {
    if (this.mask >= MIN_CAPACITY && this.len <= (this.mask + 1) >>> 2) {
      this.rebuildInto(capacityFor(2 * this.len), 0, 0, this.len, this.len, this.len);
    }
  }

  /** Would copying `survivors` elements into a fresh array leave this one a quarter used or less? */
  private shouldCompact(survivors: number): boolean {
    return this.mask >= MIN_CAPACITY && survivors <= (this.mask + 1) >>> 2;
  }

  /** Replaces the buffer with just elements [a, b) and [c, d), sized for them. */
  private rebuild(a: number, b: number, c: number, d: number): void {
    this.rebuildInto(capacityFor(2 * (b - a + d - c)), 0, a, b, c, d);
  }

  /** Copies elements [a, b) then [c, d), in order, into a new `cap`-slot array from slot `at`. */
  private rebuildInto(cap: number, at: number, a: number, b: number, c: number, d: number): void {
    const old = this.buf;
    const mask = this.mask;
    const head = this.head;
    const next = new Array<T | undefined>(cap);
    let w = at;
    for (let i = a; i < b; i++) next[w++] = old[(head + i) & mask];
    for (let i = c; i < d; i++) next[w++] = old[(head + i) & mask];
    this.buf = next;
    this.head = at;
    this.len = w - at;
    this.mask = cap - 1;
  }
}

/** Iterator over a snapshot of a deque's buffer position. */
class DequeIterator<T> implements Iterator<T> {
  private readonly buf: (T | undefined)[];
  private readonly head: number;
  private readonly mask: number;
  private readonly len: number;
  private i: number;

  constructor(buf: (T | undefined)[], head: number, mask: number, len: number) {
    this.buf = buf;
    this.head = head;
    this.mask = mask;
    this.len = len;
    this.i = 0;
  }

  next(): IteratorResult<T> {
    if (this.i >= this.len) return { done: true, value: undefined };
    const value = this.buf[(this.head + this.i++) & this.mask] as T;
    return { done: false, value };
  }

  [Symbol.iterator](): Iterator<T> {
    return this;
  }
}
