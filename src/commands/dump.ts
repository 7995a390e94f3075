/**
 * DUMP and RESTORE (cluster.c): a key's value serialized as Redis serializes it for MIGRATE, and back.
 *
 * A payload is `<RDB type byte><value as in an RDB file> <RDB version u16 LE> <CRC-64 u64 LE>`; the bytes
 * come from rdb-format.ts (createDumpPayload / verifyDumpPayload / readDumpPayload) so DUMP and the RDB
 * file share one encoder and one bounds-checked decoder. DUMP picks the type Redis would from the value's
 * encoding as OBJECT ENCODING reports it (intset, listpack: the compact RDB types; hashtable, skiplist: the
 * plain ones; every list a quicklist), which makes the payload byte-identical to Redis's wherever the order of
 * elements is not Redis's random-seeded hash order.
 *
 * RESTORE follows restoreCommand step by step, because the order decides which error a bad call gets:
 * options, then BUSYKEY, then the TTL, then the footer, then the value. The encoding a restored value takes
 * is rdbLoadObject's: listpack payloads stay listpacks whenever their length allows (whatever their element
 * sizes), everything else converts as RDB loading does (collectionFromRdb).
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { RValue } from '../keyspace/object';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { bigIntArg, lookupRead, lookupWrite } from './util';
import { keyword } from './strings';
import { createDumpPayload, readDumpPayload, RdbValue, RDB_TYPE, verifyDumpPayload } from '../persistence/rdb-format';
import { collectionFromRdb } from '../types';
import { HashValue } from '../types/hash';
import { Zset } from '../types/zset';

/** Redis's 24-bit LRU clock wraps at this value (LRU_CLOCK_MAX). */
const LRU_CLOCK_MAX = (1 << 24) - 1;

/** DUMP key: the serialized value, or a null reply when the key does not exist. */
function dump(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]);
  if (e === null) {
    c.reply.nullBulk();
    return;
  }
  const v = e.value;
  let rv: RdbValue;
  let compact = false;
  if (typeof v === 'string') {
    rv = { type: 'string', value: v };
  } else {
    rv = v.toRdb();
    const enc = v.encoding();
    compact = enc === 'listpack' || enc === 'intset';
  }
  const config = c.server.config;
  const payload = createDumpPayload(rv, compact, config.num('list-max-listpack-size'), config.bool('rdbcompression'));
  c.reply.bulk(payload.latin1Slice(0, payload.length));
}

/**
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. IDLETIME and FREQ
 * exclude each other (the second one is a syntax error); each applies only under the matching kind of
 * maxmemory-policy, as objectSetLRUOrLFU decides.
 */
function restore(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let lfuFreq = -1;
  let lruIdle = -1n;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    const opt = keyword(argv[j]);
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'absttl') {
      absttl = true;
    } else if (opt === 'idletime' && additional >= 1 && lfuFreq === -1) {
      const idle = bigIntArg(c, argv[j + 1]);
      if (idle === null) return;
      if (idle < 0n) {
        c.replyError(ERR.restoreInvalidIdletime);
        return;
      }
      lruIdle = idle;
      j++;
    } else if (opt === 'freq' && additional >= 1 && lruIdle === -1n) {
      const freq = bigIntArg(c, argv[j + 1]);
      if (freq === null) return;
      if (freq < 0n || freq > 255n) {
        c.replyError(ERR.restoreInvalidFreq);
        return;
      }
      lfuFreq = Number(freq);
      j++;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }

  const key = argv[1];
  const db = c.db;
  if (!replace && lookupWrite(c, key) !== null) {
    c.replyError(ERR.busyKey);
    return;
  }
  const ttlArg = bigIntArg(c, argv[2]);
  if (ttlArg === null) return;
  if (ttlArg < 0n) {
    c.replyError(ERR.restoreInvalidTtl);
    return;
  }
  const payload = Buffer.from(argv[3], 'latin1');
  if (!verifyDumpPayload(payload)) {
    c.replyError(ERR.restoreBadPayload);
    return;
  }
  const value = decodeValue(c, payload);
  if (value === null) {
    c.replyError(ERR.restoreBadData);
    return;
  }

  const server = c.server;
  // dbDelete: an existing key goes whether or not its time has passed, with no notification of its own.
  const deleted = replace && db.removeEntry(key);
  const now = server.clock.now();
  let when = ttlArg;
  // ttl += mstime() in C's 64-bit arithmetic: a huge relative TTL wraps negative and counts as expired.
  if (when !== 0n && !absttl) when = BigInt.asIntN(64, when + BigInt(now));
  if (when !== 0n && when <= BigInt(now)) {
    // checkAlreadyExpired: the key is not created; a replaced key is reported deleted.
    if (deleted) {
      server.keyModified(db, key);
      server.notify(NOTIFY.generic, 'del', key, db.id);
      server.dirty++;
    }
    c.reply.ok();
    return;
  }
  const e = db.add(key, value);
  if (when !== 0n) db.setExpire(e, Number(when));
  // objectSetLRUOrLFU(obj, lfu_freq, lru_idle, lru_clock, 1000)
  if (server.lfu !== null) {
    if (lfuFreq >= 0) e.lru = ((Math.floor(now / 60000) & 0xffff) << 8) | lfuFreq;
  } else if (lruIdle >= 0n) {
    const clock = BigInt(db.lruClock());
    // lru_idle*1000/1000 and clock - idle in signed 64-bit arithmetic, one LRU_CLOCK_MAX added back when
    // that underflows; the 24-bit field keeps the low bits of whatever results.
    const idle = BigInt.asIntN(64, lruIdle * 1000n) / 1000n;
    let abs = BigInt.asIntN(64, clock - idle);
    if (abs < 0n) abs += BigInt(LRU_CLOCK_MAX);
    e.lru = Number(BigInt.asUintN(24, abs));
  }
  server.keyModified(db, key);
  server.notify(NOTIFY.generic, 'restore', key, db.id);
  c.reply.ok();
  server.dirty++;
}

/**
 * rdbLoadObject for a verified payload: the live value, or null for anything Redis answers "Bad data format"
 * to (malformed or unsupported data, an empty collection, duplicate members in the plain set, hash and zset
 * types). Listpack hashes and zsets keep their encoding unless they have too many entries, as in Redis 7.0.
 */
function decodeValue(c: Client, payload: Buffer): RValue | null {
  let rdbType: number;
  let v: RdbValue | null;
  try {
    ({ rdbType, value: v } = readDumpPayload(payload));
  } catch {
    return null;
  }
  if (v === null) return null;
  const config = c.server.config;
  switch (v.type) {
    case 'string':
      return v.value;
    case 'set':
      if (rdbType === RDB_TYPE.SET && new Set(v.members).size !== v.members.length) return null;
      break;
    case 'hash':
      if (rdbType === RDB_TYPE.HASH_LISTPACK) return HashValue.fromEntries(v.entries, config.num('hash-max-listpack-entries'), Infinity);
      if (rdbType === RDB_TYPE.HASH && hasDuplicateKeys(v.entries)) return null;
      break;
    case 'zset':
      if (rdbType === RDB_TYPE.ZSET_LISTPACK) return Zset.fromEntries(v.entries, config.num('zset-max-listpack-entries'), Infinity);
      if ((rdbType === RDB_TYPE.ZSET_2 || rdbType === RDB_TYPE.ZSET) && (hasDuplicateKeys(v.entries) || v.entries.some(isNaNScore))) return null;
      break;
    default:
      break;
  }
  return collectionFromRdb(v, config);
}

function isNaNScore(entry: readonly [string, number]): boolean {
  return Number.isNaN(entry[1]);
}

function hasDuplicateKeys(entries: ReadonlyArray<readonly [string, unknown]>): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    if (seen.has(entries[i][0])) return true;
    seen.add(entries[i][0]);
  }
  return false;
}

export const dumpCommands: CommandDef[] = [
  { name: 'dump', handler: dump },
  { name: 'restore', handler: restore },
];
