/**
 * Differential tests for the hash commands: each script runs against Cinnabar and a real redis-server, in
 * RESP2 and RESP3, and every reply must match byte for byte (listpack hashes keep Redis's insertion order);
 * replies from hashtable-encoded hashes are compared as sets of elements (see collection-helpers.ts), and
 * OBJECT ENCODING is compared after the writes that may convert. HRANDFIELD's random cases are checked
 * structurally, and keyspace notifications are compared event by event.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script, scriptCases, useDifferential } from './helpers';
import { keyEvents, parseReply, runScript } from './collection-helpers';
import { HashValue } from '../src/types/hash';

const F64 = 'f'.repeat(64);
const F65 = 'f'.repeat(65);
const V64 = 'v'.repeat(64);
const V65 = 'v'.repeat(65);

const SCRIPTS: Record<string, string> = {
  'basic reads and writes': `
    hset h a 1 b 2 c 3
    hset h b 20 d 4
    hget h b
    hget h nosuch
    hget nokey a
    hmget h a nosuch d
    hmget nokey a b
    hlen h
    hlen nokey
    hexists h a
    hexists h nosuch
    hexists nokey a
    hstrlen h b
    hstrlen h nosuch
    hstrlen nokey a
    hkeys h
    hvals h
    hgetall h
    hkeys nokey
    hvals nokey
    hgetall nokey
    hdel h a nosuch
    hgetall h
    hdel h b c d
    exists h
    hdel nokey a
    hset h "" ""
    hget h ""
    hgetall h
    @enc h
  `,
  'hmset and hsetnx': `
    hmset h a 1 b 2
    hmset h a 10
    hgetall h
    hsetnx h a 100
    hsetnx h z 26
    hsetnx newkey f v
    hgetall h
    hgetall newkey
    @enc newkey
  `,
  'insertion order survives updates and deletes': `
    hset h z 1 y 2 x 3 w 4
    hset h y 20
    hdel h x
    hset h x 30 a 0
    hgetall h
    hkeys h
    hvals h
    hscan h 0
  `,
  'arity and syntax errors': `
    hset h
    hset h a
    hset h a 1 b
    hmset h a
    hmset h a 1 b
    hsetnx h a
    hget h
    hmget h
    hdel h
    hlen
    hlen a b
    hkeys
    hvals a b
    hgetall
    hexists h
    hstrlen h
    hincrby h a
    hincrbyfloat h a
    hrandfield
    hscan h
    exists h
  `,
  'wrong type': `
    set s str
    hset s a 1
    hmset s a 1
    hsetnx s a 1
    hget s a
    hmget s a
    hdel s a
    hlen s
    hexists s a
    hstrlen s a
    hkeys s
    hvals s
    hgetall s
    hincrby s a 1
    hincrbyfloat s a 1
    hrandfield s
    hrandfield s 2
    hrandfield s 0
    hrandfield s -2 withvalues
    hscan s 0
    hscan s 0 count 0
    hscan s x
    hincrby s a x
    hincrbyfloat s a x
    hrandfield s x
    hset s a 1 b
  `,
  hincrby: `
    hincrby h n 5
    hincrby h n -10
    hincrby h n 0
    hget h n
    hincrby h n x
    hincrby h n 1.5
    hincrby h n " 1"
    hincrby h n +1
    hincrby h n 01
    hincrby h n 9223372036854775808
    hincrby h big 9223372036854775807
    hincrby h big 1
    hincrby h big -9223372036854775807
    hincrby h small -9223372036854775808
    hincrby h small -1
    hincrby h s16 9007199254740993
    hincrby h s16 1
    hincrby h s16 -9007199254740993
    hset h str abc f 1.5 lz 012 neg0 -0 sp " 1" plus +1 e 1e3
    hincrby h str 1
    hincrby h f 1
    hincrby h lz 1
    hincrby h neg0 1
    hincrby h sp 1
    hincrby h plus 1
    hincrby h e 1
    hgetall h
    hincrby nokey f x
    exists nokey
    hincrby newkey f 7
    hgetall newkey
  `,
  hincrbyfloat: `
    hincrbyfloat h x 0.1
    hincrbyfloat h x 0.2
    hincrbyfloat h x -0.3
    hincrbyfloat h y 1e20
    hincrbyfloat h z 1e-20
    hincrbyfloat h w -1e-20
    hincrbyfloat h v 1.5e3
    hincrbyfloat h u 0x10
    hincrbyfloat h t 5e-324
    hincrbyfloat h r 1e300
    hincrbyfloat h q 3
    hincrbyfloat h q -3
    hincrbyfloat h p -0
    hincrbyfloat h x inf
    hincrbyfloat h x -inf
    hincrbyfloat h x nan
    hincrbyfloat h x abc
    hincrbyfloat h x ""
    hincrbyfloat h x " 1"
    hincrbyfloat h x "1 "
    hincrbyfloat h x 1e5000
    hset h s abc i 10 sp " 1" inf inf big 1e4932 hex 0x1p3 lz 0012
    hincrbyfloat h s 1
    hincrbyfloat h i 1.5
    hincrbyfloat h sp 1
    hincrbyfloat h inf 1
    hincrbyfloat h big 1e4932
    hincrbyfloat h hex 1
    hincrbyfloat h lz 1
    hincrbyfloat nokey f abc
    exists nokey
    hincrbyfloat nokey f inf
    exists nokey
    ~map hgetall h
    @enc h
  `,
  'listpack to hashtable by value size': `
    hset h a ${V64}
    @enc h
    hset h b ${V65}
    @enc h
    hdel h b
    @enc h
    hset h2 ${F64} 1
    @enc h2
    hset h2 ${F65} 1
    @enc h2
    hset h3 a 1 b ${V65}
    @enc h3
    hsetnx h4 ${F65} 1
    @enc h4
    hset h5 a 1
    hsetnx h5 a ${V65}
    @enc h5
    hincrby h6 ${F65} 1
    @enc h6
    hincrbyfloat h7 ${F65} 1.5
    @enc h7
    hset h8 a 1
    hincrbyfloat h8 a 1e60
    @enc h8
    hget h8 a
    hincrbyfloat h8 a 1e60
    @enc h8
    ~map hgetall h
    ~ hkeys h3
    ~ hvals h3
  `,
  'config thresholds': `
    config set hash-max-listpack-entries 3
    hset h a 1 b 2 c 3
    @enc h
    hset h d 4
    @enc h
    hdel h a b c
    @enc h
    hset h2 a 1 b 2 c 3 d 4
    @enc h2
    config set hash-max-listpack-entries 128
    hset h3 a 1 b 2 c 3 d 4
    @enc h3
    config set hash-max-listpack-value 2
    hset h3 e 12
    @enc h3
    hset h3 f 123
    @enc h3
    config set hash-max-listpack-value 64
    config set hash-max-listpack-entries 0
    hset h4 a 1
    @enc h4
    hsetnx h5 a 1
    @enc h5
    config set hash-max-listpack-entries 128
    hincrby h6 a 1
    @enc h6
    ~map hgetall h2
  `,
  'hrandfield deterministic cases': `
    hset h a 1 b 2 c 3
    hrandfield h 3
    hrandfield h 5
    hrandfield h 5 withvalues
    hrandfield h 5 WITHVALUES
    hrandfield h 9223372036854775807
    hrandfield h 0
    hrandfield h 0 withvalues
    hrandfield nokey
    hrandfield nokey 5
    hrandfield nokey -5 withvalues
    hrandfield nokey 0
    hrandfield h x
    hrandfield h 1.5
    hrandfield h -9223372036854775808
    hrandfield h 9223372036854775808
    hrandfield h 4611686018427387904 withvalues
    hrandfield h -4611686018427387904 withvalues
    hrandfield h 4611686018427387903 withvalues
    hrandfield h 1 withvalue
    hrandfield h 1 withvalues x
    hrandfield nokey 1 withvalues x
    hrandfield nokey x
  `,
  'hscan on listpack': `
    hset h a 1 b 2 c 3 ab 4 ba 5 "" 6
    hscan h 0
    hscan h 12345
    hscan h 0 count 1
    hscan h 0 match a*
    hscan h 0 match *a count 100
    hscan h 0 match *
    hscan h 0 match **
    hscan h 0 match zz*
    hscan h 0 MATCH a* COUNT 2 match b*
    hscan h 0 count 0
    hscan h 0 count -1
    hscan h 0 count x
    hscan h 0 count
    hscan h 0 match
    hscan h 0 foo bar
    hscan h 0 novalues
    hscan h x
    hscan h -1
    hscan h ""
    hscan h +5
    hscan h -18446744073709551615
    hscan h 18446744073709551616
    hscan h "0\\x00x"
    hscan h "\\x00"
    hscan h " 1"
    hscan h "1 "
    hscan nokey 0
    hscan nokey 0 count 0
    hscan nokey x
  `,
  'hashtable hashes': `
    config set hash-max-listpack-entries 4
    hset h a 1 b 2 c 3 d 4 e 5 f 6 g 7
    @enc h
    ~map hgetall h
    ~ hkeys h
    ~ hvals h
    hlen h
    hget h e
    hmget h a x g
    hdel h a b
    hincrby h c 10
    hincrbyfloat h d 0.5
    hsetnx h c x
    hsetnx h h 8
    ~map hgetall h
    @scan hscan h
    @scan hscan h match [a-e]
    @scan hscan h count 1
    ~ hrandfield h 100
    ~map hrandfield h 100 withvalues
    hrandfield h 0
    hdel h c d e f g h
    exists h
  `,
};

/** Pass a few fields through big hashes (count/value above the defaults). */
function bigScript(): string {
  const lines: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < 129; i++) args.push(`field:${i}`, String(i));
  lines.push(`hset big ${args.slice(0, 256).join(' ')}`);
  lines.push('@enc big');
  lines.push(`hset big ${args.slice(256).join(' ')}`);
  lines.push('@enc big');
  lines.push('~map hgetall big');
  lines.push('@scan hscan big');
  lines.push('@scan hscan big match field:1*');
  lines.push('@scan hscan big count 1000');
  lines.push('hlen big');
  return lines.join('\n');
}

describe('differential: hashes', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x), { tmpPrefix: 'cinnabar-hash-' });
  const all = { ...SCRIPTS, 'big hashes': bigScript() };
  for (const proto of ['2', '3']) {
    scriptCases(() => d, all, proto, {
      setup: [
        ['config', 'set', 'hash-max-listpack-entries', '128'],
        ['config', 'set', 'hash-max-listpack-value', '64'],
      ],
      run: runScript,
    });
  }

  it('DEBUG RELOAD keeps order and re-derives the encoding like Redis', async () => {
    await d.both('hello', '2');
    await d.both('flushall');
    const text = `
      hset lp z 1 y 2 x 3
      hset ht a ${V65}
      hdel ht a
      hset ht b 1 c 2
      config set hash-max-listpack-entries 2
      hset many a 1 b 2
      config set hash-max-listpack-entries 128
      debug reload
      @enc lp
      @enc ht
      @enc many
      hgetall lp
      ~map hgetall ht
      ~map hgetall many
    `;
    assert.equal(await runScript(d, script(text)), null);
  });

  it('HRANDFIELD random cases have the right shape', async () => {
    for (const proto of [2, 3]) {
      for (const big of [false, true]) {
        await d.both('flushall');
        await d.both('hello', String(proto));
        const n = big ? 300 : 20;
        const args: string[] = [];
        for (let i = 0; i < n; i++) args.push(`f${i}`, `v${i}`);
        const c = d.a;
        await c.call('hset', 'h', ...args);
        await d.b.call('hset', 'h', ...args);
        for (const count of [1, 2, 5, Math.floor(n / 2), n - 1, -1, -5, -(n * 3)]) {
          for (const withValues of [false, true]) {
            const cmd = ['hrandfield', 'h', String(count), ...(withValues ? ['withvalues'] : [])];
            const [x, y] = await d.both(...cmd);
            const rx = parseReply(x);
            const ry = parseReply(y);
            assert.equal(rx.head, ry.head, `${cmd.join(' ')}: header`);
            const items = (r: typeof rx): Array<[string, string]> => {
              const out: Array<[string, string]> = [];
              if (!withValues) for (const ch of r.children) out.push([ch.body.slice(0, -2), '']);
              else if (proto === 3) for (const ch of r.children) out.push([ch.children[0].body.slice(0, -2), ch.children[1].body.slice(0, -2)]);
              else for (let i = 0; i < r.children.length; i += 2) out.push([r.children[i].body.slice(0, -2), r.children[i + 1].body.slice(0, -2)]);
              return out;
            };
            const got = items(rx);
            assert.equal(got.length, Math.abs(count), `${cmd.join(' ')}: count`);
            for (const [f, v] of got) {
              assert.match(f, /^f\d+$/);
              if (withValues) assert.equal(v, 'v' + f.slice(1));
            }
            if (count > 0) assert.equal(new Set(got.map((p) => p[0])).size, got.length, `${cmd.join(' ')}: distinct`);
          }
        }
        const single = await c.call('hrandfield', 'h');
        assert.match(single, /^\$\d+\r\nf\d+\r\n$/);
      }
    }
    // Repeats really are random: 200 picks from 20 fields hit more than one field.
    const r = parseReply(await d.a.call('hrandfield', 'h', '-200'));
    assert.ok(new Set(r.children.map((ch) => ch.body)).size > 1);
  });

  it('keyspace notifications match', async () => {
    const text = `
      hset h a 1 b 2
      hset h a 1
      hmset h c 3
      hsetnx h a 1
      hsetnx h d 4
      hincrby h n 1
      hincrbyfloat h x 1.5
      hincrby h a x
      hdel h nosuch
      hdel h a b
      hdel h c d n x
      hdel h a
      hincrbyfloat h2 f 1
      del h2
    `;
    const [events, expected] = await keyEvents(d, text);
    assert.deepEqual(events, expected);
  });
});

describe('HashValue (no server)', () => {
  it('clone is a deep copy with the same order and encoding', () => {
    const h = new HashValue();
    h.set('b', '1', 128, 64);
    h.set('a', '2', 128, 64);
    const c = h.clone();
    c.set('a', 'changed', 128, 64);
    c.delete('b');
    assert.equal(h.get('a'), '2');
    assert.deepEqual(h.toRdb(), { type: 'hash', entries: [['b', '1'], ['a', '2']] });
    h.set('long', V65, 128, 64);
    const big = h.clone();
    assert.equal(big.encoding(), 'hashtable');
    big.set('x', 'y', 128, 64);
    assert.equal(h.get('x'), null);
    assert.equal(big.length, 4);
  });

  it('toRdb and fromEntries round trip, converting like rdbLoadObject', () => {
    const h = new HashValue();
    for (let i = 0; i < 10; i++) h.set(`f${i}`, String(i), 128, 64);
    const rdb = h.toRdb() as { type: 'hash'; entries: Array<[string, string]> };
    const back = HashValue.fromEntries(rdb.entries, 128, 64);
    assert.equal(back.encoding(), 'listpack');
    assert.deepEqual(back.toRdb(), rdb);
    assert.equal(HashValue.fromEntries(rdb.entries, 9, 64).encoding(), 'hashtable');
    assert.equal(HashValue.fromEntries([['a', V65]], 128, 64).encoding(), 'hashtable');
    assert.ok(h.memoryUsage() > 0);
  });
});
