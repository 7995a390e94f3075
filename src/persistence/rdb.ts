/**
 * The bridge between the keyspace and the RDB format: walks every database to feed RdbWriter, and turns the
 * records RdbReader reports back into keys. Collections convert themselves (CollectionValue.toRdb and
 * collectionFromRdb in types/index.ts), so this file only deals with databases, strings and expiry.
 */

import type { Server } from '../server';
import { RdbWriter, readRdb, RdbValue } from './rdb-format';
import { collectionFromRdb } from '../types';

/** Serialize every database into RDB chunks handed to `sink`. */
export function encodeSnapshot(server: Server, sink: (chunk: Buffer) => void): void {
  const config = server.config;
  const w = new RdbWriter({
    sink,
    compression: config.bool('rdbcompression'),
    checksum: config.bool('rdbchecksum'),
    ctimeSec: Math.floor(server.clock.now() / 1000),
    setMaxIntsetEntries: config.num('set-max-intset-entries'),
  });
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    w.selectDb(db.id);
    w.resizeDb(db.size, db.expires.size);
    db.forEachEntry((e) => {
      const v = e.value;
      const rv: RdbValue = typeof v === 'string' ? { type: 'string', value: v } : v.toRdb();
      w.writeKey(e.key, rv, e.expireAt);
    });
  }
  w.finish();
}

/**
 * Load an RDB file's contents into the databases (a key already there is replaced, as DEBUG RELOAD MERGE
 * does). Keys already expired are skipped, as a master does. Returns counts for INFO and the aux fields
 * (redis-ver, ctime, used-mem) for the start-up log. Throws RdbError on a corrupt file.
 */
export function loadSnapshot(server: Server, buf: Buffer): { loaded: number; expired: number; aux: Record<string, string> } {
  const now = server.clock.now();
  let loaded = 0;
  let expired = 0;
  const aux: Record<string, string> = {};
  server.loading = true;
  try {
    readRdb(buf, {
      onAux(key, value) {
        aux[key] = value;
      },
      onKey(dbIndex, key, value, expireAtMs) {
        if (dbIndex >= server.dbs.length) throw new Error(`FATAL: Data file was created with a Redis server configured to handle more than ${server.dbs.length} databases. Exiting`);
        if (expireAtMs !== -1 && expireAtMs < now) {
          expired++;
          return;
        }
        const db = server.dbs[dbIndex];
        const v = value.type === 'string' ? value.value : collectionFromRdb(value, server.config);
        // A key already there (DEBUG RELOAD MERGE) is deleted, not expired or overwritten: Redis's dbSyncDelete.
        db.removeEntry(key);
        if (typeof v === 'string' && expireAtMs === -1) {
          db.setString(key, v);
        } else {
          const e = db.add(key, v);
          if (expireAtMs !== -1) db.setExpire(e, expireAtMs);
        }
        loaded++;
      },
    });
  } finally {
    server.loading = false;
  }
  return { loaded, expired, aux };
}
