/**
 * Wire-protocol integration tests: raw bytes in, raw bytes out, Cinnabar against a real redis-server.
 *
 * Every case is a byte string a client could send (multibulk, inline as telnet types it, pipelines of both,
 * protocol errors). It is sent to each server on a fresh connection, whole, one byte at a time and cut at
 * seeded random places, and the complete transcript (every reply byte, then whether the server closed the
 * connection or kept waiting) must be identical. A case that keeps the connection open is followed by a
 * marker command so the transcript has a definite end; a case that closes is read until the close.
 * Limits that depend on configuration (proto-max-bulk-len, client-query-buffer-limit, requirepass) are set
 * with CONFIG SET on both servers. The last part checks big values travel intact in many chunks and that
 * RESP3 replies after HELLO 3 match Redis byte for byte.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { Differential, RawConnection, encodeCommand, hasRedis, rng } from './helpers';

const MARKER_TEXT = '~end-of-case~';
const MARKER = encodeCommand(['ECHO', MARKER_TEXT]).toString('latin1');
const MARKER_REPLY = `$${MARKER_TEXT.length}\r\n${MARKER_TEXT}\r\n`;

type Ending = 'open' | 'close' | 'wait';
type Split = 'whole' | 'bytes' | number;

/** Cut `data` into pieces as `split` says: one piece, single bytes, or random cuts from a seed. */
function pieces(data: Buffer, split: Split): Buffer[] {
  if (split === 'whole') return [data];
  const out: Buffer[] = [];
  if (split === 'bytes') {
    for (let i = 0; i < data.length; i++) out.push(data.subarray(i, i + 1));
    return out;
  }
  const r = rng(split);
  let i = 0;
  while (i < data.length) {
    // Mostly short pieces, sometimes long ones, so cuts land inside headers, bulks and CRLFs alike.
    const n = 1 + Math.floor(r() < 0.8 ? r() * 12 : r() * 4096);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Send `payload` on a new connection cut as `split` says and return the transcript: every byte received,
 * then "<closed>" or "<open>". 'open' cases get the marker command appended and are read until its reply.
 */
async function transcript(port: number, payload: string | Buffer, ending: Ending, split: Split): Promise<string> {
  let data = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  if (ending === 'open') data = Buffer.concat([data, Buffer.from(MARKER, 'latin1')]);
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let closed = false;
  let wake: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    wake?.();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  for (const p of pieces(data, split)) {
    if (closed) break;
    socket.write(p);
    if (split !== 'whole') await tick();
  }
  const deadline = Date.now() + (ending === 'wait' ? 150 : 10000);
  while (!closed && !(ending === 'open' && received.endsWith(MARKER_REPLY)) && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wake = null;
  }
  socket.destroy();
  if (ending !== 'wait' && !closed && !received.endsWith(MARKER_REPLY)) {
    throw new Error(`port ${port}: no end after 10 s; received ${JSON.stringify(received.slice(0, 300))}`);
  }
  return received + (closed ? '<closed>' : '<open>');
}

interface Case {
  name: string;
  payload: string;
  ending: Ending;
  /** Skip the byte-by-byte run (large payloads). */
  noBytes?: boolean;
}

const BIG_INLINE = 'a'.repeat(70000);

const CASES: Case[] = [
  // ---- multibulk ----
  { name: 'multibulk PING', payload: '*1\r\n$4\r\nPING\r\n', ending: 'open' },
  { name: 'multibulk SET/GET', payload: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', ending: 'open' },
  { name: 'binary bulk (CR LF NUL inside)', payload: '*3\r\n$3\r\nSET\r\n$2\r\nbk\r\n$6\r\n\r\n\x00\xff$*\r\n*2\r\n$3\r\nGET\r\n$2\r\nbk\r\n', ending: 'open' },
  { name: 'empty bulk argument', payload: '*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n', ending: 'open' },
  { name: 'empty command name', payload: '*1\r\n$0\r\n\r\n', ending: 'open' },
  { name: '*0 and *-1 are ignored', payload: '*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n*0\r\n', ending: 'open' },
  { name: 'bytes after a bulk are skipped, not checked', payload: '*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n', ending: 'open' },
  { name: 'lowercase and mixed-case names', payload: '*2\r\n$4\r\necho\r\n$1\r\na\r\n*2\r\n$4\r\nEcHo\r\n$1\r\nb\r\n', ending: 'open' },
  { name: 'unknown command with many args', payload: encodeCommand(['NOPE', ...Array.from({ length: 40 }, (_, i) => 'arg' + i)]).toString('latin1'), ending: 'open' },
  { name: 'wrong arity', payload: '*1\r\n$3\r\nGET\r\n*4\r\n$4\r\nECHO\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n', ending: 'open' },
  { name: 'incomplete command waits', payload: '*2\r\n$4\r\nECHO\r\n$5\r\nabc', ending: 'wait' },
  { name: 'incomplete header waits', payload: '*2\r\n$4\r', ending: 'wait' },
  // ---- inline (as telnet sends it) ----
  { name: 'inline PING CRLF', payload: 'PING\r\n', ending: 'open' },
  { name: 'inline PING LF only', payload: 'PING\n', ending: 'open' },
  { name: 'inline with arguments', payload: 'SET ik "hello world"\r\nGET ik\r\nECHO   spaced\t\targs  \r\n', ending: 'open' },
  { name: 'inline empty lines are skipped', payload: '\r\n\n\r\n   \r\n\t\r\nPING\r\n\n', ending: 'open' },
  { name: 'inline double-quote escapes', payload: 'ECHO "\\x41\\x4a\\n\\r\\t\\b\\a\\z\\"\\\\"\r\n', ending: 'open' },
  { name: 'inline bad hex escape is literal', payload: 'ECHO "\\x4g" "\\x"\r\n', ending: 'open' },
  { name: 'inline single quotes', payload: "ECHO 'a \"b\" \\n'\r\nECHO 'it\\'s'\r\n", ending: 'open' },
  { name: 'inline quotes glued to a word', payload: 'ECHO a"b c"\r\n', ending: 'open' },
  { name: 'inline empty quoted argument', payload: 'SET "" ""\r\nGET ""\r\nECHO \'\'\r\n', ending: 'open' },
  { name: 'inline control bytes and vertical tab', payload: 'ECHO \x01\x02\r\nECHO \x0bb\r\nECHO a\x0bb\r\n', ending: 'open' },
  { name: 'inline high bytes', payload: 'ECHO \xe9\xff\x80\r\n', ending: 'open' },
  { name: 'inline CR alone is part of a line', payload: 'ECHO a\rb\r\n\r\r\n', ending: 'open' },
  { name: 'inline NUL hides the line end (waits)', payload: 'ECHO a\x00b\r\n', ending: 'wait' },
  { name: 'inline incomplete line waits', payload: 'ECHO abc', ending: 'wait' },
  { name: 'inline starting with $ or +', payload: '$4\r\n+PING\r\n', ending: 'open' },
  // ---- pipelines mixing both ----
  {
    name: 'mixed pipeline',
    payload: 'SET a 1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\nINCRBY a 10\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n\r\nMGET a b "a"\r\n*3\r\n$4\r\nMSET\r\n$1\r\nb\r\n$1\r\n2\r\nDEL a b c\r\nEXISTS a b\r\nDBSIZE\r\n',
    ending: 'open',
  },
  // ---- protocol errors: reply, then close; earlier commands in the packet are answered ----
  { name: 'invalid multibulk length', payload: '*abc\r\n', ending: 'close' },
  { name: 'commands before the error are answered', payload: 'SET e 1\r\n*2\r\n$3\r\nGET\r\n$1\r\ne\r\n*abc\r\n', ending: 'close' },
  { name: 'multibulk length -0 / +1 / 01', payload: '*-0\r\n', ending: 'close' },
  { name: 'multibulk length +1', payload: 'PING\r\n*+1\r\n', ending: 'close' },
  { name: 'multibulk length 01', payload: '*01\r\n', ending: 'close' },
  { name: 'multibulk length empty', payload: '*\r\n', ending: 'close' },
  { name: 'multibulk length above INT_MAX', payload: '*2147483648\r\n', ending: 'close' },
  { name: 'expected $, got +', payload: 'PING\r\n*1\r\n+x\r\n', ending: 'close' },
  { name: 'expected $, got digit (CR alone)', payload: '*1\r$4\r\nPING\r\n', ending: 'close' },
  { name: 'null bulk $-1 in a request', payload: '*1\r\n$-1\r\n', ending: 'close' },
  { name: 'bulk length abc', payload: '*1\r\n$abc\r\n', ending: 'close' },
  { name: 'bulk length with leading zero', payload: '*1\r\n$01\r\n', ending: 'close' },
  { name: 'bulk length above proto-max-bulk-len default', payload: '*1\r\n$536870913\r\n', ending: 'close' },
  { name: 'bulk length 20 digits', payload: '*1\r\n$99999999999999999999\r\n', ending: 'close' },
  { name: 'error in the second bulk', payload: '*2\r\n$4\r\nECHO\r\n$x\r\n', ending: 'close' },
  { name: 'unbalanced double quotes', payload: 'ECHO "abc\r\n', ending: 'close' },
  { name: 'unbalanced single quotes', payload: "PING\r\nECHO 'abc\r\n", ending: 'close' },
  { name: 'text after closing quote', payload: 'ECHO "a""b"\r\n', ending: 'close' },
  { name: 'trailing backslash in quotes', payload: 'ECHO "\\"\r\n', ending: 'close' },
  { name: 'NUL before the $ waits', payload: '*1\r\n\x00$4\r\nPING\r\n', ending: 'wait' },
  { name: 'NUL in a multibulk count waits', payload: '*1\x00\r\n', ending: 'wait' },
  { name: 'too big inline request', payload: 'PING\r\n' + BIG_INLINE, ending: 'close', noBytes: true },
  { name: 'too big mbulk count string', payload: '*' + '1'.repeat(70000), ending: 'close', noBytes: true },
  { name: 'too big bulk count string', payload: '*1\r\n$' + '1'.repeat(70000), ending: 'close', noBytes: true },
  { name: 'inline NUL: waits until too big', payload: 'ECHO \x00' + BIG_INLINE + '\r\n', ending: 'close', noBytes: true },
];

/** A seeded random pipeline of commands written as multibulk or inline, with binary values. */
function randomPipeline(seed: number, count: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const value = (): string => {
    const n = Math.floor(r() * (r() < 0.1 ? 300 : 12));
    let s = '';
    const alphabet = r() < 0.5 ? 'abc 12"\'\\' : '';
    for (let i = 0; i < n; i++) s += alphabet !== '' && r() < 0.8 ? alphabet[Math.floor(r() * alphabet.length)] : String.fromCharCode(Math.floor(r() * 256));
    return s;
  };
  const keys = ['k1', 'k2', 'k3', 'n', 'bin\x00key', 'sp ace'];
  let out = '';
  for (let i = 0; i < count; i++) {
    let argv: string[];
    switch (Math.floor(r() * 12)) {
      case 0:
        argv = ['SET', pick(keys), value()];
        break;
      case 1:
        argv = ['GET', pick(keys)];
        break;
      case 2:
        argv = ['INCR', 'n'];
        break;
      case 3:
        argv = ['INCRBY', pick(['n', 'k1']), String(Math.floor(r() * 200) - 100)];
        break;
      case 4:
        argv = ['DEL', pick(keys), pick(keys)];
        break;
      case 5:
        argv = ['MSET', pick(keys), value(), pick(keys), value()];
        break;
      case 6:
        argv = ['MGET', pick(keys), pick(keys), pick(keys)];
        break;
      case 7:
        argv = ['ECHO', value()];
        break;
      case 8:
        argv = r() < 0.5 ? ['PING'] : ['PING', value()];
        break;
      case 9:
        argv = ['EXISTS', pick(keys), pick(keys)];
        break;
      case 10:
        argv = [pick(['DBSIZE', 'GET', 'NOSUCHCMD', 'SET'])];
        break;
      default:
        out += pick(['\r\n', '\n', '*0\r\n', '*-1\r\n', '   \r\n']);
        continue;
    }
    out += r() < 0.5 ? encodeCommand(argv).toString('latin1') : inline(argv, r() < 0.5 ? '\r\n' : '\n');
  }
  return out;
}

/** Write argv as an inline command line, quoting every argument so any byte survives (\xHH escapes). */
function inline(argv: string[], eol: string): string {
  return (
    argv
      .map((a) => {
        let q = '"';
        for (const ch of a) {
          const c = ch.charCodeAt(0);
          if (ch === '"' || ch === '\\') q += '\\' + ch;
          else if (c < 32 || c > 126) q += '\\x' + c.toString(16).padStart(2, '0');
          else q += ch;
        }
        return q + '"';
      })
      .join(' ') + eol
  );
}

/** Read exactly one bulk reply of `size` bytes without quadratic buffering; returns its sha1 and length. */
async function bigRoundTrip(port: number, value: Buffer): Promise<{ set: string; sha: string; len: number }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  let total = 0;
  const header = `+OK\r\n$${value.length}\r\n`;
  const expected = header.length + value.length + 2;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      total += d.length;
      if (total >= expected) resolve();
    });
    socket.on('close', () => reject(new Error(`closed after ${total} bytes`)));
  });
  socket.write(Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n`));
  // Many writes of uneven sizes, so the value arrives cut everywhere.
  for (let off = 0, i = 0; off < value.length; i++) {
    const n = Math.min(value.length - off, 1 + ((i * 7919) % 300000));
    socket.write(value.subarray(off, off + n));
    off += n;
  }
  socket.write('\r\n*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
  await done;
  socket.destroy();
  const all = Buffer.concat(chunks);
  const head = all.toString('latin1', 0, header.length);
  const body = all.subarray(header.length, header.length + value.length);
  assert.equal(all.toString('latin1', header.length + value.length), '\r\n');
  return { set: head, sha: createHash('sha1').update(body).digest('hex'), len: body.length };
}

describe('protocol: raw bytes against redis-server', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  let cport: number;
  let rport: number;
  /** A bystander connection per server that must keep working whatever other clients do. */
  let bystander: [RawConnection, RawConnection];

  before(async () => {
    d = await Differential.start();
    cport = d.cinnabar.address().port;
    rport = d.redis.port;
    bystander = await d.connectPair();
  });
  after(async () => {
    bystander?.[0].close();
    bystander?.[1].close();
    await d?.stop();
  });

  /** Run a case on both servers with the given split and compare transcripts. */
  async function compare(c: Case, split: Split): Promise<void> {
    await d.both('flushall');
    const a = await transcript(cport, c.payload, c.ending, split);
    const b = await transcript(rport, c.payload, c.ending, split);
    assert.equal(a, b, `case "${c.name}", split ${split}\n  cinnabar: ${JSON.stringify(a.slice(0, 400))}\n  redis:    ${JSON.stringify(b.slice(0, 400))}`);
  }

  async function bystandersAlive(): Promise<void> {
    assert.equal(await bystander[0].call('PING'), '+PONG\r\n');
    assert.equal(await bystander[1].call('PING'), '+PONG\r\n');
  }

  for (const split of ['whole', 'bytes', 1, 2, 3] as Split[]) {
    it(`every parser case, split ${split === 'whole' || split === 'bytes' ? split : 'at random (seed ' + split + ')'}`, async () => {
      for (const c of CASES) {
        if (split === 'bytes' && c.noBytes) continue;
        await compare(c, split);
      }
      await bystandersAlive();
    });
  }

  it('random mixed pipelines (multibulk + inline, binary values), whole and at random splits', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const payload = randomPipeline(seed, 300);
      for (const split of ['whole', seed * 101] as Split[]) {
        await compare({ name: `pipeline seed ${seed}`, payload, ending: 'open' }, split);
      }
    }
  });

  it('partial commands from several connections, interleaved, each resume where they stopped', async () => {
    // Every connection reads into one shared buffer (socket-input.ts): a tail left by one client must
    // survive the reads of the others.
    // Each connection works in its own database, so the outcome does not depend on how the reads interleave.
    const payloads = [1, 2, 3, 4].map((db) =>
      Buffer.concat([encodeCommand(['SELECT', String(db)]), Buffer.from(randomPipeline(db + 40, 40), 'latin1')]),
    );
    async function run(port: number): Promise<string[]> {
      const conns = await Promise.all(payloads.map(() => RawConnection.connect(port)));
      const r = rng(9);
      const offsets = payloads.map(() => 0);
      while (offsets.some((o, i) => o < payloads[i].length)) {
        for (let i = 0; i < conns.length; i++) {
          const step = 1 + Math.floor(r() * 37);
          const end = Math.min(payloads[i].length, offsets[i] + step);
          if (end > offsets[i]) conns[i].write(payloads[i].subarray(offsets[i], end));
          offsets[i] = end;
          await new Promise((r) => setImmediate(r));
        }
      }
      const marker = '$10\r\nend-marker\r\n';
      const out = await Promise.all(
        conns.map(async (c) => {
          c.write(encodeCommand(['ECHO', 'end-marker']));
          let replies = '';
          for (let reply = await c.read(); reply !== marker; reply = await c.read()) replies += reply;
          c.close();
          return replies;
        }),
      );
      return out;
    }
    await d.both('flushall');
    const a = await run(cport);
    await d.both('flushall');
    const b = await run(rport);
    assert.deepEqual(a, b);
  });

  it('a pipeline byte by byte', async () => {
    await compare({ name: 'pipeline seed 77', payload: randomPipeline(77, 60), ending: 'open' }, 'bytes');
  });

  it('bulk length above a lowered proto-max-bulk-len is refused, at the limit accepted', async () => {
    await d.both('config', 'set', 'proto-max-bulk-len', '1mb');
    try {
      const limit = 1024 * 1024;
      await compare({ name: 'over limit', payload: `*2\r\n$4\r\nECHO\r\n$${limit + 1}\r\n`, ending: 'close' }, 'whole');
      const atLimit = `*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${limit}\r\n${'v'.repeat(limit)}\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n`;
      await compare({ name: 'at limit', payload: atLimit, ending: 'open' }, 'whole');
      await compare({ name: 'at limit', payload: atLimit, ending: 'open' }, 9);
    } finally {
      await d.both('config', 'set', 'proto-max-bulk-len', '512mb');
    }
  });

  it('unauthenticated clients get the tight multibulk and bulk limits', async () => {
    await d.both('config', 'set', 'requirepass', 'secret');
    try {
      // Unauthenticated clients may not even ECHO the end marker: each case ends with QUIT instead.
      const QUIT = '*1\r\n$4\r\nQUIT\r\n';
      const cases: Case[] = [
        { name: '10 args is fine (NOAUTH)', payload: encodeCommand(['ECHO', ...'123456789'.split('')]).toString('latin1') + QUIT, ending: 'close' },
        { name: '11 args: unauthenticated multibulk length', payload: encodeCommand(['ECHO', ...'1234567890'.split('')]).toString('latin1'), ending: 'close' },
        { name: '16384-byte bulk is fine', payload: encodeCommand(['ECHO', 'x'.repeat(16384)]).toString('latin1') + QUIT, ending: 'close' },
        { name: 'unauthenticated bulk length', payload: '*2\r\n$4\r\nECHO\r\n$16385\r\n', ending: 'close' },
        { name: 'inline is not limited', payload: 'ECHO ' + 'x '.repeat(20) + '\r\n' + QUIT, ending: 'close' },
        {
          name: 'after AUTH the limits are lifted',
          payload: 'AUTH secret\r\n' + encodeCommand(['ECHO', 'y'.repeat(20000)]).toString('latin1') + encodeCommand(['MGET', ...'abcdefghijkl'.split('')]).toString('latin1'),
          ending: 'open',
        },
        { name: 'wrong password keeps the limits', payload: 'AUTH nope\r\n*11\r\n', ending: 'close' },
      ];
      for (const c of cases) for (const split of ['whole', 5] as Split[]) await compare(c, split);
    } finally {
      // The control connections were authenticated before the password was set (Redis keeps them so).
      await d.both('config', 'set', 'requirepass', '');
    }
  });

  it('HELLO without authentication gets Redis’s NOAUTH text', async () => {
    await d.both('config', 'set', 'requirepass', 'secret');
    try {
      await compare({ name: 'HELLO 3 unauthenticated', payload: 'HELLO 3\r\nHELLO\r\nHELLO 2\r\nQUIT\r\n', ending: 'close' }, 'whole');
    } finally {
      await d.both('config', 'set', 'requirepass', '');
    }
  });

  it('client-query-buffer-limit closes a client sending a huge partial bulk; others keep working', async () => {
    await d.both('config', 'set', 'client-query-buffer-limit', '1mb');
    try {
      for (const port of [cport, rport]) {
        const raw = await RawConnection.connect(port);
        raw.write('*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$10000000\r\n');
        raw.write(Buffer.alloc(2 * 1024 * 1024, 120));
        const got = await raw.readUntilClose(10000);
        assert.equal(got, '', `port ${port}: no reply before the close`);
        raw.close();
      }
      // Same for a pipeline that never completes a big inline-free multibulk header stream.
      await bystandersAlive();
      const [x, y] = await d.both('exists', 'huge');
      assert.equal(x, y);
      assert.equal(x, ':0\r\n');
    } finally {
      await d.both('config', 'set', 'client-query-buffer-limit', '1gb');
    }
  });

  it('a 50 MB value arrives intact across many chunks, SET then GET', async () => {
    const value = Buffer.allocUnsafe(50 * 1024 * 1024);
    const r = rng(50);
    for (let i = 0; i < value.length; i += 4) value.writeUInt32LE(Math.floor(r() * 4294967296), i);
    const sha = createHash('sha1').update(value).digest('hex');
    for (const port of [cport, rport]) {
      const got = await bigRoundTrip(port, value);
      assert.equal(got.set, `+OK\r\n$${value.length}\r\n`);
      assert.equal(got.len, value.length);
      assert.equal(got.sha, sha, `port ${port}`);
    }
    await d.both('del', 'big');
  });

  it('RESP3 replies after HELLO 3 are Redis’s bytes', async () => {
    const [a, b] = await d.connectPair();
    try {
      const id = (s: string) => s.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
      const [h1, h2] = [await a.call('HELLO', '3'), await b.call('HELLO', '3')];
      assert.equal(id(h1), id(h2));
      assert.ok(h1.startsWith('%7\r\n'));
      const cmds: Array<Array<string>> = [
        ['SET', 'r3', 'v'],
        ['GET', 'r3'],
        ['GET', 'missing'],
        ['MGET', 'r3', 'missing', 'r3'],
        ['INCR', 'cnt'],
        ['EXISTS', 'r3', 'missing'],
        ['PING'],
        ['PING', 'x'],
        ['ECHO', ''],
        ['CLIENT', 'GETNAME'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['CONFIG', 'GET', 'nosuchparam'],
        ['DBSIZE'],
        ['NOSUCH'],
        ['HELLO', '4'],
        ['SET', 'r3', 'w', 'GET'],
        ['SET', 'r4', 'w', 'NX', 'GET'],
        ['DEL', 'r3', 'r4', 'cnt'],
        ['HELLO', '2'],
        ['GET', 'missing'],
        ['MGET', 'missing'],
      ];
      await a.call('FLUSHALL');
      await b.call('FLUSHALL');
      for (const cmd of cmds) {
        const x = id(await a.call(...cmd));
        const y = id(await b.call(...cmd));
        assert.equal(x, y, JSON.stringify(cmd));
      }
    } finally {
      a.close();
      b.close();
    }
  });
});
