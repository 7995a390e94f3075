/**
 * Snapshot integration tests (src/persistence/snapshot.ts, rdb.ts and the SAVE/BGSAVE/LASTSAVE commands).
 *
 * Interop in both directions with the real redis-server 7.0: a dump written by Cinnabar's SAVE is loaded by
 * redis-server and every key, value, type and expiry time (to the millisecond) is compared; a dump written by
 * Redis is loaded by Cinnabar at start-up and compared the same way. Collections are included for every type
 * src/types/index.ts can rebuild (collectionFromRdb); a type it cannot yet rebuild is left out. Values are
 * compared in a canonical form (sets and hashes sorted) read on Cinnabar's side from the keyspace itself, so
 * the comparison does not depend on the read commands of each type.
 *
 * Then the save itself: no temp file left behind, a failing save (a directory squatting the temp file name,
 * which fails even for root) leaves the previous dump byte-identical and replies as Redis does, BGSAVE and
 * LASTSAVE replies, the INFO persistence counters, save points from the cron (with an injected clock), the
 * retry delay after a failed background save, DEBUG RELOAD and FLUSHALL with save points.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, CinnabarServer, ManualClock } from '../src/index';
import { collectionFromRdb } from '../src/types';
import { Config } from '../src/config';
import type { RdbValue } from '../src/persistence/rdb-format';
import type { Server } from '../src/server';
import { RawConnection, RedisProcess, hasRedis, rng, startRedis } from './helpers';

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

type Reply = string | number | null | Reply[] | Error;

/** Parse one RESP2 reply from raw bytes (latin1). */
function parseReply(s: string): Reply {
  let pos = 0;
  const line = (): string => {
    const nl = s.indexOf('\r\n', pos);
    const l = s.slice(pos, nl);
    pos = nl + 2;
    return l;
  };
  const one = (): Reply => {
    const t = s[pos++];
    const l = line();
    switch (t) {
      case '+':
        return l;
      case '-':
        return new Error(l);
      case ':':
        return Number(l);
      case '$': {
        const n = Number(l);
        if (n < 0) return null;
        const v = s.slice(pos, pos + n);
        pos += n + 2;
        return v;
      }
      case '*': {
        const n = Number(l);
        if (n < 0) return null;
        const out: Reply[] = [];
        for (let i = 0; i < n; i++) out.push(one());
        return out;
      }
      default:
        throw new Error(`unexpected reply type ${t}`);
    }
  };
  return one();
}

async function q(c: RawConnection, ...args: Array<string | number>): Promise<Reply> {
  return parseReply(await c.call(...args));
}

function info(text: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of String(text).split('\r\n')) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

/** A value in a form both sides can produce: order-free collections are sorted. */
type Canonical = [type: string, value: unknown];

function canonicalOfRdb(v: RdbValue): Canonical {
  switch (v.type) {
    case 'string':
      return ['string', v.value];
    case 'list':
      return ['list', [...v.items]];
    case 'set':
      return ['set', [...v.members].sort()];
    case 'hash':
      return ['hash', [...v.entries].map(([f, x]) => [f, x]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
    case 'zset':
      return ['zset', [...v.entries].map(([m, s]) => [m, s]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
  }
}

function scoreOf(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

interface KeyDump {
  value: Canonical;
  /** Absolute expiry in ms, or -1. */
  expireAt: number;
}
type Dump = Map<string, KeyDump>; // "db\x00key" -> dump

/** Everything Cinnabar holds, read from the keyspace itself. */
function dumpCinnabar(server: Server): Dump {
  const out: Dump = new Map();
  for (const db of server.dbs) {
    db.forEachEntry((e) => {
      const v = e.value;
      out.set(`${db.id}\x00${e.key}`, { value: typeof v === 'string' ? ['string', v] : canonicalOfRdb(v.toRdb()), expireAt: e.expireAt });
    });
  }
  return out;
}

/** Everything a redis-server holds, read with its commands. */
async function dumpRedis(c: RawConnection, databases = 16): Promise<Dump> {
  const out: Dump = new Map();
  for (let db = 0; db < databases; db++) {
    await q(c, 'SELECT', db);
    const keys = (await q(c, 'KEYS', '*')) as string[];
    for (const key of keys) {
      const type = (await q(c, 'TYPE', key)) as string;
      let value: Canonical;
      switch (type) {
        case 'string':
          value = ['string', await q(c, 'GET', key)];
          break;
        case 'list':
          value = ['list', await q(c, 'LRANGE', key, 0, -1)];
          break;
        case 'set':
          value = ['set', ((await q(c, 'SMEMBERS', key)) as string[]).sort()];
          break;
        case 'hash': {
          const flat = (await q(c, 'HGETALL', key)) as string[];
          const pairs: string[][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
          value = ['hash', pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
          break;
        }
        case 'zset': {
          const flat = (await q(c, 'ZRANGE', key, 0, -1, 'WITHSCORES')) as string[];
          const pairs: Array<[string, number]> = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], scoreOf(flat[i + 1])]);
          value = ['zset', pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
          break;
        }
        default:
          throw new Error(`unexpected type ${type}`);
      }
      out.set(`${db}\x00${key}`, { value, expireAt: (await q(c, 'PEXPIRETIME', key)) as number });
    }
  }
  await q(c, 'SELECT', 0);
  return out;
}

function assertSameDump(actual: Dump, expected: Dump): void {
  assert.equal(actual.size, expected.size, 'number of keys');
  for (const [k, v] of expected) {
    const a = actual.get(k);
    assert.ok(a !== undefined, `missing key ${JSON.stringify(k)}`);
    assert.deepEqual(a, v, `key ${JSON.stringify(k)}`);
  }
}

/** The collection types this build can rebuild from RDB records (the others are skipped). */
function supportedTypes(): Set<string> {
  const config = new Config();
  const samples: Array<Exclude<RdbValue, { type: 'string' }>> = [
    { type: 'list', items: ['a'] },
    { type: 'set', members: ['a'] },
    { type: 'hash', entries: [['f', 'v']] },
    { type: 'zset', entries: [['m', 1]] },
  ];
  const out = new Set<string>(['string']);
  for (const s of samples) {
    try {
      collectionFromRdb(s, config);
      out.add(s.type);
    } catch {
      /* not implemented yet */
    }
  }
  return out;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-persist-'));
}

/** A seeded data set covering the encodings Redis picks (int strings, LZF, listpack/hashtable/intset sizes). */
function dataset(seed: number, types: Set<string>, now: number): Array<{ db: number; key: string; value: RdbValue; expireAt: number }> {
  const r = rng(seed);
  const bytes = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
    return s;
  };
  const out: Array<{ db: number; key: string; value: RdbValue; expireAt: number }> = [];
  const add = (key: string, value: RdbValue) => {
    const db = r() < 0.6 ? 0 : r() < 0.5 ? 1 : 15;
    const expireAt = r() < 0.4 ? now + 100000 + Math.floor(r() * 1e9) : -1;
    out.push({ db, key, value, expireAt });
  };
  const strings = ['', '0', '-1', '12', '-2147483648', '4294967296', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '01', '1.5', ' 1', 'a'.repeat(5000), 'abc'.repeat(3000), bytes(40), bytes(100000), Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('')];
  strings.forEach((s, i) => add(`str:${i}`, { type: 'string', value: s }));
  add(bytes(12), { type: 'string', value: 'binary key' });
  add('', { type: 'string', value: 'empty key' });
  for (let i = 0; i < 30; i++) add(`n:${i}`, { type: 'string', value: String(Math.floor((r() - 0.5) * 2 ** 40)) });
  const elems = (n: number, f: () => string) => Array.from({ length: n }, f);
  if (types.has('list')) {
    add('list:small', { type: 'list', items: ['a', 'b', '', '1', '-7', bytes(5)] });
    add('list:big', { type: 'list', items: elems(2000, () => (r() < 0.5 ? String(Math.floor(r() * 1e6)) : bytes(1 + Math.floor(r() * 30)))) });
    add('list:long-elements', { type: 'list', items: elems(5, () => 'x'.repeat(10000 + Math.floor(r() * 1000))) });
  }
  if (types.has('set')) {
    add('set:intset', { type: 'set', members: ['1', '2', '-3', '100000', '9223372036854775807'] });
    add('set:big-ints', { type: 'set', members: [...new Set(elems(800, () => String(Math.floor(r() * 1e9))))] });
    add('set:strings', { type: 'set', members: [...new Set(elems(50, () => bytes(1 + Math.floor(r() * 20))))] });
    add('set:big-strings', { type: 'set', members: [...new Set(elems(600, () => 'm' + Math.floor(r() * 1e9)))] });
  }
  if (types.has('hash')) {
    add('hash:small', { type: 'hash', entries: [['f1', 'v1'], ['f2', ''], ['n', '42'], [bytes(4), bytes(6)]] });
    add('hash:big', { type: 'hash', entries: [...new Map(elems(500, () => 'f' + Math.floor(r() * 1e6)).map((f) => [f, bytes(Math.floor(r() * 20))] as [string, string]))] });
    add('hash:long-value', { type: 'hash', entries: [['f', 'v'.repeat(200)]] });
  }
  if (types.has('zset')) {
    add('zset:small', { type: 'zset', entries: [['a', 1], ['b', 2.5], ['c', -3.25], ['inf', Infinity], ['ninf', -Infinity], ['big', 1e300]] });
    add('zset:big', { type: 'zset', entries: [...new Map(elems(400, () => 'm' + Math.floor(r() * 1e6)).map((m) => [m, Math.floor(r() * 1e6) / 7] as [string, number]))] });
    add('zset:long-member', { type: 'zset', entries: [['x'.repeat(100), 0.1]] });
  }
  return out;
}

/** Write a data set into Cinnabar's keyspace directly (no dependency on each type's commands). */
function loadInto(server: Server, data: ReturnType<typeof dataset>): void {
  for (const { db, key, value, expireAt } of data) {
    const d = server.dbs[db];
    const v = value.type === 'string' ? value.value : collectionFromRdb(value, server.config);
    const e = d.add(key, v);
    if (expireAt !== -1) d.setExpire(e, expireAt);
  }
}

function expectedDump(data: ReturnType<typeof dataset>): Dump {
  const out: Dump = new Map();
  for (const { db, key, value, expireAt } of data) out.set(`${db}\x00${key}`, { value: canonicalOfRdb(value), expireAt });
  return out;
}

/** Write a data set into a redis-server with its own commands. */
async function writeRedis(c: RawConnection, data: ReturnType<typeof dataset>): Promise<void> {
  for (const { db, key, value, expireAt } of data) {
    await q(c, 'SELECT', db);
    switch (value.type) {
      case 'string':
        await q(c, 'SET', key, value.value);
        break;
      case 'list':
        for (let i = 0; i < value.items.length; i += 500) await q(c, 'RPUSH', key, ...value.items.slice(i, i + 500));
        break;
      case 'set':
        await q(c, 'SADD', key, ...value.members);
        break;
      case 'hash':
        await q(c, 'HSET', key, ...value.entries.flat());
        break;
      case 'zset':
        await q(c, 'ZADD', key, ...value.entries.flatMap(([m, s]) => [s === Infinity ? '+inf' : s === -Infinity ? '-inf' : String(s), m]));
        break;
    }
    if (expireAt !== -1) assert.equal(await q(c, 'PEXPIREAT', key, expireAt), 1);
  }
  await q(c, 'SELECT', 0);
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

// ---------------------------------------------------------------------------------------------------------
// Interop with redis-server
// ---------------------------------------------------------------------------------------------------------

describe('RDB interop with redis-server 7.0', { skip: !hasRedis && 'redis-server not installed' }, () => {
  const types = supportedTypes();

  it(`SAVE writes a dump redis-server loads with every key, value and TTL (types: ${[...types].join(', ')})`, async () => {
    const dir = tmpDir();
    const s = await createServer({ config: { dir, dbfilename: 'cinnabar.rdb' } });
    let redis: RedisProcess | null = null;
    try {
      const data = dataset(1, types, Date.now());
      loadInto(s.server, data);
      const c = await RawConnection.connect(s.address().port);
      assert.equal(await c.call('SAVE'), '+OK\r\n');
      c.close();
      assert.deepEqual(filesIn(dir), ['cinnabar.rdb'], 'no temp file left behind');
      redis = await startRedis(['--dir', dir, '--dbfilename', 'cinnabar.rdb']);
      const rc = await RawConnection.connect(redis.port);
      assertSameDump(await dumpRedis(rc), expectedDump(data));
      rc.close();
    } finally {
      await s.close();
      await redis?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Cinnabar loads at start-up a dump written by redis-server', async () => {
    const redis = await startRedis();
    const servers: CinnabarServer[] = [];
    try {
      const rc = await RawConnection.connect(redis.port);
      const data = dataset(2, types, Date.now());
      await writeRedis(rc, data);
      // An already expired key in the file is skipped at load (counted in rdb_last_load_keys_expired).
      assert.equal(await q(rc, 'DEBUG', 'SET-ACTIVE-EXPIRE', 0), 'OK');
      await q(rc, 'SET', 'soon-gone', 'x', 'PX', 50);
      assert.equal(await q(rc, 'SAVE'), 'OK');
      const expected = await dumpRedis(rc);
      expected.delete('0\x00soon-gone');
      rc.close();
      await new Promise((r) => setTimeout(r, 60));
      const s = await createServer({ config: { dir: redis.dir }, loadData: true });
      servers.push(s);
      assertSameDump(dumpCinnabar(s.server), expected);
      assertSameDump(expected, expectedDump(data));
      const c = await RawConnection.connect(s.address().port);
      const i = info(await q(c, 'INFO', 'persistence'));
      assert.equal(i.rdb_last_load_keys_loaded, String(expected.size));
      assert.equal(i.rdb_last_load_keys_expired, '1');
      c.close();
    } finally {
      for (const s of servers) await s.close();
      await redis.stop();
    }
  });

  it('a failing SAVE replies like Redis and leaves the previous dump intact', async () => {
    const dir = tmpDir();
    const s = await createServer({ config: { dir, 'enable-debug-command': 'yes' } });
    const redis = await startRedis();
    try {
      const c = await RawConnection.connect(s.address().port);
      const rc = await RawConnection.connect(redis.port);
      for (const conn of [c, rc]) {
        await q(conn, 'SET', 'k', 'v1');
        assert.equal(await q(conn, 'SAVE'), 'OK');
      }
      const dump = path.join(dir, 'dump.rdb');
      const before = fs.readFileSync(dump);
      const rpid = info(await q(rc, 'INFO', 'server')).process_id;
      // A directory squatting the temp file name makes opening it fail, for root too.
      fs.mkdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      fs.mkdirSync(path.join(redis.dir, `temp-${rpid}.rdb`));
      for (const conn of [c, rc]) await q(conn, 'SET', 'k', 'v2');
      const [a, b] = [await c.call('SAVE'), await rc.call('SAVE')];
      assert.equal(a, b);
      assert.equal(a, '-ERR\r\n');
      assert.ok(before.equals(fs.readFileSync(dump)), 'old dump untouched');
      const [ia, ib] = [info(await q(c, 'INFO', 'persistence')), info(await q(rc, 'INFO', 'persistence'))];
      for (const f of ['rdb_changes_since_last_save', 'rdb_last_bgsave_status', 'rdb_saves']) assert.equal(ia[f], ib[f], f);
      // DEBUG RELOAD cannot save either: same bare error, data unchanged.
      const [da, db] = [await c.call('DEBUG', 'RELOAD'), await rc.call('DEBUG', 'RELOAD')];
      assert.equal(da, db);
      assert.equal(await q(c, 'GET', 'k'), 'v2');
      fs.rmdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      fs.rmdirSync(path.join(redis.dir, `temp-${rpid}.rdb`));
      assert.equal(await q(c, 'SAVE'), 'OK');
      assert.deepEqual(filesIn(dir), ['dump.rdb']);
      c.close();
      rc.close();
    } finally {
      await s.close();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SAVE, BGSAVE, LASTSAVE and INFO persistence counters match Redis', async () => {
    const dir = tmpDir();
    const s = await createServer({ config: { dir } });
    const redis = await startRedis();
    try {
      const c = await RawConnection.connect(s.address().port);
      const rc = await RawConnection.connect(redis.port);
      const waitBgsave = async () => {
        while (info(await q(rc, 'INFO', 'persistence')).rdb_bgsave_in_progress !== '0') await new Promise((r) => setTimeout(r, 20));
      };
      const fields = ['rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_bgsave_status', 'rdb_saves'];
      const compareInfo = async (what: string) => {
        const [ia, ib] = [info(await q(c, 'INFO', 'persistence')), info(await q(rc, 'INFO', 'persistence'))];
        for (const f of fields) assert.equal(ia[f], ib[f], `${f} after ${what}`);
        assert.equal(ia.rdb_last_save_time, String(await q(c, 'LASTSAVE')));
      };
      await compareInfo('start');
      const steps: Array<Array<string | number>> = [
        ['SET', 'a', '1'],
        ['SET', 'b', '2'],
        ['INCR', 'a'],
        ['MSET', 'c', '3', 'd', '4'],
        ['DEL', 'c', 'missing'],
        ['GET', 'a'],
        ['SET', 'a', 'x', 'NX'],
      ];
      for (const step of steps) {
        assert.equal(await c.call(...step), await rc.call(...step));
        await compareInfo(step.join(' '));
      }
      const lastBefore = (await q(c, 'LASTSAVE')) as number;
      assert.equal(await c.call('SAVE'), await rc.call('SAVE'));
      await compareInfo('SAVE');
      assert.ok(((await q(c, 'LASTSAVE')) as number) >= lastBefore);
      for (const cmd of [['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['BGSAVE', 'NOW'], ['BGSAVE', 'SCHEDULE', 'x'], ['LASTSAVE', 'x']]) {
        assert.equal(await c.call(...cmd), await rc.call(...cmd), cmd.join(' '));
        await waitBgsave();
      }
      await compareInfo('BGSAVE');
      const i = info(await q(c, 'INFO', 'persistence'));
      assert.equal(i.rdb_last_bgsave_status, 'ok');
      assert.equal(i.rdb_last_bgsave_time_sec, '0');
      c.close();
      rc.close();
    } finally {
      await s.close();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('FLUSHALL with save points writes an empty dump; the change counter matches Redis', async () => {
    const dir = tmpDir();
    const s = await createServer({ config: { dir, save: '3600 1' } });
    const redis = await startRedis(['--save', '3600 1']);
    try {
      const c = await RawConnection.connect(s.address().port);
      const rc = await RawConnection.connect(redis.port);
      for (const conn of [c, rc]) {
        await q(conn, 'MSET', 'a', '1', 'b', '2');
        assert.equal(await q(conn, 'FLUSHALL'), 'OK');
      }
      const loaded = await createServer({ config: { dir }, loadData: true });
      assert.equal(loaded.server.dbs[0].size, 0);
      await loaded.close();
      const [ia, ib] = [info(await q(c, 'INFO', 'persistence')), info(await q(rc, 'INFO', 'persistence'))];
      assert.equal(ia.rdb_changes_since_last_save, ib.rdb_changes_since_last_save);
      for (const conn of [c, rc]) {
        await q(conn, 'CONFIG', 'SET', 'save', '');
        await q(conn, 'MSET', 'a', '1', 'b', '2');
        await q(conn, 'FLUSHALL');
      }
      const [ja, jb] = [info(await q(c, 'INFO', 'persistence')), info(await q(rc, 'INFO', 'persistence'))];
      assert.equal(ja.rdb_changes_since_last_save, jb.rdb_changes_since_last_save);
      c.close();
      rc.close();
    } finally {
      await s.close();
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Cinnabar alone
// ---------------------------------------------------------------------------------------------------------

describe('snapshots', () => {
  const types = supportedTypes();
  let dir: string;
  before(() => {
    dir = tmpDir();
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('DEBUG RELOAD keeps every key, value and TTL and resets the change counter', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'reload-'));
    const s = await createServer({ config: { dir: d, 'enable-debug-command': 'yes' } });
    try {
      const data = dataset(3, types, Date.now());
      loadInto(s.server, data);
      s.server.dirty = 5;
      const before = dumpCinnabar(s.server);
      const c = await RawConnection.connect(s.address().port);
      assert.equal(await c.call('DEBUG', 'RELOAD'), '+OK\r\n');
      assertSameDump(dumpCinnabar(s.server), before);
      assert.equal(info(await q(c, 'INFO', 'persistence')).rdb_changes_since_last_save, '0');
      c.close();
    } finally {
      await s.close();
    }
  });

  it('DEBUG RELOAD options: NOSAVE, NOFLUSH, and an unknown one', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'reload-opts-'));
    const s = await createServer({ config: { dir: d, 'enable-debug-command': 'yes' } });
    try {
      const c = await RawConnection.connect(s.address().port);
      await q(c, 'SET', 'saved', '1');
      assert.equal(await q(c, 'SAVE'), 'OK');
      // NOSAVE reloads the file as it is: keys written since are dropped, the rest comes back.
      await q(c, 'SET', 'after-save', '1');
      assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), '+OK\r\n');
      assert.equal(await q(c, 'EXISTS', 'after-save'), 0);
      assert.equal(await q(c, 'GET', 'saved'), '1');
      // NOFLUSH MERGE keeps what is in memory and loads the file over it.
      await q(c, 'SET', 'after-save', '1');
      assert.equal(await c.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'), '+OK\r\n');
      assert.equal(await q(c, 'EXISTS', 'after-save', 'saved'), 2);
      assert.equal(await c.call('DEBUG', 'RELOAD', 'BOGUS'), '-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n');
      c.close();
    } finally {
      await s.close();
    }
  });

  it('save points fire from the cron (injected clock), and a failed background save waits 5 s to retry', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'cron-'));
    const clock = new ManualClock(1_800_000_000_000);
    const s = await createServer({ clock, config: { dir: d, save: '10 2' } });
    try {
      const c = await RawConnection.connect(s.address().port);
      const persist = async () => info(await q(c, 'INFO', 'persistence'));
      await q(c, 'SET', 'a', '1');
      clock.advance(11_000);
      s.server.cron();
      assert.deepEqual(filesIn(d), [], 'one change is below the save point');
      await q(c, 'SET', 'b', '2');
      s.server.cron();
      assert.deepEqual(filesIn(d), ['dump.rdb']);
      let i = await persist();
      assert.equal(i.rdb_changes_since_last_save, '0');
      assert.equal(i.rdb_saves, '1');
      assert.equal(i.rdb_last_save_time, String(Math.floor(clock.now() / 1000)));
      // Now make saving fail.
      fs.mkdirSync(path.join(d, `temp-${process.pid}.rdb`));
      await q(c, 'MSET', 'c', '3', 'd', '4');
      clock.advance(11_000);
      s.server.cron();
      i = await persist();
      assert.equal(i.rdb_last_bgsave_status, 'err');
      assert.equal(i.rdb_saves, '2');
      assert.equal(i.rdb_changes_since_last_save, '2');
      clock.advance(4_000);
      s.server.cron();
      assert.equal((await persist()).rdb_saves, '2', 'no retry within 5 s');
      fs.rmdirSync(path.join(d, `temp-${process.pid}.rdb`));
      clock.advance(1_001);
      s.server.cron();
      i = await persist();
      assert.equal(i.rdb_saves, '3');
      assert.equal(i.rdb_last_bgsave_status, 'ok');
      assert.equal(i.rdb_changes_since_last_save, '0');
      // BGSAVE on a failing disk still answers "started" (Redis's child fails after the reply).
      fs.mkdirSync(path.join(d, `temp-${process.pid}.rdb`));
      assert.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
      assert.equal((await persist()).rdb_last_bgsave_status, 'err');
      fs.rmdirSync(path.join(d, `temp-${process.pid}.rdb`));
      c.close();
    } finally {
      await s.close();
    }
  });

  it('expired keys in a dump are skipped at load; loaded ones keep their absolute expiry', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'expire-'));
    const clock = new ManualClock(1_800_000_000_000);
    const s = await createServer({ clock, config: { dir: d } });
    const c = await RawConnection.connect(s.address().port);
    await q(c, 'SET', 'short', '1', 'PX', 1000);
    await q(c, 'SET', 'long', '1', 'PX', 100000);
    await q(c, 'SET', 'forever', '1');
    assert.equal(await q(c, 'SAVE'), 'OK');
    c.close();
    await s.close();
    clock.advance(5000);
    const s2 = await createServer({ clock, config: { dir: d }, loadData: true });
    try {
      assert.equal(s2.server.dbs[0].peek('short'), null);
      assert.equal(s2.server.dbs[0].peek('long')?.expireAt, 1_800_000_000_000 + 100000);
      assert.equal(s2.server.dbs[0].peek('forever')?.expireAt, -1);
      assert.equal(s2.server.persistence.lastLoadExpired, 1);
      assert.equal(s2.server.persistence.lastLoadLoaded, 2);
    } finally {
      await s2.close();
    }
  });

  it('a corrupt dump makes start-up fail instead of starting empty', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'corrupt-'));
    fs.writeFileSync(path.join(d, 'dump.rdb'), Buffer.from('REDIS0010\xfa\x09redis-ver\x067.0.15garbage', 'latin1'));
    await assert.rejects(createServer({ config: { dir: d }, loadData: true }));
  });
});
