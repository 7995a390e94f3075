/**
 * The two records of slow calls: the slow log (slowlog.c) and the latency monitor's time series (latency.c).
 * Both are fed by one call hook, installed when the server is created, that costs two comparisons for a
 * fast command.
 *
 * Slow log: every call that took at least slowlog-log-slower-than microseconds (negative: off) is pushed at
 * the head of a list trimmed to slowlog-max-len. An entry keeps an id, the unix time, the duration, the
 * arguments as MONITOR would show them (secrets redacted) cut to 32 with "... (N more arguments)" and each
 * cut to 128 bytes with "... (N more bytes)", the client's address and name. EXEC (skip_slowlog) is not
 * logged, the commands it runs are; a command that blocked is logged when it is served, not here.
 *
 * Latency monitor: with latency-monitor-threshold > 0 (milliseconds), a call at least that slow adds a
 * sample to the "command" event, or "fast-command" for commands flagged fast. Each event keeps its worst
 * latency ever and a ring of 160 samples, at most one per second (the worst of that second).
 */

import { CF, Client } from './client';
import type { Server } from './server';
import { F } from './commands/table';
import { loggedArgv, peerId } from './monitor';

const SLOWLOG_ENTRY_MAX_ARGC = 32;
const SLOWLOG_ENTRY_MAX_STRING = 128;
const LATENCY_TS_LEN = 160;

export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  /** Microseconds. */
  duration: number;
  argv: string[];
  peer: string;
  name: string;
}

export interface LatencySample {
  /** Unix time in seconds (0: unused slot). */
  time: number;
  /** Milliseconds. */
  latency: number;
}

export interface LatencySeries {
  /** Next slot to write. */
  idx: number;
  /** All-time maximum. */
  max: number;
  samples: LatencySample[];
}

export interface SlowlogState {
  /** Newest first. */
  entries: SlowlogEntry[];
  nextId: number;
  /** Latency events by name, in creation order. */
  events: Map<string, LatencySeries>;
}

const states = new WeakMap<Server, SlowlogState>();

export function slowlogState(server: Server): SlowlogState {
  let st = states.get(server);
  if (st === undefined) {
    st = { entries: [], nextId: 0, events: new Map() };
    states.set(server, st);
  }
  return st;
}

/** Install the call hook on a new server. */
export function installSlowlog(server: Server): void {
  const st = slowlogState(server);
  const config = server.config;
  let seen = -1;
  let threshold = 0;
  let slower = 0;
  server.callHooks.push((c, cmd, argv, usec) => {
    if ((c.flags & CF.blocked) !== 0) return;
    if (seen !== config.version) {
      seen = config.version;
      threshold = config.num('latency-monitor-threshold');
      slower = config.num('slowlog-log-slower-than');
    }
    if (threshold > 0) {
      const ms = Math.floor(usec / 1000);
      if (ms >= threshold) latencyAddSample(st, (cmd.flags & F.fast) !== 0 ? 'fast-command' : 'command', ms, server.clock.now());
    }
    if ((cmd.flags & F.skipSlowlog) !== 0) return;
    if (slower < 0 || usec < slower) return;
    slowlogPush(st, c, loggedArgv(c, cmd, argv), usec, config.num('slowlog-max-len'));
  });
}

/** slowlogPushEntryIfNeeded's push: a new entry at the head, the tail trimmed to maxLen. */
function slowlogPush(st: SlowlogState, c: Client, argv: string[], usec: number, maxLen: number): void {
  const argc = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
  const args: string[] = new Array(argc);
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      args[j] = `... (${argv.length - argc + 1} more arguments)`;
    } else {
      const a = argv[j];
      args[j] = a.length > SLOWLOG_ENTRY_MAX_STRING ? `${a.slice(0, SLOWLOG_ENTRY_MAX_STRING)}... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)` : a;
    }
  }
  st.entries.unshift({
    id: st.nextId++,
    time: Math.floor(c.server.clock.now() / 1000),
    duration: usec,
    argv: args,
    peer: peerId(c),
    name: c.name,
  });
  if (st.entries.length > maxLen) st.entries.length = Math.max(0, maxLen);
}

/** SLOWLOG RESET. (A smaller slowlog-max-len takes effect at the next push, as in Redis.) */
export function slowlogReset(server: Server): void {
  slowlogState(server).entries = [];
}

/** latencyAddSample: one sample per event per second, the worst of that second. */
export function latencyAddSample(st: SlowlogState, event: string, latency: number, nowMs: number): void {
  let ts = st.events.get(event);
  if (ts === undefined) {
    ts = { idx: 0, max: 0, samples: [] };
    for (let i = 0; i < LATENCY_TS_LEN; i++) ts.samples.push({ time: 0, latency: 0 });
    st.events.set(event, ts);
  }
  const now = Math.floor(nowMs / 1000);
  if (latency > ts.max) ts.max = latency;
  const prev = ts.samples[(ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
  if (prev.time === now) {
    if (latency > prev.latency) prev.latency = latency;
    return;
  }
  const s = ts.samples[ts.idx];
  s.time = now;
  s.latency = latency;
  ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
}

/** The samples of a series, oldest first (unused slots skipped). */
export function latencySamples(ts: LatencySeries): LatencySample[] {
  const out: LatencySample[] = [];
  for (let j = 0; j < LATENCY_TS_LEN; j++) {
    const s = ts.samples[(ts.idx + j) % LATENCY_TS_LEN];
    if (s.time !== 0) out.push(s);
  }
  return out;
}

/** The newest sample of a series. */
export function latencyLatest(ts: LatencySeries): LatencySample {
  return ts.samples[(ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
}
