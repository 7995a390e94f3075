/**
 * Differential sweep of the string and key commands on packed keys (short strings without a TTL, which
 * Cinnabar keeps as bytes in Db.packed and promotes into Db.dict when a command needs a node): every script
 * runs against Cinnabar and a real redis-server, replies compared byte for byte in RESP2 and RESP3. Each
 * command meets a key a plain SET just made (so still packed), with values of 0, 44, 45, 255 and 256 bytes and
 * integer-looking texts (OBJECT ENCODING int/embstr/raw must agree), keys with a TTL, keys already promoted,
 * logically expired keys and keys of other types (WRONGTYPE). The runner records which commands found their
 * first key packed in Cinnabar, and the last test checks that every command of the sweep did at least once.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, readEvents, script, scriptCases, useDifferential } from './helpers';
import { decode } from './keys-support';
import { hashKey } from '../src/types/dict';

const V44 = 'e'.repeat(44);
const V45 = 'r'.repeat(45);
const V255 = 'p'.repeat(254) + 'q';
const V256 = 'd'.repeat(255) + 'q';
const K255 = 'K'.repeat(255);
const K256 = 'K'.repeat(256);
const INTS = [
  '0',
  '1',
  '-1',
  '9999',
  '10000',
  '-0',
  '00',
  '01',
  '+1',
  ' 1',
  '1.5',
  '1e3',
  '12345678901',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '12345678901234567890',
  '123456789012345678901',
];

const SCRIPTS: Record<string, string> = {
  'values of 0, 44, 45, 255 and 256 bytes': [0, 1, 44, 45, 255, 256]
    .map((n) => {
      const v = n === 0 ? '""' : n === 44 ? V44 : n === 45 ? V45 : n === 255 ? V255 : n === 256 ? V256 : 'x';
      return `
        set k${n} ${v}
        get k${n}
        strlen k${n}
        getrange k${n} 0 -1
        getrange k${n} -3 -1
        exists k${n}
        type k${n}
        ttl k${n}
        pttl k${n}
        object encoding k${n}
        get k${n}
      `;
    })
    .join('\n')
    .concat(`
      mget k0 k1 k44 k45 k255 k256 nosuch
      set ${K255} ${V255}
      get ${K255}
      object encoding ${K255}
      set ${K256} v
      get ${K256}
      mget ${K255} ${K256}
      set "\\x00\\xff\\r\\n" "\\x00\\x01\\xfe\\xff"
      get "\\x00\\xff\\r\\n"
      strlen "\\x00\\xff\\r\\n"
      set "" "the empty key"
      get ""
      exists "" k0
      dbsize
    `),
  'integer-looking values: encodings, refcounts, INCR': INTS.map(
    (v, i) => `
      set i${i} "${v}"
      object encoding i${i}
      object refcount i${i}
      get i${i}
      incr i${i}
      get i${i}
      object encoding i${i}
      set j${i} "${v}"
      incrbyfloat j${i} 1
      object encoding j${i}
      set m${i} "${v}"
      append m${i} 0
      object encoding m${i}
      get m${i}
    `,
  ).join('\n'),
  'SET NX/XX/GET/KEEPTTL/EX on packed keys': `
    set k v
    set k w nx
    get k
    set k w xx
    get k
    set k x xx get
    set k y nx get
    get k
    set nokey z xx get
    set nokey z xx
    exists nokey
    set k v keepttl
    ttl k
    set k v2 get keepttl
    set k v3 ex 100
    ttl k
    set k w keepttl
    ttl k
    get k
    set k w
    ttl k
    set k2 v
    set k2 w px 5000 nx
    get k2
    set k2 w ex 50 xx
    ttl k2
    set k2 w ex 60 xx get
    ttl k2
    set k3 a
    set k3 b exat 4000000000
    expiretime k3
    set k3 c keepttl
    expiretime k3
    set k3 d nx keepttl
    set k4 a
    set k4 ${V256} get
    get k4
    set k4 b get
    strlen k4
    set k5 ${V255}
    set k5 ${V255.slice(1)}x get
    set k5 ${'x'.repeat(255)} xx
    get k5
    set k6 v
    set k6 v ex 0
    set k6 v nx xx
    set k6 v keepttl px 10
    get k6
    setnx k6 w
    setnx k7 w
    get k7
    setex k7 100 x
    ttl k7
    get k7
    set k8 v
    setex k8 100 w
    ttl k8
    psetex k8 100000 y
    ttl k8
    get k8
  `,
  'SET options on keys with a TTL and on promoted keys': `
    set t v ex 100
    set t w nx
    set t w xx get
    ttl t
    set t x keepttl get
    ttl t
    set t y
    ttl t
    set t z ex 100
    getset t q
    ttl t
    set p v
    object encoding p
    set p w nx get
    set p w xx
    get p
    set p 12
    object encoding p
    set p ${V45}
    object encoding p
    set p ${V44}
    object encoding p
  `,
  'MSET MSETNX GETSET GETDEL GETEX': `
    mset a 1 b 2 c 3
    mget a b c nosuch
    msetnx a 9 d 4
    get a
    exists d
    msetnx d 4 e 5
    mget d e
    mset a "" b ${V255} c ${V256}
    mget a b c
    strlen c
    getset a 10
    get a
    object encoding a
    getset nokey v
    get nokey
    getset b ${V256}
    strlen b
    getdel a
    getdel a
    exists a
    getdel c
    set g v
    getex g
    ttl g
    getex g ex 100
    ttl g
    getex g persist
    ttl g
    set g2 12
    getex g2 px 100000
    ttl g2
    object encoding g2
    set g3 v
    getex g3 exat 1
    exists g3
    set g4 v
    getex g4 pxat 4000000000123
    pexpiretime g4
    getex nokey2
    set g5 v
    getex g5 ex 0
    getex g5 foo
    set t v ex 100
    getset t w
    ttl t
  `,
  'APPEND SETRANGE GETRANGE STRLEN': `
    set a hello
    append a " world"
    get a
    object encoding a
    strlen a
    set b 12
    append b 3
    get b
    object encoding b
    set c ${'c'.repeat(254)}
    append c xy
    strlen c
    get c
    set z ""
    append z a
    get z
    set s hello
    setrange s 1 a
    get s
    object encoding s
    setrange s 10 x
    get s
    strlen s
    set s2 v
    setrange s2 0 ""
    object encoding s2
    set e ""
    setrange e 0 ""
    exists e
    setrange e 0 ""
    set n 12345
    getrange n 1 3
    getrange n -100 100
    getrange n 5 1
    getrange n 0 -100
    strlen n
    set big ${V255}
    setrange big 255 x
    strlen big
    setrange big 0 Q
    getrange big 0 3
  `,
  'INCR DECR INCRBY DECRBY INCRBYFLOAT': `
    set n 10
    incr n
    object encoding n
    incrby n 5
    decr n
    decrby n 3
    get n
    set m 9223372036854775807
    incr m
    get m
    set mm -9223372036854775808
    decr mm
    decrby n -9223372036854775808
    set x abc
    incr x
    set y ""
    incr y
    incrbyfloat y 1
    set w " 1"
    incr w
    set lead 007
    incr lead
    set f 1.5
    incrbyfloat f 1
    get f
    object encoding f
    set f2 10
    incrbyfloat f2 0.5
    set f3 5
    incrbyfloat f3 0
    object encoding f3
    set f4 1e2
    incrbyfloat f4 1
    set f5 ${'1' + '0'.repeat(30)}
    incrbyfloat f5 1
    set f6 inf
    incrbyfloat f6 1
    set neg -5
    incrby neg 5
    get neg
    object encoding neg
    object refcount neg
    set d 9999
    incr d
    object refcount d
    incrby d 9223372036854775807
    set v ${V44}
    incr v
  `,
  'EXISTS TYPE TTL EXPIRE PERSIST TOUCH DEL on packed keys': `
    set a v
    set b v
    exists a a nokey b
    type a
    ttl a
    pttl a
    expiretime a
    pexpiretime a
    persist a
    expire a 100
    ttl a
    persist a
    ttl a
    set c v
    expire c 100 nx
    ttl c
    set d v
    expire d 100 xx
    ttl d
    expire d 100 gt
    ttl d
    expire d 100 lt
    ttl d
    set e v
    expire e 0
    exists e
    set f v
    pexpire f -1
    exists f
    set g v
    expireat g 1
    get g
    set h v
    pexpireat h 4000000000000
    pexpiretime h
    set i v
    expire i abc
    expire i 100 foo
    expire i 9223372036854775807
    ttl i
    touch a b nokey
    del a b nokey
    unlink c nokey
    exists a b c
    dbsize
    set only v
    del d h i
    randomkey
  `,
  'OBJECT and DEBUG OBJECT on packed keys': `
    set a 1
    set b hello
    set c 12345678901
    set d ${V45}
    set e ${V255}
    set f ""
    set g -1
    set h 10000
    debug object a
    debug object b
    debug object c
    debug object d
    debug object e
    debug object f
    debug object g
    debug object h
    object encoding nosuch
    debug object nosuch
    set a 2
    object refcount a
    object encoding a
    set b world
    object refcount b
    object idletime nosuch
    object freq b
  `,
  'DUMP of packed values': `
    set a hello
    dump a
    set n 12345
    dump n
    set n2 -12345678
    dump n2
    set n3 9223372036854775807
    dump n3
    set n4 12345678901
    dump n4
    set e ""
    dump e
    set l44 ${V44}
    dump l44
    set l255 ${V255}
    dump l255
    set l256 ${V256}
    dump l256
    set bin "\\x00\\x01\\xff"
    dump bin
    dump nosuch
  `,
  'RENAME COPY MOVE of packed keys': `
    set a 1
    rename a b
    get b
    exists a
    set c x
    rename b c
    get c
    object encoding c
    renamenx c d
    set e y
    renamenx d e
    renamenx d d
    rename d d
    rename nokey x
    renamenx nokey x
    get e
    copy d e
    copy d e replace
    get e
    object encoding e
    object refcount e
    copy d f
    copy d f
    copy d d
    copy nokey f
    copy d g db 1
    copy d g db 1
    copy d g db 1 replace
    move d 1
    move e 1
    exists d e
    select 1
    get d
    get g
    object encoding d
    dbsize
    select 0
    set t v ex 100
    rename t u
    ttl u
    set ${K255} v
    rename ${K255} ${K256}
    get ${K256}
    rename ${K256} ${K255}
    get ${K255}
    set n 12
    copy n n2
    object encoding n2
    object refcount n2
    incr n2
    get n
  `,
  'WRONGTYPE: string commands on keys of other types': `
    rpush l a
    hset h f v
    sadd s m
    zadd z 1 m
    get l
    mget l h s z
    getset l v
    getdel l
    getex l
    getex l persist
    append l x
    setrange l 0 x
    getrange l 0 1
    strlen h
    incr s
    decrby z 1
    incrbyfloat l 1
    set l v get
    set l v nx
    set l v nx get
    setnx l v
    msetnx l v q w
    exists q
    type l
    set l v xx
    type l
    get l
    object encoding l
    set h v keepttl
    type h
    mset s v z w
    mget s z
    type s
  `,
  'logically expired keys (no active expiry): SET NX/XX, GETSET, MSET, MSETNX, INCR': `
    debug set-active-expire 0
    set k v px 1
    set k2 v px 1
    set k3 v px 1
    set k4 v px 1
    set k5 v px 1
    set k6 v px 1
    debug sleep 0.01
    set k w xx
    exists k
    set k2 w nx get
    get k2
    getset k3 w
    ttl k3
    mset k4 w
    ttl k4
    get k4
    msetnx k5 w
    get k5
    incr k6
    ttl k6
    debug set-active-expire 1
  `,
  // Each command on its own key, so it meets the key packed (a promoted key stays in dict even after SET).
  'each command on a key a plain SET just made': [
    ['1', 'mset @ 2 other 3', 'mget @ other'],
    ['v', 'psetex @ 100000 w', 'ttl @', 'get @'],
    ['10', 'decrby @ 3'],
    ['10', 'decr @'],
    ['10', 'incrby @ -3'],
    ['v', 'renamenx @ fresh', 'get fresh', 'exists @'],
    ['v', 'set taken w', 'renamenx @ taken', 'mget @ taken'],
    ['v', 'move @ 1', 'select 1', 'get @', 'set @ v2', 'move @ 0', 'select 0', 'get @'],
    ['v', 'del @'],
    ['v', 'unlink @'],
    ['v', 'touch @ nosuch'],
    ['v', 'pexpire @ 100000', 'ttl @'],
    ['v', 'expireat @ 4000000000', 'ttl @'],
    ['v', 'pexpireat @ 4000000000000', 'ttl @'],
    ['v', 'persist @'],
    ['v', 'expiretime @'],
    ['v', 'restore @ 0 garbage'],
    ['v', 'restore @ 0 garbage replace', 'get @'],
    ['v', 'restore @ 0 "\\x00\\x01x\\n\\x00\\"\\x80\\x86_\\xbd\\xe8H\\xd0" replace', 'get @', 'object encoding @'],
  ]
    .map(([value, ...cmds], i) => [`set f${i} ${value}`, ...cmds.map((c) => c.replace(/@/g, `f${i}`))].join('\n'))
    .join('\n'),
  'keyspace hit and miss counters on packed keys': `
    set a v
    set n 1
    config resetstat
    get a
    get nosuch
    mget a nosuch n
    exists a nosuch
    type a
    type nosuch
    ttl a
    pttl nosuch
    strlen a
    getrange a 0 1
    set a w
    set a w get
    set a w nx
    getset a x
    getdel n
    info stats
  `,
};

/** Masks what cannot match (an address, LRU clocks) and keeps only INFO's keyspace counters. */
function normalize(reply: string): string {
  if (reply.includes('keyspace_hits:')) {
    return ['keyspace_hits', 'keyspace_misses', 'expired_keys']
      .map((f) => new RegExp(`${f}:\\d+`).exec(reply)?.[0] ?? `${f}: missing`)
      .join(',');
  }
  return reply.replace(/Value at:0x[0-9a-f]+/, 'Value at:X').replace(/ lru:\d+ lru_seconds_idle:\d+/, ' lru:L');
}

/** Commands whose first key argument the sweep must find packed in Cinnabar at least once. */
const MUST_MEET_PACKED = [
  'set', 'get', 'mget', 'mset', 'msetnx', 'getset', 'getdel', 'getex', 'setnx', 'setex', 'psetex', 'append',
  'setrange', 'getrange', 'strlen', 'incr', 'incrby', 'decr', 'decrby', 'incrbyfloat', 'exists', 'type', 'ttl',
  'pttl', 'expire', 'pexpire', 'expireat', 'pexpireat', 'persist', 'object', 'debug', 'dump', 'restore', 'rename',
  'renamenx', 'copy', 'move', 'del', 'unlink', 'touch', 'expiretime',
];

describe('differential: string and key commands on packed keys', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));
  const metPacked = new Set<string>();
  let selected = 0;

  /** The key a command looks at first (OBJECT's and DEBUG OBJECT's after the subcommand). */
  function firstKey(cmd: string[]): string | undefined {
    const name = cmd[0].toLowerCase();
    if (name === 'object' || name === 'debug') return cmd[1]?.toLowerCase() === 'object' || name === 'object' ? cmd[2] : undefined;
    return cmd[1];
  }

  /** d.run, noting each command whose first key is packed in Cinnabar right before it runs. */
  async function run(x: Differential, commands: string[][]): Promise<string | null> {
    selected = 0;
    for (const cmd of commands) {
      const name = cmd[0].toLowerCase();
      const key = firstKey(cmd);
      const db = x.cinnabar.server.dbs[selected];
      if (key !== undefined && db.packed.find(key, hashKey(key)) >= 0) metPacked.add(name);
      const diff = await x.run([cmd], normalize);
      if (diff !== null) return diff;
      if (name === 'select') selected = Number(cmd[1]);
    }
    return null;
  }

  for (const proto of ['2', '3']) {
    scriptCases(() => d, SCRIPTS, proto, { run });

    it(`RESTORE over packed keys, with a payload Redis dumped (RESP${proto})`, async () => {
      await d.both('flushall');
      await d.both('hello', proto);
      const payloads: string[] = [];
      for (const v of ['hello', '12345', '', V255, V256]) {
        await d.b.call('set', 'src', v);
        const dumped = decode(await d.b.call('dump', 'src')) as string;
        payloads.push(dumped);
      }
      await d.b.call('del', 'src');
      const cmds: string[][] = [];
      payloads.forEach((p, i) => {
        cmds.push(
          ['set', `r${i}`, 'old'],
          ['restore', `r${i}`, '0', p],
          ['restore', `r${i}`, '0', p, 'replace'],
          ['get', `r${i}`],
          ['object', 'encoding', `r${i}`],
          ['ttl', `r${i}`],
          ['set', `s${i}`, 'old'],
          ['restore', `s${i}`, '100000', p, 'replace'],
          ['ttl', `s${i}`],
          ['set', `a${i}`, 'old'],
          ['restore', `a${i}`, '4000000000000', p, 'replace', 'absttl'],
          ['pexpiretime', `a${i}`],
          ['set', `x${i}`, 'old'],
          ['restore', `x${i}`, '1', p, 'replace', 'absttl'],
          ['exists', `x${i}`],
          ['restore', `n${i}`, '0', p],
          ['get', `n${i}`],
        );
      });
      assert.equal(await run(d, cmds), null);
    });

    it(`SCAN with a large COUNT returns the same keys and cursor 0 on a small mixed keyspace (RESP${proto})`, async () => {
      await d.both('flushall');
      await d.both('hello', proto);
      const setup = script(`
        set a 1
        set b ${V255}
        set c ${V256}
        set t v ex 100
        rpush l x
        set e ""
      `);
      for (const cmd of setup) await d.both(...cmd);
      for (const args of [[], ['type', 'string'], ['match', '?'], ['type', 'list']]) {
        const [x, y] = await d.both('scan', '0', 'count', '1000', ...args);
        const [cx, kx] = decode(x) as [string, string[]];
        const [cy, ky] = decode(y) as [string, string[]];
        assert.equal(cx, cy, `SCAN 0 COUNT 1000 ${args.join(' ')} cursor`);
        assert.deepEqual([...kx].sort(), [...ky].sort());
      }
    });

    it(
      `OBJECT FREQ after SET/MSET over an existing key counts the write's access (RESP${proto})`,
      async () => {
        await d.both('flushall');
        await d.both('hello', proto);
        const cmds = script(`
          config set maxmemory-policy allkeys-lfu
          set k a
          object freq k
          set k b
          object freq k
          set k2 a
          mset k2 b
          object freq k2
          set k3 a
          set k3 ${V256}
          object freq k3
          set k4 a ex 100
          set k4 b
          object freq k4
        `);
        try {
          assert.equal(await run(d, cmds), null);
        } finally {
          await d.both('config', 'set', 'maxmemory-policy', 'noeviction');
        }
      },
    );
  }

  it('keyspace notifications of writes to packed keys (new, set, overwrite, expired, rename, move, copy)', async () => {
    await d.both('flushall');
    await d.both('config', 'set', 'notify-keyspace-events', 'KEAn');
    const [sx, sy] = await d.connectPair();
    try {
      assert.equal(...(await Promise.all([sx.call('psubscribe', '__key*__:*'), sy.call('psubscribe', '__key*__:*')])));
      const cmds = script(`
        debug set-active-expire 0
        set k v
        set k w
        set k ${V256}
        set p v
        set p w nx
        set p x xx
        mset p 1 q 2
        getset q 3
        getset r 4
        setnx s v
        set e v px 1
        debug sleep 0.01
        set e v
        set a v
        append a x
        set n 1
        incr n
        incr fresh
        set g v
        getdel g
        set g v
        getex g ex 100
        set rn v
        rename rn rn2
        set mv v
        move mv 1
        set cp v
        copy cp cp2
        set dl v
        del dl
        set x v
        expire x 0
        debug set-active-expire 1
      `);
      assert.equal(await run(d, cmds), null);
      const [ex, ey] = await Promise.all([readEvents(sx), readEvents(sy)]);
      assert.deepEqual(ex, ey);
      assert.ok(ey.length > 40);
    } finally {
      sx.close();
      sy.close();
      await d.both('config', 'set', 'notify-keyspace-events', '');
    }
  });

  it('every command of the sweep met a packed key in Cinnabar', () => {
    const missing = MUST_MEET_PACKED.filter((name) => !metPacked.has(name));
    assert.deepEqual(missing, []);
  });
});
