/**
 * Databases: the numbered keyspaces (SELECT 0..databases-1), typed lookups and lazy expiry.
 *
 * A key lives in one of two tables. Keys holding a short string and no TTL (most keys of a typical dataset)
 * are records in `packed` (PackedStrings: bytes, no V8 object per key); every other key is one KeyEntry node in
 * `dict`, where the value, the TTL and the LRU clock of its last access live on the node. A command that needs
 * the node (lookup, peek, set, add) gets one: a packed key is moved to `dict` first ("promoted"), so commands
 * never see the difference. The hot string paths (GET, SET, MGET, MSET, EXISTS, TYPE, TTL) read and write
 * packed records in place, and a SET that leaves a node holding a short string without a TTL packs it again.
 * Both tables bucket keys by the same hash, so SCAN walks them together (see scan()).
 * Keys with a TTL are also indexed in `expires` (like Redis's db->expires) so the active cycle can sample them
 * without walking keys that never expire.
 *
 * As in Redis's db.c, every read goes through lookupKey(), which deletes a key whose time has passed before
 * anyone can see it (lazy expiry), and every write tells the server (KeyspaceHooks) so WATCH, client-side
 * caching and keyspace notifications stay correct whatever command made the change. The keyspace knows
 * nothing of RESP or clients.
 */

import { Dict, DictEntry, hashKey, scanNext } from '../types/dict';
import type { Clock } from '../clock';
import { RValue, TypeName, typeOf } from './object';
import { ByteRef, PackedStrings } from './packed';

export class KeyEntry extends DictEntry {
  /**
   * The key's node in db.expires when it has a TTL. The time lives there, not here: an absolute time in ms is not
   * a small integer, and V8 would box such a field in a separate heap number for every key, TTL or not.
   */
  exp: ExpireEntry | null = null;
  /**
   * The LRU clock and the string-encoding flags packed in one small integer (one field per key instead of
   * three): bits 0-23 `lru`, bit 24 `rawString`, bits 25-26 `strFlags`.
   */
  private meta: number;
  constructor(
    key: string,
    public value: RValue,
    lru: number,
  ) {
    super(key);
    this.meta = lru & LRU_MASK;
  }

  /**
   * LRU clock (seconds) of the last access, for OBJECT IDLETIME; under an LFU maxmemory-policy, Redis's LFU word
   * instead: (minutes & 0xffff) << 8 | logarithmic access counter (OBJECT FREQ). 24 bits either way.
   */
  get lru(): number {
    return this.meta & LRU_MASK;
  }
  set lru(v: number) {
    this.meta = (this.meta & ~LRU_MASK) | (v & LRU_MASK);
  }

  /** Set when a string value was modified in place (APPEND, SETRANGE): OBJECT ENCODING says "raw". */
  get rawString(): boolean {
    return (this.meta & RAW_BIT) !== 0;
  }
  set rawString(b: boolean) {
    this.meta = b ? this.meta | RAW_BIT : this.meta & ~RAW_BIT;
  }

  /**
   * How Redis made a string value where its text alone does not tell (OBJECT ENCODING/REFCOUNT): STR_NO_INT for
   * values never passed through tryObjectEncoding (INCRBYFLOAT: embstr or raw even when the text is an integer),
   * STR_UNSHARED for an int object that is not one of the shared integers (COPY). Cleared when the value is replaced.
   */
  get strFlags(): number {
    return (this.meta >>> STR_FLAGS_SHIFT) & 3;
  }
  set strFlags(f: number) {
    this.meta = (this.meta & ~(3 << STR_FLAGS_SHIFT)) | ((f & 3) << STR_FLAGS_SHIFT);
  }

  /** A new value replaces the old one: plain string encoding again (rawString and strFlags cleared). */
  resetEncoding(): void {
    this.meta &= LRU_MASK;
  }

  /** Absolute expiry in ms since the epoch, or -1. Expired once the clock is past it (Redis's keyIsExpired: now > when). */
  get expireAt(): number {
    const x = this.exp;
    return x === null ? -1 : x.at;
  }
}

const LRU_MASK = 0xffffff;
const RAW_BIT = 1 << 24;
const STR_FLAGS_SHIFT = 25;
export const STR_NO_INT = 1;
export const STR_UNSHARED = 2;

class ExpireEntry extends DictEntry {
  constructor(
    key: string,
    readonly entry: KeyEntry,
    public at: number,
  ) {
    super(key);
  }
}

/** What a Db tells the server about changes (implemented in server.ts). */
export interface KeyspaceHooks {
  /** A key's value changed or the key was deleted (Redis's signalModifiedKey: WATCH and tracking). */
  keyModified(db: Db, key: string): void;
  /** A key was created holding a type clients may block on (list, zset): Redis's signalKeyAsReady. */
  keyReady(db: Db, key: string): void;
  /** A key was created (Redis's dbAdd): the `new` keyspace notification. */
  keyAdded(db: Db, key: string): void;
  /** A key expired on access or in the active cycle: the `expired` notification and stats. */
  keyExpired(db: Db, key: string): void;
  /** True when access should not update LRU (CLIENT NO-TOUCH, OBJECT). */
  readonly noTouch: boolean;
  /** False while lazy expiry must not delete (DEBUG SET-ACTIVE-EXPIRE does not affect this; loading does). */
  readonly expireEnabled: boolean;
  /**
   * True while clients are paused (Redis 7.0 checkClientPauseTimeoutAndReturnIfPaused): the dataset is
   * frozen, so an expired key reads as absent but is not deleted (no `expired` event) until the pause ends.
   */
  readonly expirePaused: boolean;
  /** The LFU parameters while maxmemory-policy is an LFU one, else null (then `lru` is an LRU clock). */
  readonly lfu: LfuParams | null;
}

/** lfu-log-factor and lfu-decay-time (evict.c). */
export interface LfuParams {
  logFactor: number;
  decayTime: number;
}

const LFU_INIT_VAL = 5;

/** Db.setString flags (SET's KEEPTTL, NX, XX) and results. */
export const SET_KEEPTTL = 1;
export const SET_NX = 2;
export const SET_XX = 4;
export const SET_SKIPPED = -1;
export const SET_UPDATED = 0;
export const SET_CREATED = 1;

/** What Db.readString returns for a key holding something other than a string. */
export const NOT_STRING = Symbol('not a string');
/** What Db.readString(key, true) returns for a packed value: its bytes are in Db.valueRef. */
export const PACKED_BYTES = Symbol('packed bytes');

export class Db {
  /** Keys that need a node: collections, strings with a TTL or too long to pack, and promoted packed keys. */
  dict = new Dict<KeyEntry>();
  /** Short strings without a TTL, as bytes. */
  packed = new PackedStrings();
  /** Where readString(key, true) leaves a packed value's bytes. */
  readonly valueRef: ByteRef = { buf: Buffer.alloc(0), offset: 0, length: 0 };
  expires = new Dict<ExpireEntry>();
  /** Scan cursor of the active expiry cycle over `expires` (Redis 7's db->expires_cursor). */
  expiresCursor = 0;
  /** Average TTL of sampled keys, for INFO keyspace avg_ttl. */
  avgTtl = 0;

  constructor(
    public id: number,
    readonly clock: Clock,
    readonly hooks: KeyspaceHooks,
  ) {}

  get size(): number {
    return this.dict.size + this.packed.size;
  }

  /** Hash table slots of both tables (the INFO memory estimate). */
  get buckets(): number {
    return this.dict.buckets + this.packed.buckets;
  }

  /** LRU clock in seconds, as Redis keeps it (24 bits). */
  lruClock(): number {
    return Math.floor(this.clock.now() / 1000) & 0xffffff;
  }

  /**
   * The entry for key, or null when absent or expired (expired keys are deleted here: lazy expiry).
   * Touches the LRU clock unless the client asked not to.
   */
  lookup(key: string, h = hashKey(key)): KeyEntry | null {
    const e = this.node(key, h);
    if (e !== null) this.touchNode(e);
    return e;
  }

  /**
   * The node for key, promoting a packed key; null when absent or expired (expired keys are deleted here, unless
   * expiry is paused). No LRU touch.
   */
  private node(key: string, h: number): KeyEntry | null {
    return this.live(key, h) ?? this.promoteIfPacked(key, h);
  }

  /** The node for key in `dict` when it is there and not expired (lazy expiry happens here). */
  private live(key: string, h: number): KeyEntry | null {
    const e = this.dict.getWithHash(key, h);
    if (e === null) return null;
    if (e.exp !== null && e.exp.at < this.clock.now() && this.hooks.expireEnabled) {
      if (!this.hooks.expirePaused) this.expireKey(e);
      return null;
    }
    return e;
  }

  /**
   * Move key, when packed, into `dict` (same value, same LRU word): a command is about to use its node. Null
   * when key is not packed.
   */
  private promoteIfPacked(key: string, h: number): KeyEntry | null {
    const packed = this.packed;
    const slot = packed.find(key, h);
    if (slot < 0) return null;
    const e = new KeyEntry(key, packed.valueAt(slot), packed.lruAt(slot));
    packed.removeAt(slot);
    this.dict.add(e, h);
    return e;
  }

  /** Delete key when packed; true when it was. */
  private removePacked(key: string, h: number): boolean {
    const slot = this.packed.find(key, h);
    if (slot < 0) return false;
    this.packed.removeAt(slot);
    return true;
  }

  /** An access to a node (its LRU word, as touched() says), unless the client asked for no touching. */
  private touchNode(e: KeyEntry): void {
    if (!this.hooks.noTouch) e.lru = this.touched(e.lru);
  }

  /** An access to a packed key (its LRU word, as touched() says). */
  private touchPacked(slot: number): void {
    this.packed.setLru(slot, this.touched(this.packed.lruAt(slot)));
  }

  /** dbOverwrite's rule for the LRU word of a new value: a fresh LRU clock, but the LFU counter is inherited. */
  private overwrittenLru(old: number): number {
    return this.hooks.lfu === null ? this.lruClock() : old;
  }

  /** The LRU word after an access: the LRU clock, or under an LFU policy the decayed and incremented counter. */
  private touched(word: number): number {
    const lfu = this.hooks.lfu;
    return lfu === null ? this.lruClock() : this.nextLfu(word, lfu);
  }

  /**
   * The string at key for reading, touching its LRU: the value, null when absent or expired, NOT_STRING when
   * the key holds another type. A packed key stays packed; with `raw`, its value is not even decoded: the result
   * is PACKED_BYTES and `valueRef` points at the bytes (GET, MGET copy them straight into the reply).
   */
  readString(key: string, raw = false, h?: number): string | null | typeof NOT_STRING | typeof PACKED_BYTES {
    const packed = this.packed;
    let slot = packed.cachedSlot(key);
    if (slot < 0) {
      const hk = h ?? hashKey(key);
      const e = this.live(key, hk);
      if (e !== null) {
        this.touchNode(e);
        return typeof e.value === 'string' ? e.value : NOT_STRING;
      }
      slot = packed.find(key, hk);
      if (slot < 0) return null;
    }
    if (!this.hooks.noTouch) this.touchPacked(slot);
    if (!raw) return packed.valueAt(slot);
    packed.valueBytes(slot, this.valueRef);
    return PACKED_BYTES;
  }

  /** The LRU (or, under LFU, the initial LFU word) of a new value: createObject(). */
  private newLru(): number {
    return this.hooks.lfu === null ? this.lruClock() : (this.lfuMinutes() << 8) | LFU_INIT_VAL;
  }

  private lfuMinutes(): number {
    return Math.floor(this.clock.now() / 60000) & 0xffff;
  }

  /** LFUDecrAndReturn: the access counter of e, decayed by one per lfu-decay-time minutes without access. */
  lfuCounter(e: KeyEntry): number {
    return this.decayedCounter(e.lru);
  }

  private decayedCounter(word: number): number {
    const lfu = this.hooks.lfu;
    const ldt = word >>> 8;
    let counter = word & 255;
    if (lfu !== null && lfu.decayTime > 0) {
      const now = this.lfuMinutes();
      const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
      const periods = Math.floor(elapsed / lfu.decayTime);
      if (periods > 0) counter = periods > counter ? 0 : counter - periods;
    }
    return counter;
  }

  /** updateLFU: decay, then a logarithmic increment (probability 1 / ((counter - 5) * lfu-log-factor + 1)). */
  private nextLfu(word: number, lfu: LfuParams): number {
    let counter = this.decayedCounter(word);
    if (counter < 255) {
      const base = counter - LFU_INIT_VAL;
      if (Math.random() < 1 / ((base < 0 ? 0 : base) * lfu.logFactor + 1)) counter++;
    }
    return (this.lfuMinutes() << 8) | counter;
  }

  /** Like lookup, but never touches LRU (OBJECT, TYPE-like introspection that must not count as access). */
  peek(key: string): KeyEntry | null {
    return this.node(key, hashKey(key));
  }

  /** The node for key as stored, expired or not, without touching or expiring it (DEBUG, WATCH bookkeeping). */
  stored(key: string, h = hashKey(key)): KeyEntry | null {
    return this.dict.getWithHash(key, h) ?? this.promoteIfPacked(key, h);
  }

  /** True when key is stored, expired or not (no promotion, no expiry). */
  has(key: string): boolean {
    const h = hashKey(key);
    return this.dict.getWithHash(key, h) !== null || this.packed.find(key, h) >= 0;
  }

  /** True when key exists and is not expired. No LRU touch. */
  exists(key: string, h = hashKey(key)): boolean {
    return this.live(key, h) !== null || this.packed.find(key, h) >= 0;
  }

  /**
   * The type and absolute expiry (-1 for none) of key without touching or promoting it, or null when absent or
   * expired (TYPE, TTL and EXISTS-like commands that only look).
   */
  describe(key: string, h = hashKey(key)): KeyInfo | null {
    const e = this.live(key, h);
    if (e !== null) {
      KEY_INFO.type = typeOf(e.value);
      KEY_INFO.expireAt = e.expireAt;
      return KEY_INFO;
    }
    if (this.packed.find(key, h) < 0) return null;
    KEY_INFO.type = 'string';
    KEY_INFO.expireAt = -1;
    return KEY_INFO;
  }

  /** Delete an expired key and tell the server (notification `expired`, stats, WATCH). */
  expireKey(e: KeyEntry): void {
    this.removeEntry(e.key);
    this.hooks.keyExpired(this, e.key);
    this.hooks.keyModified(this, e.key);
  }

  /**
   * Create key (not found by a lookup) with value. Signals readiness for blocking types. `h` is hashKey(key)
   * when the caller has it.
   */
  add(key: string, value: RValue, h = hashKey(key)): KeyEntry {
    // Not found may still mean stored: while CLIENT PAUSE freezes expiry, lookups hide an expired key but
    // keep it. The new value replaces it rather than sitting beside it.
    if (this.hooks.expirePaused && this.dict.getWithHash(key, h) !== null) this.removeEntry(key);
    const e = new KeyEntry(key, value, this.newLru());
    this.dict.add(e, h);
    this.hooks.keyAdded(this, key);
    if (typeof value !== 'string' && (value.type === 'list' || value.type === 'zset' || value.type === 'stream')) {
      this.hooks.keyReady(this, key);
    }
    return e;
  }

  /**
   * Redis's setKey(): store value at key, creating or overwriting. The TTL is cleared unless keepTtl.
   * Does not signal modification: callers do it (they know whether a write really happened).
   */
  set(key: string, value: RValue, keepTtl = false): KeyEntry {
    const h = hashKey(key);
    const old = this.stored(key, h);
    return old === null ? this.add(key, value, h) : this.overwrite(old, value, keepTtl);
  }

  /**
   * SET's store for a string value when the caller needs no node (SET without a TTL, MSET, GETSET, loading), in
   * one probe: lookupKeyWrite (an expired key is deleted first), the NX/XX condition, then setKey(). A new short
   * string is packed; a packed key is rewritten in place. Does not signal modification. Returns SET_SKIPPED when
   * the condition failed (nothing written), SET_UPDATED or SET_CREATED.
   */
  setString(key: string, value: string, flags = 0, hk?: number): number {
    const packed = this.packed;
    const cached = packed.cachedSlot(key);
    if (cached >= 0) return this.setPacked(cached, key, value, flags);
    const h = hk ?? hashKey(key);
    const e = this.dict.getWithHash(key, h);
    if (e !== null) {
      if (e.exp === null || e.exp.at >= this.clock.now() || !this.hooks.expireEnabled) {
        // lookupKeyWrite counts as an access, whether or not the condition lets the write happen.
        this.touchNode(e);
        if ((flags & SET_NX) !== 0) return SET_SKIPPED;
        if ((e.exp === null || (flags & SET_KEEPTTL) === 0) && packed.fits(key, value)) {
          // The key no longer needs a node: packed again (dbOverwrite's LRU rule, TTL dropped).
          const lru = this.overwrittenLru(e.lru);
          this.removeEntry(key);
          packed.insert(key, h, value, lru);
        } else {
          this.overwrite(e, value, (flags & SET_KEEPTTL) !== 0);
        }
        return SET_UPDATED;
      }
      // Expired: deleted now, or while CLIENT PAUSE freezes expiry, replaced by the new value (as add() does).
      if (this.hooks.expirePaused) {
        if ((flags & SET_XX) !== 0) return SET_SKIPPED;
        this.removeEntry(key);
      } else {
        this.expireKey(e);
      }
    } else {
      const slot = packed.find(key, h);
      if (slot >= 0) return this.setPacked(slot, key, value, flags, h);
    }
    if ((flags & SET_XX) !== 0) return SET_SKIPPED;
    if (packed.fits(key, value)) {
      packed.insert(key, h, value, this.newLru());
      this.hooks.keyAdded(this, key);
    } else {
      this.add(key, value, h);
    }
    return SET_CREATED;
  }

  /** setString's write to a packed key found at `slot` (h = hashKey(key) when the caller has it). */
  private setPacked(slot: number, key: string, value: string, flags: number, h?: number): number {
    const packed = this.packed;
    // lookupKeyWrite's touch, then dbOverwrite: a fresh LRU clock, but the LFU counter is inherited (an
    // overwrite under LRU makes the touch moot).
    if ((flags & SET_NX) !== 0 || this.hooks.lfu !== null) {
      if (!this.hooks.noTouch) this.touchPacked(slot);
      if ((flags & SET_NX) !== 0) return SET_SKIPPED;
    }
    const lru = this.overwrittenLru(packed.lruAt(slot));
    if (packed.fits(key, value)) {
      packed.replaceValue(slot, key, value, lru);
    } else {
      packed.removeAt(slot);
      this.dict.add(new KeyEntry(key, value, lru), h ?? hashKey(key));
    }
    return SET_UPDATED;
  }

  /** dbOverwrite: replace the value of an existing entry (found by lookup) without finding it again. */
  overwrite(old: KeyEntry, value: RValue, keepTtl = false): KeyEntry {
    old.value = value;
    old.resetEncoding();
    old.lru = this.overwrittenLru(old.lru);
    if (!keepTtl && old.exp !== null) this.removeExpire(old);
    return old;
  }

  /** Delete key; returns true when it existed (and was not already expired). */
  delete(key: string): boolean {
    const h = hashKey(key);
    if (this.live(key, h) !== null) return this.removeEntry(key);
    return this.removePacked(key, h);
  }

  /** Remove a key and its expiry without any check or signal; true when it was stored. */
  removeEntry(key: string): boolean {
    const e = this.dict.delete(key);
    if (e !== null) {
      if (e.exp !== null) this.expires.delete(key);
      return true;
    }
    return this.removePacked(key, hashKey(key));
  }

  setExpire(e: KeyEntry, at: number): void {
    if (e.exp === null) {
      e.exp = new ExpireEntry(e.key, e, at);
      this.expires.add(e.exp);
    } else {
      e.exp.at = at;
    }
  }

  removeExpire(e: KeyEntry): boolean {
    if (e.exp === null) return false;
    this.expires.delete(e.key);
    e.exp = null;
    return true;
  }

  /** Remove everything; returns how many keys there were. */
  flush(): number {
    const n = this.size;
    this.dict = new Dict<KeyEntry>();
    this.packed = new PackedStrings();
    this.expires = new Dict<ExpireEntry>();
    this.expiresCursor = 0;
    this.avgTtl = 0;
    return n;
  }

  /** A random key that is not expired (expired ones met on the way are deleted), or null. */
  randomKey(): string | null {
    const now = this.clock.now();
    const allVolatile = this.size === this.expires.size;
    for (let tries = 100; ; ) {
      const packed = this.packed;
      if (packed.size > 0 && Math.random() * this.size < packed.size) return packed.keyAt(packed.randomSlot());
      const e = this.dict.random();
      if (e === null) return null;
      if (e.expireAt !== -1 && e.expireAt < now && this.hooks.expireEnabled) {
        // Each expired key met is deleted, so this ends. While expiry is paused nothing is deleted: after 100
        // tries on an all-volatile db give up and return the key (Redis 7.2's fix; 7.0.15 loops forever).
        if (this.hooks.expirePaused) {
          if (allVolatile && --tries === 0) return e.key;
          continue;
        }
        this.expireKey(e);
        continue;
      }
      return e.key;
    }
  }

  /**
   * One active-expiry step over up to `sampleCount` keys with a TTL (Redis 7's activeExpireCycle walks
   * db->expires with a scan cursor). Returns [sampled, expired].
   */
  expireStep(sampleCount: number): [number, number] {
    if (this.expires.size === 0) return [0, 0];
    const now = this.clock.now();
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    const found: KeyEntry[] = [];
    let buckets = 0;
    do {
      this.expiresCursor = this.expires.scan(this.expiresCursor, (x) => {
        found.push(x.entry);
      });
      buckets++;
    } while (found.length < sampleCount && this.expiresCursor !== 0 && buckets < sampleCount * 20);
    for (const e of found) {
      sampled++;
      if (e.expireAt !== -1 && e.expireAt < now) {
        if (this.dict.get(e.key) === e) {
          this.expireKey(e);
          expired++;
        }
      } else if (e.expireAt !== -1) {
        ttlSum += e.expireAt - now;
        ttlSamples++;
      }
    }
    if (ttlSamples > 0) {
      const avg = ttlSum / ttlSamples;
      // Smooth like Redis: 2% new, 98% old.
      this.avgTtl = this.avgTtl === 0 ? avg : (this.avgTtl / 50) * 49 + avg / 50;
    }
    return [sampled, expired];
  }

  typeOfKey(key: string): string {
    const info = this.describe(key);
    return info === null ? 'none' : info.type;
  }

  /**
   * Visit every stored key, expired or not (KEYS, SAVE, DEBUG DIGEST). A packed key is handed over as a
   * temporary node: callers read it and must not keep it. The callback must not add or delete keys.
   */
  forEachEntry(fn: (e: KeyEntry) => void): void {
    this.dict.forEach(fn);
    const packed = this.packed;
    packed.forEach((slot) => fn(new KeyEntry(packed.keyAt(slot), packed.valueAt(slot), packed.lruAt(slot))));
  }

  /**
   * One SCAN step over both tables, as dictScan over one table of the larger mask M: both tables place a key
   * in bucket hashKey(key) & mask, so the keys of "bucket" b = cursor & M are those of bucket b in the larger
   * table and those of bucket b & m in the smaller one whose hash & M is b. Which table holds a key does not
   * matter, so keys may move between them (promotion, or a SET that packs a node again) and either table may
   * grow or shrink mid-scan: dictScan's reverse-binary cursor still returns every key present for the whole
   * scan, about one bucket's worth per step.
   */
  scan(cursor: number, fn: (key: string) => void): number {
    const packed = this.packed;
    const dict = this.dict;
    if (packed.size === 0 && dict.size === 0) return 0;
    const pm = packed.bucketMask;
    const dm = dict.bucketMask;
    const mask = pm > dm ? pm : dm;
    const b = (cursor & mask) >>> 0;
    if (packed.size > 0) {
      packed.visitHome(b & pm, (slot) => {
        if (pm === mask || (packed.hashAt(slot) & mask) >>> 0 === b) fn(packed.keyAt(slot));
      });
    }
    if (dict.size > 0) {
      dict.visitBucket(b & dm, (e) => {
        if (dm === mask || (hashKey(e.key) & mask) >>> 0 === b) fn(e.key);
      });
    }
    return scanNext(cursor, mask);
  }

  /** SWAPDB: exchange every key (and the expiry state) with another database. */
  swapWith(other: Db): void {
    const { dict, packed, expires, expiresCursor, avgTtl } = this;
    this.dict = other.dict;
    this.packed = other.packed;
    this.expires = other.expires;
    this.expiresCursor = other.expiresCursor;
    this.avgTtl = other.avgTtl;
    other.dict = dict;
    other.packed = packed;
    other.expires = expires;
    other.expiresCursor = expiresCursor;
    other.avgTtl = avgTtl;
  }
}

/** What Db.describe reports (one shared object: read it before the next call). */
export interface KeyInfo {
  type: TypeName;
  expireAt: number;
}

const KEY_INFO: KeyInfo = { type: 'string', expireAt: -1 };
