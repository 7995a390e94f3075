/**
 * Expiry and access-time tests on the injectable clock: a ManualClock only moves when told to, so lazy expiry,
 * the active expiry cycle, TTL arithmetic, OBJECT IDLETIME and LFU decay can be checked exactly, which a
 * differential test against a real server (whose clock runs) cannot do.
 *
 * Active expiry is switched off (DEBUG SET-ACTIVE-EXPIRE 0) where a test needs keys nobody reads to stay in
 * memory, so the hz timer cannot race the assertions; the active cycle is then run by calling
 * Server.cron() directly, and once through the real timer.
 */

import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { RawConnection, startCinnabar } from './helpers';
import { ManualClock } from '../src/clock';
import type { CinnabarServer } from '../src/index';

const T0 = 1_700_000_000_000;

describe('expiry on the injectable clock', () => {
  let srv: CinnabarServer;
  let c: RawConnection;
  const clock = new ManualClock(T0);
  const events: string[] = [];

  const call = (...args: Array<string | number>) => c.call(...args);
  const int = async (...args: Array<string | number>) => {
    const r = await call(...args);
    assert.match(r, /^:-?\d+\r\n$/, `${args.join(' ')} replied ${JSON.stringify(r)}`);
    return Number(r.slice(1, -2));
  };
  const infoField = async (name: string) => {
    const r = await call('info', 'stats');
    const m = new RegExp(`\\r\\n${name}:(\\d+)`).exec(r);
    assert.ok(m, `INFO has ${name}`);
    return Number(m[1]);
  };

  before(async () => {
    srv = await startCinnabar({ clock, config: { 'notify-keyspace-events': 'KEA' } });
    c = await RawConnection.connect(srv.address().port);
    const server = srv.server;
    const original = server.notify.bind(server);
    server.notify = (type: number, event: string, key: string, dbid: number) => {
      if (event === 'expired' || event === 'del' || event === 'expire') events.push(`${event}:${key}`);
      original(type, event, key, dbid);
    };
  });
  after(async () => {
    c?.close();
    await srv?.close();
  });
  beforeEach(async () => {
    clock.set(T0);
    await call('debug', 'set-active-expire', '0');
    await call('flushall');
    events.length = 0;
  });

  it('a key lives until the clock passes its time, then lazy expiry deletes it on access', async () => {
    await call('set', 'k', 'v', 'px', 100);
    clock.advance(99);
    assert.equal(await int('pttl', 'k'), 1);
    clock.advance(1);
    // now == expire time: still there (Redis expires when now > when), PTTL 0.
    assert.equal(await int('pttl', 'k'), 0);
    assert.equal(await call('get', 'k'), '$1\r\nv\r\n');
    const expiredBefore = await infoField('expired_keys');
    clock.advance(1);
    assert.equal(await int('dbsize'), 1, 'nobody read it yet');
    assert.equal(await call('get', 'k'), '$-1\r\n');
    assert.equal(await int('dbsize'), 0);
    assert.equal(await infoField('expired_keys'), expiredBefore + 1);
    assert.deepEqual(events, ['expire:k', 'expired:k']);
  });

  it('every kind of access expires lazily', async () => {
    const probes: Array<[string[], string]> = [
      [['exists', 'k'], ':0\r\n'],
      [['ttl', 'k'], ':-2\r\n'],
      [['type', 'k'], '+none\r\n'],
      [['strlen', 'k'], ':0\r\n'],
      [['append', 'k', 'x'], ':1\r\n'],
      [['incr', 'k'], ':1\r\n'],
      [['setnx', 'k', 'x'], ':1\r\n'],
      [['rename', 'k', 'k2'], '-ERR no such key\r\n'],
      [['object', 'encoding', 'k'], '$-1\r\n'],
      [['expire', 'k', '100'], ':0\r\n'],
      [['persist', 'k'], ':0\r\n'],
      [['del', 'k'], ':0\r\n'],
      [['copy', 'k', 'k2'], ':0\r\n'],
      [['move', 'k', '1'], ':0\r\n'],
      [['getex', 'k', 'persist'], '$-1\r\n'],
      [['incrbyfloat', 'k', '1.5'], '$3\r\n1.5\r\n'],
    ];
    for (const [cmd, expected] of probes) {
      await call('set', 'k', '5', 'px', 10);
      clock.advance(11);
      assert.equal(await call(...cmd), expected, cmd.join(' '));
      await call('del', 'k', 'k2');
    }
  });

  it('TTL family follows the clock; EXPIRETIME does not move', async () => {
    await call('set', 'k', 'v', 'ex', 100);
    assert.equal(await int('ttl', 'k'), 100);
    assert.equal(await int('expiretime', 'k'), T0 / 1000 + 100);
    clock.advance(30_500);
    assert.equal(await int('pttl', 'k'), 69_500);
    assert.equal(await int('ttl', 'k'), 70, 'rounded to the nearest second');
    clock.advance(1);
    assert.equal(await int('ttl', 'k'), 69);
    assert.equal(await int('pexpiretime', 'k'), T0 + 100_000);
    // EXPIRE with GT/LT compares absolute times.
    assert.equal(await int('expire', 'k', 69, 'gt'), 0);
    assert.equal(await int('expire', 'k', 70, 'gt'), 1);
    assert.equal(await int('pexpiretime', 'k'), clock.now() + 70_000);
  });

  it('setting a time that is not in the future deletes at once, notified as del', async () => {
    await call('set', 'a', '1');
    await call('set', 'b', '1');
    await call('set', 'c', '1');
    assert.equal(await int('pexpireat', 'a', clock.now()), 1);
    assert.equal(await int('expire', 'b', 0), 1);
    assert.equal(await call('getex', 'c', 'pxat', String(clock.now())), '$1\r\n1\r\n');
    assert.equal(await int('dbsize'), 0);
    assert.deepEqual(events, ['del:a', 'del:b', 'del:c']);
    // SET with a past absolute time stores a key that is already logically expired.
    await call('set', 'd', '1', 'pxat', clock.now() - 1);
    assert.equal(await int('dbsize'), 1);
    assert.equal(await call('get', 'd'), '$-1\r\n');
    assert.deepEqual(events.slice(3), ['expire:d', 'expired:d']);
  });

  it('the active cycle reclaims keys nobody reads', async () => {
    for (let i = 0; i < 200; i++) await call('set', `tmp:${i}`, 'x', 'px', 1000 + i);
    for (let i = 0; i < 20; i++) await call('set', `keep:${i}`, 'x');
    for (let i = 0; i < 20; i++) await call('set', `later:${i}`, 'x', 'ex', 3600);
    clock.advance(1500);
    const expiredBefore = await infoField('expired_keys');
    srv.server.cron(); // disabled: nothing happens
    assert.equal(await int('dbsize'), 240);
    await call('debug', 'set-active-expire', '1');
    srv.server.cron();
    assert.equal(await int('dbsize'), 40);
    assert.equal(await infoField('expired_keys'), expiredBefore + 200);
    assert.equal(events.filter((e) => e.startsWith('expired:tmp:')).length, 200);
    // KEYS never saw the expired ones and the live ones are intact.
    assert.equal((await call('keys', 'later:*')).split('\r\n')[0], '*20');
  });

  it('the hz timer runs the active cycle by itself', async () => {
    await call('config', 'set', 'hz', '100');
    for (let i = 0; i < 50; i++) await call('set', `tmp:${i}`, 'x', 'px', 10);
    await call('set', 'keep', 'x');
    clock.advance(20);
    await call('debug', 'set-active-expire', '1');
    const deadline = Date.now() + 5000;
    while ((await int('dbsize')) !== 1) {
      assert.ok(Date.now() < deadline, 'the timer reclaimed the keys');
      await new Promise((r) => setTimeout(r, 10));
    }
    await call('config', 'set', 'hz', '10');
  });

  it('KEYS skips expired keys without deleting them; SCAN and RANDOMKEY delete them', async () => {
    for (let i = 0; i < 30; i++) await call('set', `gone:${i}`, 'x', 'px', 5);
    await call('set', 'live', 'x');
    clock.advance(10);
    assert.equal(await call('keys', '*'), '*1\r\n$4\r\nlive\r\n');
    assert.equal(await int('dbsize'), 31);
    let cursor = '0';
    const seen = new Set<string>(); // SCAN may return a key twice when the table shrinks under it
    do {
      const r = await call('scan', cursor, 'count', 5);
      cursor = /^\*2\r\n\$\d+\r\n(\d+)\r\n/.exec(r)![1];
      if (r.includes('live')) seen.add('live');
      assert.ok(!r.includes('gone:'), 'SCAN returns no expired key');
    } while (cursor !== '0');
    assert.deepEqual([...seen], ['live']);
    assert.equal(await int('dbsize'), 1);
    // RANDOMKEY deletes what it meets and ends with nil when everything expired.
    for (let i = 0; i < 200; i++) await call('set', `r:${i}`, 'x', 'px', 5);
    await call('del', 'live');
    clock.advance(10);
    assert.equal(await call('randomkey'), '$-1\r\n');
    assert.equal(await int('dbsize'), 0);
  });

  it('RENAME, MOVE and COPY keep the absolute expiry time', async () => {
    await call('set', 'a', 'x', 'px', 5000);
    clock.advance(1000);
    await call('rename', 'a', 'b');
    assert.equal(await int('pttl', 'b'), 4000);
    await call('copy', 'b', 'c');
    await call('move', 'b', '1');
    assert.equal(await int('pttl', 'c'), 4000);
    await call('select', '1');
    assert.equal(await int('pexpiretime', 'b'), T0 + 5000);
    clock.advance(4001);
    assert.equal(await call('get', 'b'), '$-1\r\n');
    await call('select', '0');
    assert.equal(await call('get', 'c'), '$-1\r\n');
  });

  it('OBJECT IDLETIME counts seconds since the last access; introspection does not touch', async () => {
    await call('set', 'k', 'v');
    clock.advance(10_000);
    assert.equal(await int('object', 'idletime', 'k'), 10);
    for (const cmd of [['type', 'k'], ['exists', 'k'], ['ttl', 'k'], ['object', 'encoding', 'k'], ['keys', '*']]) await call(...cmd);
    assert.equal(await int('object', 'idletime', 'k'), 10);
    await call('get', 'k');
    assert.equal(await int('object', 'idletime', 'k'), 0);
    clock.advance(5000);
    await call('touch', 'k');
    assert.equal(await int('object', 'idletime', 'k'), 0);
    clock.advance(5000);
    await call('rename', 'k', 'k2');
    assert.equal(await int('object', 'idletime', 'k2'), 0, "RENAME's write lookup touches the key");
    clock.advance(2000);
    await call('copy', 'k2', 'k3');
    assert.equal(await int('object', 'idletime', 'k3'), 0, 'COPY makes a new object');
    assert.equal(await int('object', 'idletime', 'k2'), 0, "COPY's read lookup touches the source");
    // CLIENT NO-TOUCH reads do not touch either.
    clock.advance(3000);
    await call('client', 'no-touch', 'on');
    await call('get', 'k2');
    await call('client', 'no-touch', 'off');
    assert.equal(await int('object', 'idletime', 'k2'), 3);
  });

  it('OBJECT FREQ: the LFU counter starts at 5 and decays by one per lfu-decay-time minutes', async () => {
    await call('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
    try {
      await call('set', 'k', 'v');
      assert.equal(await int('object', 'freq', 'k'), 5);
      await call('get', 'k');
      assert.equal(await int('object', 'freq', 'k'), 6, 'the first increments are certain');
      clock.advance(3 * 60_000);
      assert.equal(await int('object', 'freq', 'k'), 3);
      await call('config', 'set', 'lfu-decay-time', '0');
      assert.equal(await int('object', 'freq', 'k'), 6, 'no decay');
      await call('config', 'set', 'lfu-decay-time', '1');
      clock.advance(60 * 60_000);
      assert.equal(await int('object', 'freq', 'k'), 0);
      await call('get', 'k');
      assert.equal(await int('object', 'freq', 'k'), 1);
      assert.match(await call('object', 'idletime', 'k'), /^-ERR An LFU maxmemory policy is selected/);
    } finally {
      await call('config', 'set', 'maxmemory-policy', 'noeviction');
    }
  });
});
