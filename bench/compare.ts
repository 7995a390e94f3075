/**
 * Side-by-side benchmark: Cinnabar against Debian's redis-server, same machine, same run.
 *
 * Both servers run as separate processes with persistence off. For each redis-benchmark test and pipeline
 * depth, the two servers are measured alternately for several rounds (so drift in machine load hits both),
 * and the medians of requests/s and of p50/p99 latency are compared. The script also measures resident
 * memory after loading keys, and throughput across connection counts and database sizes. It checks that each
 * server processed every request (INFO total_commands_processed) and fails loudly otherwise.
 *
 * Pub/Sub fan-out (PUBLISH to 1, 10 and 100 subscribers) is measured with its own small client, since
 * redis-benchmark has no subscriber mode.
 *
 *   node dist/bench/compare.js [--quick] [--rounds N] [--write docs/BENCHMARKS.md] [--sections throughput,memory,scale,fanout]
 */

import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const QUICK = flag('--quick');
const ROUNDS = Number(opt('--rounds', QUICK ? '1' : '3'));
const WRITE = opt('--write', '');
const SECTIONS = opt('--sections', 'throughput,memory,scale,fanout').split(',');
const TESTS = opt('--tests', 'ping_inline,ping_mbulk,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,lrange_300,lrange_600,mset').split(',');
const PIPELINES = opt('--pipelines', '1,16').split(',').map(Number);

interface ServerProc {
  name: string;
  port: number;
  proc: ChildProcess;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

async function startServers(): Promise<[ServerProc, ServerProc]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-bench-'));
  const rp = await freePort();
  const redis = spawn('redis-server', ['--port', String(rp), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const cp = await freePort();
  const cli = path.join(__dirname, '..', 'src', 'cli.js');
  const cin = spawn(process.execPath, [...serverNodeFlags(cli), cli, '--port', String(cp), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore' });
  await waitReady(rp);
  await waitReady(cp);
  return [
    { name: 'cinnabar', port: cp, proc: cin },
    { name: 'redis', port: rp, proc: redis },
  ];
}

/** The node flags cinnabar-server runs with: those on its `#!/usr/bin/env -S node ...` line. */
function serverNodeFlags(cliPath: string): string[] {
  const first = fs.readFileSync(cliPath, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first);
  return m === null ? [] : m[1].trim().split(/\s+/).filter((f) => f !== '');
}

function cli(port: number, ...cmd: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...cmd], { encoding: 'utf8' });
  return r.stdout.trim();
}

function infoField(port: number, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(cli(port, 'info', 'all'));
  return m === null ? NaN : Number(m[1]);
}

function rss(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m === null ? NaN : Number(m[1]) * 1024;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

/** One redis-benchmark run; checks the server processed at least the requests sent. */
function runBenchmark(s: ServerProc, test: string, pipeline: number, clients: number, n: number, extra: string[] = []): Result {
  const before = infoField(s.port, 'total_commands_processed');
  const r = spawnSync('redis-benchmark', ['-p', String(s.port), '-c', String(clients), '-n', String(n), '-d', '16', '-P', String(pipeline), '-t', test, '--csv', ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const after = infoField(s.port, 'total_commands_processed');
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  if (r.status !== 0 || lines.length === 0) throw new Error(`redis-benchmark failed on ${s.name} ${test}: ${r.stderr || r.stdout}`);
  // lrange tests also run their pushes; mset counts one command per request.
  if (after - before < n) throw new Error(`${s.name} processed ${after - before} commands for ${n} ${test} requests: requests were lost`);
  const cols = lines[lines.length - 1].split(',').map((x) => x.replace(/"/g, ''));
  return { rps: Number(cols[1]), p50: Number(cols[4]), p99: Number(cols[6]) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** Requests per test so each run lasts a few seconds on this machine. */
function requestsFor(test: string, pipeline: number): number {
  const base = QUICK ? 0.2 : 1;
  let n = pipeline > 1 ? 1_000_000 : 300_000;
  if (test.startsWith('lrange_')) n = pipeline > 1 ? 100_000 : 60_000;
  if (test === 'lrange_600') n = Math.floor(n / 3);
  if (test === 'mset') n = Math.floor(n / 2);
  return Math.floor(n * base);
}

const out: string[] = [];
function emit(line = ''): void {
  console.log(line);
  out.push(line);
}

async function throughput(servers: [ServerProc, ServerProc]): Promise<void> {
  emit(`## Throughput (redis-benchmark -c 50 -d 16, median of ${ROUNDS} alternating rounds)`);
  emit();
  for (const p of PIPELINES) {
    emit(`### -P ${p}`);
    emit();
    emit('| test | cinnabar rps | redis rps | ratio | cinnabar p50/p99 ms | redis p50/p99 ms |');
    emit('|---|---:|---:|---:|---:|---:|');
    const ratios: number[] = [];
    for (const test of TESTS) {
      const res: Record<string, Result[]> = { cinnabar: [], redis: [] };
      for (let r = 0; r < ROUNDS; r++) {
        for (const s of r % 2 === 0 ? servers : [servers[1], servers[0]]) {
          cli(s.port, 'flushall');
          res[s.name].push(runBenchmark(s, test, p, 50, requestsFor(test, p)));
        }
      }
      const c = { rps: median(res.cinnabar.map((x) => x.rps)), p50: median(res.cinnabar.map((x) => x.p50)), p99: median(res.cinnabar.map((x) => x.p99)) };
      const rd = { rps: median(res.redis.map((x) => x.rps)), p50: median(res.redis.map((x) => x.p50)), p99: median(res.redis.map((x) => x.p99)) };
      const ratio = c.rps / rd.rps;
      ratios.push(ratio);
      emit(`| ${test} | ${Math.round(c.rps)} | ${Math.round(rd.rps)} | ${ratio.toFixed(2)} | ${c.p50.toFixed(3)} / ${c.p99.toFixed(3)} | ${rd.p50.toFixed(3)} / ${rd.p99.toFixed(3)} |`);
    }
    emit(`| **geometric mean** | | | **${geomean(ratios).toFixed(2)}** | | |`);
    emit();
  }
}

async function memory(servers: [ServerProc, ServerProc]): Promise<void> {
  emit('## Memory (resident set size after loading)');
  emit();
  emit('| dataset | cinnabar RSS | redis RSS | ratio |');
  emit('|---|---:|---:|---:|');
  const keys = QUICK ? 100_000 : 1_000_000;
  const cases: Array<[string, (s: ServerProc) => void]> = [
    // n SETs over n random key names store about 63% of n distinct keys (1 - 1/e); the row says how many.
    [`${keys} SETs of 16-byte values, random keys (SET -r ${keys})`, (s) => void runBenchmark(s, 'set', 16, 50, keys, ['-r', String(keys)])],
    [`100000 hashes of 10 fields`, (s) => loadCollections(s, 'hset')],
    [`100000 sets of 10 members`, (s) => loadCollections(s, 'sadd')],
    [`100000 sorted sets of 10 members`, (s) => loadCollections(s, 'zadd')],
  ];
  void servers;
  for (const [name, load] of cases) {
    // A fresh pair of servers per case: neither allocator returns freed memory to the OS promptly, so a
    // server reused after a bigger case would report that case's peak.
    const fresh = await startServers();
    const row: number[] = [];
    let dbsize = '';
    try {
      for (const s of fresh) {
        load(s);
        dbsize = cli(s.port, 'dbsize');
        // Both servers get the chance to hand freed pages back first (jemalloc purge / a full V8 GC).
        cli(s.port, 'memory', 'purge');
        await new Promise((r) => setTimeout(r, 1000));
        row.push(rss(s.proc.pid!));
      }
    } finally {
      for (const s of fresh) s.proc.kill('SIGKILL');
    }
    const label = name.includes('random keys') ? `${name}: ${Number(dbsize).toLocaleString('en-US')} keys` : name;
    emit(`| ${label} | ${(row[0] / 2 ** 20).toFixed(1)} MiB | ${(row[1] / 2 ** 20).toFixed(1)} MiB | ${(row[0] / row[1]).toFixed(2)} |`);
  }
  emit();
}

/** 100,000 keys of 10 small members each, loaded with redis-cli --pipe. */
function loadCollections(s: ServerProc, cmd: 'hset' | 'sadd' | 'zadd'): void {
  const n = QUICK ? 10_000 : 100_000;
  let text = '';
  for (let i = 0; i < n; i++) {
    const parts = [cmd.toUpperCase(), `key:${i}`];
    for (let j = 0; j < 10; j++) {
      if (cmd === 'hset') parts.push(`field${j}`, `value${j}`);
      else if (cmd === 'sadd') parts.push(`member${j}`);
      else parts.push(String(j), `member${j}`);
    }
    text += `*${parts.length}\r\n` + parts.map((p) => `$${p.length}\r\n${p}\r\n`).join('');
  }
  const r = spawnSync('redis-cli', ['-p', String(s.port), '--pipe'], { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!/errors: 0, replies: \d+/.test(r.stdout)) throw new Error(`loading ${cmd} into ${s.name} failed: ${r.stdout} ${r.stderr}`);
}

async function scale(servers: [ServerProc, ServerProc]): Promise<void> {
  emit('## Scale (GET and SET, -P 1)');
  emit();
  emit('| case | cinnabar rps | redis rps | ratio |');
  emit('|---|---:|---:|---:|');
  const n = QUICK ? 40_000 : 200_000;
  const cases: Array<[string, string, number, string[]]> = [
    ['SET, 1 connection', 'set', 1, []],
    ['SET, 50 connections', 'set', 50, []],
    ['SET, 1000 connections', 'set', 1000, []],
    ['GET, 50 connections, 1,000 keys', 'get', 50, ['-r', '1000']],
    ['GET, 50 connections, 1,000,000 keys', 'get', 50, ['-r', '1000000']],
  ];
  for (const [name, test, clients, extra] of cases) {
    const res: Record<string, number[]> = { cinnabar: [], redis: [] };
    for (const s of servers) {
      const keys = extra.length > 0 ? Number(extra[1]) : 0;
      cli(s.port, 'flushall');
      if (keys > 0) runBenchmark(s, 'set', 16, 50, keys * 3, ['-r', String(keys)]);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of servers) res[s.name].push(runBenchmark(s, test, 1, clients, n, extra).rps);
    }
    const c = median(res.cinnabar);
    const rd = median(res.redis);
    emit(`| ${name} | ${Math.round(c)} | ${Math.round(rd)} | ${(c / rd).toFixed(2)} |`);
  }
  emit();
}

/**
 * Pub/Sub fan-out: S subscribers on one channel, one publisher pipelining PUBLISH in windows of 64; the rate
 * is messages delivered per second (published x subscribers), measured until every subscriber has every message.
 */
async function fanoutRun(port: number, subscribers: number, messages: number): Promise<number> {
  const subs: net.Socket[] = [];
  let delivered = 0;
  const payloadSize = 32;
  const frame = (ch: string, msg: string) => `*3\r\n$7\r\nmessage\r\n$${ch.length}\r\n${ch}\r\n$${msg.length}\r\n${msg}\r\n`;
  const frameLen = Buffer.byteLength(frame('fanout', 'x'.repeat(payloadSize)));
  let done: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (done = r));
  const target = subscribers * messages;
  for (let i = 0; i < subscribers; i++) {
    const s = net.connect(port, '127.0.0.1');
    let bytes = 0;
    let subscribed = false;
    const confirm = '*3\r\n$9\r\nsubscribe\r\n$6\r\nfanout\r\n:1\r\n'.length;
    s.on('data', (d) => {
      bytes += d.length;
      if (!subscribed) {
        if (bytes < confirm) return;
        subscribed = true;
        bytes -= confirm;
      }
      const n = Math.floor(bytes / frameLen);
      bytes -= n * frameLen;
      delivered += n;
      if (delivered >= target) done();
    });
    s.write('SUBSCRIBE fanout\r\n');
    subs.push(s);
  }
  await new Promise((r) => setTimeout(r, 300));
  const pub = net.connect(port, '127.0.0.1');
  await new Promise((r) => pub.once('connect', r));
  const msg = 'x'.repeat(payloadSize);
  const cmd = `*3\r\n$7\r\nPUBLISH\r\n$6\r\nfanout\r\n$${payloadSize}\r\n${msg}\r\n`;
  const window = 64;
  let sent = 0;
  let replies = 0;
  let replyBytes = 0;
  const start = process.hrtime.bigint();
  const sendWindow = () => {
    const n = Math.min(window, messages - sent);
    if (n > 0) pub.write(cmd.repeat(n));
    sent += n;
  };
  pub.on('data', (d) => {
    replyBytes += d.length;
    // Replies are ":<subscribers>\r\n"; count them by line ends.
    for (const b of d) if (b === 10) replies++;
    if (replies === sent && sent < messages) sendWindow();
  });
  sendWindow();
  const timeout = setTimeout(() => done(), 60_000);
  await allDone;
  clearTimeout(timeout);
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  pub.destroy();
  for (const s of subs) s.destroy();
  if (delivered < target) throw new Error(`fan-out on ${port}: ${delivered} of ${target} messages delivered`);
  void replyBytes;
  return target / secs;
}

async function fanout(servers: [ServerProc, ServerProc]): Promise<void> {
  emit('## Pub/Sub fan-out (one publisher, PUBLISH of 32-byte messages pipelined 64 deep)');
  emit();
  emit('| subscribers | cinnabar msgs/s delivered | redis msgs/s delivered | ratio |');
  emit('|---:|---:|---:|---:|');
  for (const subscribers of [1, 10, 100]) {
    const messages = Math.floor((QUICK ? 100_000 : 400_000) / Math.sqrt(subscribers));
    const res: Record<string, number[]> = { cinnabar: [], redis: [] };
    for (let r = 0; r < ROUNDS; r++) for (const s of servers) res[s.name].push(await fanoutRun(s.port, subscribers, messages));
    const c = median(res.cinnabar);
    const rd = median(res.redis);
    emit(`| ${subscribers} | ${Math.round(c)} | ${Math.round(rd)} | ${(c / rd).toFixed(2)} |`);
  }
  emit();
}

async function main(): Promise<void> {
  const servers = await startServers();
  try {
    const redisVersion = cli(servers[1].port, 'info', 'server').match(/redis_version:(\S+)/)?.[1];
    emit(`Cinnabar (Node ${process.version}) vs redis-server ${redisVersion}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${new Date().toISOString().slice(0, 10)}`);
    emit();
    if (SECTIONS.includes('throughput')) await throughput(servers);
    if (SECTIONS.includes('memory')) await memory(servers);
    if (SECTIONS.includes('scale')) await scale(servers);
    if (SECTIONS.includes('fanout')) await fanout(servers);
  } finally {
    for (const s of servers) s.proc.kill('SIGKILL');
  }
  if (WRITE !== '') {
    const doc = fs.existsSync(WRITE) ? fs.readFileSync(WRITE, 'utf8') : '';
    const marker = '<!-- results -->';
    const head = doc.includes(marker) ? doc.slice(0, doc.indexOf(marker)) : doc + '\n';
    fs.writeFileSync(WRITE, head + marker + '\n\n' + out.join('\n') + '\n');
    console.log(`\nwritten to ${WRITE}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
