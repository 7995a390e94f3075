/**
 * Differential tests for transactions: MULTI/EXEC/DISCARD/WATCH/UNWATCH scripts across clients (queue-time
 * errors, runtime errors in place, RESP3 replies inside EXEC, every kind of write that must break a WATCH,
 * expiry before and at EXEC), compared byte for byte with Redis in RESP2 and RESP3; a seeded fuzzer of
 * random transactions with a second client writing the watched keys; and a concurrency test where many
 * clients race optimistic increments and none may be lost.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, RawConnection, hasRedis, rng, startCinnabar, useDifferential } from './helpers';
import { Session, sessionScript } from './multi-client';
import { hasCommand } from './keys-support';

const maskIds = (s: string) => s.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SCRIPTS: Record<string, string> = {
  'queueing, EXEC and DISCARD': `
    a: exec
    a: discard
    a: multi
    a: exec
    a: multi
    a: set k 1
    a: incr k
    a: get k
    a: exec
    a: multi
    a: set k 2
    a: discard
    a: get k
    a: multi
    a: multi
    a: watch k
    a: incr k
    a: exec
  `,
  'queue-time errors abort with EXECABORT': `
    a: set k 1
    a: multi
    a: incr k
    a: nosuchcommand x
    a: incr k
    a: exec
    a: get k
    a: multi
    a: set k
    a: exec
    a: multi
    a: client nosuch
    a: exec
    a: multi
    a: exec extra
    a: exec
    a: exec extra
  `,
  'runtime errors are replied in place': `
    a: set s abc
    a: multi
    a: incr s
    a: set n 10
    a: incr n
    a: lpush s x
    a: incrby n notanumber
    a: get n
    a: exec
  `,
  'replies of every shape inside EXEC': `
    a: del h l z st
    a: hset h f1 v1 f2 v2
    a: rpush l a b c
    a: zadd z 1 one 2.5 two
    a: sadd st m
    a: multi
    a: hgetall h
    a: lrange l 0 -1
    a: zrange z 0 -1 withscores
    a: zscore z two
    a: smembers st
    a: get nosuchkey
    a: lpop nosuchlist
    a: ttl l
    a: exists h l
    a: exec
  `,
  'WATCH is broken by other clients writes': `
    a: set k 1
    a: watch k
    b: set k 2
    a: multi
    a: set k 3
    a: exec
    a: get k
    a: watch k
    b: get k
    a: multi
    a: set k 4
    a: exec
    a: watch missing
    b: set missing now
    a: multi
    a: exec
    a: watch k
    b: expire k 100
    a: multi
    a: exec
    a: watch k
    b: del k
    a: multi
    a: exec
    a: watch k
    b: del k
    a: multi
    a: exec
  `,
  'WATCH and writes of every type': `
    a: watch l
    b: rpush l x
    a: multi
    a: exec
    a: watch h
    b: hset h f v
    a: multi
    a: exec
    a: watch st
    b: sadd st x
    a: multi
    a: exec
    a: watch z
    b: zadd z 1 x
    a: multi
    a: exec
    a: watch st
    b: sadd st x
    a: multi
    a: exec
    a: watch s
    b: append s tail
    a: multi
    a: exec
    a: watch s
    b: setrange s 0 X
    a: multi
    a: exec
    a: watch s
    b: persist s
    a: multi
    a: exec
  `,
  'WATCH and keyspace-wide commands': `
    a: set k v
    a: watch k
    b: rename k k2
    a: multi
    a: exec
    a: watch k2
    b: move k2 1
    a: multi
    a: exec
    a: set k v
    a: watch k
    b: flushdb
    a: multi
    a: exec
    a: watch nothere
    b: flushdb
    a: multi
    a: exec
    a: set k v
    a: watch k
    b: flushall
    a: multi
    a: exec
    a: set k v
    a: watch k
    b: swapdb 0 1
    a: multi
    a: exec
    b: swapdb 0 1
    a: watch onlyin1
    b: select 1
    b: set onlyin1 v
    b: swapdb 0 1
    a: multi
    a: exec
    b: flushall
  `,
  'WATCH in several databases, UNWATCH and RESET': `
    a: select 2
    a: watch k
    a: select 0
    a: watch k
    b: select 2
    b: set k v
    a: multi
    a: exec
    a: watch k
    a: unwatch
    b: select 0
    b: set k v
    a: multi
    a: exec
    a: watch k
    b: set k v2
    a: unwatch
    a: multi
    a: exec
    a: watch k
    a: multi
    a: unwatch
    a: exec
    a: multi
    a: set x 1
    a: reset
    a: exec
    a: get x
    a: watch k
    b: set k v3
    a: reset
    a: multi
    a: exec
  `,
  'a transaction that writes its own watched key succeeds': `
    a: watch k
    a: set k mine
    a: multi
    a: get k
    a: exec
    a: watch k
    a: multi
    a: set k queued
    a: exec
    a: get k
  `,
  'EXEC in the RESP2 subscribed context': `
    a: subscribe ch
    a: multi
    a: exec
    a: unsubscribe ch
    a: multi
    a: subscribe ch2
    a: exec
    a: unsubscribe
  `,
};

describe('differential: transactions', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  for (const proto of ['2', '3']) {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      const lines = sessionScript(text);
      const missing = [...new Set(lines.map(([, a]) => a[0].toLowerCase()))].filter((c) => !hasCommand(c) && c !== 'nosuchcommand');
      it(`${name} (RESP${proto})`, { skip: missing.length > 0 && `not implemented yet: ${missing.join(' ')}` }, async () => {
        const s = await Session.open(d, ['a', 'b']);
        try {
          await d.both('flushall');
          for (const n of ['a', 'b']) assert.equal(await s.step(n, ['hello', proto], maskIds), null);
          assert.equal(await s.run(lines, maskIds), null);
        } finally {
          s.close();
        }
      });
    }
  }

  it('blocking commands inside MULTI do not block', { skip: !hasCommand('blpop') && 'no BLPOP yet' }, async () => {
    const s = await Session.open(d, ['a']);
    try {
      await d.both('flushall');
      const lines = sessionScript(`
        a: multi
        a: blpop nolist 0
        a: brpoplpush nolist other 0
        a: rpush l x
        a: blpop l 0
        a: exec
      `);
      assert.equal(await s.run(lines), null);
    } finally {
      s.close();
    }
  });

  describe('WATCH and expiry', () => {
    // With active expiry off, an expired key stays stored until someone looks at it, so each case below is
    // deterministic on both servers.
    let s: Session;
    before(async () => {
      s = await Session.open(d, ['a', 'b']);
      await d.both('flushall');
      await d.both('debug', 'set-active-expire', '0');
    });
    after(async () => {
      await d.both('debug', 'set-active-expire', '1');
      s.close();
    });

    it('a watched key that expires before EXEC fails the transaction', async () => {
      assert.equal(await s.run(sessionScript(`
        a: set k v px 150
        a: watch k
        a: multi
        a: get k
      `)), null);
      await sleep(250);
      assert.equal(await s.run(sessionScript('a: exec')), null);
    });

    it('a key already expired when WATCHed does not fail EXEC', async () => {
      assert.equal(await s.run(sessionScript('a: set k v px 50')), null);
      await sleep(120);
      assert.equal(await s.run(sessionScript(`
        a: watch k
        a: multi
        a: exists k
        a: exec
      `)), null);
    });

    it('deleting an already expired watched key is no change; recreating it is', async () => {
      assert.equal(await s.run(sessionScript('a: set k v px 50')), null);
      await sleep(120);
      assert.equal(await s.run(sessionScript(`
        a: watch k
        b: get k
        a: multi
        a: exec
      `)), null);
      assert.equal(await s.run(sessionScript('a: set k v px 50')), null);
      await sleep(120);
      assert.equal(await s.run(sessionScript(`
        a: watch k
        b: set k fresh
        a: multi
        a: exec
        a: watch k
        b: flushdb
        a: multi
        a: exec
      `)), null);
    });

    it('expiry by the active cycle breaks a WATCH', async () => {
      await d.both('debug', 'set-active-expire', '1');
      assert.equal(await s.run(sessionScript(`
        a: set k v px 100
        a: watch k
      `)), null);
      await sleep(400);
      assert.equal(await s.run(sessionScript(`
        a: multi
        a: exec
        a: exists k
      `)), null);
      await d.both('debug', 'set-active-expire', '0');
    });
  });

  for (const proto of ['2', '3']) {
    it(`fuzz: random transactions with a concurrent writer (RESP${proto})`, async () => {
      const seed = (Date.now() ^ (Number(proto) << 8)) >>> 0;
      const r = rng(seed);
      const s = await Session.open(d, ['a', 'b']);
      const keys = ['k1', 'k2', 'k3', 'l1', 'h1'];
      const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
      const write = (): string[] => {
        const k = pick(keys);
        switch (Math.floor(r() * 9)) {
          case 0: return ['set', k, String(Math.floor(r() * 100))];
          case 1: return ['incr', k];
          case 2: return ['del', k];
          case 3: return ['rpush', k, 'x'];
          case 4: return ['hset', k, 'f', 'v'];
          case 5: return ['append', k, 'z'];
          case 6: return ['expire', k, '100'];
          case 7: return ['lpop', k];
          default: return ['getset', k, 'g'];
        }
      };
      const read = (): string[] => {
        const k = pick(keys);
        return pick([['get', k], ['exists', k], ['type', k], ['lrange', k, '0', '-1'], ['hgetall', k], ['ttl', k]]);
      };
      let inMulti = false;
      try {
        await d.both('flushall');
        for (const n of ['a', 'b']) assert.equal(await s.step(n, ['hello', proto], maskIds), null);
        for (let i = 0; i < 800; i++) {
          let who = 'a';
          let args: string[];
          const op = r();
          if (op < 0.25) {
            who = 'b';
            args = r() < 0.7 ? write() : read();
          } else if (!inMulti) {
            if (op < 0.45) args = ['watch', pick(keys), pick(keys)];
            else if (op < 0.5) args = ['unwatch'];
            else if (op < 0.75) {
              args = ['multi'];
              inMulti = true;
            } else if (op < 0.8) args = [pick(['exec', 'discard'])];
            else args = r() < 0.5 ? write() : read();
          } else {
            if (op < 0.35) {
              args = [pick(['exec', 'exec', 'discard'])];
              inMulti = false;
            } else if (op < 0.38) args = ['nosuchcmd', 'x'];
            else if (op < 0.41) args = ['set', 'onlykey'];
            else if (op < 0.43) args = ['watch', 'k1'];
            else if (op < 0.45) args = ['multi'];
            else if (op < 0.47) args = ['select', pick(['0', '1'])];
            else args = r() < 0.6 ? write() : read();
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

describe('transactions: WATCH races between many clients', () => {
  it('optimistic increments from 20 clients are never lost', async () => {
    const server = await startCinnabar();
    const port = server.address().port;
    const CLIENTS = 20;
    const EACH = 25;
    let retries = 0;
    try {
      const conns = await Promise.all(Array.from({ length: CLIENTS }, () => RawConnection.connect(port)));
      await conns[0].call('set', 'counter', '0');
      await Promise.all(
        conns.map(async (c) => {
          for (let done = 0; done < EACH; ) {
            assert.equal(await c.call('watch', 'counter'), '+OK\r\n');
            const v = Number((await c.call('get', 'counter')).split('\r\n')[1]);
            // Yield so other clients interleave between the read and the write.
            await new Promise((r) => setImmediate(r));
            assert.equal(await c.call('multi'), '+OK\r\n');
            assert.equal(await c.call('set', 'counter', String(v + 1)), '+QUEUED\r\n');
            const res = await c.call('exec');
            if (res === '*1\r\n+OK\r\n') done++;
            else {
              assert.equal(res, '*-1\r\n');
              retries++;
            }
          }
        }),
      );
      assert.equal(await conns[0].call('get', 'counter'), `$${String(CLIENTS * EACH).length}\r\n${CLIENTS * EACH}\r\n`);
      // The race is real: some transactions had to retry.
      assert.ok(retries > 0);
      const stats = server.server.table.get('exec')!;
      assert.equal(stats.calls, CLIENTS * EACH + retries);
      for (const c of conns) c.close();
    } finally {
      await server.close();
    }
  });

  it('a transaction runs atomically: no other client sees its intermediate state', async () => {
    const server = await startCinnabar();
    const port = server.address().port;
    try {
      const writer = await RawConnection.connect(port);
      const reader = await RawConnection.connect(port);
      await writer.call('mset', 'x', '0', 'y', '0');
      const readerLoop = (async () => {
        for (let i = 0; i < 300; i++) {
          const r = await reader.call('mget', 'x', 'y');
          const parts = r.split('\r\n');
          assert.equal(parts[2], parts[4], `saw a half-applied transaction: ${JSON.stringify(r)}`);
        }
      })();
      for (let i = 1; i <= 300; i++) {
        writer.write(`*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${String(i).length}\r\n${i}\r\n*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$${String(i).length}\r\n${i}\r\n*1\r\n$4\r\nEXEC\r\n`);
        for (let j = 0; j < 4; j++) await writer.read();
      }
      await readerLoop;
      writer.close();
      reader.close();
    } finally {
      await server.close();
    }
  });
});
