/**
 * Differential tests for the set commands: each script runs against Cinnabar and a real redis-server, in
 * RESP2 and RESP3, and every reply must match byte for byte (intsets reply in ascending order, including the
 * results Redis builds as fresh intsets: SUNION, SDIFF, SPOP of the whole set); replies from
 * hashtable-encoded sets are compared as sets of elements (see collection-helpers.ts), and OBJECT ENCODING is
 * compared after the writes that may convert. SPOP/SRANDMEMBER's random cases are checked structurally, and
 * keyspace notifications are compared event by event.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script, scriptCases, useDifferential } from './helpers';
import { keyEvents, parseReply, runScript } from './collection-helpers';
import { SetValue } from '../src/types/set';

const SCRIPTS: Record<string, string> = {
  'basic reads and writes': `
    sadd s 3 1 2
    sadd s 2 5 -1
    smembers s
    @enc s
    scard s
    scard nokey
    sismember s 2
    sismember s 4
    sismember s x
    sismember nokey 1
    smismember s 1 4 x 5
    smismember nokey a b
    smembers nokey
    srem s 1 4 x
    smembers s
    srem s 2 3 5 -1 7
    exists s
    srem nokey a
    sadd t a
    @enc t
    sadd t b c a
    ~ smembers t
    sadd e ""
    smembers e
    @enc e
  `,
  'intset membership is string2ll': `
    sadd s 1 01 +1 " 1" "1 " -0 0 1.0 0x1
    @enc s
    ~ smembers s
    sadd i 9223372036854775807 -9223372036854775808 9007199254740993 9007199254740992 -9007199254740993 9999999999999999 0 -1
    @enc i
    smembers i
    sismember i 9223372036854775807
    sismember i 9007199254740993
    sismember i 9007199254740994
    sismember i 09
    srem i 9007199254740993 9999999999999999
    smembers i
    sadd j 9223372036854775808
    @enc j
    sadd k -9223372036854775809
    @enc k
    sadd l 100 -100 50 -50 0 1000000 -1000000 3000000000 -3000000000
    smembers l
    sscan l 0
  `,
  'intset to hashtable': `
    sadd s 1 2 3
    sadd s a
    @enc s
    srem s a
    @enc s
    ~ smembers s
    config set set-max-intset-entries 3
    sadd s2 1 2 3
    @enc s2
    sadd s2 4
    @enc s2
    sadd s3 1 2 3 4
    @enc s3
    config set set-max-intset-entries 0
    sadd s4 1
    @enc s4
    config set set-max-intset-entries 512
  `,
  'arity and syntax errors': `
    sadd s
    sadd
    srem s
    smove s d
    sismember s
    smismember s
    scard
    smembers
    smembers a b
    spop
    spop s 1 2
    srandmember
    srandmember s 1 2
    sinter
    sintercard
    sintercard 1
    sinterstore d
    sunion
    sunionstore d
    sdiff
    sdiffstore d
    sscan s
  `,
  'wrong type': `
    set str x
    sadd s 1
    sadd str a
    srem str a
    smove str s 1
    smove s str 1
    smove nokey str 1
    smove str str 1
    sismember str a
    smismember str a
    scard str
    smembers str
    spop str
    spop str 2
    spop str 0
    spop str -1
    srandmember str
    srandmember str 2
    srandmember str x
    sinter s str
    sinter nokey str
    sinter str nokey
    sintercard 2 s str
    sinterstore d s str
    sunion s str
    sunion nokey str
    sunionstore d s str
    sdiff s str
    sdiff str s
    sdiffstore d s str
    sscan str 0
    sscan str x
    smembers s
  `,
  smove: `
    sadd a 1 2 3
    sadd b x
    smove a b 1
    smembers a
    ~ smembers b
    smove a b nosuch
    smove nokey b 1
    smove a a 2
    smove a a 9
    smove a c 2
    smembers c
    @enc c
    smove a d 3
    exists a
    sadd e y
    smove b e x
    @enc e
    sadd f 5 6
    sadd g z
    smove g f z
    @enc f
    exists g
    smove f f 5
  `,
  'spop and srandmember deterministic cases': `
    sadd s 5 3 1
    srandmember s 3
    srandmember s 10
    srandmember s 0
    srandmember s -0
    srandmember nokey
    srandmember nokey 5
    srandmember nokey -5
    srandmember nokey 0
    srandmember s x
    srandmember s 1.5
    srandmember s -9223372036854775808
    srandmember s 9223372036854775808
    srandmember s 9223372036854775807
    spop nokey
    spop nokey 3
    spop s 0
    spop s -1
    spop s x
    spop s 9223372036854775808
    spop s 3
    exists s
    sadd t 5 3 x 1
    srem t x
    spop t 10
    sadd u 1
    spop u
    exists u
    sadd v 1 2
    spop v 1000
    exists v
  `,
  'sinter family': `
    sadd a 1 2 3 4 5
    sadd b 2 3 4 5 6
    sadd c 5 4 3
    sadd x a b c 3 4
    sinter a b c
    sinter c b a
    sinter a
    sinter a nokey
    sinter nokey a
    sinter a a
    ~ sinter x a
    ~ sinter a x
    sintercard 3 a b c
    sintercard 2 a b
    sintercard 2 a b limit 2
    sintercard 2 a b limit 0
    sintercard 2 a b LIMIT 100
    sintercard 1 nokey
    sintercard 2 a nokey
    sintercard 0 a
    sintercard -1 a
    sintercard x a
    sintercard 9223372036854775808 a
    sintercard 3 a b
    sintercard 2 a b limit -1
    sintercard 2 a b limit x
    sintercard 2 a b limit
    sintercard 2 a b foo
    sintercard 2 a b limit 1 limit 2
    sinterstore d a b c
    smembers d
    @enc d
    sinterstore d a nokey
    exists d
    sinterstore d2 x a
    smembers d2
    @enc d2
    sadd d3 q
    expire d3 100
    sinterstore d3 a b
    ttl d3
    smembers d3
    sinterstore a a b
    smembers a
    sinterstore e nokey
    exists e
  `,
  'sunion and sdiff': `
    sadd a 5 1 3
    sadd b 4 2 3
    sadd c x y
    sadd h 3 z
    srem h z
    sunion a b
    sunion b a nokey
    sunion nokey
    ~ sunion a c
    sunion h a
    sdiff a b
    sdiff b a
    sdiff a nokey
    sdiff nokey a
    sdiff a a
    sdiff a b a
    ~ sdiff c a
    sunionstore d a b
    smembers d
    @enc d
    sunionstore d c
    @enc d
    sdiffstore d a b
    smembers d
    @enc d
    sdiffstore d a a
    exists d
    sunionstore d nokey
    exists d
    sadd m 1 2 3 4 5 6 7 8 9 10 z
    srem m z
    sadd n 1
    sadd o 2
    sdiff m n o
    sdiffstore r m n o
    @enc r
    sadd p 1 2 q
    sadd q q
    sdiff p q
    sdiffstore r p q
    @enc r
    sadd big 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
    sadd w q 1
    sdiff w big
    sdiffstore r w big
    @enc r
    sunionstore a a b
    smembers a
  `,
  sscan: `
    sadd s 10 2 33 4 -5
    sscan s 0
    sscan s 99
    sscan s 0 match 3*
    sscan s 0 match -*
    sscan s 0 count 1
    sscan s 0 match * count 1000
    sscan s 0 count 0
    sscan s 0 count x
    sscan s 0 match
    sscan s 0 type string
    sscan s x
    sscan s -1
    sscan s ""
    sscan s 18446744073709551616
    sscan s "0\\x00x"
    sscan s "\\x00"
    sscan nokey 0
    sscan nokey 0 foo
    sadd t a b c ab ba
    @scan sscan t
    @scan sscan t match a*
    @scan sscan t count 1
  `,
};

/** Big sets: past 512 integers, and a big hashtable. */
function bigScript(): string {
  const ints: string[] = [];
  for (let i = 0; i < 513; i++) ints.push(String(i * 7 - 1000));
  const strs: string[] = [];
  for (let i = 0; i < 300; i++) strs.push(`m${i}`);
  return `
    sadd i ${ints.slice(0, 512).join(' ')}
    @enc i
    smembers i
    sscan i 0
    sadd i ${ints[512]}
    @enc i
    ~ smembers i
    @scan sscan i
    @scan sscan i match 1*
    sadd s ${strs.join(' ')}
    scard s
    ~ smembers s
    @scan sscan s
    @scan sscan s count 50
    sintercard 2 s i
    ~ sunion s i
    sunionstore u s i
    scard u
    @enc u
    sdiffstore v i s
    @enc v
    ~ smembers v
    srem i ${ints.slice(10).join(' ')}
    @enc i
    spop i 100
    exists i
  `;
}

describe('differential: sets', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x), { tmpPrefix: 'cinnabar-set-' });
  const all = { ...SCRIPTS, 'big sets': bigScript() };
  for (const proto of ['2', '3']) {
    scriptCases(() => d, all, proto, { setup: [['config', 'set', 'set-max-intset-entries', '512']], run: runScript });
  }

  it('DEBUG RELOAD keeps members and re-derives the encoding like Redis', async () => {
    await d.both('hello', '2');
    await d.both('flushall');
    const text = `
      sadd i 3 1 2
      sadd h 3 1 x
      srem h x
      sadd s a b c
      config set set-max-intset-entries 2
      sadd over 1 2
      config set set-max-intset-entries 512
      debug reload
      @enc i
      @enc h
      @enc s
      @enc over
      smembers i
      smembers h
      ~ smembers s
      ~ smembers over
    `;
    assert.equal(await runScript(d, script(text)), null);
  });

  it('SPOP and SRANDMEMBER random cases have the right shape', async () => {
    for (const proto of [2, 3]) {
      for (const kind of ['intset', 'hashtable', 'big']) {
        await d.both('hello', String(proto));
        const n = kind === 'big' ? 600 : 30;
        const members: string[] = [];
        for (let i = 0; i < n; i++) members.push(kind === 'hashtable' ? `m${i}` : String(i));
        const all = new Set(members);
        for (const count of [1, 2, 5, Math.floor(n / 2), n - 1, -1, -5, -(n * 3)]) {
          await d.both('del', 's');
          await d.both('sadd', 's', ...members);
          const [x, y] = await d.both('srandmember', 's', String(count));
          const rx = parseReply(x);
          assert.equal(rx.head, parseReply(y).head, `srandmember ${count}: header`);
          const got = rx.children.map((ch) => ch.body.slice(0, -2));
          for (const m of got) assert.ok(all.has(m), `srandmember ${count}: ${m} is a member`);
          if (count > 0) assert.equal(new Set(got).size, got.length, `srandmember ${count}: distinct`);
          if (count <= 0) continue;
          const [px, py] = await d.both('spop', 's', String(count));
          const popped = parseReply(px);
          assert.equal(popped.head, parseReply(py).head, `spop ${count}: header`);
          const gone = popped.children.map((ch) => ch.body.slice(0, -2));
          assert.equal(new Set(gone).size, count, `spop ${count}: distinct`);
          for (const m of gone) assert.ok(all.has(m));
          const left = parseReply(await d.a.call('smembers', 's')).children.map((ch) => ch.body.slice(0, -2));
          assert.equal(left.length, n - count, `spop ${count}: the rest stays`);
          for (const m of left) assert.ok(!gone.includes(m));
          const [ex, ey] = [await d.a.call('debug', 'object', 's'), await d.b.call('debug', 'object', 's')];
          assert.equal(/encoding:(\S+)/.exec(ex)?.[1], /encoding:(\S+)/.exec(ey)?.[1], `spop ${count}: encoding`);
        }
        const [one] = await d.both('spop', 's');
        assert.match(one, /^\$\d+\r\n.+\r\n$/);
        const [rnd] = await d.both('srandmember', 's');
        assert.match(rnd, /^\$\d+\r\n.+\r\n$/);
      }
    }
    // A survivor set rebuilt by SPOP (most members popped) takes the encoding of what is left.
    await d.both('hello', '2');
    await d.both('del', 's');
    await d.both('sadd', 's', 'x', ...Array.from({ length: 99 }, (_, i) => String(i)));
    await d.both('srem', 's', 'x');
    await d.both('spop', 's', '95');
    const enc = await d.a.call('debug', 'object', 's');
    assert.match(enc, /encoding:intset/);
  });

  it('keyspace notifications match', async () => {
    const text = `
      sadd s 1 2 3
      sadd s 1
      srem s 9
      srem s 1
      smove s t 2
      smove s t 9
      smove s s 3
      smove s t 3
      sadd a 1 2
      sadd b 2 3
      sinterstore d a b
      sinterstore d a nokey
      sinterstore d a nokey
      sunionstore d a b
      sdiffstore d a b
      sdiffstore d a a
      sadd p 1 2 3 4 5
      spop p 0
      spop p 2
      spop p 10
      sadd q 1
      spop q
      sadd r 1 2 3 4 5 6 7 8 9 10
      spop r 9
      del r t
    `;
    const [events, expected] = await keyEvents(d, text);
    assert.deepEqual(events, expected);
  });
});

describe('SetValue (no server)', () => {
  it('clone is a deep copy with the same order and encoding', () => {
    const s = SetValue.createFor('3');
    for (const m of ['3', '1', '2']) s.add(m, 512);
    const c = s.clone();
    c.add('0', 512);
    c.remove('3');
    assert.deepEqual(s.toArray(), ['1', '2', '3']);
    assert.deepEqual(c.toArray(), ['0', '1', '2']);
    s.add('x', 512);
    const h = s.clone();
    assert.equal(h.encoding(), 'hashtable');
    h.remove('x');
    assert.ok(s.has('x'));
    assert.ok(!h.has('x'));
  });

  it('toRdb and fromMembers round trip, converting like rdbLoadObject', () => {
    const s = SetValue.emptyIntset();
    for (const m of ['9223372036854775807', '-9223372036854775808', '9007199254740993', '5']) s.add(m, 512);
    const rdb = s.toRdb() as { type: 'set'; members: string[] };
    assert.deepEqual(rdb.members, ['-9223372036854775808', '5', '9007199254740993', '9223372036854775807']);
    assert.equal(SetValue.fromMembers(rdb.members, 512).encoding(), 'intset');
    assert.equal(SetValue.fromMembers(rdb.members, 3).encoding(), 'hashtable');
    assert.equal(SetValue.fromMembers(['1', 'a'], 512).encoding(), 'hashtable');
    assert.ok(s.memoryUsage() > 0);
  });
});
