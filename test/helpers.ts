/**
 * Test harness shared by the integration and differential suites.
 *
 * - `startCinnabar()` runs an embedded server on port 0 (the library API our users embed).
 * - `startRedis()` runs Debian's real redis-server on a free port as the oracle; suites skip when it is not
 *   installed (`.ci/run` installs it).
 * - `RawConnection` speaks raw bytes: it sends commands and returns each reply as the exact bytes the server
 *   sent, framed by a small RESP2/RESP3 reply scanner, so tests can compare servers byte for byte.
 * - `Differential` sends the same commands to both servers and reports the first difference;
 *   `useDifferential`/`useServers` register a suite's start/stop hooks, `scriptCases` its scripted cases.
 * - Keyspace-notification recorders (`recordNotify`, `recordPublished`) and readers of a PSUBSCRIBEd
 *   connection (`readEvents`, `drainEvents`), and `ClientSession` for multi-client blocking scenarios: one
 *   copy each, shared by the type suites.
 */

import net from 'node:net';
import assert from 'node:assert/strict';
import { before, after, it } from 'node:test';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, CinnabarServer, CreateServerOptions } from '../src/index';

export const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;

export function startCinnabar(options: CreateServerOptions = {}): Promise<CinnabarServer> {
  return createServer({ ...options, config: { 'enable-debug-command': 'yes', ...(options.config ?? {}) } });
}

export interface RedisProcess {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Start a real redis-server (the oracle) with persistence off, on a free port, in a temp dir. */
export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-oracle-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes', ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const ok = await new Promise<boolean>((resolve) => {
      let out = '';
      const timer = setTimeout(() => resolve(false), 5000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) {
      child.stdout!.resume();
      return {
        port,
        dir,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => {
              fs.rmSync(dir, { recursive: true, force: true });
              resolve();
            });
            child.kill('SIGKILL');
          }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error('could not start redis-server');
  }
}

/** Encode a command as a RESP multibulk (binary safe: strings are latin1). */
export function encodeCommand(args: Array<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Length of the complete RESP reply at buf[pos...], or -1 if incomplete. */
export function replyLength(buf: Buffer, pos = 0): number {
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('latin1', pos + 1, nl);
  let end = nl + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return end - pos;
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return end - pos;
      if (buf.length < end + n + 2) return -1;
      return end + n + 2 - pos;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(line);
      if (n < 0) return end - pos;
      if (type === '%' || type === '|') n *= 2;
      for (let i = 0; i < n; i++) {
        const l = replyLength(buf, end);
        if (l < 0) return -1;
        end += l;
      }
      // An attribute (|) is followed by the real reply.
      if (type === '|') {
        const l = replyLength(buf, end);
        if (l < 0) return -1;
        end += l;
      }
      return end - pos;
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', pos, Math.min(buf.length, pos + 80)))}`);
  }
}

/** A raw TCP connection returning replies as exact bytes (latin1 strings). */
export class RawConnection {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  write(data: Buffer | string): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next complete reply's raw bytes; rejects after `timeoutMs` or when the connection closed first. */
  async read(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = replyLength(this.buf);
      if (n >= 0) {
        const r = this.buf.toString('latin1', 0, n);
        this.buf = this.buf.subarray(n);
        return r;
      }
      if (this.closed) throw new Error(`connection closed (pending bytes: ${JSON.stringify(this.buf.toString('latin1'))})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for reply (pending: ${JSON.stringify(this.buf.toString('latin1'))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait until the server closes the connection; returns any bytes received before. */
  async readUntilClose(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.buf.toString('latin1');
  }

  /** Send a command and read its reply. */
  async call(...args: Array<string | Buffer | number>): Promise<string> {
    this.write(encodeCommand(args));
    return this.read();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One server pair for differential tests: the same commands, replies compared byte for byte. */
export class Differential {
  private constructor(
    readonly cinnabar: CinnabarServer,
    readonly redis: RedisProcess,
    readonly a: RawConnection,
    readonly b: RawConnection,
  ) {}

  static async start(options: CreateServerOptions = {}): Promise<Differential> {
    const cinnabar = await startCinnabar(options);
    const redis = await startRedis();
    const a = await RawConnection.connect(cinnabar.address().port);
    const b = await RawConnection.connect(redis.port);
    return new Differential(cinnabar, redis, a, b);
  }

  /** Open another connection pair (for multi-client scripts). */
  async connectPair(): Promise<[RawConnection, RawConnection]> {
    return [await RawConnection.connect(this.cinnabar.address().port), await RawConnection.connect(this.redis.port)];
  }

  /** Send one command to both; returns both raw replies. */
  async both(...args: Array<string | Buffer | number>): Promise<[string, string]> {
    return [await this.a.call(...args), await this.b.call(...args)];
  }

  /**
   * Run commands on both servers and return a description of the first mismatch, or null when every reply
   * is byte-identical. `normalize` may mask nondeterministic parts (ids, times) before comparing.
   */
  async run(commands: Array<Array<string | Buffer | number>>, normalize?: (reply: string) => string): Promise<string | null> {
    for (const cmd of commands) {
      let [x, y] = await this.both(...cmd);
      if (normalize) {
        x = normalize(x);
        y = normalize(y);
      }
      if (x !== y) return `${JSON.stringify(cmd.map(String))}\n  cinnabar: ${JSON.stringify(x)}\n  redis:    ${JSON.stringify(y)}`;
    }
    return null;
  }

  async stop(): Promise<void> {
    this.a.close();
    this.b.close();
    await this.cinnabar.close();
    await this.redis.stop();
  }
}

/** Deterministic PRNG (mulberry32) for seeded fuzzers; print the seed on failure to replay. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Split a command script written one command per line (words split like redis-cli, quotes allowed). */
export function script(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words: string[] = [];
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      if (m[1] !== undefined) words.push(m[1].replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, '$1'));
      else if (m[2] !== undefined) words.push(m[2]);
      else words.push(m[3]);
    }
    out.push(words);
  }
  return out;
}

/**
 * Register a suite's before/after hooks: start a Differential and stop it afterwards. `set` receives the
 * started pair, so the suite keeps a plain variable. With `tmpPrefix`, Cinnabar's `dir` is a fresh temporary
 * directory (for DEBUG RELOAD and SAVE), removed after the suite.
 */
export function useDifferential(set: (d: Differential) => void, options: { tmpPrefix?: string } = {}): void {
  let d: Differential | undefined;
  let dir: string | undefined;
  before(async () => {
    if (options.tmpPrefix !== undefined) dir = fs.mkdtempSync(path.join(os.tmpdir(), options.tmpPrefix));
    d = await Differential.start(dir === undefined ? {} : { config: { dir } });
    set(d);
  });
  after(async () => {
    await d?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * One test per script and protocol, named `<name> (RESP<proto>)`: each starts from FLUSHALL, runs the
 * `setup` commands and HELLO <proto>, then the script must produce the same replies on both servers
 * (compared by `run`, byte for byte by default).
 */
export function scriptCases(
  get: () => Differential,
  scripts: Record<string, string>,
  proto: string,
  options: {
    skip?: string | false;
    setup?: string[][];
    run?: (d: Differential, commands: string[][]) => Promise<string | null>;
  } = {},
): void {
  for (const [name, text] of Object.entries(scripts)) {
    it(`${name} (RESP${proto})`, { skip: options.skip }, async () => {
      const d = get();
      await d.both('flushall');
      for (const cmd of options.setup ?? []) await d.both(...cmd);
      await d.both('hello', proto);
      const commands = script(text);
      assert.equal(options.run ? await options.run(d, commands) : await d.run(commands), null);
    });
  }
}

/** A call of Cinnabar's Server.notify; `enabled` says whether notify-keyspace-events selected its class. */
export interface NotifyCall {
  type: number;
  event: string;
  key: string;
  dbid: number;
  enabled: boolean;
}

/**
 * Record Cinnabar's Server.notify calls (whether or not a subscriber or SUBSCRIBE exists) until the returned
 * function is called; it restores Server.notify and returns the calls.
 */
export function recordNotify(cinnabar: CinnabarServer): () => NotifyCall[] {
  const server = cinnabar.server;
  const original = server.notify;
  const calls: NotifyCall[] = [];
  server.notify = function (type: number, event: string, key: string, dbid: number): void {
    calls.push({ type, event, key, dbid, enabled: (server.notifyFlags & type) !== 0 });
    original.call(this, type, event, key, dbid);
  };
  return () => {
    server.notify = original;
    return calls;
  };
}

/**
 * Record what Cinnabar publishes (`<channel> <message>` of every keyspace event), whether or not its
 * PSUBSCRIBE exists yet, until the returned function is called; it restores publish and returns the events.
 */
export function recordPublished(cinnabar: CinnabarServer): () => string[] {
  const pubsub = cinnabar.server.pubsub;
  const original = pubsub.publish;
  const events: string[] = [];
  pubsub.publish = function (channel: string, message: string): number {
    events.push(`${channel} ${message}`);
    return original.call(this, channel, message);
  };
  return () => {
    pubsub.publish = original;
    return events;
  };
}

/** Channel and message of a `pmessage` push (*4: pmessage, pattern, channel, message), read by bulk lengths. */
export function pmessageParts(raw: string): [string, string] {
  const bulks: string[] = [];
  let pos = raw.indexOf('\r\n') + 2;
  while (bulks.length < 4) {
    const nl = raw.indexOf('\r\n', pos);
    const n = Number(raw.slice(pos + 1, nl));
    bulks.push(raw.slice(nl + 2, nl + 2 + n));
    pos = nl + 2 + n + 2;
  }
  return [bulks[2], bulks[3]];
}

/** The `<channel> <message>` of every event a PSUBSCRIBEd connection received, up to a PING sentinel. */
export async function readEvents(sub: RawConnection): Promise<string[]> {
  sub.write(encodeCommand(['ping']));
  const out: string[] = [];
  for (;;) {
    const r = await sub.read();
    if (r.includes('pong')) return out;
    const [channel, message] = pmessageParts(r);
    out.push(`${channel} ${message}`);
  }
}

/** Channel and message of every event a PSUBSCRIBEd connection receives until it is quiet for `quietMs`. */
export async function drainEvents(sub: RawConnection, quietMs: number): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (;;) {
    let raw: string;
    try {
      raw = await sub.read(quietMs);
    } catch {
      return out;
    }
    out.push(pmessageParts(raw));
  }
}

/** The connections of one multi-client (blocking) scenario on one server, and the transcript of their replies. */
export class ClientSession {
  readonly transcript: string[] = [];
  private readonly conns: RawConnection[] = [];
  ctl!: RawConnection;

  constructor(readonly port: number) {}

  /** A new connection, switched to RESP3 when proto is '3'. */
  async open(proto = '2'): Promise<RawConnection> {
    const c = await RawConnection.connect(this.port);
    this.conns.push(c);
    if (proto === '3') await c.call('hello', '3');
    return c;
  }

  /** Open the control connection and empty the server. */
  async start(): Promise<void> {
    this.ctl = await this.open();
    await this.ctl.call('flushall');
  }

  /** Send a command without waiting for its reply (it may block). */
  send(c: RawConnection, ...args: string[]): void {
    c.write(encodeCommand(args));
  }

  /** Read the next reply of c into the transcript and return it. */
  async read(c: RawConnection, label = ''): Promise<string> {
    const r = await c.read();
    this.transcript.push(label + r);
    return r;
  }

  /** Send a command, record and return its reply. */
  async call(c: RawConnection, ...args: string[]): Promise<string> {
    this.send(c, ...args);
    return this.read(c, args[0] + ': ');
  }

  /** Wait until the server reports n blocked clients. */
  async waitBlocked(n: number): Promise<void> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const info = await this.ctl.call('info', 'clients');
      const m = /blocked_clients:(\d+)/.exec(info);
      if (m !== null && Number(m[1]) === n) return;
      if (Date.now() > deadline) throw new Error(`expected ${n} blocked clients, INFO says ${m?.[1]}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/** Run a scenario on a session (its control connection on an emptied server); returns the transcript. */
export async function transcriptOf<S extends ClientSession>(s: S, scenario: (s: S) => Promise<void>): Promise<string[]> {
  try {
    await s.start();
    await scenario(s);
    return s.transcript;
  } finally {
    s.close();
  }
}

/** Register a suite's hooks: start an embedded Cinnabar and a redis-server before it, stop both after. */
export function useServers(set: (cinnabar: CinnabarServer, redis: RedisProcess) => void): void {
  let cinnabar: CinnabarServer | undefined;
  let redis: RedisProcess | undefined;
  before(async () => {
    cinnabar = await startCinnabar();
    redis = await startRedis();
    set(cinnabar, redis);
  });
  after(async () => {
    await cinnabar?.close();
    await redis?.stop();
  });
}
