/**
 * Client and server introspection against Redis: MONITOR lines (times and ports masked), SLOWLOG entries
 * (ids, argument and byte truncation, redaction, client names), LATENCY time series, CLIENT REPLY, CLIENT
 * TRACKING with its invalidation messages in every mode, CLIENT LIST's flags for these states, and the INFO
 * fields they feed (commandstats, errorstats, pubsub_*, tracking_*, blocked_clients...). CLIENT PAUSE is
 * timing-dependent, so beyond its argument errors it is tested on Cinnabar alone: what is held back, what
 * is not, in which order it resumes.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, RawConnection, encodeCommand, hasRedis, startCinnabar, useDifferential } from './helpers';
import { Session, sessionScript } from './multi-client';
import type { CinnabarServer } from '../src/index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const maskIds = (s: string) => s.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');
/** MONITOR lines: "+<time> [<db> <ip:port>]" → "+TS [<db> PEER]". */
const maskMonitor = (s: string) => maskIds(s).replace(/\+\d+\.\d{6} \[(\d+) [^\]]+\]/g, '+TS [$1 PEER]');
/** SLOWLOG entries: time and duration, and the client address. */
const maskSlowlog = (s: string) =>
  s.replace(/\*6\r\n:(\d+)\r\n:\d+\r\n:\d+\r\n/g, '*6\r\n:$1\r\n:TIME\r\n:DURATION\r\n').replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$N\r\nADDR\r\n');

/** Send commands pipelined, then CLIENT REPLY ON and a marker: everything before the marker's answer. */
async function transcript(conn: RawConnection, commands: string[][]): Promise<string> {
  for (const c of commands) conn.write(encodeCommand(c));
  conn.write(encodeCommand(['client', 'reply', 'on']));
  conn.write(encodeCommand(['ping', 'end~marker']));
  let out = '';
  for (;;) {
    const f = await conn.read();
    if (f === '$10\r\nend~marker\r\n' || f === '*2\r\n$4\r\npong\r\n$10\r\nend~marker\r\n') return out;
    out += f;
  }
}

describe('differential: introspection', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  describe('MONITOR', () => {
    const SCRIPT = `
      m: monitor
      m: monitor
      a: set k v
      a: get k
      a: set bin "a b\\"c\\\\d\\n\\x01\\xff\\t\\x7f"
      a: select 3
      a: multi
      a: set x 1
      a: get x
      a: exec
      a: multi
      a: set x
      a: exec
      a: exec x
      a: unknowncmd
      a: get
      a: config get maxclients
      a: debug set-active-expire 1
      a: client no-evict off
      a: client kill id 99999
      a: client pause 0
      a: client setname monitored
      a: client getname
      a: slowlog len
      a: latency latest
      a: auth x
      a: auth a b c
      a: auth a b
      a: hello 3 auth u p setname x
      a: hello 3 setname y auth u
      a: hello x auth u p
      a: hello 2 auth default x foo
      a: incrby n 12
      a: subscribe c
      a: exec
      a: unsubscribe
      b: select 5
      b: lpush l "with space"
      m: get k
      m: set k v
      m: ping
      m: client getname
      m: reset
      a: ping after-reset
    `;
    for (const proto of ['2', '3']) {
      it(`lines for every client, in order (monitor in RESP${proto})`, async () => {
        const s = await Session.open(d, ['m', 'a', 'b']);
        try {
          assert.equal(await s.step('m', ['hello', proto], maskIds), null);
          assert.equal(await s.run(sessionScript(SCRIPT), maskMonitor), null);
        } finally {
          s.close();
        }
      });
    }
  });

  describe('SLOWLOG', () => {
    after(async () => {
      await d.both('config', 'set', 'slowlog-log-slower-than', '10000');
      await d.both('config', 'set', 'slowlog-max-len', '128');
      await d.both('client', 'setname', 'x');
    });

    it('entries, truncation, redaction, GET/LEN/RESET and their errors', async () => {
      const cmds = [
        ['slowlog', 'reset'],
        ['config', 'set', 'slowlog-log-slower-than', '0'],
        ['client', 'setname', 'nm'],
        ['set', 'k', 'x'.repeat(200)],
        ['mset', ...Array.from({ length: 40 }, (_, i) => String(i))],
        ['rpush', 'l', ...Array.from({ length: 31 }, (_, i) => 'y'.repeat(i * 10))],
        ['config', 'set', 'requirepass', '', 'REQUIREPASS', ''],
        ['auth', 'a', 'b'],
        ['hello', '2', 'auth', 'u', 'p'],
        ['multi'],
        ['get', 'k'],
        ['exec'],
        ['nosuchcommand'],
        ['get'],
        ['slowlog', 'len'],
        ['slowlog', 'get', '3'],
        ['slowlog', 'get'],
        ['slowlog', 'get', '-1'],
        ['slowlog', 'get', '0'],
        ['slowlog', 'get', '-2'],
        ['slowlog', 'get', 'x'],
        ['slowlog', 'get', '1', '2'],
        ['slowlog', 'len', 'x'],
        ['slowlog', 'foo'],
        ['slowlog'],
        ['slowlog', 'help'],
        ['config', 'set', 'slowlog-max-len', '2'],
        ['slowlog', 'len'],
        ['ping'],
        ['slowlog', 'get'],
        ['config', 'set', 'slowlog-log-slower-than', '-1'],
        ['ping'],
        ['slowlog', 'len'],
        ['slowlog', 'reset'],
        ['slowlog', 'len'],
      ];
      assert.equal(await d.run(cmds, maskSlowlog), null);
    });
  });

  describe('LATENCY', () => {
    after(async () => {
      await d.both('config', 'set', 'latency-monitor-threshold', '0');
    });

    it('samples of slow commands, LATEST/HISTORY/RESET', async () => {
      // Latencies and times differ by a millisecond here and there: mask them (a DEBUG SLEEP 0.1 takes
      // 100 to 199 ms on both servers).
      const mask = (s: string) => s.replace(/:1\d\d\r\n/g, ':LAT\r\n').replace(/:\d{9,}\r\n/g, ':TIME\r\n');
      const cmds = [
        ['latency', 'reset'],
        ['latency', 'latest'],
        ['latency', 'history', 'command'],
        ['debug', 'sleep', '0.1'],
        ['latency', 'latest'],
        ['config', 'set', 'latency-monitor-threshold', '50'],
        ['ping'],
        ['debug', 'sleep', '0.1'],
        ['latency', 'latest'],
        ['latency', 'history', 'command'],
        ['latency', 'history', 'fast-command'],
        ['latency', 'reset', 'command', 'nosuch'],
        ['latency', 'latest'],
        ['latency', 'reset', 'nosuch'],
        ['latency', 'history'],
        ['latency', 'latest', 'x'],
        ['latency', 'foo'],
      ];
      assert.equal(await d.run(cmds, mask), null);
    });

    it('DOCTOR and GRAPH', async () => {
      // Latencies, times and "seconds ago" labels are masked digit by digit (their widths match).
      const digits = (s: string) => s.replace(/\d/g, 'N');
      assert.equal(await d.run([['config', 'set', 'latency-monitor-threshold', '0'], ['latency', 'reset'], ['latency', 'doctor']]), null);
      assert.equal(await d.run([['config', 'set', 'latency-monitor-threshold', '50'], ['latency', 'doctor'], ['latency', 'graph', 'command']]), null);
      assert.equal(await d.run([['debug', 'sleep', '0.1'], ['latency', 'doctor'], ['latency', 'graph', 'command']], digits), null);
      assert.equal(await d.run([['config', 'set', 'slowlog-log-slower-than', '-1'], ['latency', 'doctor']], digits), null);
      assert.equal(await d.run([['config', 'set', 'slowlog-log-slower-than', '60000'], ['latency', 'doctor']], digits), null);
      assert.equal(await d.run([['config', 'set', 'slowlog-log-slower-than', '10000'], ['latency', 'graph'], ['latency', 'doctor', 'x'], ['latency', 'graph', 'nosuch']]), null);
    });
  });

  describe('CLIENT REPLY', () => {
    const CASES: Record<string, string[][]> = {
      'skip then on': [['client', 'reply', 'skip'], ['client', 'reply', 'on'], ['ping']],
      'skip applies to the next command, even a refused one': [['client', 'reply', 'skip'], ['nosuch'], ['ping'], ['client', 'reply', 'skip'], ['set', 'k'], ['get', 'k']],
      'skip twice': [['client', 'reply', 'skip'], ['client', 'reply', 'skip'], ['ping', 'a'], ['ping', 'b']],
      'off, skip while off, on': [['client', 'reply', 'off'], ['ping'], ['client', 'reply', 'skip'], ['ping'], ['client', 'reply', 'on'], ['ping']],
      'errors': [['client', 'reply', 'foo'], ['client', 'reply'], ['client', 'reply', 'on', 'x']],
      'RESET after SKIP is skipped, after OFF is not': [['client', 'reply', 'skip'], ['reset'], ['ping'], ['client', 'reply', 'off'], ['reset'], ['ping']],
      'inside MULTI': [['multi'], ['client', 'reply', 'off'], ['ping'], ['exec'], ['client', 'reply', 'on'], ['multi'], ['client', 'reply', 'skip'], ['ping'], ['exec'], ['ping', 'skipped'], ['ping', 'shown']],
      'subscription confirmations are still sent': [['client', 'reply', 'off'], ['subscribe', 'ch'], ['unsubscribe', 'ch'], ['psubscribe', 'p'], ['punsubscribe'], ['ping']],
    };
    for (const proto of ['2', '3']) {
      for (const [name, cmds] of Object.entries(CASES)) {
        it(`${name} (RESP${proto})`, async () => {
          const [x, y] = await d.connectPair();
          try {
            await x.call('hello', proto);
            await y.call('hello', proto);
            assert.equal(await transcript(x, cmds), await transcript(y, cmds));
          } finally {
            x.close();
            y.close();
          }
        });
      }
    }

    it('messages published by others reach a client whose replies are off', async () => {
      const [x, y] = await d.connectPair();
      try {
        assert.equal(maskIds(await x.call('hello', '3')), maskIds(await y.call('hello', '3')));
        const cmds = [['subscribe', 'ch'], ['client', 'reply', 'off'], ['set', 'k', 'v']];
        for (const c of cmds) {
          x.write(encodeCommand(c));
          y.write(encodeCommand(c));
        }
        await sleep(50);
        assert.deepEqual(await d.both('publish', 'ch', 'to-muted'), [':1\r\n', ':1\r\n']);
        assert.equal(await transcript(x, [['get', 'k']]), await transcript(y, [['get', 'k']]));
      } finally {
        x.close();
        y.close();
      }
    });
  });

  describe('CLIENT TRACKING', () => {
    const maskRedir = (s: string) => maskIds(s).replace(/\$8\r\nredirect\r\n:\d+\r\n/g, '$8\r\nredirect\r\n:ID\r\n').replace(/tracking-redir-broken\r\n:\d+/g, 'tracking-redir-broken\r\n:ID');

    it('default mode: RESP3 invalidations, after the reply for own writes, after EXEC, on FLUSHALL', async () => {
      const s = await Session.open(d, ['a', 'b']);
      try {
        await d.both('flushall');
        const lines = sessionScript(`
          a: hello 3
          a: client tracking on
          a: client trackinginfo
          a: client getredir
          a: get k
          a: set k 1
          a: get k
          b: set k 2
          b: set k 3
          a: mget k k2 k3
          b: mset k2 x k3 y
          a: get k
          a: multi
          a: set k 2
          a: get k
          a: set k 3
          a: exec
          a: get k
          b: del k
          a: get k
          a: flushall
          b: flushdb
          a: get k
          b: expire k 100
          a: client tracking off
          b: set k 9
          a: client tracking on
          b: set k 10
          a: client trackinginfo
          a: client tracking off
        `);
        assert.equal(await s.run(lines, maskIds), null);
      } finally {
        s.close();
      }
    });

    it('OPTIN, OPTOUT, CLIENT CACHING and NOLOOP', async () => {
      const s = await Session.open(d, ['a', 'b']);
      try {
        await d.both('flushall');
        const lines = sessionScript(`
          a: hello 3
          a: client caching yes
          a: client tracking on optin
          a: get k
          b: set k 1
          a: client caching yes
          a: client getname
          a: get k
          a: get k2
          b: mset k 1 k2 2
          a: client caching no
          a: client caching maybe
          a: client caching yes
          a: client trackinginfo
          a: get k
          a: client trackinginfo
          a: client tracking on optout
          a: client tracking off
          a: client tracking on optout noloop
          a: client trackinginfo
          a: client caching yes
          a: client caching no
          a: get k
          a: get k2
          b: mset k 1 k2 1
          a: client caching no
          a: multi
          a: get k
          a: get k2
          a: exec
          b: mset k 1 k2 1
          a: get k
          a: set k mine
          a: get k
          b: set k theirs
          a: client tracking off
        `);
        assert.equal(await s.run(lines, maskIds), null);
      } finally {
        s.close();
      }
    });

    it('BCAST with prefixes, NOLOOP, overlapping prefixes and option errors', async () => {
      const s = await Session.open(d, ['a', 'b']);
      try {
        await d.both('flushall');
        const lines = sessionScript(`
          a: hello 3
          a: client tracking on bcast
          a: client tracking on prefix a
          a: client tracking off
          a: client tracking on bcast prefix a prefix ab
          a: client trackinginfo
          a: client tracking off
          a: client tracking on bcast prefix b prefix a prefix ab
          a: client trackinginfo
          a: client tracking on bcast prefix bc
          a: client tracking on bcast prefix c optin
          a: client tracking on optin optout
          a: client tracking on redirect 999999
          a: client tracking on redirect x
          a: client tracking on redirect 0
          a: client tracking on foo
          a: client tracking maybe
          a: client tracking on redirect
          b: set a1 x
          b: mset b2 x ab3 y zz 1
          a: set b1 mine
          a: client tracking on bcast noloop prefix c
          a: set c1 mine
          b: set c2 theirs
          a: client trackinginfo
          a: client tracking off
          a: client trackinginfo
          a: client tracking on bcast prefix user: prefix obj
          b: set user:1 x
          b: mset user:3 x user:2 x obj y objA z other w
        `);
        assert.equal(await s.run(lines, maskIds), null);
      } finally {
        s.close();
      }
    });

    it('REDIRECT to a RESP2 subscriber of __redis__:invalidate, and broken redirects', async () => {
      const s = await Session.open(d, ['a', 'b', 'r', 'r3']);
      try {
        await d.both('flushall');
        const [rx, ry] = await s.ids('r');
        const [r3x, r3y] = await s.ids('r3');
        assert.equal(await s.step('r', ['subscribe', '__redis__:invalidate']), null);
        assert.equal(await s.step('a', ['client', 'tracking', 'on', 'redirect', rx], maskRedir, ['client', 'tracking', 'on', 'redirect', ry]), null);
        assert.equal(await s.run(sessionScript(`
          a: client trackinginfo
          a: get k
          b: set k 1
          a: mget k k2
          b: mset k 1 k2 2
          b: flushall
          a: client tracking off
        `), maskRedir), null);
        assert.equal(await s.step('a', ['client', 'tracking', 'on', 'bcast', 'redirect', rx, 'prefix', 'user:'], maskRedir, ['client', 'tracking', 'on', 'bcast', 'redirect', ry, 'prefix', 'user:']), null);
        assert.equal(await s.run(sessionScript(`
          b: set user:1 x
          a: set user:2 y
          a: client tracking off
        `), maskRedir), null);
        // A RESP3 redirect target gets push frames; a RESP2 one outside Pub/Sub gets nothing.
        assert.equal(await s.step('r3', ['hello', '3'], maskIds), null);
        assert.equal(await s.step('a', ['client', 'tracking', 'on', 'redirect', r3x], maskRedir, ['client', 'tracking', 'on', 'redirect', r3y]), null);
        assert.equal(await s.run(sessionScript(`
          a: get k
          b: set k 5
          a: get k
          r3: hello 2
          b: set k 6
          r3: hello 3
          a: get k
          a: hello 3
          r3: quit
          b: set k 7
          a: client trackinginfo
          a: get k
          b: set k 8
        `), maskRedir), null);
      } finally {
        s.close();
      }
    });
  });

  describe('CLIENT PAUSE argument errors', () => {
    it('matches Redis', async () => {
      const cmds = [
        ['client', 'pause', '-1'],
        ['client', 'pause', 'x'],
        ['client', 'pause', '10', 'foo'],
        ['client', 'pause', 'x', 'foo'],
        ['client', 'pause', '10', 'all', 'x'],
        ['client', 'pause'],
        ['client', 'pause', '0'],
        ['client', 'pause', '0', 'write'],
        ['client', 'pause', '9223372036854775807'],
        ['ping'],
        ['client', 'unpause'],
        ['client', 'unpause', 'x'],
      ];
      assert.equal(await d.run(cmds), null);
    });
  });

  describe('CLIENT LIST flags and INFO fields', () => {
    it('flags, sub/psub/ssub/multi and redir of clients in these states', async () => {
      const s = await Session.open(d, ['sub', 'multi', 'track', 'mon', 'dirty']);
      try {
        await d.both('flushall');
        for (const n of ['sub', 'multi', 'track', 'mon', 'dirty']) await s.step(n, ['client', 'setname', `flags-${n}`]);
        await s.run(sessionScript(`
          sub: subscribe a b
          sub: psubscribe p
          sub: ssubscribe s
          track: client tracking on bcast
          dirty: watch k
          mon: set k changed
          multi: multi
          multi: set x 1
          multi: get x
          mon: monitor
        `));
        const fields = (list: string) =>
          list
            .split('\n')
            .filter((l) => / name=flags-/.test(l))
            .map((l) => l.split(' ').filter((f) => /^(flags|db|sub|psub|ssub|multi|redir|resp|cmd)=/.test(f)).join(' '));
        const [x, y] = [d.a, d.b];
        const lx = fields(await x.call('client', 'list'));
        const ly = fields(await y.call('client', 'list'));
        assert.deepEqual(lx, ly);
        assert.ok(lx.some((l) => l.includes('flags=P') && l.includes('sub=2 psub=1 ssub=1')));
        assert.ok(lx.some((l) => l.includes('flags=x') && l.includes('multi=2')));
        assert.ok(lx.some((l) => l.includes('flags=tB') && l.includes('redir=0')));
        assert.ok(lx.some((l) => l.includes('flags=O')));
        assert.ok(lx.some((l) => l.includes('flags=d')));
        assert.equal(lx.length, 5);
      } finally {
        s.close();
      }
    });

    it('INFO commandstats, errorstats and the pub/sub, tracking and client counters', async () => {
      const s = await Session.open(d, ['a', 'b', 'c']);
      try {
        await d.both('flushall');
        await d.both('config', 'resetstat');
        await s.run(sessionScript(`
          a: set s abc
          a: multi
          a: incr s
          a: exec
          a: multi
          a: nosuch
          a: exec
          a: multi
          a: get
          a: exec
          a: exec
          a: multi
          a: multi
          a: watch x
          a: discard
          a: lpush s x
          a: subscribe x
          a: get x
          a: unsubscribe
          a: exec x
          a: client tracking on bcast prefix a prefix b
          b: client tracking on
          b: get x
          b: mget x y z
          c: subscribe c1 c2
          c: psubscribe p1
          c: ssubscribe s1
        `));
        const info = async (conn: RawConnection, section: string) => (await conn.call('info', section)).split('\r\n');
        const commandstats = (lines: string[]) => lines.filter((l) => l.startsWith('cmdstat_')).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')).sort();
        assert.deepEqual(commandstats(await info(d.a, 'commandstats')), commandstats(await info(d.b, 'commandstats')));
        const errorstats = (lines: string[]) => lines.filter((l) => l.startsWith('errorstat_'));
        assert.deepEqual(errorstats(await info(d.a, 'errorstats')), errorstats(await info(d.b, 'errorstats')));
        const pick = (lines: string[], names: string[]) => lines.filter((l) => names.includes(l.split(':')[0]));
        const STATS = ['total_commands_processed', 'total_error_replies', 'pubsub_channels', 'pubsub_patterns', 'pubsubshard_channels', 'tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes'];
        assert.deepEqual(pick(await info(d.a, 'stats'), STATS), pick(await info(d.b, 'stats'), STATS));
        await sleep(50);
        const CLIENTS = ['blocked_clients', 'tracking_clients'];
        assert.deepEqual(pick(await info(d.a, 'clients'), CLIENTS), pick(await info(d.b, 'clients'), CLIENTS));
      } finally {
        s.close();
      }
    });
  });
});

describe('CLIENT PAUSE', () => {
  let server: CinnabarServer;
  let port: number;
  before(async () => {
    server = await startCinnabar();
    port = server.address().port;
  });
  after(async () => {
    await server.close();
  });

  /** Resolves with the next reply, or 'pending' when none arrives within ms. */
  const within = (conn: RawConnection, ms: number) => conn.read(ms).catch(() => 'pending');

  it('WRITE holds back writes (also queued in MULTI) but not reads, until the pause ends', async () => {
    const admin = await RawConnection.connect(port);
    const c = await RawConnection.connect(port);
    const other = await RawConnection.connect(port);
    try {
      assert.equal(await admin.call('client', 'pause', '400', 'write'), '+OK\r\n');
      assert.equal(await c.call('get', 'k'), '$-1\r\n');
      c.write(encodeCommand(['set', 'k', 'v']));
      c.write(encodeCommand(['get', 'k']));
      assert.equal(await within(c, 100), 'pending');
      const list = await other.call('client', 'list');
      assert.match(list, /flags=b db=0 .* cmd=set /);
      assert.match(await other.call('info', 'clients'), /blocked_clients:1\r\n/);
      assert.equal(await other.call('exists', 'k'), ':0\r\n');
      // The held-back SET runs when the pause ends, then the pipelined GET sees it.
      assert.equal(await c.read(2000), '+OK\r\n');
      assert.equal(await c.read(), '$1\r\nv\r\n');
      assert.equal(await admin.call('client', 'pause', '400', 'write'), '+OK\r\n');
      assert.equal(await c.call('multi'), '+OK\r\n');
      c.write(encodeCommand(['incr', 'n']));
      assert.equal(await within(c, 100), 'pending');
      assert.equal(await admin.call('client', 'unpause'), '+OK\r\n');
      assert.equal(await c.read(), '+QUEUED\r\n');
      assert.equal(await c.call('exec'), '*1\r\n:1\r\n');
      assert.match(await other.call('info', 'clients'), /blocked_clients:0\r\n/);
    } finally {
      admin.close();
      c.close();
      other.close();
    }
  });

  it('WRITE holds back PUBLISH and an EXEC of queued writes; ALL holds everything, the pausing client too', async () => {
    const admin = await RawConnection.connect(port);
    const c = await RawConnection.connect(port);
    try {
      assert.equal(await c.call('multi'), '+OK\r\n');
      assert.equal(await c.call('set', 'a', '1'), '+QUEUED\r\n');
      assert.equal(await admin.call('client', 'pause', '5000', 'write'), '+OK\r\n');
      c.write(encodeCommand(['exec']));
      assert.equal(await within(c, 100), 'pending');
      assert.equal(await admin.call('client', 'unpause'), '+OK\r\n');
      assert.equal(await c.read(), '*1\r\n+OK\r\n');
      assert.equal(await admin.call('client', 'pause', '5000', 'write'), '+OK\r\n');
      c.write(encodeCommand(['publish', 'ch', 'm']));
      assert.equal(await within(c, 100), 'pending');
      assert.equal(await admin.call('client', 'unpause'), '+OK\r\n');
      assert.equal(await c.read(), ':0\r\n');
      assert.equal(await admin.call('client', 'pause', '300', 'all'), '+OK\r\n');
      c.write(encodeCommand(['ping']));
      admin.write(encodeCommand(['client', 'unpause']));
      assert.equal(await within(c, 100), 'pending');
      assert.equal(await within(admin, 50), 'pending');
      assert.equal(await c.read(2000), '+PONG\r\n');
      assert.equal(await admin.read(), '+OK\r\n');
    } finally {
      admin.close();
      c.close();
    }
  });

  it('a new pause replaces the old one, and monitors are never paused', async () => {
    const admin = await RawConnection.connect(port);
    const c = await RawConnection.connect(port);
    const w = await RawConnection.connect(port);
    const mon = await RawConnection.connect(port);
    try {
      assert.equal(await mon.call('monitor'), '+OK\r\n');
      assert.equal(await admin.call('client', 'pause', '300', 'all'), '+OK\r\n');
      // The pausing client is held too: its next pause (WRITE, 1.5 s) runs when the ALL pause ends.
      admin.write(encodeCommand(['client', 'pause', '1500', 'write']));
      c.write(encodeCommand(['get', 'pk']));
      w.write(encodeCommand(['set', 'pk', 'w']));
      assert.equal(await mon.call('ping'), '+PONG\r\n');
      assert.match(await mon.read(), /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "ping"\r\n$/);
      assert.equal(await mon.call('get', 'k'), "-ERR Replica can't interact with the keyspace\r\n");
      assert.equal(await within(c, 100), 'pending');
      assert.equal(await admin.read(2000), '+OK\r\n');
      // Now only writes wait: the read went through, the SET is held again.
      assert.equal(await c.read(2000), '$-1\r\n');
      assert.equal(await within(w, 200), 'pending');
      assert.equal(await c.call('client', 'unpause'), '+OK\r\n');
      assert.equal(await w.read(), '+OK\r\n');
    } finally {
      admin.close();
      c.close();
      w.close();
      mon.close();
    }
  });

  it('commands resume in order, and a disconnected paused client is forgotten', async () => {
    const admin = await RawConnection.connect(port);
    const clients = await Promise.all(Array.from({ length: 5 }, () => RawConnection.connect(port)));
    try {
      await admin.call('del', 'seq');
      assert.equal(await admin.call('client', 'pause', '200', 'write'), '+OK\r\n');
      for (let i = 0; i < clients.length; i++) {
        clients[i].write(encodeCommand(['rpush', 'seq', String(i)]));
        await sleep(10);
      }
      clients[2].close();
      for (let i = 0; i < clients.length; i++) if (i !== 2) assert.match(await clients[i].read(2000), /^:\d\r\n$/);
      assert.equal(await admin.call('lrange', 'seq', '0', '-1'), '*4\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n4\r\n');
    } finally {
      admin.close();
      for (const c of clients) c.close();
    }
  });
});

describe('per-client state is released on disconnect', () => {
  it('watched keys, subscriptions, monitors, tracking prefixes and postponed commands', async () => {
    const server = await startCinnabar();
    const port = server.address().port;
    const srv = server.server;
    try {
      const admin = await RawConnection.connect(port);
      const c = await RawConnection.connect(port);
      assert.equal(await c.call('watch', 'a', 'b'), '+OK\r\n');
      assert.equal(await c.call('multi'), '+OK\r\n');
      assert.equal(await c.call('set', 'a', '1'), '+QUEUED\r\n');
      const s = await RawConnection.connect(port);
      await s.call('subscribe', 'x', 'y');
      await s.call('psubscribe', 'p*');
      await s.call('ssubscribe', 'z');
      const m = await RawConnection.connect(port);
      await m.call('monitor');
      const t = await RawConnection.connect(port);
      await t.call('hello', '3');
      assert.equal(await t.call('client', 'tracking', 'on', 'bcast', 'prefix', 'a', 'prefix', 'b'), '+OK\r\n');
      const p = await RawConnection.connect(port);
      assert.equal(await admin.call('client', 'pause', '10000', 'write'), '+OK\r\n');
      p.write(encodeCommand(['set', 'k', 'v']));
      await sleep(50);
      assert.equal(srv.watchedKeys.size, 1);
      assert.match(await admin.call('info', 'stats'), /pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n[^]*tracking_total_prefixes:2\r\n/);
      assert.match(await admin.call('info', 'clients'), /blocked_clients:1\r\ntracking_clients:1\r\n/);
      for (const conn of [c, s, m, t, p]) conn.close();
      await sleep(100);
      assert.equal(srv.watchedKeys.size, 0);
      assert.match(await admin.call('info', 'stats'), /pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n[^]*tracking_total_prefixes:0\r\n/);
      assert.match(await admin.call('info', 'clients'), /blocked_clients:0\r\ntracking_clients:0\r\n/);
      assert.equal(await admin.call('client', 'unpause'), '+OK\r\n');
      // Nothing was left to resume: the key was never written.
      await sleep(20);
      assert.equal(await admin.call('exists', 'k'), ':0\r\n');
      admin.close();
    } finally {
      await server.close();
    }
  });

  it('instantaneous_ops_per_sec reflects recent traffic', async () => {
    const server = await startCinnabar();
    try {
      const c = await RawConnection.connect(server.address().port);
      const burst = Buffer.concat(Array.from({ length: 2000 }, () => encodeCommand(['ping'])));
      const deadline = Date.now() + 400;
      while (Date.now() < deadline) {
        c.write(burst);
        for (let i = 0; i < 2000; i++) await c.read();
      }
      const ops = Number(/instantaneous_ops_per_sec:(\d+)/.exec(await c.call('info', 'stats'))![1]);
      assert.ok(ops > 0, `instantaneous_ops_per_sec:${ops}`);
      c.close();
    } finally {
      await server.close();
    }
  });
});
