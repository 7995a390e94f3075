/**
 * Introspection commands: MONITOR, SLOWLOG (slowlog.c) and LATENCY (latency.c), whose records are kept by
 * src/monitor.ts and src/slowlog.ts (these handlers only format them as Redis does), and CLIENT REPLY, the
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
      { name: 'help' },
    ],
  },
];
