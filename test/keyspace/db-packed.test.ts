/*
 * Db-level tests of packed keys (short strings without a TTL kept in Db.packed, promoted into Db.dict when a
 * command needs a node), through an embedded server on a ManualClock: the LRU/LFU word survives promotion
 * (OBJECT IDLETIME, OBJECT FREQ); SCAN, DBSIZE, KEYS and RANDOMKEY see both tables, also while keys are promoted,
 * added and deleted between SCAN steps; SWAPDB, MOVE, COPY, RENAME, FLUSHDB and DEBUG RELOAD move packed keys
 * correctly; WATCH of a packed key notices every write by another client and nothing else. The tests look into
 * Db.packed and Db.dict to check where a key lives, so each case knows it exercises the packed path.
 */

import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawConnection, startCinnabar } from '../helpers';
import { decode } from '../keys-support';
import { ManualClock } from '../../src/clock';
import { hashKey } from '../../src/types/dict';
import type { CinnabarServer } from '../../src/index';

const T0 = 1_700_000_040_000; // on a whole minute, so LFU minutes advance exactly with the clock

describe('packed keys in the keyspace', () => {
  let srv: CinnabarServer;
  let c: RawConnection;
  let other: RawConnection;
  let dir: string;
  const clock = new ManualClock(T0);

  const call = (...args: Array<string | number>) => c.call(...args);
  const int = async (...args: Array<string | number>) => {
    const r = await call(...args);
    assert.match(r, /^:-?\d+\r\n$/, `${args.join(' ')} replied ${JSON.stringify(r)}`);
    return Number(r.slice(1, -2));
  };
  const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
  const ok = async (...args: Array<string | number>) => assert.equal(await call(...args), '+OK\r\n', args.join(' '));
  const db = (i = 0) => srv.server.dbs[i];
  const isPacked = (key: string, i = 0) => db(i).packed.find(key, hashKey(key)) >= 0;
  const inDict = (key: string, i = 0) => db(i).dict.get(key) !== null;
  /** The LFU word's counter of a packed key, read without touching or promoting it. */
  const packedCounter = (key: string) => db().packed.lruAt(db().packed.find(key, hashKey(key))) & 255;

  /** Every key a full SCAN returns (COUNT 7), as a multiset. */
  async function scanAll(conn: RawConnection, between?: (step: number) => Promise<void>, ...opts: string[]): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    let cursor = '0';
    let step = 0;
    do {
      const r = decode(await conn.call('scan', cursor, 'count', '7', ...opts)) as [string, string[]];
      cursor = r[0];
      for (const k of r[1]) seen.set(k, (seen.get(k) ?? 0) + 1);
      if (between) await between(step);
      assert.ok(++step < 100000, 'the scan ends');
    } while (cursor !== '0');
    return seen;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-packed-'));
    srv = await startCinnabar({ clock, config: { dir, databases: 4 } });
    c = await RawConnection.connect(srv.address().port);
    other = await RawConnection.connect(srv.address().port);
  });
  after(async () => {
    c?.close();
    other?.close();
    await srv?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clock.set(T0);
    await call('debug', 'set-active-expire', '0');
    await call('config', 'set', 'maxmemory-policy', 'noeviction');
    await call('select', '0');
    await call('flushall');
  });

  it('OBJECT IDLETIME: GET touches a packed key in place, and promotion keeps its LRU clock', async () => {
    await ok('set', 'k', 'v');
    assert.ok(isPacked('k'));
    clock.advance(5000);
    assert.equal(await call('get', 'k'), bulk('v'));
    clock.advance(7000);
    assert.deepEqual(decode(await call('mget', 'k', 'nosuch')), ['v', null]);
    clock.advance(4000);
    assert.ok(isPacked('k'), 'GET and MGET leave the key packed');
    assert.equal(await int('object', 'idletime', 'k'), 4);
    assert.ok(inDict('k') && !isPacked('k'), 'OBJECT promoted the key');
    clock.advance(3000);
    assert.equal(await int('object', 'idletime', 'k'), 7, 'OBJECT does not touch');
    assert.equal(await call('get', 'k'), bulk('v'));
    assert.equal(await int('object', 'idletime', 'k'), 0);

    // SET over a packed key makes a new value: idle 0, whether rewritten in place or at a new length.
    await ok('set', 'a', 'xy');
    await ok('set', 'b', 'xy');
    clock.advance(9000);
    await ok('set', 'a', 'zz');
    await ok('set', 'b', 'zzz');
    assert.ok(isPacked('a') && isPacked('b'));
    assert.equal(await int('object', 'idletime', 'a'), 0);
    assert.equal(await int('object', 'idletime', 'b'), 0);
    // EXISTS, TYPE and TTL look without touching (and without promoting).
    await ok('set', 'q', '1');
    clock.advance(6000);
    assert.equal(await int('exists', 'q'), 1);
    assert.equal(await call('type', 'q'), '+string\r\n');
    assert.equal(await int('ttl', 'q'), -1);
    assert.ok(isPacked('q'));
    assert.equal(await int('object', 'idletime', 'q'), 6);
  });

  it('OBJECT FREQ: the LFU counter and its minutes survive promotion and decay as in a node', async () => {
    await ok('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
    await ok('config', 'set', 'lfu-decay-time', '1');
    await ok('set', 'a', 'v');
    assert.equal(packedCounter('a'), 5, 'a new key starts at LFU_INIT_VAL');
    for (let i = 0; i < 40; i++) await call('get', 'a');
    const ca = packedCounter('a');
    assert.ok(ca >= 6, `GET counts on a packed key (counter ${ca})`);
    assert.ok(isPacked('a'));
    assert.equal(await int('object', 'freq', 'a'), ca);
    assert.ok(inDict('a'));
    // The minutes of the last access came along: three minutes without access decay the counter by three.
    await ok('set', 'b', 'v');
    for (let i = 0; i < 40; i++) await call('get', 'b');
    const cb = packedCounter('b');
    clock.advance(3 * 60000);
    assert.ok(isPacked('b'));
    assert.equal(await int('object', 'freq', 'b'), Math.max(0, cb - 3));
    clock.advance(-3 * 60000);
    // Overwriting a packed key in place keeps its counter (dbOverwrite inherits the LFU word).
    await ok('set', 'c', 'v');
    for (let i = 0; i < 40; i++) await call('get', 'c');
    const cc = packedCounter('c');
    await ok('set', 'c', 'w');
    await ok('set', 'c', 'longer value');
    assert.ok(isPacked('c'));
    assert.ok((await int('object', 'freq', 'c')) >= cc);
  });

  it(
    'OBJECT FREQ: a packed key overwritten by a value too long to pack keeps its LFU counter',
    async () => {
      await ok('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
      await ok('set', 'c', 'v');
      for (let i = 0; i < 40; i++) await call('get', 'c');
      const cc = packedCounter('c');
      assert.ok(cc > 5);
      await ok('set', 'c', 'x'.repeat(300));
      assert.ok(inDict('c'));
      assert.ok((await int('object', 'freq', 'c')) >= cc, 'counter kept');
    },
  );

  it(
    'OBJECT IDLETIME: a SET NX that finds the key still counts as an access (lookupKeyWrite touches)',
    async () => {
      await ok('set', 'p', 'v');
      await ok('set', 't', 'v', 'ex', 1000);
      clock.advance(5000);
      assert.equal(await call('set', 'p', 'w', 'nx'), '$-1\r\n');
      assert.equal(await call('set', 't', 'w', 'nx'), '$-1\r\n');
      assert.equal(await int('object', 'idletime', 'p'), 0);
      assert.equal(await int('object', 'idletime', 't'), 0);
    },
  );

  it(
    'SCAN returns a key present for the whole scan across DEBUG RELOAD',
    async () => {
      // Twenty promoted strings and twenty with a TTL, all in dict; DEBUG RELOAD packs the first twenty again.
      const all: string[] = [];
      for (let i = 0; i < 20; i++) {
        await ok('set', `k${i}`, 'v');
        await call('object', 'encoding', `k${i}`);
        await ok('set', `t${i}`, 'v', 'ex', 1000);
        all.push(`k${i}`, `t${i}`);
      }
      assert.equal(db().packed.size, 0);
      const first = decode(await call('scan', '0', 'count', '1')) as [string, string[]];
      const seen = new Set(first[1]);
      let cursor = first[0];
      await ok('debug', 'reload');
      while (cursor !== '0') {
        const r = decode(await call('scan', cursor, 'count', '1')) as [string, string[]];
        for (const k of r[1]) seen.add(k);
        cursor = r[0];
      }
      assert.deepEqual([...seen].sort(), all.sort());
    },
  );

  it('SCAN keeps its guarantee when the smaller table shrinks mid-scan, and returns about COUNT keys a step', async () => {
    // One packed key in home bucket 4 of a 16-slot index; twelve long strings (nodes) fill a 16-bucket dict.
    const keyInBucket = (prefix: string, b: number, mask: number): string => {
      for (let i = 0; ; i++) if ((hashKey(prefix + i) & mask) === b) return prefix + i;
    };
    const victim = keyInBucket('p', 4, 15);
    await ok('set', victim, 'v');
    for (let i = 0; i < 12; i++) await ok('set', `d${i}`, 'x'.repeat(300));
    assert.equal(db().packed.bucketMask, 15);
    assert.equal(db().dict.bucketMask, 15);
    const seen = new Set<string>();
    let [cursor, keys] = decode(await call('scan', '0', 'count', '1')) as [string, string[]];
    keys.forEach((k) => seen.add(k));
    // The dict shrinks to 4 buckets: the walk must still reach every bucket of the 16-slot packed index.
    for (let i = 1; i < 12; i++) assert.equal(await int('del', `d${i}`), 1);
    assert.equal(db().dict.bucketMask, 3);
    while (cursor !== '0') {
      [cursor, keys] = decode(await call('scan', cursor, 'count', '1')) as [string, string[]];
      keys.forEach((k) => seen.add(k));
    }
    assert.ok(seen.has(victim), 'the packed key present for the whole scan was returned');
    assert.ok(seen.has('d0'));
    // A step returns about one bucket's worth, whichever table is the big one.
    await call('flushall');
    for (let i = 0; i < 3000; i += 100) await call('mset', ...Array.from({ length: 200 }, (_, j) => (j % 2 === 0 ? `k${i + j / 2}` : 'v')));
    await ok('set', 'node', 'x'.repeat(300));
    const [, first] = decode(await call('scan', '0', 'count', '10')) as [string, string[]];
    assert.ok(first.length < 100, `SCAN COUNT 10 returned ${first.length} keys`);
  });

  it('DEBUG RELOAD MERGE replaces a stored key whose TTL has passed without counting it as expired', async () => {
    await ok('set', 'm', 'v');
    assert.equal(await call('save'), '+OK\r\n');
    await call('config', 'resetstat');
    await ok('set', 'm', 'v2', 'px', 50);
    clock.advance(200);
    await ok('debug', 'reload', 'nosave', 'noflush', 'merge');
    assert.equal(await call('get', 'm'), bulk('v'));
    assert.match(await call('info', 'stats'), /expired_keys:0\r\n/);
  });

  it('SCAN returns every key of both tables: packed strings, strings with a TTL, long strings, lists', async () => {
    const packedKeys: string[] = [];
    const all = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const k = i % 50 === 0 ? `bin\0\xff\r\n:${i}` : `p:${i}`;
      await ok('set', k, i % 3 === 0 ? String(i) : `v${i}`);
      packedKeys.push(k);
      all.add(k);
    }
    await ok('set', '', 'empty key');
    all.add('');
    for (let i = 0; i < 100; i++) {
      await ok('set', `t:${i}`, 'v', 'ex', 1000);
      all.add(`t:${i}`);
    }
    for (let i = 0; i < 40; i++) {
      await ok('set', `long:${i}`, 'x'.repeat(256 + i));
      all.add(`long:${i}`);
    }
    for (let i = 0; i < 60; i++) {
      assert.equal(await int('rpush', `l:${i}`, 'a', 'b'), 2);
      all.add(`l:${i}`);
    }
    assert.equal(db().packed.size, 401);
    assert.equal(db().dict.size, 200);
    const seen = await scanAll(c);
    assert.deepEqual([...seen.keys()].sort(), [...all].sort());
    for (const [k, n] of seen) assert.equal(n, 1, `${JSON.stringify(k)} returned once by a quiet scan`);

    const strings = await scanAll(c, undefined, 'type', 'string');
    assert.equal(strings.size, 401 + 100 + 40);
    const lists = await scanAll(c, undefined, 'type', 'list');
    assert.equal(lists.size, 60);
    const matched = await scanAll(c, undefined, 'match', 'p:1?');
    assert.deepEqual([...matched.keys()].sort(), Array.from({ length: 10 }, (_, i) => `p:1${i}`).sort());
  });

  it('SCAN returns every key present for the whole scan while keys are promoted, packed again, added and deleted', async () => {
    const stable: string[] = [];
    for (let i = 0; i < 300; i++) {
      await ok('set', `s:${i}`, `v${i}`);
      stable.push(`s:${i}`);
    }
    for (let i = 0; i < 50; i++) {
      await ok('set', `st:${i}`, 'v', 'ex', 1000);
      stable.push(`st:${i}`);
      assert.equal(await int('rpush', `sl:${i}`, 'x'), 1);
      stable.push(`sl:${i}`);
    }
    const churn: string[] = [];
    for (let i = 0; i < 200; i++) {
      await ok('set', `c:${i}`, 'v');
      churn.push(`c:${i}`);
    }
    let next = 0;
    const promoters = [
      (k: string) => ['expire', k, '10000'],
      (k: string) => ['append', k, '!'],
      (k: string) => ['object', 'encoding', k],
      (k: string) => ['setrange', k, '0', 'w'],
      (k: string) => ['persist', k],
      (k: string) => ['getex', k, 'persist'],
    ];
    const seen = await scanAll(c, async (step) => {
      // Promote two stable packed keys a step, add packed and dict keys, delete some churn keys.
      for (let j = 0; j < 2; j++) {
        const k = `s:${(step * 7 + j * 131) % 300}`;
        await other.call(...promoters[(step + j) % promoters.length](k));
      }
      // SET without options packs a node again (a key with a TTL loses it): keys move the other way too.
      await other.call('set', `st:${step % 50}`, 'v');
      await other.call('set', `s:${(step * 7 + 131) % 300}`, 'again');
      for (let j = 0; j < 15; j++) {
        const k = `n:${next++}`;
        await other.call('set', k, 'v');
        churn.push(k);
      }
      await other.call('set', `nt:${next}`, 'v', 'px', 1000000);
      for (let j = 0; j < 8 && churn.length > 0; j++) {
        const k = churn.splice((step * 13 + j) % churn.length, 1)[0];
        assert.equal(await other.call('del', k), ':1\r\n');
      }
    });
    assert.ok(next > 200, 'the scan ran long enough for the packed index to grow');
    const promoted = stable.filter((k) => k.startsWith('s:') && inDict(k));
    assert.ok(promoted.length > 20, `${promoted.length} stable keys were promoted during the scan`);
    const repacked = stable.filter((k) => k.startsWith('st:') && isPacked(k));
    assert.ok(repacked.length > 20, `${repacked.length} keys with a TTL were packed during the scan`);
    for (const k of stable) assert.ok(seen.has(k), `stable key ${k} returned`);
  });

  it('DBSIZE, KEYS, RANDOMKEY and INFO keyspace count both tables', async () => {
    assert.equal(await call('randomkey'), '$-1\r\n');
    await ok('set', 'p', 'v');
    assert.equal(await call('randomkey'), bulk('p'), 'only a packed key');
    await call('flushdb');
    assert.equal(await int('rpush', 'l', 'x'), 1);
    assert.equal(await call('randomkey'), bulk('l'), 'only a node');
    await ok('set', 'p', 'v');
    await ok('set', 'p2', '12');
    await ok('set', 't', 'v', 'ex', 100);
    await ok('set', 'big', 'x'.repeat(300));
    assert.ok(isPacked('p') && isPacked('p2') && inDict('t') && inDict('big') && inDict('l'));
    assert.equal(await int('dbsize'), 5);
    assert.deepEqual((decode(await call('keys', '*')) as string[]).sort(), ['big', 'l', 'p', 'p2', 't']);
    assert.deepEqual((decode(await call('keys', 'p*')) as string[]).sort(), ['p', 'p2']);
    assert.deepEqual(decode(await call('keys', 'b?g')), ['big']);
    const drawn = new Set<string>();
    for (let i = 0; i < 300; i++) drawn.add(decode(await call('randomkey')) as string);
    assert.deepEqual([...drawn].sort(), ['big', 'l', 'p', 'p2', 't']);
    assert.match(await call('info', 'keyspace'), /db0:keys=5,expires=1,/);
    // A key whose TTL passed is not counted by KEYS; RANDOMKEY deletes it and returns a live (packed) key.
    await call('flushdb');
    await ok('set', 'p', 'v');
    await ok('set', 'gone', 'v', 'px', 10);
    clock.advance(20);
    assert.deepEqual(decode(await call('keys', '*')), ['p']);
    for (let i = 0; i < 20; i++) assert.equal(await call('randomkey'), bulk('p'));
  });

  it('SWAPDB exchanges packed keys with the rest of the database', async () => {
    await ok('set', 'a', '1');
    await ok('set', 't', 'v', 'ex', 100);
    assert.equal(await int('rpush', 'l', 'x'), 1);
    await ok('select', '1');
    await ok('set', 'b', '2');
    await ok('swapdb', '0', '1');
    assert.equal(await call('get', 'b'), '$-1\r\n');
    assert.equal(await call('get', 'a'), bulk('1'));
    assert.equal(await call('type', 'l'), '+list\r\n');
    assert.ok((await int('ttl', 't')) > 0);
    assert.equal(await int('dbsize'), 3);
    assert.ok(isPacked('a', 1) && !isPacked('a', 0));
    await ok('select', '0');
    assert.equal(await call('get', 'b'), bulk('2'));
    assert.equal(await int('dbsize'), 1);
    assert.ok(isPacked('b', 0));
    assert.equal(await int('exists', 'a', 'l', 't'), 0);
  });

  it('MOVE, COPY and RENAME of packed keys', async () => {
    await ok('set', 'm', 'v');
    assert.equal(await int('move', 'm', '1'), 1);
    assert.equal(await int('exists', 'm'), 0);
    assert.equal(await int('dbsize'), 0);
    await ok('set', 'm2', 'here');
    await ok('select', '1');
    assert.equal(await call('get', 'm'), bulk('v'));
    await ok('set', 'm2', 'there');
    assert.equal(await int('move', 'm2', '0'), 0, 'MOVE onto an existing (packed) key does nothing');
    assert.equal(await call('get', 'm2'), bulk('there'));
    await ok('select', '0');
    assert.equal(await call('get', 'm2'), bulk('here'));

    await ok('set', 'c1', '123');
    assert.equal(await int('copy', 'c1', 'c2'), 1);
    assert.equal(await call('get', 'c2'), bulk('123'));
    assert.equal(await call('get', 'c1'), bulk('123'));
    assert.equal(await call('object', 'encoding', 'c2'), bulk('int'));
    await ok('set', 'c3', 'old');
    assert.ok(isPacked('c3'));
    assert.equal(await int('copy', 'c1', 'c3'), 0, 'COPY onto an existing packed key needs REPLACE');
    assert.equal(await call('get', 'c3'), bulk('old'));
    assert.equal(await int('copy', 'c1', 'c3', 'replace'), 1);
    assert.equal(await call('get', 'c3'), bulk('123'));
    assert.equal(await int('copy', 'c1', 'c4', 'db', '1'), 1);
    assert.equal(await int('dbsize'), 4);

    const bin = 'k\0\xff\r\n';
    await ok('set', bin, 'binary \0 value');
    await ok('rename', bin, 'r2');
    assert.equal(await call('get', 'r2'), bulk('binary \0 value'));
    assert.equal(await int('exists', bin), 0);
    await ok('set', 'r3', 'x');
    await ok('rename', 'r2', 'r3');
    assert.equal(await call('get', 'r3'), bulk('binary \0 value'));
    assert.equal(await int('exists', 'r2'), 0);
    await ok('set', 'r4', 'y');
    assert.equal(await int('renamenx', 'r3', 'r4'), 0);
    assert.equal(await call('get', 'r4'), bulk('y'));
    await ok('rename', 'r4', 'r4');
    assert.equal(await call('get', 'r4'), bulk('y'));
    assert.equal(await int('renamenx', 'r4', 'r5'), 1);
    assert.deepEqual(decode(await call('mget', 'r3', 'r4', 'r5')), ['binary \0 value', null, 'y']);
    assert.deepEqual((decode(await call('keys', '*')) as string[]).sort(), ['c1', 'c2', 'c3', 'm2', 'r3', 'r5']);
  });

  it('FLUSHDB empties both tables; the emptied database packs again', async () => {
    for (let i = 0; i < 100; i++) await ok('set', `k${i}`, 'v');
    await ok('set', 't', 'v', 'ex', 100);
    assert.equal(await int('rpush', 'l', 'x'), 1);
    await ok('flushdb');
    assert.equal(await int('dbsize'), 0);
    assert.equal(await call('get', 'k1'), '$-1\r\n');
    assert.deepEqual(decode(await call('scan', '0')), ['0', []]);
    assert.deepEqual(decode(await call('keys', '*')), []);
    await ok('set', 'k1', 'again');
    assert.ok(isPacked('k1'));
    assert.equal(await call('get', 'k1'), bulk('again'));
    assert.equal(await int('dbsize'), 1);
  });

  it('DEBUG RELOAD and a restart keep every packed key byte for byte and pack short strings again', async () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const expected = new Map<string, string>([
      ['', 'empty key'],
      ['e', ''],
      [all.slice(0, 255), all.slice(1, 256)],
      ['int', '12345'],
      ['neg', '-7'],
      ['big int', '9223372036854775807'],
    ]);
    for (let i = 0; i < 256; i++) expected.set(`byte${String.fromCharCode(i)}`, String.fromCharCode(i).repeat(i % 7));
    for (const [k, v] of expected) await ok('set', k, v);
    await ok('set', 'promoted', 'v');
    await call('object', 'encoding', 'promoted');
    assert.ok(inDict('promoted'));
    expected.set('promoted', 'v');
    await ok('set', 't', 'v', 'ex', 100);
    await ok('set', 'long', 'x'.repeat(256));
    assert.equal(await int('rpush', 'l', 'a'), 1);
    const digest = await call('debug', 'digest');
    const packedBefore = db().packed.size;
    await ok('debug', 'reload');
    assert.equal(await call('debug', 'digest'), digest);
    assert.equal(db().packed.size, packedBefore + 1, 'the promoted key is packed again');
    for (const [k, v] of expected) {
      assert.ok(isPacked(k), `${JSON.stringify(k)} packed`);
      assert.equal(await call('get', k), bulk(v));
    }
    assert.ok(inDict('t') && inDict('long') && inDict('l'));
    assert.equal(await call('object', 'encoding', 'int'), bulk('int'));
    assert.equal(await call('object', 'encoding', 'big int'), bulk('int'));
    assert.equal(await int('dbsize'), expected.size + 3);
    // Loading at start-up packs the short strings again.
    assert.equal(await call('save'), '+OK\r\n');
    const again = await startCinnabar({ clock, config: { dir }, loadData: true });
    try {
      const d0 = again.server.dbs[0];
      for (const [k] of expected) assert.ok(d0.packed.find(k, hashKey(k)) >= 0, `${JSON.stringify(k)} packed at start-up`);
      assert.ok(d0.dict.get('t') !== null && d0.dict.get('long') !== null && d0.dict.get('l') !== null);
      assert.equal(d0.size, expected.size + 3);
    } finally {
      await again.close();
    }
  });

  it('WATCH of a packed key: a write by another client aborts EXEC, a read or a failed SET NX does not', async () => {
    /** WATCH k (packed), run `write` on the other client, then MULTI/GET/EXEC: true when EXEC ran. */
    const execRuns = async (write: string[] | null, setup: string[][] = []): Promise<boolean> => {
      await call('flushall');
      await ok('set', 'k', 'v');
      for (const cmd of setup) await call(...cmd);
      assert.ok(isPacked('k'));
      await ok('watch', 'k');
      if (write !== null) await other.call(...write);
      await ok('multi');
      assert.equal(await call('get', 'k'), '+QUEUED\r\n');
      const r = await call('exec');
      if (r === '*-1\r\n') return false;
      assert.match(r, /^\*1\r\n/);
      return true;
    };
    assert.equal(await execRuns(null), true);
    assert.equal(await execRuns(['get', 'k']), true);
    assert.equal(await execRuns(['mget', 'k', 'x']), true);
    assert.equal(await execRuns(['exists', 'k']), true);
    assert.equal(await execRuns(['object', 'encoding', 'k']), true, 'promotion alone is no change');
    assert.equal(await execRuns(['set', 'k', 'w', 'nx']), true);
    assert.equal(await execRuns(['set', 'other', 'w']), true);
    for (const write of [
      ['set', 'k', 'w'],
      ['set', 'k', 'v'],
      ['set', 'k', 'longer value'],
      ['set', 'k', 'x'.repeat(300)],
      ['set', 'k', 'w', 'xx'],
      ['set', 'k', 'w', 'ex', '100'],
      ['mset', 'k', 'w'],
      ['getset', 'k', 'w'],
      ['del', 'k'],
      ['unlink', 'k'],
      ['getdel', 'k'],
      ['append', 'k', 'w'],
      ['incr', 'k'],
      ['expire', 'k', '100'],
      ['rename', 'k', 'k2'],
      ['move', 'k', '1'],
      ['flushdb'],
      ['flushall'],
      ['swapdb', '0', '1'],
    ]) {
      const setup = write[0] === 'incr' ? [['set', 'k', '1']] : [];
      assert.equal(await execRuns(write, setup), false, `${write.join(' ')} aborts EXEC`);
    }
    // A packed key in another database copied over the watched one is a change too.
    assert.equal(await execRuns(['copy', 'src', 'k', 'replace'], [['set', 'src', 'x']]), false);
  });
});
