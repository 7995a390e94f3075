/**
 * The cinnabar-server command (dist/src/cli.js), spawned as a user would run it, side by side with the real
 * redis-server where the two must agree: the FATAL CONFIG FILE ERROR report for bad directives and values
 * (same line number, same quoted line, same reason, exit code 1), the log of a shutdown on SIGTERM/SIGINT.
 * Also: start-up log lines in Redis's format ending with "Ready to accept connections", a redis.conf plus
 * flags (flags win; quoted values; `save ""`), saving on SIGTERM/SIGINT when save points exist and not when
 * `save ""`, a failing final save that keeps the server up, SHUTDOWN SAVE/NOSAVE, config from stdin, loading
 * the dump at start, and CONFIG REWRITE.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawConnection, freePort, hasRedis } from './helpers';

const CLI = path.join(__dirname, '..', 'src', 'cli.js');
const LOG_LINE = /^(\d+):([CMS]) (\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3}) ([.\-*#]) (.*)$/;
const HANDLER_LINE = /^(\d+):signal-handler \(\d+\) (.*)$/;

/** A running server process with its output collected. */
class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString('latin1');
      this.wake();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString('latin1');
      this.wake();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => this.wake());
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait until stdout matches `re` (or fail after `ms`). */
  async waitFor(re: RegExp, ms = 8000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.stdout.match(re);
      if (m !== null) return m;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${re} in output (exit ${this.child.exitCode}):\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The log messages (without pid, role, date and level) from stdout. */
  messages(): string[] {
    return this.stdout
      .split('\n')
      .map((l) => l.match(LOG_LINE)?.[5] ?? l.match(HANDLER_LINE)?.[2] ?? null)
      .filter((m): m is string => m !== null);
  }

  kill(sig: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null) this.child.kill(sig);
  }
}

function start(bin: 'cinnabar' | 'redis', args: string[], opts: { cwd?: string; stdin?: string } = {}): Proc {
  const child =
    bin === 'cinnabar'
      ? spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('redis-server', args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(opts.stdin ?? '');
  return new Proc(child);
}

/** Start and wait for "Ready to accept connections"; returns the process. */
async function startReady(bin: 'cinnabar' | 'redis', args: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<Proc> {
  const p = start(bin, args, opts);
  await p.waitFor(/Ready to accept connections/);
  return p;
}

function runToExit(bin: 'cinnabar' | 'redis', args: string[], cwd: string): { status: number | null; stderr: string; stdout: string } {
  const r =
    bin === 'cinnabar'
      ? spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'latin1', timeout: 10000 })
      : spawnSync('redis-server', args, { cwd, encoding: 'latin1', timeout: 10000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('cinnabar-server (CLI)', () => {
  let dir: string;
  const procs: Proc[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-cli-'));
  });
  after(async () => {
    for (const p of procs) p.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const sub = (name: string) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };

  it('starts on the given --port with Redis-style log lines', async () => {
    const port = await freePort();
    const p = await startReady('cinnabar', ['--port', String(port), '--save', '', '--dir', sub('start')]);
    procs.push(p);
    const lines = p.stdout.split('\n').filter((l) => l !== '');
    for (const l of lines) {
      const m = l.match(LOG_LINE);
      assert.ok(m !== null, `not a Redis log line: ${JSON.stringify(l)}`);
      assert.equal(Number(m![1]), p.child.pid);
    }
    const msgs = p.messages();
    assert.ok(msgs.includes(`Running mode=standalone, port=${port}.`), msgs.join('\n'));
    assert.ok(msgs.includes('Server initialized'));
    assert.equal(msgs[msgs.length - 1], 'Ready to accept connections');
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('PING'), '+PONG\r\n');
    assert.equal(await c.call('CONFIG', 'GET', 'save'), '*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    c.close();
    p.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'start')), [], 'save "" writes no dump on SIGTERM');
    assert.ok(p.messages().includes('Redis is now ready to exit, bye bye...'));
  });

  it('reads a redis.conf; flags override it; quoted values and save "" work', async () => {
    const d = sub('conf');
    const port = await freePort();
    const file = path.join(d, 'redis.conf');
    fs.writeFileSync(
      file,
      ['# a comment', 'port 1', '  requirepass "pass word\\x21"  ', 'save 900 1', 'save 300 10', 'maxmemory 100mb', `dir ${d}`, 'databases 4', 'list-max-ziplist-entries 10', ''].join('\n'),
    );
    const p = await startReady('cinnabar', [file, '--port', String(port), '--save', '', '--maxmemory-policy', 'allkeys-lru']);
    procs.push(p);
    assert.ok(p.messages().includes('Configuration loaded'));
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('PING'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await c.call('AUTH', 'pass word!'), '+OK\r\n');
    const get = async (name: string) => (await c.call('CONFIG', 'GET', name)).split('\r\n')[4];
    assert.equal(await get('save'), '');
    assert.equal(await get('maxmemory'), '104857600');
    assert.equal(await get('maxmemory-policy'), 'allkeys-lru');
    assert.equal(await get('databases'), '4');
    assert.equal(await get('port'), String(port));
    c.close();
    p.kill('SIGTERM');
    assert.equal(await p.exited, 0);
  });

  it('config from stdin ("-") and save lines accumulating across file and flags', async () => {
    const d = sub('stdin');
    const port = await freePort();
    const file = path.join(d, 'redis.conf');
    fs.writeFileSync(file, 'save 100 1\n');
    const p = await startReady('cinnabar', [file, '--save', '200 2', '--port', String(port), '-'], { stdin: `dir ${d}\nsave 300 3\n` });
    procs.push(p);
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('CONFIG', 'GET', 'save'), '*2\r\n$4\r\nsave\r\n$17\r\n100 1 300 3 200 2\r\n');
    c.close();
    p.kill('SIGKILL');
  });

  it('bad directives and values: the same FATAL CONFIG FILE ERROR report as redis-server, exit code 1', { skip: !hasRedis && 'redis-server not installed' }, () => {
    const d = sub('bad');
    fs.writeFileSync(path.join(d, 'unknown.conf'), 'port 6379\n# comment\n\nnosuch-option yes\n');
    fs.writeFileSync(path.join(d, 'quotes.conf'), 'port "12\n');
    fs.writeFileSync(path.join(d, 'ok.conf'), 'save 900 1\nsave ""\n  maxmemory   "100mb"\nport 1234\n');
    fs.writeFileSync(path.join(d, 'args.conf'), 'port 1 2\n');
    const cases: string[][] = [
      ['unknown.conf'],
      ['quotes.conf'],
      ['args.conf'],
      ['missing.conf'],
      ['--nosuch', '1'],
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--port'],
      ['--port', '1', '2'],
      ['--port', '--bind', 'x'],
      ['--maxmemory', 'lots'],
      ['--save', '1'],
      ['--save', '0 1'],
      ['--save', '--port', 'abc'],
      ['--loglevel', 'loud'],
      ['--appendonly', 'maybe'],
      ['--databases', '0'],
      ['--notify-keyspace-events', 'Q'],
      ['--client-output-buffer-limit', 'normal 1 2'],
      ['--client-output-buffer-limit', 'bogus 1 2 3'],
      ['--requirepass', 'sp ace', '--port', 'x\ty'],
      ['ok.conf', '--port', 'abc'],
      ['ok.conf', '--save', '900', '--port', 'x'],
      ['-x'],
    ];
    for (const args of cases) {
      const a = runToExit('cinnabar', args, d);
      const b = runToExit('redis', args, d);
      const strip = (t: string) => t.replace(/^\d+:[CM] .*? # /gm, 'LOG # ');
      assert.equal(a.status, 1, `exit code for ${args.join(' ')}: ${a.stderr}${a.stdout}`);
      assert.equal(b.status, 1);
      assert.equal(a.stderr, b.stderr, `stderr for ${JSON.stringify(args)}`);
      assert.equal(strip(a.stdout), strip(b.stdout), `stdout for ${JSON.stringify(args)}`);
    }
  });

  it('--port 0 listens nowhere and exits, like Redis without a unix socket', () => {
    const r = runToExit('cinnabar', ['--port', '0'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /Configured to not listen anywhere, exiting\./);
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} with save points saves first and logs what redis-server logs`, { skip: !hasRedis && 'redis-server not installed' }, async () => {
      const logs: string[][] = [];
      for (const bin of ['cinnabar', 'redis'] as const) {
        const d = sub(`${sig}-${bin}`);
        const port = await freePort();
        const p = await startReady(bin, ['--port', String(port), '--save', '3600 1', '--dir', d]);
        procs.push(p);
        const c = await RawConnection.connect(port);
        assert.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
        c.close();
        const before = p.messages().length;
        p.kill(sig);
        assert.equal(await p.exited, 0);
        assert.deepEqual(fs.readdirSync(d), ['dump.rdb']);
        logs.push(p.messages().slice(before));
      }
      assert.deepEqual(logs[0], logs[1]);
      assert.deepEqual(logs[0], [`Received ${sig} scheduling shutdown...`, 'User requested shutdown...', 'Saving the final RDB snapshot before exiting.', 'DB saved on disk', 'Redis is now ready to exit, bye bye...']);
    });
  }

  it('a final save that fails keeps the server running; the next SIGTERM succeeds once it can save', async () => {
    const d = sub('failing-final-save');
    const port = await freePort();
    const p = await startReady('cinnabar', ['--port', String(port), '--save', '3600 1', '--dir', d]);
    procs.push(p);
    fs.mkdirSync(path.join(d, `temp-${p.child.pid}.rdb`));
    p.kill('SIGTERM');
    await p.waitFor(/SIGTERM received but errors trying to shut down the server/);
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('PING'), '+PONG\r\n');
    c.close();
    fs.rmdirSync(path.join(d, `temp-${p.child.pid}.rdb`));
    p.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.deepEqual(fs.readdirSync(d), ['dump.rdb']);
  });

  it('SHUTDOWN SAVE saves even without save points; SHUTDOWN NOSAVE does not save with them', async () => {
    for (const [save, cmd, expectDump] of [
      ['', 'SAVE', true],
      ['3600 1', 'NOSAVE', false],
    ] as const) {
      const d = sub(`shutdown-${cmd}`);
      const port = await freePort();
      const p = await startReady('cinnabar', ['--port', String(port), '--save', save, '--dir', d]);
      procs.push(p);
      const c = await RawConnection.connect(port);
      await c.call('SET', 'k', 'v');
      c.write(`SHUTDOWN ${cmd}\r\n`);
      assert.equal(await c.readUntilClose(5000), '');
      assert.equal(await p.exited, 0);
      assert.deepEqual(fs.readdirSync(d), expectDump ? ['dump.rdb'] : []);
    }
  });

  it('loads the dump at start-up and logs it', async () => {
    const d = sub('shutdown-SAVE'); // the dump written by the previous test
    const port = await freePort();
    const p = await startReady('cinnabar', ['--port', String(port), '--save', '', '--dir', d]);
    procs.push(p);
    const msgs = p.messages();
    assert.ok(msgs.includes('Loading RDB produced by version 7.0.15'), msgs.join('\n'));
    assert.ok(msgs.includes('Done loading RDB, keys loaded: 1, keys expired: 0.'), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^DB loaded from disk: \d+\.\d{3} seconds$/.test(m)));
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('GET', 'k'), '$1\r\nv\r\n');
    c.close();
    p.kill('SIGKILL');
  });

  it('CONFIG REWRITE rewrites the config file in place', async () => {
    const d = sub('rewrite');
    const port = await freePort();
    const file = path.join(d, 'redis.conf');
    fs.writeFileSync(
      file,
      ['# my config', `port ${port}`, 'save 900 1', 'save 300 10', 'maxmemory 100mb', '', '# keep me', 'loglevel notice', 'hz 10', 'hz 11', 'some-unknown-module-option 1', ''].join('\n'),
    );
    // The unknown option would stop start-up; it is added after start to check unknown lines survive.
    const initial = fs.readFileSync(file, 'utf8').replace('some-unknown-module-option 1\n', '');
    fs.writeFileSync(file, initial);
    const p = await startReady('cinnabar', [file, '--dir', d]);
    procs.push(p);
    fs.appendFileSync(file, 'include-me-not-really 1\n');
    const c = await RawConnection.connect(port);
    for (const [k, v] of [
      ['maxmemory', '3000000'],
      ['save', '60 5'],
      ['hz', '20'],
      ['notify-keyspace-events', 'KEA'],
      ['maxmemory-policy', 'allkeys-lru'],
      ['requirepass', 'a "b"'],
    ]) {
      assert.equal(await c.call('CONFIG', 'SET', k, v), '+OK\r\n', k);
    }
    assert.equal(await c.call('CONFIG', 'REWRITE'), '+OK\r\n');
    c.close();
    const text = fs.readFileSync(file, 'latin1');
    assert.equal(
      text,
      [
        '# my config',
        `port ${port}`,
        'save 60 5',
        '',
        'maxmemory 3000000',
        '',
        '# keep me',
        'loglevel notice',
        'hz 20',
        '',
        'include-me-not-really 1',
        '# Generated by CONFIG REWRITE',
        ...text
          .split('# Generated by CONFIG REWRITE\n')[1]
          .split('\n')
          .filter((l) => l !== ''),
        '',
      ].join('\n'),
    );
    const generated = text.split('# Generated by CONFIG REWRITE\n')[1];
    assert.match(generated, /^requirepass "a \\"b\\""$/m);
    assert.match(generated, /^notify-keyspace-events "AKE"$/m);
    assert.match(generated, /^maxmemory-policy allkeys-lru$/m);
    assert.ok(generated.split('\n').includes(`dir "${d}"`), generated);
    assert.deepEqual(fs.readdirSync(d).sort(), ['redis.conf'], 'no temp file left');
    // The rewritten file (without the line we made up) starts a server with the same settings.
    p.kill('SIGKILL');
    await p.exited;
    fs.writeFileSync(file, text.replace('include-me-not-really 1\n', ''));
    const p2 = await startReady('cinnabar', [file]);
    procs.push(p2);
    const c2 = await RawConnection.connect(port);
    assert.equal(await c2.call('AUTH', 'a "b"'), '+OK\r\n');
    assert.equal(await c2.call('CONFIG', 'GET', 'hz'), '*2\r\n$2\r\nhz\r\n$2\r\n20\r\n');
    c2.close();
    p2.kill('SIGKILL');
  });

  it('CONFIG REWRITE without a config file fails like Redis', async () => {
    const port = await freePort();
    const p = await startReady('cinnabar', ['--port', String(port), '--save', '']);
    procs.push(p);
    const c = await RawConnection.connect(port);
    assert.equal(await c.call('CONFIG', 'REWRITE'), '-ERR The server is running without a config file\r\n');
    c.close();
    p.kill('SIGKILL');
  });
});
