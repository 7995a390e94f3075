/**
 * Generic keyspace commands (db.c, expire.c): they work on keys of any type.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import { NOTIFY } from '../notify';
import { is } from './util';
import { ERR } from '../resp/errors';

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
  for (let i = 1; i < argv.length; i++) if (c.db.lookup(argv[i]) !== null) n++;
  c.reply.int(n);
}

/** FLUSHDB/FLUSHALL option: none, ASYNC or SYNC. Returns false after replying a syntax error. */
function flushOption(c: Client, argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length === 2 && (is(argv[1], 'async') || is(argv[1], 'sync'))) return true;
  c.replyError(ERR.syntax);
  return false;
}

/** Signal every key of db as modified (WATCH) before emptying it, as Redis's signalFlushedDb does. */
export function signalFlushed(c: Client, dbs: Iterable<import('../keyspace/db').Db>): void {
  const server = c.server;
  if (server.watchedKeys.size === 0) return;
  for (const db of dbs) {
    const keys = server.watchedKeys.get(db);
    if (keys === undefined) continue;
    for (const key of keys.keys()) if (db.exists(key)) server.keyModified(db, key);
  }
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
  c.server.dirty++;
  c.reply.ok();
}

export const keyCommands: CommandDef[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: del },
  { name: 'exists', handler: exists },
  { name: 'dbsize', handler: (c) => c.reply.int(c.db.size) },
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
];
