/**
 * Differential tests for the connection commands (PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET and the CLIENT
 * container) against a real redis-server, in RESP2 and RESP3, byte for byte once the values that differ by
 * nature are masked: client ids, addresses, file descriptors, ages, and the buffer sizes CLIENT LIST shows
 * (qbuf, qbuf-free, rbs, rbp, tot-mem are allocator details of Redis). CLIENT LIST/INFO lines also lose the
 * lib-name/lib-ver fields Cinnabar shows because it supports CLIENT SETINFO with its Redis 7.2 behaviour;
 * CLIENT HELP loses the SETINFO and NO-TOUCH entries for the same reason.
 *
 * Scripts that involve several connections (RESET clearing subscriptions, WATCH, tracking and MONITOR;
 * CLIENT KILL of other clients; authentication of new connections) run on a pair of servers with the
 * multi-client Session helper or explicit connection pairs.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, RawConnection, encodeCommand, hasRedis, script, useDifferential } from './helpers';
import { Session, sessionScript } from './multi-client';
import { textOf } from './resp-raw';

const SKIP = !hasRedis && 'redis-server not installed';
const PROTOS = ['2', '3'] as const;

/** One CLIENT LIST line with what differs by nature masked. */
function maskClientLine(line: string): string {
  return line
    .replace(/^id=\d+/, 'id=ID')
    .replace(/ addr=\S+/, ' addr=A')
    .replace(/ laddr=\S+/, ' laddr=A')
    .replace(/ fd=-?\d+/, ' fd=F')
    .replace(/ age=\d+ idle=\d+/, ' age=0 idle=0')
    .replace(/ qbuf=\d+ qbuf-free=\d+/, ' qbuf=Q')
    .replace(/ rbs=\d+ rbp=\d+/, ' rb=R')
    .replace(/ tot-mem=\d+/, ' tot-mem=T')
    .replace(/ lib-name=\S* lib-ver=\S*$/, '');
}

/** Mask HELLO's id and the client lines of CLIENT LIST/INFO replies (re-framing the string). */
function mask(raw: string): string {
  let s = raw.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');
  s = s.replace(/(^|\r\n)([$=])(\d+)\r\n((?:txt:)?)(id=[^\r]*?)\r\n/g, (_m, pre: string, type: string, _n: string, txt: string, body: string) => {
    const text = body
      .split('\n')
      .map((l) => (l === '' ? l : maskClientLine(l)))
      .join('\n');
    return `${pre}${type}${text.length + txt.length}\r\n${txt}${text}\r\n`;
  });
  return s;
}

/** CLIENT HELP without the entries of the Redis 7.2 subcommands Cinnabar adds. */
function maskHelp(raw: string): string {
  const lines = raw.split('\r\n');
  const out: string[] = [];
  let skip = false;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    if (!l.startsWith('+    ')) skip = l.startsWith('+NO-TOUCH') || l.startsWith('+SETINFO');
    if (!skip) out.push(l);
  }
  return `*${out.length}\r\n${out.join('\r\n')}\r\n`;
}

const CONNECTION_SCRIPT = `
ping
ping hello
ping a b
PING ""
echo
echo a b
echo ""
echo "a\\r\\nb"
select
select 0
select 15
select 16
select -1
select abc
select 1.5
select 00
select " 1"
select 9223372036854775808
select 0 1
select 0
auth
auth x
auth a b
auth a b c
auth default x
auth default ""
hello
hello 2
hello 3
hello 2
hello 1
hello 4
hello abc
hello -1
hello 2.0
hello 02
hello 9223372036854775808
hello 2 setname
hello 2 setname foo
client getname
hello 2 setname "a b"
hello 2 setname ""
client getname
hello 2 auth
hello 2 auth default
hello 2 auth default x
hello 2 auth default ""
hello 2 auth nobody x
hello 2 foo
hello 2 setname a foo
hello 2 auth default x setname b
hello 2 setname c auth default x
client getname
hello 2 AUTH default x SETNAME d
hello 2 SETNAME e SETNAME f
client getname
hello auth default x
hello setname g
client getname
hello 3 setname "x\\ny"
hello 99999999999999999
hello 2 setname "bad name" foo
hello 2 foo setname "bad name"
hello 4 setname "bad name"
hello 2 "foo\\r\\nbar"
hello 2
`;

const CLIENT_SCRIPT = `
client
client nosuch
client id x
client setname
client setname a b
client setname foo
client getname
client setname ""
client getname
client setname "a b"
client setname "a\\nb"
client setname "\\xe9"
client setname "~!"
client getname
client getname x
client list
client list type
client list type normal
client list type pubsub
client list type master
client list type replica
client list type slave
client list type foo
client list type "a\\r\\nb"
client list TYPE NORMAL
client list id
client list id abc
client list id 0
client list id -1
client list id 999999
client list id 999999 abc
client list foo
client list foo bar
client list type normal id 1
client info
client info x
client kill
client kill 1.2.3.4:5
client kill foo
client kill addr 1.2.3.4:5
client kill addr
client kill id
client kill id abc
client kill id 0
client kill id -5
client kill id 999999
client kill id 999999 type
client kill type normal skipme foo
client kill type foo
client kill type pubsub
client kill type master
client kill type slave
client kill type replica
client kill user nobody
client kill user default id 999999
client kill laddr 1.2.3.4:5
client kill skipme yes addr 9.9.9.9:9
client kill skipme no id 999999
client kill maxage 999999
client kill foo bar
client kill id 999999 type normal addr 1.1.1.1:1 laddr 2.2.2.2:2 user default skipme yes
client no-evict
client no-evict on
client info
client no-evict maybe
client no-evict off
client unpause
client pause
client pause abc
client pause -1
client pause 0 foo
client pause 0 write
client unpause
client unblock
client unblock abc
client unblock 999999
client unblock 999999 timeout
client unblock 999999 error
client unblock 999999 foo
client tracking
client tracking foo
client caching
client caching yes
client getredir
client trackinginfo
client reply foo
select 5
client setname named
client info
select 0
client setname ""
`;

describe('differential: connection commands', { skip: SKIP }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  for (const proto of PROTOS) {
    it(`PING, ECHO, SELECT, AUTH and HELLO in every form (RESP${proto})`, async () => {
      await d.both('hello', proto);
      assert.equal(await d.run(script(CONNECTION_SCRIPT), mask), null);
    });

    it(`CLIENT subcommands, options and errors (RESP${proto})`, async () => {
      await d.both('hello', proto);
      assert.equal(await d.run(script(CLIENT_SCRIPT), mask), null);
      const [hx, hy] = await d.both('client', 'help');
      assert.equal(maskHelp(hx), maskHelp(hy));
    });

    it(`QUIT replies OK and closes, with or without arguments (RESP${proto})`, async () => {
      for (const args of [['quit'], ['quit', 'now'], ['QUIT', 'a', 'b']]) {
        const [x, y] = await d.connectPair();
        await x.call('hello', proto);
        await y.call('hello', proto);
        x.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
        y.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
        assert.equal(await x.readUntilClose(), await y.readUntilClose());
      }
    });
  }

  it('CLIENT LIST and INFO: flags, db, multi, multi-mem, subscriptions, cmd of other clients', async () => {
    for (const proto of PROTOS) {
      const s = await Session.open(d, ['a', 'b', 'w']);
      try {
        assert.equal(await s.step('w', ['hello', proto], mask), null);
        const lines = sessionScript(`
          a: client setname alpha
          b: client setname beta
          w: client list id 999999
          a: select 3
          a: multi
          a: set a b
          a: lpush k v1 v2
          w: client info
          b: subscribe x y
          b: psubscribe p*
          b: ssubscribe s
          a: discard
          a: watch k
          a: client no-evict on
          a: client tracking on
          a: get k
        `);
        assert.equal(await s.run(lines, mask), null);
        // Every client's line, in each server's own client order, compared after masking.
        const lists = await s.pair('w').map((conn) => conn.call('client', 'list'));
        const [lx, ly] = await Promise.all(lists);
        const sorted = (raw: string) =>
          textOf(raw)
            .split('\n')
            .filter((l) => l !== '')
            .map(maskClientLine)
            .sort();
        assert.deepEqual(sorted(lx), sorted(ly));
        const [ax, ay] = await s.ids('a');
        const [tx, ty] = await Promise.all([s.pair('w')[0].call('client', 'list', 'id', ax, ax, '999999'), s.pair('w')[1].call('client', 'list', 'id', ay, ay, '999999')]);
        assert.equal(mask(tx), mask(ty));
        const [px, py] = await Promise.all([s.pair('w')[0].call('client', 'list', 'type', 'pubsub'), s.pair('w')[1].call('client', 'list', 'type', 'pubsub')]);
        assert.equal(mask(px), mask(py));
        const [nx, ny] = await Promise.all([s.pair('w')[0].call('client', 'list', 'type', 'normal'), s.pair('w')[1].call('client', 'list', 'type', 'normal')]);
        assert.deepEqual(sorted(nx), sorted(ny));
      } finally {
        s.close();
      }
    }
  });
});

describe('differential: RESET', { skip: SKIP }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  /** MONITOR lines: "+<time> [<db> <ip:port>]" → "+TS [<db> PEER]". */
  const maskAll = (s: string) => mask(s).replace(/\+\d+\.\d{6} \[(\d+) [^\]]+\]/g, '+TS [$1 PEER]');

  for (const proto of PROTOS) {
    it(`RESET clears db, name, protocol, MULTI, WATCH, subscriptions, tracking, reply mode, flags and MONITOR (RESP${proto})`, async () => {
      await d.both('flushall');
      const s = await Session.open(d, ['a', 'b']);
      try {
        assert.equal(await s.step('a', ['hello', proto], mask), null);
        const lines = sessionScript(`
          a: select 3
          a: set k3 v
          a: client setname foo
          a: client no-evict on
          a: reset
          a: client getname
          a: get k3
          a: client info
          a: hello
          a: hello ${proto}
          a: multi
          a: set x 1
          a: reset
          a: exec
          a: get x
          a: watch k
          a: reset
          b: set k changed
          a: multi
          a: get k
          a: exec
          a: subscribe ch
          a: psubscribe p*
          a: reset
          b: publish ch m
          b: publish px m
          a: ping
          a: client tracking on
          a: get k
          a: reset
          b: set k again
          a: client trackinginfo
          a: monitor
          b: set m 1
          a: reset
          b: set m 2
          a: get m
          a: client info
        `);
        assert.equal(await s.run(lines, maskAll), null);
      } finally {
        s.close();
      }
    });
  }

  it('RESET turns CLIENT REPLY OFF back on, but a pending SKIP still skips its reply', async () => {
    const [x, y] = await d.connectPair();
    try {
      for (const conn of [x, y]) {
        conn.write(encodeCommand(['client', 'reply', 'off']));
        conn.write(encodeCommand(['set', 'r', '1']));
        conn.write(encodeCommand(['reset']));
        conn.write(encodeCommand(['get', 'r']));
      }
      assert.equal(await x.read(), await y.read());
      assert.equal(await x.read(), await y.read());
      for (const conn of [x, y]) {
        conn.write(encodeCommand(['client', 'reply', 'skip']));
        conn.write(encodeCommand(['reset']));
        conn.write(encodeCommand(['ping', 'after']));
      }
      assert.equal(await x.read(), await y.read());
    } finally {
      x.close();
      y.close();
    }
  });

  it('RESET with requirepass: the connection must authenticate again', async () => {
    const [x, y] = await d.connectPair();
    try {
      const cmds = script(`
        config set requirepass secret
        get a
        reset
        get a
        ping
        hello 3
        auth wrong
        auth default secret
        get a
        hello 3 auth default secret
        reset
        hello
        auth secret
        config set requirepass ""
        reset
        get a
      `);
      for (const c of cmds) assert.equal(mask(await x.call(...c)), mask(await y.call(...c)), c.join(' '));
    } finally {
      x.close();
      y.close();
    }
  });
});

describe('differential: authentication of new connections', { skip: SKIP }, () => {
  let d: Differential;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d.both('config', 'set', 'requirepass', '');
    await d?.stop();
  });

  for (const proto of PROTOS) {
    it(`NOAUTH, AUTH and HELLO AUTH with requirepass set by CONFIG SET (RESP${proto})`, async () => {
      await d.both('config', 'set', 'requirepass', 'secret');
      const [x, y] = await d.connectPair();
      try {
        const cmds = script(`
          ping
          get a
          echo a
          select 1
          client id
          client setname x
          hello
          hello ${proto}
          hello ${proto} setname x
          hello 2 auth default wrong
          hello 4 auth default wrong
          hello abc
          hello ${proto} setname x auth default wrong
          auth
          auth wrong
          auth default wrong
          auth nobody secret
          auth a b c
          get a
          hello ${proto} setname early auth default wrong
          auth secret
          client getname
          hello 2 auth default wrong foo
          hello 2 auth default wrong auth default secret
          hello 2 auth default secret auth default wrong
          hello 2 auth default wrong setname "bad name"
          hello 2 setname "bad name" auth default wrong
          hello 2 auth default wrong setname ok
          client getname
          hello 2 setname ok2 auth default wrong
          client getname
          hello ${proto} auth default secret setname authed
          client getname
          get a
          auth secret
          auth default secret
          reset
          get a
          auth secret
          get a
        `);
        for (const c of cmds) assert.equal(mask(await x.call(...c)), mask(await y.call(...c)), c.join(' '));
        // QUIT needs no authentication.
        const [u, v] = await d.connectPair();
        u.write('*1\r\n$4\r\nquit\r\n');
        v.write('*1\r\n$4\r\nquit\r\n');
        assert.equal(await u.readUntilClose(), await v.readUntilClose());
      } finally {
        x.close();
        y.close();
        await d.a.call('config', 'set', 'requirepass', '');
        await d.b.call('config', 'set', 'requirepass', '');
      }
      // Connections that were authenticated stay so when the password changes.
      const [a, b] = await d.connectPair();
      // A round trip first: a server creates its client when its event loop accepts the connection, which
      // could otherwise come after the password change below.
      assert.equal(await a.call('ping'), await b.call('ping'));
      await d.both('config', 'set', 'requirepass', 'other');
      assert.equal(await a.call('get', 'a'), await b.call('get', 'a'));
      await d.both('config', 'set', 'requirepass', '');
      a.close();
      b.close();
    });
  }
});

describe('differential: CLIENT KILL', { skip: SKIP }, () => {
  /** The client's own CLIENT INFO field (addr, laddr, id). */
  async function field(conn: RawConnection, name: string): Promise<string> {
    const info = textOf(await conn.call('client', 'info'));
    return new RegExp(`(?:^| )${name}=(\\S*)`).exec(info)![1];
  }

  /** Kill with each server's own values for `fieldName` of the victim; both victims must be closed. */
  async function killBy(d: Differential, opts: (v: string) => string[], fieldName: string, expectClosed = true): Promise<void> {
    const [vx, vy] = await d.connectPair();
    const [kx, ky] = await d.connectPair();
    const [fx, fy] = [await field(vx, fieldName), await field(vy, fieldName)];
    const [rx, ry] = [await kx.call('client', 'kill', ...opts(fx)), await ky.call('client', 'kill', ...opts(fy))];
    assert.equal(rx, ry, `client kill ${opts(fx).join(' ')}`);
    if (expectClosed) assert.equal(await vx.readUntilClose(), await vy.readUntilClose());
    for (const c of [vx, vy, kx, ky]) c.close();
  }

  it('old form by address, new form by ID, ADDR, LADDR, TYPE, USER and SKIPME', async () => {
    const d = await Differential.start();
    try {
      await killBy(d, (addr) => [addr], 'addr');
      await killBy(d, (id) => ['id', id], 'id');
      await killBy(d, (addr) => ['addr', addr], 'addr');
      await killBy(d, (addr) => ['addr', addr, 'type', 'normal', 'skipme', 'yes'], 'addr');
      await killBy(d, (addr) => ['addr', addr, 'type', 'pubsub'], 'addr', false);
      await killBy(d, (id) => ['id', id, 'user', 'default'], 'id');
      // A pubsub client by type: only subscribers go.
      const [sx, sy] = await d.connectPair();
      await sx.call('subscribe', 'c');
      await sy.call('subscribe', 'c');
      assert.equal(await d.a.call('client', 'kill', 'type', 'pubsub'), await d.b.call('client', 'kill', 'type', 'pubsub'));
      assert.equal(await sx.readUntilClose(), await sy.readUntilClose());
      // LADDR is the server's side: every other client matches; the caller is skipped.
      const [ox, oy] = await d.connectPair();
      const [lx, ly] = [await field(d.a, 'laddr'), await field(d.b, 'laddr')];
      assert.equal(await d.a.call('client', 'kill', 'laddr', lx), await d.b.call('client', 'kill', 'laddr', ly));
      assert.equal(await ox.readUntilClose(), await oy.readUntilClose());
    } finally {
      await d.stop();
    }
  });

  it('a client killing itself gets its reply, then the connection closes', async () => {
    const d = await Differential.start();
    try {
      for (const form of ['old', 'skipme']) {
        const [x, y] = await d.connectPair();
        const [ax, ay] = [await field(x, 'addr'), await field(y, 'addr')];
        const argsX = form === 'old' ? ['client', 'kill', ax] : ['client', 'kill', 'addr', ax, 'skipme', 'no'];
        const argsY = form === 'old' ? ['client', 'kill', ay] : ['client', 'kill', 'addr', ay, 'skipme', 'no'];
        x.write(`*${argsX.length}\r\n${argsX.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
        y.write(`*${argsY.length}\r\n${argsY.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
        assert.equal(await x.readUntilClose(), await y.readUntilClose(), form);
      }
      // SKIPME yes (the default) spares the caller.
      const [x, y] = await d.connectPair();
      const [ax, ay] = [await field(x, 'addr'), await field(y, 'addr')];
      assert.equal(await x.call('client', 'kill', 'addr', ax), await y.call('client', 'kill', 'addr', ay));
      assert.equal(await x.call('ping'), await y.call('ping'));
      x.close();
      y.close();
    } finally {
      await d.stop();
    }
  });
});
