/**
 * Transactions and optimistic locking (multi.c): the MULTI queue's life cycle, EXEC, and WATCH.
 *
 * Queueing happens in Client.execute (commands after MULTI reply QUEUED; a command refused while queueing
 * sets CF.dirtyExec so EXEC answers EXECABORT). EXEC runs the queue through Client.call, so every queued
 * command gets its statistics, slow log, MONITOR line and tracking exactly as if sent alone; the single
 * thread makes the whole run atomic. While it runs the client has `inExec` and CF.denyBlocking (blocking
 * commands answer as if timed out, SUBSCRIBE is still allowed, MONITOR is not).
 *
 * WATCH keeps, per database, key → watching clients (Server.watchedKeys) and per client the watched keys
 * with the flag Redis 7.0 added: whether the key was already logically expired when WATCHed. Any write to a
 * watched key (Server.keyModified, Redis's signalModifiedKey, which every write command and every expiry
 * calls) marks the watchers CF.dirtyCas, except that deleting a key that was already expired at WATCH time
 * is no logical change. At EXEC a watched key that expired since WATCH (but was not yet deleted) also fails
 * the transaction (isWatchedKeyExpired).
 */

import { CF, Client } from './client';
import type { Server } from './server';
import type { Db } from './keyspace/db';
import { ERR } from './resp/errors';
import { feedMonitors } from './monitor';

interface WatchedKey {
  /** The key was logically expired (but still stored) when WATCH was called. */
  expired: boolean;
}

/** c.ext.watched: db → key → watch state. */
type ClientWatches = Map<Db, Map<string, WatchedKey>>;

function clientWatches(c: Client): ClientWatches | undefined {
  return c.ext.watched as ClientWatches | undefined;
}

/** keyIsExpired: stored with a TTL that has passed (a key nobody deleted yet). */
function keyIsExpired(server: Server, db: Db, key: string): boolean {
  // Packed keys have no TTL: only a node in dict can be expired.
  const e = db.dict.get(key);
  return e !== null && e.expireAt !== -1 && e.expireAt < server.clock.now();
}

/** watchForKey: watch key in the client's current database (watching twice changes nothing). */
export function watchForKey(c: Client, key: string): void {
  const db = c.db;
  let mine = clientWatches(c);
  if (mine === undefined) c.ext.watched = mine = new Map();
  let keys = mine.get(db);
  if (keys === undefined) mine.set(db, (keys = new Map()));
  if (keys.has(key)) return;
  keys.set(key, { expired: keyIsExpired(c.server, db, key) });
  const server = c.server;
  let byKey = server.watchedKeys.get(db);
  if (byKey === undefined) server.watchedKeys.set(db, (byKey = new Map()));
  let clients = byKey.get(key);
  if (clients === undefined) byKey.set(key, (clients = new Set()));
  clients.add(c);
}

/** unwatchAllKeys: forget every key the client watches (clearing CF.dirtyCas is the caller's business). */
export function unwatchAllKeys(c: Client): void {
  const mine = clientWatches(c);
  if (mine === undefined || mine.size === 0) return;
  const watched = c.server.watchedKeys;
  for (const [db, keys] of mine) {
    const byKey = watched.get(db);
    if (byKey === undefined) continue;
    for (const key of keys.keys()) {
      const clients = byKey.get(key);
      if (clients === undefined) continue;
      clients.delete(c);
      if (clients.size === 0) byKey.delete(key);
    }
    if (byKey.size === 0) watched.delete(db);
  }
  mine.clear();
}

/** The client's watch state for (db, key). */
function watchOf(c: Client, db: Db, key: string): WatchedKey | undefined {
  return clientWatches(c)?.get(db)?.get(key);
}

/**
 * touchWatchedKey: key was written (or deleted, or expired). Watchers become CF.dirtyCas and stop watching,
 * unless the key was already expired when they watched it and is now gone (no logical change). As in Redis,
 * meeting a watcher whose expired key is still stored ends the pass.
 */
export function touchWatchedKey(server: Server, db: Db, key: string): void {
  const clients = server.watchedKeys.get(db)?.get(key);
  if (clients === undefined) return;
  for (const c of [...clients]) {
    const wk = watchOf(c, db, key);
    if (wk !== undefined && wk.expired) {
      if (!db.has(key)) {
        wk.expired = false;
        continue;
      }
      break;
    }
    c.flags |= CF.dirtyCas;
    unwatchAllKeys(c);
  }
}

/**
 * touchAllWatchedKeysInDb: `emptied` is flushed (FLUSHDB, FLUSHALL) or swapped with `replacedWith` (SWAPDB).
 * A watched key counts as modified when it is stored in either database, with Redis's care for keys that
 * were expired at WATCH time (deleting them is no change; an expired key replacing a missing one keeps
 * looking missing). Call it before emptying.
 */
export function touchAllWatchedKeysInDb(server: Server, emptied: Db, replacedWith: Db | null): void {
  const byKey = server.watchedKeys.get(emptied);
  if (byKey === undefined) return;
  for (const [key, clients] of [...byKey]) {
    const inEmptied = emptied.has(key);
    const inReplacement = replacedWith !== null && replacedWith.has(key);
    if (!inEmptied && !inReplacement) continue;
    for (const c of [...clients]) {
      const wk = watchOf(c, emptied, key);
      if (wk !== undefined && wk.expired) {
        if (!inReplacement) {
          wk.expired = false;
          continue;
        } else if (keyIsExpired(server, replacedWith!, key)) {
          continue;
        }
      } else if (wk !== undefined && !inEmptied && keyIsExpired(server, replacedWith!, key)) {
        wk.expired = true;
        continue;
      }
      c.flags |= CF.dirtyCas;
    }
  }
}

/** isWatchedKeyExpired: a watched key (not expired at WATCH time) whose TTL has passed since. */
function isWatchedKeyExpired(c: Client): boolean {
  const mine = clientWatches(c);
  if (mine === undefined) return false;
  for (const [db, keys] of mine) {
    for (const [key, wk] of keys) {
      if (!wk.expired && keyIsExpired(c.server, db, key)) return true;
    }
  }
  return false;
}

/** discardTransaction: leave MULTI, forget the queue and every watched key. */
export function discardTransaction(c: Client): void {
  c.multiQueue = null;
  c.flags &= ~(CF.multi | CF.dirtyCas | CF.dirtyExec);
  unwatchAllKeys(c);
}

export function multi(c: Client): void {
  if (c.multiQueue !== null) {
    c.replyError(ERR.multiNested);
    return;
  }
  c.multiQueue = [];
  c.flags |= CF.multi;
  c.reply.ok();
}

export function discard(c: Client): void {
  if (c.multiQueue === null) {
    c.replyError(ERR.discardWithoutMulti);
    return;
  }
  discardTransaction(c);
  c.reply.ok();
}

/**
 * EXEC: refuse a transaction that queued a refused command (EXECABORT) or whose watched keys changed (null
 * array), else reply an array with each queued command's reply, in order.
 */
export function exec(c: Client): void {
  const queue = c.multiQueue;
  if (queue === null) {
    c.replyError(ERR.execWithoutMulti);
    return;
  }
  if (isWatchedKeyExpired(c)) c.flags |= CF.dirtyCas;
  if ((c.flags & (CF.dirtyCas | CF.dirtyExec)) !== 0) {
    if ((c.flags & CF.dirtyExec) !== 0) c.replyError(ERR.execAbort);
    else c.reply.nullArray();
    discardTransaction(c);
    return;
  }
  const denied = c.flags & CF.denyBlocking;
  c.flags |= CF.denyBlocking;
  unwatchAllKeys(c);
  c.inExec = true;
  c.reply.arrayLen(queue.length);
  for (let i = 0; i < queue.length; i++) c.call(queue[i].cmd, queue[i].argv);
  c.inExec = false;
  if (denied === 0) c.flags &= ~CF.denyBlocking;
  discardTransaction(c);
}

/**
 * execCommandAbort: EXEC itself was refused before running (wrong arity, the RESP2 Pub/Sub context...),
 * inside MULTI or not. The transaction is discarded and the refusal explains why; MONITOR still sees EXEC.
 */
export function execCommandAbort(c: Client, refusal: string, argv: string[]): void {
  discardTransaction(c);
  c.replyError(ERR.execAbortBecause(refusal.startsWith('ERR ') ? refusal.slice(4) : refusal));
  feedMonitors(c, argv);
}

export function watch(c: Client, argv: string[]): void {
  if (c.multiQueue !== null) {
    c.replyError(ERR.watchInMulti);
    return;
  }
  // No point in watching when the transaction already failed.
  if ((c.flags & CF.dirtyCas) === 0) for (let i = 1; i < argv.length; i++) watchForKey(c, argv[i]);
  c.reply.ok();
}

export function unwatch(c: Client): void {
  unwatchAllKeys(c);
  c.flags &= ~CF.dirtyCas;
  c.reply.ok();
}

/** Hooks for a new server: a closing client stops watching; RESET also discards its transaction. */
export function installTransactions(server: Server): void {
  server.unlinkHooks.push(unwatchAllKeys);
  server.resetHooks.push(discardTransaction);
}
