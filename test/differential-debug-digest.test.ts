/**
 * Differential tests for DEBUG DIGEST and DEBUG DIGEST-VALUE: the same dataset must give the same SHA1
 * signatures on Cinnabar and on a real redis-server (started with enable-debug-command yes). The digests are
 * independent of hash-table order, so any divergence means a value, a type code, a score's text, the TTL
 * marker or the db-id mixing differs from debug.c. Scripts cover every type and encoding, TTLs, several dbs,
 * missing keys, DEBUG RELOAD, logically expired keys; a seeded fuzzer builds random datasets.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, rng, scriptCases, useDifferential } from './helpers';

// A fixed absolute time far in the future (year 3000), so both servers hold the same TTL.
const AT = '32503680000000';

const SCRIPTS: Record<string, string> = {
  'empty dataset and missing keys': `
    debug digest
    debug digest-value
    debug digest-value missing
    debug digest-value a b c
    select 3
    debug digest
    DEBUG DIGEST
    Debug Digest-Value x
    debug digest extra
    debug digest-valuex k
  `,
  strings: `
    set s hello
    debug digest-value s
    set i 12345
    set n -7
    set big 9223372036854775807
    set lead 0123
    set e ""
    set bin "\\x00\\xff\\r\\n\\x80abc"
    set long ${'x'.repeat(100)}
    incrbyfloat f 1.5
    append s " world"
    setrange big 0 1
    debug digest-value s i n big lead e bin long f missing
    debug digest
  `,
  lists: `
    rpush l a b c 1 2 -3 ""
    debug digest-value l
    lpush l2 c b a
    rpush l3 a b c
    debug digest-value l2 l3
    rpush big ${Array.from({ length: 200 }, (_, i) => `element-${i}`).join(' ')}
    rpush big ${'y'.repeat(10000)}
    debug digest-value big
    lpop big
    debug digest-value big
    debug digest
  `,
  sets: `
    sadd si 1 2 3 -5 100000
    object encoding si
    debug digest-value si
    sadd sh a b c 1 "\\x00"
    object encoding sh
    debug digest-value sh
    sadd sj 3 1 2
    sadd sk 1 2 3
    debug digest-value sj sk
    sadd sbig ${Array.from({ length: 600 }, (_, i) => i).join(' ')}
    object encoding sbig
    debug digest-value sbig
    srem sbig 5
    debug digest-value sbig
    sadd si x
    debug digest-value si
    debug digest
  `,
  zsets: `
    zadd z 0.1 a 1 b -0 c 2.5 d inf e -inf f 1e300 g 3.0000000000000004 h 12345 1 -1.5e-7 2
    object encoding z
    debug digest-value z
    zadd zs ${Array.from({ length: 150 }, (_, i) => `${i / 7} m${i}`).join(' ')}
    object encoding zs
    debug digest-value zs
    zadd zl 1 ${'m'.repeat(100)} 0.1 a -0 b 4611686018427387904 c 4611686018427387905 d
    object encoding zl
    debug digest-value zl
    zadd zp 4611686018427387904 c 4611686018427387905 d -0 b
    debug digest-value zp
    zincrby z 0.2 a
    debug digest-value z
    debug digest
  `,
  hashes: `
    hset h f v n 1 e "" bin "\\x00\\xff"
    object encoding h
    debug digest-value h
    hset h2 bin "\\x00\\xff" e "" n 1 f v
    debug digest-value h2
    hset hl f ${'v'.repeat(100)} g 2
    object encoding hl
    debug digest-value hl
    hset hb ${Array.from({ length: 200 }, (_, i) => `f${i} ${i * 3}`).join(' ')}
    object encoding hb
    debug digest-value hb
    hincrbyfloat hb f1 0.5
    debug digest-value hb
    debug digest
  `,
  'keys with TTLs': `
    set s v
    rpush l a
    sadd st 1
    zadd z 1 a
    hset h f v
    debug digest
    debug digest-value s l st z h
    pexpireat s ${AT}
    pexpireat l ${AT}
    pexpireat st ${AT}
    pexpireat z ${AT}
    pexpireat h ${AT}
    debug digest-value s l st z h
    debug digest
    pexpireat s ${Number(AT) + 12345}
    debug digest-value s
    debug digest
    persist s
    debug digest-value s
    debug digest
  `,
  'several dbs': `
    set k v
    debug digest
    select 1
    debug digest
    debug digest-value k
    set k v
    debug digest
    select 0
    del k
    debug digest
    select 15
    set other 1
    debug digest
    move other 2
    debug digest
    swapdb 1 2
    debug digest
    select 2
    debug digest-value k other
    select 1
    debug digest-value k other
    flushdb
    debug digest
    flushall
    debug digest
  `,
  'digest survives DEBUG RELOAD': `
    set s hello
    set i 42
    rpush l a b c
    sadd si 1 2 3
    sadd ss a b c
    zadd z 0.1 a 2 b
    zadd zb ${Array.from({ length: 140 }, (_, i) => `${i}.25 m${i}`).join(' ')}
    hset h f v g w
    pexpireat s ${AT}
    select 4
    set four 4
    debug digest
    debug reload
    debug digest
    select 0
    debug digest-value s i l si ss z zb h
  `,
  'logically expired keys': `
    debug set-active-expire 0
    set gone v px 1
    set stay v
    debug sleep 0.02
    debug digest
    debug digest-value gone stay
    exists gone
    debug digest
    debug digest-value gone
    debug set-active-expire 1
  `,
};

/** One random command over a few keys of each type, values drawn to hit every encoding. */
function randomCommand(r: () => number): string[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const n = (m: number) => Math.floor(r() * m);
  const elem = (): string =>
    pick([() => String(n(1000) - 500), () => `e${n(50)}`, () => 'x'.repeat(n(80)), () => '\x00\xff' + String(n(9)), () => ''])();
  const score = (): string => pick([() => String(n(100)), () => (r() * 100 - 50).toString(), () => pick(['inf', '-inf', '0.1', '-0', '1e-300'])])();
  const k = (p: string) => `${p}${n(4)}`;
  switch (n(14)) {
    case 0:
      return ['set', k('s'), elem()];
    case 1:
      return ['rpush', k('l'), elem(), elem()];
    case 2:
      return ['lpush', k('l'), elem()];
    case 3:
      return ['sadd', k('t'), elem(), String(n(2000)), String(n(30))];
    case 4:
      return ['srem', k('t'), elem(), String(n(30))];
    case 5:
      return ['zadd', k('z'), score(), elem(), score(), `m${n(40)}`];
    case 6:
      return ['zrem', k('z'), `m${n(40)}`];
    case 7:
      return ['hset', k('h'), `f${n(40)}`, elem(), elem(), elem()];
    case 8:
      return ['hdel', k('h'), `f${n(40)}`];
    case 9:
      return ['pexpireat', pick([k('s'), k('l'), k('t'), k('z'), k('h')]), String(Number(AT) + n(1000))];
    case 10:
      return ['persist', pick([k('s'), k('l'), k('t'), k('z'), k('h')])];
    case 11:
      return ['select', String(n(3))];
    case 12:
      return ['del', pick([k('s'), k('l'), k('t'), k('z'), k('h')])];
    default:
      return ['incrbyfloat', `f${n(3)}`, (r() * 10).toFixed(n(4))];
  }
}

const ALL_KEYS = ['s', 'l', 't', 'z', 'h'].flatMap((p) => [0, 1, 2, 3].map((i) => `${p}${i}`)).concat(['f0', 'f1', 'f2']);

describe('differential: DEBUG DIGEST / DIGEST-VALUE', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x), { tmpPrefix: 'cinnabar-digest-' });
  for (const proto of ['2', '3']) {
    scriptCases(() => d, SCRIPTS, proto);
  }

  it('seeded random datasets', async () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1e9);
    const r = rng(seed);
    for (let round = 0; round < 6; round++) {
      await d.both('flushall');
      await d.both('hello', round % 2 === 0 ? '2' : '3');
      const cmds: string[][] = [];
      for (let i = 0; i < 400; i++) {
        cmds.push(randomCommand(r));
        if (i % 50 === 49) cmds.push(['debug', 'digest'], ['debug', 'digest-value', ...ALL_KEYS]);
      }
      cmds.push(['debug', 'digest']);
      for (let db = 0; db < 3; db++) cmds.push(['select', String(db)], ['debug', 'digest-value', ...ALL_KEYS]);
      const diff = await d.run(cmds);
      assert.equal(diff, null, `seed ${seed}, round ${round}: ${diff}`);
    }
  });
});
