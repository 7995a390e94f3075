/**
 * Databases: the numbered keyspaces (SELECT 0..databases-1), typed lookups and lazy expiry.
 *
 * Each key is one KeyEntry node in a Dict: the value, the absolute expiry time in ms (-1 for none) and the
 * LRU clock of its last access all live on the node, so a lookup is one hash probe. Keys with a TTL are also
 * indexed in `expires` (like Redis's db->expires) so the active cycle can sample them without walking keys
 * that never expire.
 *
 * As in Redis's db.c, every read goes through lookupKey(), which deletes a key whose time has passed before
 * anyone can see it (lazy expiry), and every write tells the server (KeyspaceHooks) so WATCH, client-side
 * caching and keyspace notifications stay correct whatever command made the change. The keyspace knows
 * nothing of RESP or clients.
 */

import { Dict, DictEntry, hashKey } from '../types/dict';
import type { Clock } from '../clock';
import { RValue, typeOf } from './object';

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

export class Db {
  dict = new Dict<KeyEntry>();
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
    return this.dict.size;
  }

  /** LRU clock in seconds, as Redis keeps it (24 bits). */
  lruClock(): number {
    return Math.floor(this.clock.now() / 1000) & 0xffffff;
  }

  /**
   * The entry for key, or null when absent or expired (expired keys are deleted here: lazy expiry).
   * Touches the LRU clock unless the client asked not to.
   */
  lookup(key: string): KeyEntry | null {
    const e = this.dict.get(key);
    if (e === null) return null;
    if (e.expireAt !== -1 && e.expireAt < this.clock.now() && this.hooks.expireEnabled) {
      if (!this.hooks.expirePaused) this.expireKey(e);
      return null;
    }
    if (!this.hooks.noTouch) {
      const lfu = this.hooks.lfu;
      if (lfu === null) e.lru = this.lruClock();
      else this.updateLfu(e, lfu);
    }
    return e;
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
    const lfu = this.hooks.lfu;
    const ldt = e.lru >>> 8;
    let counter = e.lru & 255;
    if (lfu !== null && lfu.decayTime > 0) {
      const now = this.lfuMinutes();
      const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
      const periods = Math.floor(elapsed / lfu.decayTime);
      if (periods > 0) counter = periods > counter ? 0 : counter - periods;
    }
    return counter;
  }

  /** updateLFU: decay, then a logarithmic increment (probability 1 / ((counter - 5) * lfu-log-factor + 1)). */
  private updateLfu(e: KeyEntry, lfu: LfuParams): void {
    let counter = this.lfuCounter(e);
    if (counter < 255) {
      const base = counter - LFU_INIT_VAL;
      if (Math.random() < 1 / ((base < 0 ? 0 : base) * lfu.logFactor + 1)) counter++;
    }
    e.lru = (this.lfuMinutes() << 8) | counter;
  }

  /** Like lookup, but never touches LRU (OBJECT, TYPE-like introspection that must not count as access). */
  peek(key: string): KeyEntry | null {
    const e = this.dict.get(key);
    if (e === null) return null;
    if (e.expireAt !== -1 && e.expireAt < this.clock.now() && this.hooks.expireEnabled) {
      if (!this.hooks.expirePaused) this.expireKey(e);
      return null;
    }
    return e;
  }

  /** True when key exists and is not expired. */
  exists(key: string): boolean {
    return this.peek(key) !== null;
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
    const old = this.dict.getWithHash(key, h);
    return old === null ? this.add(key, value, h) : this.overwrite(old, value, keepTtl);
  }

  /** dbOverwrite: replace the value of an existing entry (found by lookup) without finding it again. */
  overwrite(old: KeyEntry, value: RValue, keepTtl = false): KeyEntry {
    old.value = value;
    old.resetEncoding();
    // The new value gets a fresh LRU clock, but inherits the LFU counter.
    if (this.hooks.lfu === null) old.lru = this.lruClock();
    if (!keepTtl && old.exp !== null) this.removeExpire(old);
    return old;
  }

  /** Delete key; returns true when it existed (and was not already expired). */
  delete(key: string): boolean {
    const e = this.dict.get(key);
    if (e === null) return false;
    if (e.expireAt !== -1 && e.expireAt < this.clock.now() && this.hooks.expireEnabled) {
      if (!this.hooks.expirePaused) this.expireKey(e);
      return false;
    }
    this.removeEntry(key);
    return true;
  }

  /** Remove a key and its expiry without any check or signal. */
  removeEntry(key: string): KeyEntry | null {
    const e = this.dict.delete(key);
    if (e !== null && e.expireAt !== -1) this.expires.delete(key);
    return e;
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
    const n = this.dict.size;
    this.dict = new Dict<KeyEntry>();
    this.expires = new Dict<ExpireEntry>();
    this.expiresCursor = 0;
    this.avgTtl = 0;
    return n;
  }

  /** A random key that is not expired (expired ones met on the way are deleted), or null. */
  randomKey(): string | null {
    const now = this.clock.now();
    const allVolatile = this.dict.size === this.expires.size;
    for (let tries = 100; ; ) {
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
    const e = this.peek(key);
    return e === null ? 'none' : typeOf(e.value);
  }
}
