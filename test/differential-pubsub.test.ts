/**
 * Differential tests for Pub/Sub: several clients on each server run the same script, and every client's
 * transcript (replies, subscription confirmations, messages in arrival order) must match Redis byte for byte,
 * in RESP2 (arrays, the subscribed-context rules) and RESP3 (push frames). A seeded fuzzer then drives random
 * subscriptions and publications across five clients.
 *
 * Two things Redis leaves to its hash tables' iteration order are avoided: UNSUBSCRIBE without arguments
 * with several subscriptions of a kind, and PUBSUB CHANNELS listing several channels (a single match is
 * fine), and the fuzzer's patterns never overlap so a message matches at most one pattern of a client.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, rng, useDifferential } from './helpers';
import { Session, sessionScript } from './multi-client';

/** HELLO's reply carries the client id. */
const maskIds = (s: string) => s.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');

const SCRIPTS: Record<string, string> = {
  'subscribe and publish to several subscribers in order': `
    a: subscribe news sport
    b: subscribe news
    c: psubscribe n*
    p: publish news first
    p: publish sport second
    p: publish nothing-here third
    p: publish news fourth
    a: unsubscribe news
    p: publish news fifth
    b: subscribe sport
    p: publish sport sixth
    a: unsubscribe sport
    a: ping
    a: ping hello
    b: unsubscribe sport news
    b: unsubscribe
    c: punsubscribe
    p: publish news nobody
  `,
  'confirmation shapes and counts': `
    a: unsubscribe
    a: punsubscribe
    a: sunsubscribe
    a: unsubscribe x y
    a: punsubscribe x*
    a: subscribe a b a
    a: psubscribe p* p* q?
    a: ssubscribe s1 s2 s1
    a: unsubscribe a zz
    a: punsubscribe p*
    a: sunsubscribe s1 nope
    a: unsubscribe b
    a: punsubscribe q?
    a: ping
    a: sunsubscribe
    a: ping
    a: get x
  `,
  'a client subscribed to a channel and a matching pattern gets both, message first': `
    a: psubscribe ch*
    a: subscribe ch1
    b: psubscribe *1
    p: publish ch1 both
    p: publish ch2 pattern-only
    p: publish x1 other
    a: punsubscribe ch*
    p: publish ch1 again
  `,
  'glob patterns': `
    a: psubscribe h?llo h[ae]y 'w\\*ld' [^x]z 'e\\\\' [a-c]end
    p: publish hello 1
    p: publish hallo 2
    p: publish hey 3
    p: publish hoy 4
    p: publish w*ld 5
    p: publish wXld 6
    p: publish az 7
    p: publish xz 8
    p: publish 'e\\' 9
    p: publish bend 10
    p: publish dend 11
    p: pubsub numpat
  `,
  'shard channels': `
    a: ssubscribe orders
    b: ssubscribe orders invoices
    c: subscribe orders
    p: spublish orders o1
    p: publish orders o2
    p: spublish invoices i1
    p: spublish nobody x
    p: pubsub shardnumsub orders invoices nobody
    p: pubsub shardchannels orders
    p: pubsub shardchannels inv*
    p: pubsub shardchannels nomatch*
    a: sunsubscribe orders
    p: pubsub shardnumsub orders
    b: sunsubscribe invoices
    b: sunsubscribe
  `,
  'PUBSUB introspection': `
    p: pubsub channels
    p: pubsub numsub
    p: pubsub numpat
    p: pubsub shardchannels
    p: pubsub shardnumsub
    a: subscribe alpha
    b: subscribe alpha
    c: psubscribe al* al*
    p: pubsub channels
    p: pubsub channels al*
    p: pubsub channels b*
    p: pubsub numsub alpha beta alpha
    p: pubsub numpat
    p: pubsub channels a b
    p: pubsub numpat x
    p: pubsub help
    p: pubsub foo
    p: pubsub
    p: PUBSUB Channels x y
  `,
  'subscribed context rules and leaving it': `
    a: subscribe ch
    a: get k
    a: set k v
    a: multi
    a: client id
    a: ping
    a: unsubscribe
    a: ping
    a: psubscribe p
    a: reset
    a: ping
    a: publish ch after-reset
    b: subscribe ch
    p: publish ch to-b
    b: quit
    p: publish ch nobody
  `,
  'binary and empty channels and messages': `
    a: subscribe "" "bin\\x00ary" "\\xff\\xfe"
    a: psubscribe "\\x00*"
    p: publish "" empty-channel
    p: publish "bin\\x00ary" ""
    p: publish "\\xff\\xfe" "multi\\r\\nline"
    p: publish "\\x00abc" pattern
    p: pubsub numsub "" "bin\\x00ary"
  `,
  'Pub/Sub inside transactions': `
    a: subscribe t
    p: multi
    p: publish t one
    p: publish t two
    p: exec
    b: multi
    b: subscribe t2
    b: psubscribe t*
    b: ssubscribe s
    b: exec
    p: publish t2 three
    b: unsubscribe t2
    b: punsubscribe
  `,
  'RESET and disconnects drop subscriptions': `
    a: subscribe gone
    a: psubscribe go*
    p: pubsub numsub gone
    p: pubsub numpat
    a: reset
    p: pubsub numsub gone
    p: pubsub numpat
    p: publish gone x
  `,
};

describe('differential: pub/sub', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  for (const proto of ['2', '3']) {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        const s = await Session.open(d, ['a', 'b', 'c', 'p']);
        try {
          for (const n of ['a', 'b', 'c', 'p']) assert.equal(await s.step(n, ['hello', proto], maskIds), null);
          assert.equal(await s.run(sessionScript(text), maskIds), null);
        } finally {
          s.close();
        }
      });
    }
  }

  it('RESP2 and RESP3 subscribers side by side', async () => {
    const s = await Session.open(d, ['two', 'three', 'p']);
    try {
      assert.equal(await s.step('three', ['hello', '3'], maskIds), null);
      const lines = sessionScript(`
        two: subscribe c
        three: subscribe c
        two: psubscribe c*
        three: psubscribe c*
        p: publish c m
        three: unsubscribe
        three: punsubscribe
        three: get k
        p: publish c m2
      `);
      assert.equal(await s.run(lines), null);
    } finally {
      s.close();
    }
  });

  for (const proto of ['2', '3']) {
    it(`fuzz: random subscriptions and publications (RESP${proto})`, async () => {
      const seed = (Date.now() ^ Number(proto)) >>> 0;
      const r = rng(seed);
      const names = ['a', 'b', 'c', 'd', 'p'];
      const s = await Session.open(d, names);
      const channels = ['a1', 'a2', 'bx', 'by', 'cx', 'cz', 'd', ''];
      // Disjoint patterns: a channel matches at most one of them.
      const patterns = ['a*', 'b?', 'c[xy]'];
      const subs = new Map(names.map((n) => [n, { ch: new Set<string>(), pat: new Set<string>(), sh: new Set<string>() }]));
      const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
      try {
        for (const n of names) assert.equal(await s.step(n, ['hello', proto], maskIds), null);
        for (let i = 0; i < 600; i++) {
          const who = pick(names);
          const st = subs.get(who)!;
          const op = r();
          let args: string[];
          if (op < 0.15) {
            const chs = [pick(channels), pick(channels)];
            chs.forEach((c) => st.ch.add(c));
            args = ['subscribe', ...chs];
          } else if (op < 0.25) {
            const p = pick(patterns);
            st.pat.add(p);
            args = ['psubscribe', p];
          } else if (op < 0.3) {
            const c = pick(channels);
            st.sh.add(c);
            args = ['ssubscribe', c];
          } else if (op < 0.4) {
            if (st.ch.size <= 1 && r() < 0.5) {
              st.ch.clear();
              args = ['unsubscribe'];
            } else {
              const c = pick(channels);
              st.ch.delete(c);
              args = ['unsubscribe', c];
            }
          } else if (op < 0.45) {
            if (st.pat.size <= 1 && r() < 0.5) {
              st.pat.clear();
              args = ['punsubscribe'];
            } else {
              const p = pick(patterns);
              st.pat.delete(p);
              args = ['punsubscribe', p];
            }
          } else if (op < 0.5) {
            if (st.sh.size <= 1 && r() < 0.5) {
              st.sh.clear();
              args = ['sunsubscribe'];
            } else {
              const c = pick(channels);
              st.sh.delete(c);
              args = ['sunsubscribe', c];
            }
          } else if (op < 0.8) {
            args = ['publish', pick(channels), `m${i}`];
          } else if (op < 0.87) {
            args = ['spublish', pick(channels), `s${i}`];
          } else if (op < 0.92) {
            args = ['pubsub', 'numsub', pick(channels), pick(channels)];
          } else if (op < 0.95) {
            args = ['pubsub', 'numpat'];
          } else if (op < 0.98) {
            args = ['ping'];
          } else {
            args = ['get', 'k'];
          }
          const diff = await s.step(who, args, maskIds);
          assert.equal(diff, null, `seed ${seed} step ${i}\n${diff}`);
        }
      } finally {
        s.close();
      }
    });
  }
});
