/**
 * Dict: the chained hash table behind the keyspace, hashes, sets and sorted-set member maps.
 *
 * Why not a JS Map? Redis promises things a Map cannot give cheaply: SCAN/HSCAN/SSCAN cursors that are plain
 * integers, hold no server state, and still return every element present for the whole iteration while the
 * table grows or shrinks; and O(1) random elements for RANDOMKEY, SPOP, SRANDMEMBER and HRANDFIELD. Both come
 * from Redis's dict.c design, reproduced here: a power-of-two bucket array, chaining through the entries
 * themselves (the entry object *is* the node, so a key costs one object), and dictScan's reverse-binary
 * cursor increment, which visits buckets in an order that stays valid across resizes.
 * Resizing is done at once rather than incrementally, and entries keep no hash (8 bytes per element saved):
 * a resize hashes every key again, about 30 ns a key, so growing past a million keys stalls for a few tens of
 * milliseconds once, as rarely as the table doubles. A single table keeps every operation simple; Redis's
 * incremental rehashing would be the fix if such a stall ever matters.
 *
 * Entries are caller-defined classes extending DictEntry, so the keyspace stores expiry and LRU fields right on
 * the node. Keys are latin1 strings; the hash is a seeded 32-bit multiplicative hash (seeded per process, as
 * Redis seeds siphash, so crafted keys cannot force collisions predictably).
 */

export class DictEntry {
  /** Next entry in the same bucket. */
  next: this | null = null;
  /** No hash is kept on the entry (8 bytes per element saved): the Dict recomputes it when it resizes. */
  constructor(readonly key: string) {}
}

const SEED = (Math.random() * 0x7fffffff) | 0;

/**
 * Seeded 32-bit hash of a latin1 string, as a signed int32: murmur-style mixing of four chars (bytes) per
 * multiply, so the chain of dependent multiplies is a quarter of the key's length.
 */
export function hashKey(s: string): number {
  const n = s.length;
  let h = SEED ^ n;
  let i = 0;
  for (const end = n - 3; i < end; i += 4) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    h = Math.imul(h ^ w, 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < n; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  // Signed 32-bit on purpose: V8 stores it as a small integer in the entry, never as a boxed double.
  return h ^ (h >>> 15);
}

/**
 * hashKey of the latin1 string the bytes b[p, p + n) make, computed from the bytes (the request parser hashes
 * a command's first key while it still has them: a byte load is cheaper than a charCodeAt).
 */
export function hashBytes(b: Uint8Array, p: number, n: number): number {
  let h = SEED ^ n;
  let i = 0;
  for (const end = n - 3; i < end; i += 4) {
    const w = b[p + i] | (b[p + i + 1] << 8) | (b[p + i + 2] << 16) | (b[p + i + 3] << 24);
    h = Math.imul(h ^ w, 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < n; i++) {
    h = Math.imul(h ^ b[p + i], 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  return h ^ (h >>> 15);
}

const INITIAL_SIZE = 4;

export class Dict<E extends DictEntry> {
  private table: Array<E | null>;
  private mask: number;
  size = 0;

  constructor() {
    this.table = new Array<E | null>(INITIAL_SIZE).fill(null);
    this.mask = INITIAL_SIZE - 1;
  }

  /** The number of buckets (for OBJECT/DEBUG introspection and tests). */
  get buckets(): number {
    return this.table.length;
  }

  get(key: string): E | null {
    const h = hashKey(key);
    let e = this.table[h & this.mask];
    while (e !== null) {
      if (e.key === key) return e;
      e = e.next;
    }
    return null;
  }

  /** Find with a precomputed hash (callers that also insert avoid hashing twice). */
  getWithHash(key: string, h: number): E | null {
    let e = this.table[h & this.mask];
    while (e !== null) {
      if (e.key === key) return e;
      e = e.next;
    }
    return null;
  }

  /** Insert an entry whose key is known to be absent; `h` is hashKey(entry.key) when the caller has it. */
  add(entry: E, h = hashKey(entry.key)): void {
    if (this.size >= this.table.length) this.resize(this.table.length * 2);
    const idx = h & this.mask;
    entry.next = this.table[idx];
    this.table[idx] = entry;
    this.size++;
  }

  /** Replace the entry with the same key by `entry` (keeps its bucket position). */
  replace(old: E, entry: E): void {
    const idx = hashKey(old.key) & this.mask;
    let prev: E | null = null;
    let e = this.table[idx];
    while (e !== null && e !== old) {
      prev = e;
      e = e.next;
    }
    if (e === null) throw new Error('Dict.replace: entry not found');
    entry.next = old.next;
    if (prev === null) this.table[idx] = entry;
    else prev.next = entry;
    old.next = null;
  }

  /** Remove and return the entry for key, or null. */
  delete(key: string): E | null {
    const h = hashKey(key);
    const idx = h & this.mask;
    let prev: E | null = null;
    let e = this.table[idx];
    while (e !== null) {
      if (e.key === key) {
        if (prev === null) this.table[idx] = e.next;
        else prev.next = e.next;
        e.next = null;
        this.size--;
        this.maybeShrink();
        return e;
      }
      prev = e;
      e = e.next;
    }
    return null;
  }

  clear(): void {
    this.table = new Array<E | null>(INITIAL_SIZE).fill(null);
    this.mask = INITIAL_SIZE - 1;
    this.size = 0;
  }

  private maybeShrink(): void {
    // Like Redis's htNeedsResize: shrink when fewer than 10% of the buckets are used.
    const len = this.table.length;
    if (len > INITIAL_SIZE && this.size * 10 < len) {
      let n = INITIAL_SIZE;
      while (n < this.size) n *= 2;
      this.resize(n);
    }
  }

  private resize(n: number): void {
    const old = this.table;
    const table = new Array<E | null>(n).fill(null);
    const mask = n - 1;
    for (let i = 0; i < old.length; i++) {
      let e = old[i];
      while (e !== null) {
        const next = e.next;
        const idx = hashKey(e.key) & mask;
        e.next = table[idx];
        table[idx] = e;
        e = next;
      }
    }
    this.table = table;
    this.mask = mask;
  }

  /** Iterate over every entry. The callback must not add or delete entries. */
  forEach(fn: (e: E) => void): void {
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      let e = t[i];
      while (e !== null) {
        const next = e.next;
        fn(e);
        e = next;
      }
    }
  }

  /** A snapshot array of the entries (safe to mutate the dict while walking it). */
  entries(): E[] {
    const out: E[] = [];
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      for (let e = t[i]; e !== null; e = e.next) out.push(e);
    }
    return out;
  }

  *[Symbol.iterator](): IterableIterator<E> {
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      for (let e = t[i]; e !== null; e = e.next) yield e;
    }
  }

  /**
   * One step of dictScan: visit the bucket(s) for `cursor` and return the next cursor (0 when done).
   * The cursor's bits are incremented from the most significant side ("reverse binary"), so buckets already
   * visited in a smaller or larger table map to buckets already visited in the current one.
   */
  scan(cursor: number, fn: (e: E) => void): number {
    if (this.size === 0) return 0;
    this.visitBucket(cursor & this.mask, fn);
    return scanNext(cursor, this.mask);
  }

  /** The bucket mask: key lives in bucket hashKey(key) & bucketMask. */
  get bucketMask(): number {
    return this.mask;
  }

  /** Visit the entries of one bucket (the callback must not add or delete entries). */
  visitBucket(i: number, fn: (e: E) => void): void {
    let e = this.table[i];
    while (e !== null) {
      const next = e.next;
      fn(e);
      e = next;
    }
  }

  /** A random entry, as fair as Redis's dictGetFairRandomKey is in practice; null when empty. */
  random(): E | null {
    if (this.size === 0) return null;
    const t = this.table;
    let e: E | null = null;
    do {
      e = t[(Math.random() * t.length) | 0];
    } while (e === null);
    let n = 0;
    for (let x: E | null = e; x !== null; x = x.next) n++;
    let k = (Math.random() * n) | 0;
    while (k-- > 0) e = e.next!;
    return e;
  }

  /**
   * Up to `count` entries sampled from consecutive buckets starting at a random one (dictGetSomeKeys): cheap,
   * not uniformly random, used where Redis uses it (active expiry sampling, SPOP with count).
   */
  sample(count: number, out: E[]): void {
    const t = this.table;
    if (this.size === 0) return;
    let i = (Math.random() * t.length) | 0;
    let empty = 0;
    for (let steps = 0; steps < t.length && out.length < count; steps++) {
      let e = t[i];
      if (e === null) {
        if (++empty >= 5 && empty > count) {
          i = (Math.random() * t.length) | 0;
          empty = 0;
          continue;
        }
      } else {
        empty = 0;
        while (e !== null && out.length < count) {
          out.push(e);
          e = e.next;
        }
      }
      i = (i + 1) & this.mask;
    }
  }
}

/**
 * dictScan's cursor increment for a table of mask+1 buckets: cursor |= ~mask; rev; ++; rev, on 32 bits (tables
 * never exceed 2^32 buckets). Buckets come in an order that stays valid when the table grows or shrinks.
 */
export function scanNext(cursor: number, mask: number): number {
  let v = (cursor | ~mask) >>> 0;
  v = reverse32(v);
  v = (v + 1) >>> 0;
  return reverse32(v);
}

/** Bit reversal of a 32-bit cursor (dictScan's reverse-binary increment). */
function reverse32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}
