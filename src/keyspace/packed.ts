/**
 * PackedStrings: the keys that hold a short string and no TTL, kept as bytes instead of V8 objects.
 *
 * Why: a key stored as a KeyEntry costs three V8 objects (the entry, 64 bytes; the key and the value strings,
 * 32 bytes each at 16 characters) plus its bucket: about 140 bytes for 32 bytes of data, against Redis's ~100.
 * Most keys of a typical dataset are exactly this kind (SET key value), so they get a store of their own, the
 * way Dragonfly keeps small values inline in its table: each record is `klen vlen lru(3) key value` in 1 MiB
 * byte chunks (5 bytes of header, no alignment), and the index is open addressing over two typed arrays (record
 * address, 32-bit hash), so 16-byte keys with 16-byte values cost ~50 bytes each and no object the garbage
 * collector has to trace.
 *
 * The index is linear probing with tombstones: an element never moves except when the whole index is rebuilt,
 * so all elements whose home bucket is b sit in the run of non-empty slots starting at b. A home bucket is
 * hashKey & mask, exactly a Dict's bucket, so SCAN can walk this index and a Dict together as dictScan walks
 * its two tables while rehashing (Db.scan); either way Redis's guarantee holds (every element present for the
 * whole scan is returned) across growing and shrinking. Freed records go to per-size free lists; when more than half
 * of the arena is free it is compacted into fresh chunks.
 *
 * Only Db uses this: it decides which keys are packed (see Db.setString) and turns a packed key into an ordinary
 * KeyEntry when a command needs one (Db.lookup). Keys and values are latin1 strings, one char per byte.
 */

import { latin1, writeLatin1 } from '../resp/latin1';
import { scanNext } from '../types/dict';

/** The longest key and the longest value a record holds (one length byte each). */
export const PACKED_MAX_LEN = 255;

/** A span of bytes inside the store (see valueBytes). */
export interface ByteRef {
  buf: Buffer;
  offset: number;
  length: number;
}

const HEADER = 5;
const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
/** Addresses are stored +1 in a Uint32Array (0 = empty slot), so the arena stays below 4 GiB. */
const MAX_CHUNKS = 4095;
const EMPTY = 0;
const TOMB = 0xffffffff;
const MIN_CAPACITY = 16;

export class PackedStrings {
  /** Live records. */
  size = 0;
  /** Live records plus tombstones: what the load factor counts. */
  private used = 0;
  /** The key last found or inserted and its slot (see cachedSlot); null after a removal or a rebuild. */
  private lastKey: string | null = null;
  private lastSlot = -1;
  private slots = new Uint32Array(MIN_CAPACITY);
  private hashes = new Int32Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private chunks: Buffer[] = [];
  /** Where the next record goes in the last chunk. */
  private top = CHUNK;
  /** Free records by size (exact sizes: a freed record is reused by one of the same size). */
  private freeLists: number[][] = [];
  private freeBytes = 0;
  private liveBytes = 0;

  /** The number of index slots (for the INFO memory estimate). */
  get buckets(): number {
    return this.slots.length;
  }

  /** Bytes held by the arena and the index (for tests and MEMORY STATS-like introspection). */
  get allocatedBytes(): number {
    return this.chunks.length * CHUNK + this.slots.length * 8;
  }

  /** Whether a key/value pair fits a record (and the arena has room for it). */
  fits(key: string, value: string): boolean {
    return key.length <= PACKED_MAX_LEN && value.length <= PACKED_MAX_LEN && this.chunks.length < MAX_CHUNKS;
  }

  /** The slot holding key (h = hashKey(key)), or -1. */
  find(key: string, h: number): number {
    if (this.size === 0) return -1;
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === EMPTY) return -1;
      if (s !== TOMB && hashes[i] === h && this.keyIs(s - 1, key)) {
        this.lastKey = key;
        this.lastSlot = i;
        return i;
      }
    }
  }

  /**
   * The slot of key when it is the key last found or inserted, else -1: a key used by consecutive commands
   * (GET then SET, a hot key) skips hashing and the byte-by-byte comparison, which is a string comparison
   * here. Valid until a key is removed or the index is rebuilt.
   */
  cachedSlot(key: string): number {
    return key === this.lastKey ? this.lastSlot : -1;
  }

  private keyIs(addr: number, key: string): boolean {
    const c = this.chunks[addr >>> CHUNK_BITS];
    let p = addr & (CHUNK - 1);
    const n = key.length;
    if (c[p] !== n) return false;
    p += HEADER;
    for (let j = 0; j < n; j++) if (c[p + j] !== key.charCodeAt(j)) return false;
    return true;
  }

  /** The key stored at a slot. */
  keyAt(slot: number): string {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    return latin1(c, p + HEADER, c[p]);
  }

  /** The value stored at a slot. */
  valueAt(slot: number): string {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    return latin1(c, p + HEADER + c[p], c[p + 1]);
  }

  /** Point `ref` at the bytes of the value stored at a slot (valid until the next change to this store). */
  valueBytes(slot: number, ref: ByteRef): void {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    ref.buf = c;
    ref.offset = p + HEADER + c[p];
    ref.length = c[p + 1];
  }

  /** The hashKey of the key stored at a slot. */
  hashAt(slot: number): number {
    return this.hashes[slot];
  }

  /** The 24-bit LRU (or LFU) word of a slot's record. */
  lruAt(slot: number): number {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    return c[p + 2] | (c[p + 3] << 8) | (c[p + 4] << 16);
  }

  setLru(slot: number, lru: number): void {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    c[p + 2] = lru & 255;
    c[p + 3] = (lru >>> 8) & 255;
    c[p + 4] = (lru >>> 16) & 255;
  }

  /** Add key (known to be absent; fits() checked) with value. */
  insert(key: string, h: number, value: string, lru: number): void {
    if ((this.used + 1) * 4 > this.slots.length * 3) this.rebuild(this.size + 1);
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    while (slots[i] !== EMPTY && slots[i] !== TOMB) i = (i + 1) & mask;
    if (slots[i] === EMPTY) this.used++;
    slots[i] = this.write(key, value, lru) + 1;
    this.hashes[i] = h;
    this.size++;
    this.lastKey = key;
    this.lastSlot = i;
  }

  /** Replace the value at a slot (fits() checked); the LRU word is set to `lru`. */
  replaceValue(slot: number, key: string, value: string, lru: number): void {
    const addr = this.slots[slot] - 1;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    if (c[p + 1] === value.length) {
      writeLatin1(c, p + HEADER + key.length, value);
      this.setLru(slot, lru);
      return;
    }
    this.release(addr);
    this.slots[slot] = this.write(key, value, lru) + 1;
    this.maybeCompact();
  }

  /** Delete the record at a slot. */
  removeAt(slot: number): void {
    this.lastKey = null;
    this.release(this.slots[slot] - 1);
    this.slots[slot] = TOMB;
    this.size--;
    const cap = this.slots.length;
    if (cap > MIN_CAPACITY && this.size * 10 < cap) this.rebuild(this.size);
    this.maybeCompact();
  }

  /** Compact when more than half of the arena is free (and that is worth a few chunks). */
  private maybeCompact(): void {
    if (this.freeBytes > this.liveBytes && this.freeBytes > 2 * CHUNK) this.compact();
  }

  /** A random slot holding a record, or -1 when empty. */
  randomSlot(): number {
    if (this.size === 0) return -1;
    const slots = this.slots;
    for (;;) {
      const i = (Math.random() * slots.length) | 0;
      const s = slots[i];
      if (s !== EMPTY && s !== TOMB) return i;
    }
  }

  /** Visit every record. The callback must not add or delete keys. */
  forEach(fn: (slot: number) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s !== EMPTY && s !== TOMB) fn(i);
    }
  }

  /**
   * One step of a scan: visit the records whose home bucket is `cursor & mask` and return the next cursor (0 when
   * done), in the reverse-binary order of Dict.scan.
   */
  scan(cursor: number, fn: (slot: number) => void): number {
    if (this.size === 0) return 0;
    this.visitHome(cursor & this.mask, fn);
    return scanNext(cursor, this.mask);
  }

  /** The index mask: a key's home bucket is hashKey(key) & bucketMask (the same buckets a Dict would use). */
  get bucketMask(): number {
    return this.mask;
  }

  /** Visit the records whose home bucket is b (they all sit in the run of non-empty slots starting at b). */
  visitHome(b: number, fn: (slot: number) => void): void {
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = b; slots[i] !== EMPTY; ) {
      if (slots[i] !== TOMB && (hashes[i] & mask) === b) fn(i);
      i = (i + 1) & mask;
      if (i === b) break;
    }
  }

  // ---- the arena ----

  /** Store a record and return its address. */
  private write(key: string, value: string, lru: number): number {
    const size = HEADER + key.length + value.length;
    const list = this.freeLists[size];
    let addr: number;
    if (list !== undefined && list.length > 0) {
      addr = list.pop()!;
      this.freeBytes -= size;
    } else {
      addr = this.bump(size);
    }
    this.liveBytes += size;
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    c[p] = key.length;
    c[p + 1] = value.length;
    c[p + 2] = lru & 255;
    c[p + 3] = (lru >>> 8) & 255;
    c[p + 4] = (lru >>> 16) & 255;
    writeLatin1(c, p + HEADER, key);
    writeLatin1(c, p + HEADER + key.length, value);
    return addr;
  }

  /** Room for `size` bytes at the top of the arena (a fresh chunk when the last one is full); its address. */
  private bump(size: number): number {
    if (this.top + size > CHUNK) {
      this.chunks.push(Buffer.allocUnsafeSlow(CHUNK));
      this.top = 0;
    }
    const addr = (this.chunks.length - 1) * CHUNK + this.top;
    this.top += size;
    return addr;
  }

  private release(addr: number): void {
    const c = this.chunks[addr >>> CHUNK_BITS];
    const p = addr & (CHUNK - 1);
    const size = HEADER + c[p] + c[p + 1];
    (this.freeLists[size] ??= []).push(addr);
    this.freeBytes += size;
    this.liveBytes -= size;
  }

  /** Copy every live record into fresh chunks, dropping the free space (and the free lists). */
  private compact(): void {
    const old = this.chunks;
    this.chunks = [];
    this.top = CHUNK;
    this.freeLists = [];
    this.freeBytes = 0;
    this.liveBytes = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s === EMPTY || s === TOMB) continue;
      const addr = s - 1;
      const c = old[addr >>> CHUNK_BITS];
      const p = addr & (CHUNK - 1);
      const size = HEADER + c[p] + c[p + 1];
      const at = this.bump(size);
      c.copy(this.chunks[at >>> CHUNK_BITS], at & (CHUNK - 1), p, p + size);
      this.liveBytes += size;
      slots[i] = at + 1;
    }
  }

  // ---- the index ----

  /** Rebuild the index for `n` records at a load of at most a half (tombstones dropped). */
  private rebuild(n: number): void {
    let cap = MIN_CAPACITY;
    while (cap < n * 2) cap *= 2;
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    const slots = new Uint32Array(cap);
    const hashes = new Int32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const s = oldSlots[j];
      if (s === EMPTY || s === TOMB) continue;
      const h = oldHashes[j];
      let i = h & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = s;
      hashes[i] = h;
    }
    this.slots = slots;
    this.hashes = hashes;
    this.mask = mask;
    this.used = this.size;
    this.lastKey = null;
  }
}
