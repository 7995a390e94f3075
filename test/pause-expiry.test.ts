/**
 * LATENCY HISTOGRAM and expiry frozen by CLIENT PAUSE, against a private redis-server (the shared oracle's
 * counters and pause state must not be touched). Histogram bucket placement depends on timing, so replies are
 * byte-compared with the histogram contents masked, and the contents are checked for Redis's structure
 * (bounds from hdr_iter_log, cumulative counts growing to `calls`); replies with no timing in them (unknown or
 * never-called commands, HELP) are byte-compared in RESP2 and RESP3.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, RawConnection, encodeCommand, drainEvents, hasRedis, useDifferential } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The usec bounds Redis reports: the highest equivalent value (2 significant figures) of 1024 ns * 2^k. */
const BOUNDS = new Set(Array.from({ length: 21 }, (_, k) => Math.floor((1024 * 2 ** k * (129 / 128) - 1) / 1000)));
BOUNDS.add(1073741); // values past the last reporting level end at the top of the counts array

/** Mask each histogram_usec map (RESP2 array or RESP3 map of integers). */
const maskHist = (s: string) => s.replace(/(\$14\r\nhistogram_usec\r\n)[*%]\d+\r\n(?::\d+\r\n)*/g, '$1HIST');

/** Parse a RESP2 LATENCY HISTOGRAM reply into name → [calls, flat bound/count list]. */
function parseHist(raw: string): Map<string, [number, number[]]> {
  const lines = raw.split('\r\n');
  const out = new Map<string, [number, number[]]>();
  let i = 1;
  const n = Number(lines[0].slice(1)) / 2;
  for (let e = 0; e < n; e++) {
    const name = lines[i + 1];
    assert.equal(lines[i + 2], '*4');
    assert.equal(lines[i + 4], 'calls');
    const calls = Number(lines[i + 5].slice(1));
    assert.equal(lines[i + 7], 'histogram_usec');
    const m = Number(lines[i + 8].slice(1));
    const vals = lines.slice(i + 9, i + 9 + m).map((l) => Number(l.slice(1)));
    out.set(name, [calls, vals]);
    i += 9 + m;
  }
  return out;
}

function checkStructure(name: string, calls: number, flat: number[]): void {
  assert.ok(flat.length >= 2, `${name}: empty histogram`);
  let prevBound = -1;
  let prevCount = 0;
  for (let i = 0; i < flat.length; i += 2) {
    assert.ok(BOUNDS.has(flat[i]), `${name}: bound ${flat[i]}`);
    assert.ok(flat[i] > prevBound && flat[i + 1] > prevCount, `${name}: not increasing ${flat}`);
    prevBound = flat[i];
    prevCount = flat[i + 1];
  }
  assert.equal(prevCount, calls, `${name}: last cumulative count`);
}

describe('differential: LATENCY HISTOGRAM', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  it('matches Redis for a deterministic script in RESP2 and RESP3', async () => {
    const script = [
      ['config', 'resetstat'],
      ['latency', 'histogram'],
      ['set', 'a', '1'],
      ['get', 'a'],
      ['get', 'a'],
      ['get', 'nokey'],
      ['incr', 'n'],
      ['hset', 'h', 'f', 'v'],
      ['config', 'get', 'maxmemory'],
      ['config', 'get', 'hz'],
      ['latency', 'histogram', 'nosuch'],
      ['latency', 'histogram', 'lpush', 'zadd'],
      ['latency', 'histogram', 'get|x', 'config|nosuch', 'config|get|x', 'config|', '|get', ''],
      ['latency', 'histogram', 'set', 'GET', 'config|get', 'Config|GET', 'incr', 'nosuch', 'hset', 'set'],
      ['latency', 'histogram', 'latency|histogram', 'latency'],
      ['latency', 'histogram', 'client|list', 'slowlog'],
    ];
    for (const proto of ['2', '3']) {
      assert.equal(await d.run([['hello', proto]], () => ''), null);
      const mismatch = await d.run(script, maskHist);
      assert.equal(mismatch, null, `RESP${proto}: ${mismatch}`);
    }
    assert.equal(await d.run([['latency', 'help']]), null);
    // Structure of the real histograms, on both servers.
    await d.run([['hello', '2']], () => '');
    for (const port of [d.cinnabar.address().port, d.redis.port]) {
      const conn = await RawConnection.connect(port);
      const all = parseHist(await conn.call('latency', 'histogram'));
      const some = parseHist(await conn.call('latency', 'histogram', 'get', 'set', 'config|get', 'hset'));
      conn.close();
      assert.deepEqual([...some.keys()], ['get', 'set', 'config|get', 'hset']);
      assert.deepEqual(
        [...some.values()].map((v) => v[0]),
        [3, 1, 2, 1],
      );
      for (const [name, [calls, flat]] of [...all, ...some]) checkStructure(name, calls, flat);
      for (const name of ['get', 'set', 'config|get', 'hset', 'incr', 'hello', 'latency|histogram']) {
        assert.ok(all.has(name), `${port}: ${name} missing from LATENCY HISTOGRAM`);
      }
      assert.ok(!all.has('config'), 'containers have no histogram');
    }
  });

  it('the bucket bounds follow hdr_iter_log for long commands', async () => {
    for (const port of [d.cinnabar.address().port, d.redis.port]) {
      const conn = await RawConnection.connect(port);
      await conn.call('config', 'resetstat');
      await conn.call('debug', 'sleep', '0.003');
      await conn.call('debug', 'sleep', '0');
      const h = parseHist(await conn.call('latency', 'histogram', 'debug')).get('debug')!;
      conn.close();
      assert.equal(h[0], 2);
      checkStructure('debug', 2, h[1]);
      const bounds = h[1].filter((_, i) => i % 2 === 0);
      assert.ok(bounds[bounds.length - 1] === 4227 || bounds[bounds.length - 1] === 8454, `${port}: ${bounds}`);
    }
  });

  it('latency-tracking no stops recording', async () => {
    const mismatch = await d.run(
      [
        ['config', 'set', 'latency-tracking', 'no'],
        ['config', 'resetstat'],
        ['set', 'x', '1'],
        ['latency', 'histogram', 'set'],
        ['latency', 'histogram'],
        ['config', 'set', 'latency-tracking', 'yes'],
      ],
      maskHist,
    );
    assert.equal(mismatch, null);
  });
});

describe('differential: CLIENT PAUSE freezes expiry', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  let subs: [RawConnection, RawConnection];
  before(async () => {
    d = await Differential.start();
    await d.both('config', 'set', 'notify-keyspace-events', 'KEA');
    subs = await d.connectPair();
    for (const s of subs) {
      s.write(encodeCommand(['psubscribe', '__keyevent@0__:expired']));
      await s.read();
    }
  });
  after(async () => {
    for (const s of subs ?? []) s.close();
    await d?.stop();
  });

  const expiredKeys = (info: string) => /expired_keys:(\d+)/.exec(info)![1];

  for (const mode of ['write', 'all']) {
    it(`PAUSE ${mode.toUpperCase()}: expired keys read as absent, stay counted, expire after the pause`, async () => {
      // Long enough that the checks below finish inside the pause even on a loaded machine.
      const pauseMs = 1500;
      let mismatch = await d.run([
        ['flushall'],
        ['config', 'resetstat'],
        ['set', 'k', 'v', 'px', '100'],
        ['set', 'k2', 'v'],
        ['client', 'pause', String(pauseMs), mode],
      ]);
      assert.equal(mismatch, null);
      await sleep(250);
      if (mode === 'write') {
        mismatch = await d.run([
          ['get', 'k'],
          ['exists', 'k'],
          ['ttl', 'k'],
          ['type', 'k'],
          ['dbsize'],
          ['keys', '*'],
          ['scan', '0'],
          ['randomkey'],
          ['info', 'keyspace'],
        ]);
        assert.equal(mismatch, null);
        const [a, b] = await d.both('info', 'stats');
        assert.equal(expiredKeys(a), '0');
        assert.equal(expiredKeys(b), '0');
      }
      // No `expired` event while paused (the active cycle does not run either).
      for (const s of subs) assert.deepEqual(await drainEvents(s, 150), []);
      // Redis's pause ends on its timer; then the key is deleted (lazily here, or by the active cycle).
      await sleep(pauseMs);
      mismatch = await d.run([['get', 'k'], ['dbsize'], ['info', 'keyspace']]);
      assert.equal(mismatch, null);
      const [a, b] = await d.both('info', 'stats');
      assert.equal(expiredKeys(a), '1');
      assert.equal(expiredKeys(b), '1');
      for (const s of subs) assert.deepEqual(await drainEvents(s, 150), [['__keyevent@0__:expired', 'k']]);
    });
  }

  it('CLIENT UNPAUSE lets the active cycle delete the frozen keys', async () => {
    let mismatch = await d.run([['flushall'], ['set', 'k', 'v', 'px', '50'], ['client', 'pause', '5000', 'write']]);
    assert.equal(mismatch, null);
    await sleep(200);
    mismatch = await d.run([['dbsize'], ['client', 'unpause']]);
    assert.equal(mismatch, null);
    await sleep(400); // a few cron ticks at hz 10
    mismatch = await d.run([['dbsize']]);
    assert.equal(mismatch, null);
    for (const s of subs) assert.deepEqual(await drainEvents(s, 150), [['__keyevent@0__:expired', 'k']]);
  });

  it('RANDOMKEY on an all-expired db while paused returns instead of looping (Cinnabar only)', async () => {
    const a = d.a;
    await a.call('select', '9');
    await a.call('set', 'v1', 'x', 'px', '20');
    await a.call('set', 'v2', 'x', 'px', '20');
    await a.call('client', 'pause', '2000', 'write');
    await sleep(100);
    const r = await a.call('randomkey');
    assert.ok(r === '$2\r\nv1\r\n' || r === '$2\r\nv2\r\n', r);
    assert.equal(await a.call('dbsize'), ':2\r\n');
    await a.call('client', 'unpause');
    assert.equal(await a.call('get', 'v1'), '$-1\r\n');
    assert.equal(await a.call('dbsize'), ':1\r\n');
    await a.call('flushdb');
    await a.call('select', '0');
    await drainEvents(subs[0], 50);
  });

  it('SET and INCR of a key frozen expired by CLIENT PAUSE replace it, never a second copy (Cinnabar only)', async () => {
    // CLIENT PAUSE inside MULTI lets the queued writes run while expiry is frozen: the expired key is not found
    // but still stored. (Redis 7.0 asserts in dbAdd here; Cinnabar overwrites.)
    const a = d.a;
    await a.call('select', '9');
    await a.call('debug', 'set-active-expire', '0');
    await a.call('set', 'k', 'old', 'px', '20');
    await a.call('set', 'n', '5', 'px', '20');
    await sleep(60);
    await a.call('multi');
    await a.call('client', 'pause', '5000', 'write');
    await a.call('set', 'k', 'new');
    await a.call('set', 'k2', 'x', 'nx');
    await a.call('incr', 'n');
    assert.equal(await a.call('exec'), '*4\r\n+OK\r\n+OK\r\n+OK\r\n:1\r\n');
    assert.equal(await a.call('dbsize'), ':3\r\n');
    await a.call('client', 'unpause');
    assert.equal(await a.call('get', 'k'), '$3\r\nnew\r\n');
    assert.equal(await a.call('ttl', 'k'), ':-1\r\n');
    assert.equal(await a.call('get', 'n'), '$1\r\n1\r\n');
    const keys = (await a.call('keys', '*')).split('\r\n');
    assert.equal(keys.filter((l) => l === 'k').length, 1);
    assert.equal(keys.filter((l) => l === 'n').length, 1);
    await a.call('debug', 'set-active-expire', '1');
    await a.call('flushdb');
    await a.call('select', '0');
    await drainEvents(subs[0], 50);
  });
});
