/**
 * Generic keyspace commands (db.c, expire.c, object.c): they work on keys of any type.
 *
 * Each handler follows its Redis counterpart step by step, because the order of checks is visible to users
 * (which error wins, whether a missing key is reported before a bad option) and so is the kind of lookup:
 * lookupKeyRead counts keyspace hits/misses and touches the LRU clock, lookupKeyWrite only expires,
 * introspection (TYPE, TTL, OBJECT, EXISTS) counts but never touches (Db.peek), and KEYS only skips
 * logically expired keys without deleting them. Expiry times are absolute ms on the injectable clock; a key
 * is expired once the clock is past its time, while setting a time that is not in the future deletes at once
 * (checkAlreadyExpired).
 *
 * RENAME and MOVE move the value itself: its LRU clock and string-encoding marks travel with it, as the robj
 * does in Redis. COPY duplicates (collections through clone()). SWAPDB swaps the contents of two Db objects,
 * not the objects, so clients, WATCHed keys and blocked clients stay with their database number as in Redis.
 */

import { touchAllWatchedKeysInDb } from '../multi';
import { signalDbReady } from '../blocking';
import type { Client } from '../client';
import type { CommandDef } from './table';
import { Db, KeyEntry, KeyInfo, STR_UNSHARED } from '../keyspace/db';
import { NOTIFY } from '../notify';
import { countLookup, lookupRead, lookupWrite } from './util';
import { keyword } from './strings';
import { ERR } from '../resp/errors';
import { SHARED } from '../resp/reply';
import { globMatch } from '../util/glob';
import { parseI64, parseSafeInt } from '../util/numbers';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/**
 * lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts a hit or miss and leaves the LRU clock alone; a miss is
 * notified as `keymiss` unless `noNotify` (OBJECT's LOOKUP_NONOTIFY).
 */
function lookupNoTouch(c: Client, key: string, noNotify = false): KeyEntry | null {
  const e = c.db.peek(key);
  countLookup(c, key, e !== null, noNotify);
  return e;
}

/** lookupNoTouch for commands that need only the type and the TTL (EXISTS, TYPE, TTL): a packed key stays packed. */
function describeNoTouch(c: Client, key: string): KeyInfo | null {
  const info = c.db.describe(key);
  countLookup(c, key, info !== null, false);
  return info;
}

/**
 * getIntFromObjectOrReply: a C int argument. Without `msg`, non-integers get "value is not an integer" and
 * integers outside int32 the range error; with `msg`, both get `msg`. Returns null after replying.
 */
function int32Arg(c: Client, s: string, msg?: string): number | null {
  const n = parseSafeInt(s);
  if (n === null && parseI64(s) === null) {
    c.replyError(msg ?? ERR.notInteger);
    return null;
  }
  if (n === null || n < INT_MIN || n > INT_MAX) {
    c.replyError(msg ?? `ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
    return null;
  }
  return n;
}

/** selectDb's check: the Db for a parsed index, or null after replying "DB index is out of range". */
function dbAt(c: Client, id: number): Db | null {
  const db = id >= 0 && id < c.server.dbs.length ? c.server.dbs[id] : undefined;
  if (db === undefined) {
    c.replyError(ERR.dbIndexOutOfRange);
    return null;
  }
  return db;
}

/**
 * dbAdd of a value moved from `from` (RENAME, MOVE): the LRU clock, encoding marks and TTL go with it.
 * Db.add signals readiness for blocked clients when the value is a list, zset or stream.
 */
function addMoved(dst: Db, key: string, from: KeyEntry): void {
  const e = dst.add(key, from.value);
  e.lru = from.lru;
  e.rawString = from.rawString;
  e.strFlags = from.strFlags;
  if (from.expireAt !== -1) dst.setExpire(e, from.expireAt);
}

// ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ----

/** DEL and UNLINK (no lazy freeing in Cinnabar: both free at once). */
function del(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (db.delete(argv[i])) {
      c.server.keyModified(db, argv[i]);
      c.server.notify(NOTIFY.generic, 'del', argv[i], db.id);
      n++;
    }
  }
  c.server.dirty += n;
  c.reply.int(n);
}

function exists(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (describeNoTouch(c, argv[i]) !== null) n++;
  c.reply.int(n);
}

function touch(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupRead(c, argv[i]) !== null) n++;
  c.reply.int(n);
}

function type(c: Client, argv: string[]): void {
  const info = describeNoTouch(c, argv[1]);
  c.reply.simple(info === null ? 'none' : info.type);
}

// ---- FLUSHDB, FLUSHALL ----

/** FLUSHDB/FLUSHALL option: none, ASYNC or SYNC. Returns false after replying a syntax error. */
function flushOption(c: Client, argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2) {
    const opt = keyword(argv[1]);
    if (opt === 'async' || opt === 'sync') return true;
  }
  c.replyError(ERR.syntax);
  return false;
}

/**
 * touchAllWatchedKeysInDb: flag the clients WATCHing a key of `emptied` that exists there (even logically
 * expired: Redis looks in the dict) or, when given, in `replacedWith` (SWAPDB).
 */
/** Signal every watched key of the dbs as modified before emptying them (Redis's signalFlushedDb). */
export function signalFlushed(c: Client, dbs: Iterable<Db>): void {
  for (const db of dbs) touchAllWatchedKeysInDb(c.server, db, null);
}

function flushdb(c: Client, argv: string[]): void {
  if (!flushOption(c, argv)) return;
  signalFlushed(c, [c.db]);
  c.server.dirty += c.db.flush();
  c.reply.ok();
}

function flushall(c: Client, argv: string[]): void {
  if (!flushOption(c, argv)) return;
  signalFlushed(c, c.server.dbs);
  let n = 0;
  for (const db of c.server.dbs) n += db.flush();
  c.server.dirty += n;
  // Like Redis, FLUSHALL with save points configured writes an empty snapshot.
  if (c.server.persistence.hasSavePoints()) {
    try {
      c.server.persistence.saveSync();
    } catch {
      /* logged */
    }
  }
  c.reply.ok();
}

// ---- EXPIRE family, TTL family, PERSIST ----

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/**
 * expireGenericCommand: EXPIRE/PEXPIRE (basetime = now) and EXPIREAT/PEXPIREAT (basetime = 0), with the
 * NX/XX/GT/LT conditions. Options are checked first, then the time (64-bit overflow = invalid expire time),
 * then the key. A time that is not in the future deletes the key (notified as `del`).
 */
function expireGeneric(c: Client, argv: string[], relative: boolean, seconds: boolean, cmdName: string): void {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else {
      const z = argv[j].indexOf('\0');
      c.replyError(ERR.unsupportedOption(z < 0 ? argv[j] : argv[j].slice(0, z)));
      return;
    }
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) {
    c.replyError(ERR.expireNxConflict);
    return;
  }
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) {
    c.replyError(ERR.expireGtLtConflict);
    return;
  }
  const server = c.server;
  const now = server.clock.now();
  const base = relative ? now : 0;
  let when: number;
  const n = parseSafeInt(argv[2]);
  if (n !== null && n > -1e12 && n < 1e12) {
    when = (seconds ? n * 1000 : n) + base;
  } else {
    let b = parseI64(argv[2]);
    if (b === null) {
      c.replyError(ERR.notInteger);
      return;
    }
    if (seconds) {
      if (b > LLONG_MAX / 1000n || b < LLONG_MIN / 1000n) {
        c.replyError(ERR.invalidExpire(cmdName));
        return;
      }
      b *= 1000n;
    }
    if (b > LLONG_MAX - BigInt(base)) {
      c.replyError(ERR.invalidExpire(cmdName));
      return;
    }
    when = Number(b + BigInt(base));
  }
  const db = c.db;
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null) {
    c.reply.raw(SHARED.zero);
    return;
  }
  if (flags !== 0) {
    const cur = e.expireAt;
    if (
      ((flags & EXPIRE_NX) !== 0 && cur !== -1) ||
      ((flags & EXPIRE_XX) !== 0 && cur === -1) ||
      ((flags & EXPIRE_GT) !== 0 && (when <= cur || cur === -1)) ||
      ((flags & EXPIRE_LT) !== 0 && cur !== -1 && when >= cur)
    ) {
      c.reply.raw(SHARED.zero);
      return;
    }
  }
  if (when <= now) {
    db.removeEntry(key);
    server.dirty++;
    server.keyModified(db, key);
    server.notify(NOTIFY.generic, 'del', key, db.id);
  } else {
    db.setExpire(e, when);
    server.keyModified(db, key);
    server.notify(NOTIFY.generic, 'expire', key, db.id);
    server.dirty++;
  }
  c.reply.raw(SHARED.one);
}

/** ttlGenericCommand: TTL/PTTL (remaining) and EXPIRETIME/PEXPIRETIME (absolute); -2 missing, -1 no TTL. */
function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): void {
  const info = describeNoTouch(c, key);
  if (info === null) {
    c.reply.raw(SHARED.negTwo);
    return;
  }
  const expireAt = info.expireAt;
  if (expireAt === -1) {
    c.reply.raw(SHARED.negOne);
    return;
  }
  let ttl = absolute ? expireAt : expireAt - c.server.clock.now();
  if (ttl < 0) ttl = 0;
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persist(c: Client, argv: string[]): void {
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null || !c.db.removeExpire(e)) {
    c.reply.raw(SHARED.zero);
    return;
  }
  const db = c.db;
  c.server.keyModified(db, key);
  c.server.notify(NOTIFY.generic, 'persist', key, db.id);
  c.reply.raw(SHARED.one);
  c.server.dirty++;
}

// ---- KEYS, SCAN, RANDOMKEY ----

/** KEYS: every key matching the glob that is not logically expired (expired keys are skipped, not deleted). */
function keys(c: Client, argv: string[]): void {
  const pattern = argv[1];
  const all = pattern === '*';
  const db = c.db;
  const now = c.server.clock.now();
  const checkExpiry = c.server.expireEnabled;
  const out: string[] = [];
  db.forEachEntry((e) => {
    if ((all || globMatch(pattern, e.key)) && !(checkExpiry && e.expireAt !== -1 && e.expireAt < now)) out.push(e.key);
  });
  c.reply.bulkArray(out);
}

/**
 * parseScanCursorOrReply: strtoul(cursor, 10) as C sees the argument (up to a NUL byte): an optional sign
 * ("-1" wraps to 2^64-1), digits, nothing else; no leading space; at most 2^64-1. The empty string is 0.
 * Returns the low 32 bits (Dict.scan's cursor: higher bits never change the walk) or null after replying.
 */
export function parseScanCursor(c: Client, arg: string): number | null {
  const z = arg.indexOf('\0');
  const s = z < 0 ? arg : arg.slice(0, z);
  if (s.length === 0) return 0;
  const c0 = s.charCodeAt(0);
  let i = c0 === 43 || c0 === 45 ? 1 : 0; // '+' '-'
  let ok = i < s.length;
  for (let k = i; ok && k < s.length; k++) {
    const ch = s.charCodeAt(k);
    if (ch < 48 || ch > 57) ok = false;
  }
  while (ok && i < s.length - 1 && s.charCodeAt(i) === 48) i++; // leading zeros
  if (ok && s.length - i <= 15 && c0 !== 45) return Number(s.slice(i)) >>> 0; // ToUint32 = the low 32 bits
  if (ok && s.length - i <= 20) {
    const v = BigInt(s.slice(i));
    if (v <= 0xffffffffffffffffn) {
      const u = c0 === 45 ? (0x10000000000000000n - v) & 0xffffffffffffffffn : v;
      return Number(u & 0xffffffffn);
    }
  }
  c.replyError(ERR.invalidCursor);
  return null;
}

const scanned: string[] = [];
function collectScanned(key: string): void {
  scanned.push(key);
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: dictScan over the keyspace until COUNT keys were
 * gathered (at most 10*COUNT buckets), then the filters in Redis's order: pattern, type (a lookup that may
 * expire the key), expiry (expired keys are deleted, as expireIfNeeded does). The cursor is a bulk string.
 */
function scan(c: Client, argv: string[]): void {
  let cursor = parseScanCursor(c, argv[1]);
  if (cursor === null) return;
  let count = 10;
  let pattern: string | null = null;
  let typeName: string | null = null;
  for (let i = 2; i < argv.length; ) {
    const opt = keyword(argv[i]);
    const more = i + 1 < argv.length;
    if (opt === 'count' && more) {
      const n = parseSafeInt(argv[i + 1]);
      let v: number;
      if (n !== null) v = n;
      else {
        const b = parseI64(argv[i + 1]);
        if (b === null) {
          c.replyError(ERR.notInteger);
          return;
        }
        v = Number(b);
      }
      if (v < 1) {
        c.replyError(ERR.syntax);
        return;
      }
      count = v;
      i += 2;
    } else if (opt === 'match' && more) {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1];
      i += 2;
    } else if (opt === 'type' && more) {
      typeName = keyword(argv[i + 1]);
      i += 2;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  const db = c.db;
  scanned.length = 0;
  let budget = count * 10;
  do {
    cursor = db.scan(cursor, collectScanned);
  } while (cursor !== 0 && budget-- > 0 && scanned.length < count);
  const found = scanned.slice();
  scanned.length = 0;
  const out: string[] = [];
  for (const key of found) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (typeName !== null) {
      const info = describeNoTouch(c, key);
      if ((info === null ? 'none' : info.type) !== typeName) continue;
    }
    // expireIfNeeded: a key still stored that exists() no longer sees has just been expired.
    if (db.has(key) && !db.exists(key)) continue;
    out.push(key);
  }
  const w = c.reply;
  w.arrayLen(2);
  w.bulk(String(cursor));
  w.bulkArray(out);
}

function randomkey(c: Client): void {
  c.reply.bulkOrNull(c.db.randomKey());
}

// ---- RENAME, RENAMENX, MOVE, COPY, SWAPDB ----

/** renameGenericCommand: the source must exist (even when both names are the same); TTL is kept. */
function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const src = argv[1];
  const dst = argv[2];
  const e = lookupWrite(c, src);
  if (e === null) {
    c.replyError(ERR.noSuchKey);
    return;
  }
  if (src === dst) {
    c.reply.raw(nx ? SHARED.zero : SHARED.ok);
    return;
  }
  const db = c.db;
  if (lookupWrite(c, dst) !== null) {
    if (nx) {
      c.reply.raw(SHARED.zero);
      return;
    }
    db.removeEntry(dst);
  }
  addMoved(db, dst, e);
  db.removeEntry(src);
  const server = c.server;
  server.keyModified(db, src);
  server.keyModified(db, dst);
  server.notify(NOTIFY.generic, 'rename_from', src, db.id);
  server.notify(NOTIFY.generic, 'rename_to', dst, db.id);
  server.dirty++;
  c.reply.raw(nx ? SHARED.one : SHARED.ok);
}

function move(c: Client, argv: string[]): void {
  const id = int32Arg(c, argv[2]);
  if (id === null) return;
  const dst = dbAt(c, id);
  if (dst === null) return;
  const src = c.db;
  if (src === dst) {
    c.replyError(ERR.sameObject);
    return;
  }
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null || dst.lookup(key) !== null) {
    c.reply.raw(SHARED.zero);
    return;
  }
  addMoved(dst, key, e);
  src.removeEntry(key);
  const server = c.server;
  server.keyModified(src, key);
  server.keyModified(dst, key);
  server.notify(NOTIFY.generic, 'move_from', key, src.id);
  server.notify(NOTIFY.generic, 'move_to', key, dst.id);
  server.dirty++;
  c.reply.raw(SHARED.one);
}

/** COPY source destination [DB n] [REPLACE]: a deep copy keeping the TTL; notified `copy_to` in the target. */
function copy(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    if (opt === 'replace') replace = true;
    else if (opt === 'db' && j + 1 < argv.length) {
      const id = int32Arg(c, argv[j + 1]);
      if (id === null) return;
      const d = dbAt(c, id);
      if (d === null) return;
      dst = d;
      j++;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  const key = argv[1];
  const newkey = argv[2];
  if (src === dst && key === newkey) {
    c.replyError(ERR.sameObject);
    return;
  }
  const e = lookupRead(c, key);
  if (e === null) {
    c.reply.raw(SHARED.zero);
    return;
  }
  const existing = dst.lookup(newkey) !== null;
  if (existing && !replace) {
    c.reply.raw(SHARED.zero);
    return;
  }
  const v = e.value;
  const dup = typeof v === 'string' ? v : v.clone();
  if (existing) dst.removeEntry(newkey);
  const ne = dst.add(newkey, dup);
  // dupStringObject keeps the encoding, but an int copy is a fresh object, not a shared integer.
  ne.rawString = e.rawString;
  ne.strFlags = e.strFlags | STR_UNSHARED;
  if (e.expireAt !== -1) dst.setExpire(ne, e.expireAt);
  c.server.keyModified(dst, newkey);
  c.server.notify(NOTIFY.generic, 'copy_to', newkey, dst.id);
  c.server.dirty++;
  c.reply.raw(SHARED.one);
}

/**
 * SWAPDB: exchange the contents of two databases. WATCHers of a key present in either db are flagged first,
 * then keys that blocked clients wait for are signalled ready in both (a blocked BLPOP may now be served).
 */
function swapdb(c: Client, argv: string[]): void {
  const id1 = int32Arg(c, argv[1], ERR.invalidFirstDbIndex);
  if (id1 === null) return;
  const id2 = int32Arg(c, argv[2], ERR.invalidSecondDbIndex);
  if (id2 === null) return;
  const dbs = c.server.dbs;
  if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) {
    c.replyError(ERR.dbIndexOutOfRange);
    return;
  }
  if (id1 !== id2) {
    const a = dbs[id1];
    const b = dbs[id2];
    touchAllWatchedKeysInDb(c.server, a, b);
    touchAllWatchedKeysInDb(c.server, b, a);
    a.swapWith(b);
    signalDbReady(c.server, a);
    signalDbReady(c.server, b);
  }
  c.server.dirty++;
  c.reply.ok();
}


// ---- OBJECT ----

/** The maxmemory policies that make Redis stop sharing small integers (MAXMEMORY_FLAG_NO_SHARED_INTEGERS). */
function lruOrLfuPolicy(c: Client): boolean {
  const p = c.server.config.str('maxmemory-policy');
  return p.endsWith('-lru') || p.endsWith('-lfu');
}

function lfuPolicy(c: Client): boolean {
  return c.server.config.str('maxmemory-policy').endsWith('-lfu');
}

/** objectCommandLookupOrReply: no LRU touch; a missing key replies null. */
function objectLookup(c: Client, key: string): KeyEntry | null {
  const e = lookupNoTouch(c, key, true);
  if (e === null) c.reply.nullBulk();
  return e;
}

function objectEncoding(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]);
  if (e === null) return;
  const v = e.value;
  c.reply.bulk(typeof v === 'string' ? c.server.stringEncoding(e) : v.encoding());
}

/**
 * OBJECT REFCOUNT: 1, except for the shared integer objects 0..9999 (INT_MAX), which tryObjectEncoding and
 * INCR hand out unless maxmemory is set with an LRU/LFU policy.
 */
function objectRefcount(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]);
  if (e === null) return;
  const v = e.value;
  let shared = false;
  if (typeof v === 'string' && (e.strFlags & STR_UNSHARED) === 0 && v.length <= 4 && c.server.stringEncoding(e) === 'int') {
    const n = Number(v);
    shared = n >= 0 && n < 10000 && (c.server.config.num('maxmemory') === 0 || !lruOrLfuPolicy(c));
  }
  c.reply.int(shared ? INT_MAX : 1);
}

/** OBJECT IDLETIME: seconds since the last access on the 24-bit LRU clock (estimateObjectIdleTime). */
function objectIdletime(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]);
  if (e === null) return;
  if (lfuPolicy(c)) {
    c.replyError(ERR.lfuSelected);
    return;
  }
  const clock = c.db.lruClock();
  c.reply.int(clock >= e.lru ? clock - e.lru : clock + (0xffffff - e.lru));
}

function objectFreq(c: Client, argv: string[]): void {
  const e = objectLookup(c, argv[2]);
  if (e === null) return;
  if (!lfuPolicy(c)) {
    c.replyError(ERR.lfuNotSelected);
    return;
  }
  c.reply.int(c.db.lfuCounter(e));
}

export const keyCommands: CommandDef[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: del },
  { name: 'exists', handler: exists },
  { name: 'touch', handler: touch },
  { name: 'type', handler: type },
  { name: 'dbsize', handler: (c) => c.reply.int(c.db.size) },
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  { name: 'expire', handler: (c, argv) => expireGeneric(c, argv, true, true, 'expire') },
  { name: 'pexpire', handler: (c, argv) => expireGeneric(c, argv, true, false, 'pexpire') },
  { name: 'expireat', handler: (c, argv) => expireGeneric(c, argv, false, true, 'expireat') },
  { name: 'pexpireat', handler: (c, argv) => expireGeneric(c, argv, false, false, 'pexpireat') },
  { name: 'ttl', handler: (c, argv) => ttlGeneric(c, argv[1], false, false) },
  { name: 'pttl', handler: (c, argv) => ttlGeneric(c, argv[1], true, false) },
  { name: 'expiretime', handler: (c, argv) => ttlGeneric(c, argv[1], false, true) },
  { name: 'pexpiretime', handler: (c, argv) => ttlGeneric(c, argv[1], true, true) },
  { name: 'persist', handler: persist },
  { name: 'keys', handler: keys },
  { name: 'scan', handler: scan },
  { name: 'randomkey', handler: randomkey },
  { name: 'rename', handler: (c, argv) => renameGeneric(c, argv, false) },
  { name: 'renamenx', handler: (c, argv) => renameGeneric(c, argv, true) },
  { name: 'move', handler: move },
  { name: 'copy', handler: copy },
  { name: 'swapdb', handler: swapdb },
  {
    name: 'object',
    subcommands: [
      { name: 'encoding', handler: objectEncoding },
      { name: 'refcount', handler: objectRefcount },
      { name: 'idletime', handler: objectIdletime },
      { name: 'freq', handler: objectFreq },
      { name: 'help' },
    ],
  },
];
