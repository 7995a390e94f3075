/**
 * Unit tests of the request parser (src/resp/parser.ts), without sockets: every input is fed whole, one
 * byte at a time and in seeded random pieces, and must give the same argument vectors and the same error.
 * That proves the parser resumes exactly where it stopped, whatever the cut (inside a header, a bulk, a CRLF,
 * a big argument). The wire-level comparison with redis-server is in test/protocol.test.ts.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestParser } from '../../src/resp/parser';
import { hashBytes, hashKey } from '../../src/types/dict';
import { encodeCommand, rng } from '../helpers';

interface Outcome {
  commands: string[][];
  error: string | null;
  buffered: number;
}

function parser(opts: { maxBulkLen?: number; unauthenticated?: boolean } = {}): RequestParser {
  return new RequestParser({ maxBulkLen: opts.maxBulkLen ?? 512 * 1024 * 1024, unauthenticated: opts.unauthenticated ?? false });
}

/** Feed `input` in the given pieces, draining commands after each one, as the client does. */
function run(input: Buffer, cuts: number[], opts: Parameters<typeof parser>[0] = {}): Outcome {
  const p = parser(opts);
  const commands: string[][] = [];
  let start = 0;
  for (const end of [...cuts, input.length]) {
    if (p.error !== null) break;
    // Copy each piece: socket chunks are fresh buffers, and this catches any reliance on shared memory.
    p.feed(Buffer.from(input.subarray(start, end)));
    start = end;
    for (let argv = p.next(); argv !== null; argv = p.next()) commands.push(argv);
  }
  // After an error the connection closes: what stays buffered depends on how much had arrived.
  return { commands, error: p.error, buffered: p.error === null ? p.buffered : -1 };
}

function everyWay(input: string | Buffer, opts: Parameters<typeof parser>[0] = {}): Outcome {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const whole = run(buf, [], opts);
  const bytes = run(
    buf,
    Array.from({ length: buf.length - 1 }, (_, i) => i + 1),
    opts,
  );
  assert.deepEqual(bytes, whole, 'byte by byte differs from whole');
  for (let seed = 1; seed <= 5; seed++) {
    const r = rng(seed);
    const cuts: number[] = [];
    for (let i = 1 + Math.floor(r() * 20); i < buf.length; i += 1 + Math.floor(r() * 40)) cuts.push(i);
    assert.deepEqual(run(buf, cuts, opts), whole, `random cuts (seed ${seed}) differ from whole`);
  }
  return whole;
}

describe('RequestParser', () => {
  it('multibulk commands, binary safe', () => {
    const out = everyWay(encodeCommand(['SET', 'k\r\n', '\x00\xff\r\n$*']).toString('latin1') + '*1\r\n$4\r\nPING\r\n');
    assert.deepEqual(out.commands, [['SET', 'k\r\n', '\x00\xff\r\n$*'], ['PING']]);
    assert.equal(out.error, null);
    assert.equal(out.buffered, 0);
  });

  it('inline commands: quotes, escapes, empty lines, LF or CRLF', () => {
    const out = everyWay('\r\nSET a "b c"\n\n   \r\nECHO "\\x41\\n" \'x\\\'y\'\r\nPING\n');
    assert.deepEqual(out.commands, [['SET', 'a', 'b c'], ['ECHO', 'A\n', "x'y"], ['PING']]);
  });

  it('*0, *-1 and negative counts are skipped', () => {
    assert.deepEqual(everyWay('*0\r\n*-1\r\n*-7\r\n*1\r\n$1\r\nx\r\n').commands, [['x']]);
  });

  it('an incomplete command stays buffered', () => {
    const out = everyWay('*2\r\n$4\r\nECHO\r\n$5\r\nab');
    assert.deepEqual(out.commands, []);
    assert.equal(out.error, null);
    assert.ok(out.buffered > 0);
  });

  it('protocol errors carry Redis’s text (without the "Protocol error: " prefix the client adds)', () => {
    const cases: Array<[string, string, Parameters<typeof parser>[0]?]> = [
      ['*abc\r\n', 'invalid multibulk length'],
      ['*2147483648\r\n', 'invalid multibulk length'],
      ['*1\r\n+x\r\n', "expected '$', got '+'"],
      ['*1\r\n$-1\r\n', 'invalid bulk length'],
      ['*1\r\n$abc\r\n', 'invalid bulk length'],
      ['*1\r\n$2000000\r\n', 'invalid bulk length', { maxBulkLen: 1024 * 1024 }],
      ['ECHO "a\r\n', 'unbalanced quotes in request'],
      ['*11\r\n', 'unauthenticated multibulk length', { unauthenticated: true }],
      ['*1\r\n$16385\r\n', 'unauthenticated bulk length', { unauthenticated: true }],
    ];
    for (const [input, error, opts] of cases) assert.equal(everyWay(input, opts).error, error, JSON.stringify(input));
    assert.equal(everyWay('*10\r\n', { unauthenticated: true }).error, null);
    assert.equal(everyWay('*1\r\n$16384\r\n', { unauthenticated: true }).error, null);
  });

  it('commands before an error are still returned', () => {
    const out = everyWay('PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n');
    assert.deepEqual(out.commands, [['PING'], ['PING']]);
    assert.equal(out.error, 'invalid multibulk length');
  });

  it('too big requests without a line end', () => {
    const big = 'x'.repeat(64 * 1024 + 1);
    assert.equal(run(Buffer.from(big), []).error, 'too big inline request');
    assert.equal(run(Buffer.from('*' + big), []).error, 'too big mbulk count string');
    assert.equal(run(Buffer.from('*1\r\n$' + big), []).error, 'too big bulk count string');
    // Exactly 64 KiB is still waiting.
    assert.equal(run(Buffer.from(big.slice(1)), []).error, null);
  });

  it('a NUL byte hides the line end, as strchr does in Redis', () => {
    for (const input of ['ECHO a\x00b\r\n', '*1\x00\r\n', '*1\r\n\x00$1\r\n', '*1\r\n$1\x00\r\n']) {
      const out = everyWay(input);
      assert.deepEqual(out.commands, [], JSON.stringify(input));
      assert.equal(out.error, null, JSON.stringify(input));
    }
    assert.equal(run(Buffer.from('ECHO \x00' + 'x'.repeat(70000)), []).error, 'too big inline request');
  });

  it('big arguments are assembled across chunks (and count as buffered)', () => {
    const value = Buffer.alloc(200 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 255;
    const input = Buffer.concat([encodeCommand(['SET', 'k', value]), encodeCommand(['GET', 'k'])]);
    const p = parser();
    const got: string[][] = [];
    let maxBuffered = 0;
    for (let off = 0; off < input.length; off += 1000) {
      p.feed(Buffer.from(input.subarray(off, off + 1000)));
      maxBuffered = Math.max(maxBuffered, p.buffered);
      for (let a = p.next(); a !== null; a = p.next()) got.push(a);
    }
    assert.equal(got.length, 2);
    assert.equal(got[0][2], value.toString('latin1'));
    assert.deepEqual(got[1], ['GET', 'k']);
    assert.ok(maxBuffered > 150 * 1024, `buffered peaked at ${maxBuffered}`);
    assert.equal(p.buffered, 0);
  });

  it('a seeded random pipeline parses the same however it is cut', () => {
    const r = rng(4242);
    const expected: string[][] = [];
    let text = '';
    for (let i = 0; i < 300; i++) {
      const argv: string[] = [];
      const n = 1 + Math.floor(r() * 4);
      for (let j = 0; j < n; j++) {
        let a = '';
        const len = Math.floor(r() * (r() < 0.05 ? 40000 : 10));
        for (let k = 0; k < len; k++) a += String.fromCharCode(Math.floor(r() * 256));
        argv.push(a);
      }
      expected.push(argv);
      text += encodeCommand(argv).toString('latin1');
      if (r() < 0.2) text += '*0\r\n';
    }
    const buf = Buffer.from(text, 'latin1');
    const whole = run(buf, []);
    assert.deepEqual(whole.commands, expected);
    for (let seed = 1; seed <= 5; seed++) {
      const rr = rng(seed);
      const cuts: number[] = [];
      for (let i = 1; i < buf.length; i += 1 + Math.floor(rr() * (rr() < 0.5 ? 8 : 5000))) cuts.push(i);
      assert.deepEqual(run(buf, cuts).commands, expected, `seed ${seed}`);
    }
  });
});

describe('first key hash', () => {
  it('firstKeyHash is hashKey(firstKey) for every multibulk, binary keys of any length included', () => {
    const r = rng(99);
    const p = parser();
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(r() * 40);
      let key = '';
      for (let j = 0; j < n; j++) key += String.fromCharCode(Math.floor(r() * 256));
      p.feed(encodeCommand(['get', key]));
      const argv = p.next();
      assert.ok(Array.isArray(argv));
      assert.equal(argv[1], key);
      assert.equal(p.firstKey, key);
      assert.equal(p.firstKeyHash, hashKey(key));
      assert.equal(hashBytes(Buffer.from(key, 'latin1'), 0, n), hashKey(key));
    }
  });
});
