/**
 * Introspection commands: MONITOR, SLOWLOG (slowlog.c) and LATENCY (latency.c), whose records are kept by
 * src/monitor.ts, src/slowlog.ts and (LATENCY HISTOGRAM) the per-command histograms of src/commands/info.ts
 * (these handlers only format them as Redis does), and CLIENT REPLY, the
 * client's control over its own replies (registered in the CLIENT container of connection.ts).
 */

import type { Client } from '../client';
import { is } from './util';
import type { CommandDef } from './table';
import { ERR } from '../resp/errors';
import { parseI64 } from '../util/numbers';
import { monitorCommand } from '../monitor';
import { LatencySeries, latencyLatest, latencySamples, slowlogReset, slowlogState } from '../slowlog';
import { latencyGraph, latencyReport } from '../latency-report';
import { commandHistogram, LatencyHistogram } from './info';
import type { CommandSpec } from './table';

/** SLOWLOG GET [count]: the newest `count` entries (default 10, -1 all). */
function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.replyError(ERR.subcommandSyntax(argv[1], argv[0]));
    return;
  }
  const entries = slowlogState(c.server).entries;
  let count = 10;
  if (argv.length === 3) {
    const n = parseI64(argv[2]);
    if (n === null || n < -1n) {
      c.replyError(ERR.slowlogCount);
      return;
    }
    count = n === -1n ? entries.length : n > BigInt(entries.length) ? entries.length : Number(n);
  }
  const sent = Math.min(count, entries.length);
  const w = c.reply;
  w.arrayLen(sent);
  for (let i = 0; i < sent; i++) {
    const e = entries[i];
    w.arrayLen(6);
    w.int(e.id);
    w.int(e.time);
    w.int(e.duration);
    w.bulkArray(e.argv);
    w.bulk(e.peer);
    w.bulk(e.name);
  }
}

/** LATENCY LATEST: [event, time of the newest sample, its latency, all-time max] per event. */
function latencyLatestCmd(c: Client): void {
  const events = slowlogState(c.server).events;
  const w = c.reply;
  w.arrayLen(events.size);
  for (const [event, ts] of events) {
    const s = latencyLatest(ts);
    w.arrayLen(4);
    w.bulk(event);
    w.int(s.time);
    w.int(s.latency);
    w.int(ts.max);
  }
}

/** LATENCY HISTORY event: [time, latency] pairs, oldest first; empty for an unknown event. */
function latencyHistory(c: Client, argv: string[]): void {
  const ts: LatencySeries | undefined = slowlogState(c.server).events.get(argv[2]);
  const samples = ts === undefined ? [] : latencySamples(ts);
  const w = c.reply;
  w.arrayLen(samples.length);
  for (const s of samples) {
    w.arrayLen(2);
    w.int(s.time);
    w.int(s.latency);
  }
}

/** LATENCY GRAPH event: an ASCII sparkline of the event's samples. */
function latencyGraphCmd(c: Client, argv: string[]): void {
  const ts = slowlogState(c.server).events.get(argv[2]);
  if (ts === undefined) {
    c.replyError(ERR.latencyNoSamples(argv[2]));
    return;
  }
  c.reply.verbatim(latencyGraph(argv[2], ts, c.server.clock.now()));
}

/**
 * lookupCommandBySds: "name" or "container|sub" (one level only), case-insensitive; a name with a `|` whose
 * first part has no subcommands is unknown.
 */
function lookupCommandByFullName(c: Client, name: string): CommandSpec | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = c.server.table.get(parts[0]);
  if (parts.length === 1 || base === undefined || base.subcommands === null) return parts.length === 1 ? base : undefined;
  return base.subcommands.get(parts[1].toLowerCase());
}

/**
 * LATENCY HISTOGRAM [command ...]: a map of command name → {calls, histogram_usec: {bound: cumulative count}}
 * for each named command that has a histogram, followed by its subcommands that have one (unknown names are
 * skipped); without names, every command and subcommand that has one, in command-table order.
 */
function latencyHistogramCmd(c: Client, argv: string[]): void {
  const found: Array<[CommandSpec, LatencyHistogram]> = [];
  const add = (cmd: CommandSpec): void => {
    const h = commandHistogram(c.server, cmd);
    if (h !== undefined) found.push([cmd, h]);
  };
  if (argv.length === 2) {
    for (const cmd of c.server.table.all()) add(cmd);
  } else {
    for (let j = 2; j < argv.length; j++) {
      const cmd = lookupCommandByFullName(c, argv[j]);
      if (cmd === undefined) continue;
      add(cmd);
      if (cmd.subcommands !== null) for (const sub of cmd.subcommands.values()) add(sub);
    }
  }
  const w = c.reply;
  w.mapLen(found.length);
  for (const [cmd, h] of found) {
    w.bulk(cmd.fullName);
    w.mapLen(2);
    w.bulk('calls');
    w.int(h.total);
    w.bulk('histogram_usec');
    const cdf = h.cdf();
    w.mapLen(cdf.length / 2);
    for (let i = 0; i < cdf.length; i++) w.int(cdf[i]);
  }
}

/** LATENCY RESET [event ...]: forget the events (all without arguments); replies how many were reset. */
function latencyReset(c: Client, argv: string[]): void {
  const events = slowlogState(c.server).events;
  if (argv.length === 2) {
    const n = events.size;
    events.clear();
    c.reply.int(n);
    return;
  }
  let n = 0;
  for (let i = 2; i < argv.length; i++) if (events.delete(argv[i])) n++;
  c.reply.int(n);
}

/**
 * CLIENT REPLY ON|OFF|SKIP. OFF drops every reply from now on, SKIP the next command's (Client.replyMode
 * mutes the writer; pub/sub and tracking pushes still go out). ON's own OK is sent; OFF and SKIP reply
 * nothing.
 */
export function clientReply(c: Client, argv: string[]): void {
  if (is(argv[2], 'on')) {
    c.replyMode = 'on';
    c.reply.ok();
  } else if (is(argv[2], 'off')) {
    c.replyMode = 'off';
  } else if (is(argv[2], 'skip')) {
    if (c.replyMode !== 'off') c.replyMode = 'skipNext';
  } else {
    c.replyError(ERR.syntax);
  }
}

export const introspectionCommands: CommandDef[] = [
  { name: 'monitor', handler: monitorCommand },
  {
    name: 'slowlog',
    subcommands: [
      { name: 'get', handler: slowlogGet },
      { name: 'len', handler: (c) => c.reply.int(slowlogState(c.server).entries.length) },
      {
        name: 'reset',
        handler: (c) => {
          slowlogReset(c.server);
          c.reply.ok();
        },
      },
      { name: 'help' },
    ],
  },
  {
    name: 'latency',
    subcommands: [
      { name: 'latest', handler: latencyLatestCmd },
      { name: 'history', handler: latencyHistory },
      { name: 'reset', handler: latencyReset },
      { name: 'graph', handler: latencyGraphCmd },
      { name: 'doctor', handler: (c) => c.reply.verbatim(latencyReport(c.server)) },
      { name: 'histogram', handler: latencyHistogramCmd },
      { name: 'help' },
    ],
  },
];
