/**
 * Differential tests for the generic keyspace commands (DEL, EXISTS, TYPE, the EXPIRE and TTL families,
 * PERSIST, RENAME, COPY, MOVE, SWAPDB, OBJECT, FLUSHDB/FLUSHALL, KEYS, SCAN, RANDOMKEY, TOUCH, DBSIZE)
 * against a real redis-server, byte for byte in RESP2 and RESP3, errors included.
 *
 * What cannot be byte-identical is compared structurally: KEYS and SCAN list keys in hash-table order and
 * SCAN cursors depend on table sizes, so the sets of keys are compared (a full SCAN iteration collected);
 * RANDOMKEY is checked to return a live key. Keyspace notifications are compared by recording Cinnabar's
 * Server.notify calls and reading Redis's from a subscribed connection. SWAPDB's effects on WATCH and on
 * clients blocked in BLPOP are checked on Cinnabar directly.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script, RawConnection, drainEvents, recordNotify, scriptCases, useDifferential } from './helpers';
import { decode, hasCommand, scanAll } from './keys-support';
import { CF } from '../src/client';

const hasLists = hasCommand('rpush');

const SCRIPTS: Record<string, string> = {
  'del exists touch type dbsize': `
    mset a 1 b 2 c 3
    del a b x
    exists a b c c
    exists x
    touch c x c
    type c
    type x
    dbsize
    unlink c x
    dbsize
    del
    exists
    unlink
    touch
    type
    type a b
  `,
  'expire family and ttl family': `
    set k v
    expire k 100
    ttl k
    pexpire k 100000
    ttl k
    expireat k 4000000000
    expiretime k
    pexpiretime k
    pexpireat k 4000000000123
    pexpiretime k
    expiretime k
    pexpireat k 4000000000499
    expiretime k
    pexpireat k 4000000000500
    expiretime k
    persist k
    persist k
    persist missing
    ttl k
    expiretime k
    pexpiretime missing
    expiretime missing
    ttl missing
    pttl missing
    pttl k
    expire k 100 nx
    expire k 200 nx
    expire k 300 xx
    ttl k
    expire k 50 gt
    expire k 500 gt
    ttl k
    expire k 600 lt
    expire k 400 lt
    ttl k
    persist k
    expire k 100 xx
    expire k 100 gt
    expire k 100 lt
    ttl k
    expire k 100 NX XX
    expire k 100 nx gt
    expire k 100 nx lt
    expire k 100 gt lt
    expire k 100 xx gt lt
    expire k 100 xx xx
    expire k 100 foo
    expire k 100 xx foo
    expire k 100 "G\\x00T"
    expire k 200 "gt\\x00x"
    expire k 100 "a\\r\\nb"
    expire k abc
    expire k abc foo
    expire k 1.5
    expire k 9223372036854775807
    expire k -9223372036854775808
    expire k 9223372036854775
    expire k -9223372036854775
    set k v
    expire k -9223372036854776
    pexpire k 9223372036854775807
    expireat k 9223372036854775807
    set k v
    expire k 0
    exists k
    set k v
    expire k -100
    set k v
    pexpireat k 1
    exists k
    set k v
    pexpire k 0
    exists k
    set k v
    expireat k 100 lt
    exists k
    expire missing 100
    expire missing abc
    expire missing 100 foo
    expireat missing 100 nx
    pexpireat missing 100 xx
    expire
    expire k
    ttl
    pttl a b
    persist
    expiretime
  `,
  'set clears the ttl, keepttl keeps it': `
    set k v ex 100
    set k v2
    ttl k
    set k v ex 100
    set k v3 keepttl
    ttl k
    append k x
    ttl k
    incrbyfloat n 1
    expire n 100
    incrbyfloat n 1
    ttl n
    getset n 1
    ttl n
  `,
  'rename renamenx': `
    set a 1
    rename a b
    get a
    get b
    rename a b
    rename b b
    rename missing missing
    renamenx b b
    renamenx missing b
    set c 3
    renamenx b c
    renamenx b d
    get d
    set e 5 ex 100
    rename e f
    ttl f
    set x 1
    rename d x
    get x
    set g1 1
    set g2 2 ex 100
    rename g1 g2
    ttl g2
    rename
    rename a
    renamenx a b c
  `,
  copy: `
    set a 1
    copy a b
    get b
    copy a b
    copy a b replace
    copy a a
    copy a a db 0
    copy a a db 1
    select 1
    get a
    select 0
    copy a b db 16
    copy a b db -1
    copy a b db x
    copy a b db 99999999999
    copy a b db
    copy a b foo
    copy a b "replace\\x00zz"
    copy a b replace db 1 db 2
    select 2
    get b
    select 0
    copy missing b
    copy missing b db 16
    set t v ex 100
    copy t t2
    ttl t2
    set n 5
    copy n n2
    object refcount n2
    object encoding n2
    append a x
    copy a araw
    object encoding araw
    copy
    copy a
  `,
  move: `
    set m 1
    move m 1
    exists m
    select 1
    get m
    move m 0
    select 0
    get m
    move m 0
    move m 16
    move m -1
    move m x
    move m 99999999999
    move missing 1
    move missing 0
    set mb 2
    select 1
    set mb 3
    select 0
    move mb 1
    get mb
    set mt v ex 100
    move mt 1
    select 1
    ttl mt
    flushdb
    select 0
    move
    move m
  `,
  swapdb: `
    set a 0
    select 1
    set a 1
    set b 1
    select 0
    swapdb 0 1
    get a
    get b
    dbsize
    select 1
    get a
    dbsize
    select 0
    swapdb 0 0
    swapdb 1 0
    get b
    swapdb 0 16
    swapdb -1 0
    swapdb x 0
    swapdb 0 x
    swapdb x x
    swapdb 99999999999 0
    swapdb 0 99999999999
    swapdb 0
    flushall
  `,
  object: `
    set a v
    object encoding a
    object refcount a
    object freq a
    object encoding missing
    object refcount missing
    object idletime missing
    object freq missing
    object help
    object HELP
    object help extra
    object foo
    object foo bar
    object encoding a b
    object encoding
    object
    config set maxmemory-policy allkeys-lfu
    set f v
    object freq f
    get f
    object freq f
    object idletime f
    object idletime missing
    object freq missing
    config set maxmemory-policy volatile-lfu
    object idletime f
    config set maxmemory-policy allkeys-lru
    object freq f
    config set maxmemory-policy noeviction
  `,
  'flushdb flushall dbsize randomkey': `
    randomkey
    set only 1
    randomkey
    dbsize
    flushdb sync
    dbsize
    set a 1
    flushdb async
    flushdb foo
    flushdb "sync\\x00x"
    flushdb sync async
    flushall sync foo
    flushall ASYNC
    flushall foo
    select 1
    set x 1
    select 0
    flushall
    select 1
    dbsize
    select 0
    dbsize a
    randomkey a
  `,
  'scan and keys errors': `
    scan 0
    keys *
    scan x
    scan 0 count 0
    scan 0 count -1
    scan 0 count x
    scan 0 count 9223372036854775808
    scan 0 match
    scan 0 foo
    scan 0 type
    scan " 0"
    scan "0 "
    scan 18446744073709551616
    scan -18446744073709551616
    scan -18446744073709551615
    scan +
    scan -
    scan 0x10
    scan 00000000000000000000000000000000000
    scan "1\\x00x"
    scan ""
    set one 1
    scan 0
    scan 0 match o*
    scan 0 match x*
    scan 0 type string
    scan 0 type STRING
    scan 0 type list
    scan 0 type none
    scan 0 type "string\\x00x"
    scan 0 count 5 match * type string
    scan 0 "COUNT\\x00" 5
    keys o*
    keys x
    keys *
    keys
    keys a b
    scan
  `,
};

/** Scripts that need lists (another engineer's group). */
const WITH_LISTS: Record<string, string> = {
  'other types': `
    rpush l a
    type l
    expire l 100
    ttl l
    rename l s2
    type s2
    lrange s2 0 -1
    rpush cl a b
    copy cl cl2
    lrange cl2 0 -1
    rpush cl2 c
    lrange cl 0 -1
    lrange cl2 0 -1
    copy cl cl2 replace
    lrange cl2 0 -1
    move cl 1
    select 1
    lrange cl 0 -1
    select 0
    object refcount cl2
    set str x
    rename cl2 str
    type str
    exists cl2 str
    del str
  `,
};

describe('differential: keys', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));
  for (const proto of ['2', '3']) {
    scriptCases(() => d, SCRIPTS, proto);
    scriptCases(() => d, WITH_LISTS, proto, { skip: !hasLists && 'list commands not registered' });
  }

  it('KEYS and SCAN return the same sets of keys', async () => {
    await d.both('flushall');
    const cmds: Array<Array<string | number>> = [];
    for (let i = 0; i < 300; i++) cmds.push(['set', `key:${i}`, i]);
    for (let i = 0; i < 40; i++) cmds.push(['set', `other${i}`, 'x']);
    cmds.push(['set', '', 'empty'], ['set', 'a\x00b', 'nul'], ['set', 'h[x]', 'br']);
    if (hasLists) for (let i = 0; i < 10; i++) cmds.push(['rpush', `list${i}`, 'a']);
    for (const c of cmds) await d.both(...c);
    const patterns = ['*', 'key:1*', 'key:?', '*[0-3]', 'other*', 'h\\[x\\]', '', 'nomatch*', '**'];
    for (const p of patterns) {
      const [x, y] = await d.both('keys', p);
      const kx = (decode(x) as string[]).sort();
      const ky = (decode(y) as string[]).sort();
      assert.deepEqual(kx, ky, `KEYS ${p}`);
    }
    for (const extra of [[], ['count', 1], ['count', 7], ['count', 1000], ['match', 'key:2*'], ['match', '**'], ['type', 'string'], ['type', 'list'], ['type', 'hash'], ['match', 'o*', 'count', 3, 'type', 'string']]) {
      assert.deepEqual(await scanAll(d.a, extra), await scanAll(d.b, extra), `SCAN ${extra.join(' ')}`);
    }
    // A cursor Redis gave is still valid for Cinnabar and vice versa: any value is accepted.
    const r = decode((await d.both('scan', '123456789'))[0]) as [string, string[]];
    assert.equal(typeof r[0], 'string');
  });

  it('SCAN, KEYS and RANDOMKEY skip expired keys, SCAN deletes them', async () => {
    await d.both('flushall');
    for (let i = 0; i < 50; i++) await d.both('set', `live${i}`, 1);
    for (let i = 0; i < 50; i++) await d.both('set', `dead${i}`, 1, 'px', 1);
    await new Promise((r) => setTimeout(r, 20));
    const [kx, ky] = await d.both('keys', '*');
    assert.deepEqual((decode(kx) as string[]).sort(), (decode(ky) as string[]).sort());
    assert.equal((decode(kx) as string[]).length, 50);
    // KEYS does not delete: both still count the expired keys (unless active expiry got them).
    assert.deepEqual(await scanAll(d.a), await scanAll(d.b));
    for (let i = 0; i < 20; i++) {
      const k = decode((await d.a.call('randomkey')) as string) as string;
      assert.match(k, /^live/);
    }
    // After a full SCAN every expired key is gone from Cinnabar's keyspace.
    assert.equal(decode(await d.a.call('dbsize')), 50);
  });

  it('keyspace notifications match', async () => {
    await d.both('flushall');
    await d.both('hello', '2');
    await d.both('config', 'set', 'notify-keyspace-events', 'KEAnm');
    // Cinnabar: record Server.notify calls (SUBSCRIBE may belong to another group); Redis: a subscriber.
    const stopRecording = recordNotify(d.cinnabar);
    const sub = await RawConnection.connect(d.redis.port);
    await sub.call('psubscribe', '__keyevent@*__:*');
    const cmds = script(`
      set a 1
      set a 2 ex 100
      setex b 100 x
      getex b persist
      getex b ex 50
      getex b exat 1
      getset a 3
      getdel a
      append s x
      setrange s 5 y
      setrange s 0 ""
      incr n
      decrby n 2
      incrbyfloat n 1.5
      mset m1 1 m2 2
      msetnx m1 1
      msetnx m3 3
      setnx m3 x
      expire m1 100
      pexpire m1 100 nx
      persist m1
      persist m1
      expire m1 -1
      rename m2 m4
      renamenx m3 m4
      renamenx m3 m5
      copy m5 m6
      copy m5 m6 replace
      copy m5 m6 db 1
      move m6 2
      del m5 m6 missing
      unlink m4
      lcs n s
      get missing
      set missing2 v get
      exists missing
      type missing
      ttl missing
      pexpiretime missing
      object encoding missing
      touch missing
      mget missing a
      getex missing
      getdel missing
      strlen missing
      getrange missing 0 1
      lcs missing missing2
      copy missing x
      scan 0 type string
      incrbyfloat missing3 1
      swapdb 0 1
      flushall
    `);
    for (const c of cmds) await d.both(...c);
    await d.both('ping');
    const events = stopRecording()
      .filter((n) => n.enabled)
      .map((n) => `${n.dbid}:${n.event}:${n.key}`);
    const theirs: string[] = [];
    for (const [channel, message] of await drainEvents(sub, 200)) {
      const ev = /^__keyevent@(\d+)__:(.*)$/.exec(channel)!;
      theirs.push(`${ev[1]}:${ev[2]}:${message}`);
    }
    sub.close();
    await d.both('config', 'set', 'notify-keyspace-events', '');
    // (Expiry events depend on when each server's clock and active cycle run: test/expiry.test.ts covers them.)
    const strip = (l: string[]) => l.filter((e) => !e.includes(':expired:'));
    assert.ok(strip(theirs).length > 25, `Redis sent ${theirs.length} events`);
    assert.deepEqual(strip(events), strip(theirs));
  });

  it('SWAPDB flags WATCHers of keys present in either database', async () => {
    const server = d.cinnabar.server;
    await d.a.call('flushall');
    await d.a.call('set', 'in0', 'x');
    await d.a.call('select', '1');
    await d.a.call('set', 'in1', 'x');
    await d.a.call('select', '0');
    const [db0, db1] = server.dbs;
    const watchers = ['in0', 'in1', 'nowhere'].map(() => server.createFakeClient());
    server.watchedKeys.set(db0, new Map([['in0', new Set([watchers[0]])], ['in1', new Set([watchers[1]])], ['nowhere', new Set([watchers[2]])]]));
    try {
      assert.equal(await d.a.call('swapdb', '0', '1'), '+OK\r\n');
      assert.notEqual(watchers[0].flags & CF.dirtyCas, 0, 'key leaving db 0');
      assert.notEqual(watchers[1].flags & CF.dirtyCas, 0, 'key arriving in db 0');
      assert.equal(watchers[2].flags & CF.dirtyCas, 0, 'key in neither db');
    } finally {
      server.watchedKeys.delete(db0);
    }
    await d.a.call('flushall');
  });

  it('SWAPDB serves clients blocked on a list that arrives', { skip: !hasCommand('blpop') && 'BLPOP not registered' }, async () => {
    await d.both('flushall');
    const [ca, cb] = await d.connectPair();
    for (const [main, blocked] of [
      [d.a, ca],
      [d.b, cb],
    ] as const) {
      await main.call('select', '1');
      await main.call('rpush', 'q', 'hello');
      await main.call('select', '0');
      blocked.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await main.call('swapdb', '0', '1'), '+OK\r\n');
    }
    const [x, y] = [await ca.read(2000), await cb.read(2000)];
    assert.equal(x, y);
    assert.equal(x, '*2\r\n$1\r\nq\r\n$5\r\nhello\r\n');
    ca.close();
    cb.close();
    await d.both('flushall');
  });
});
