/**
 * The human-readable side of the latency monitor (latency.c and sparkline.c): LATENCY GRAPH's ASCII
 * sparkline and LATENCY DOCTOR's report, worded exactly as Redis 7.0 words them.
 *
 * The graph plots the samples oldest first on 4 rows with the fill characters `_ o #` and `|` for full
 * cells, scaled between the lowest and highest sample, each column labelled vertically with how long ago
 * the sample was taken (s/m/h/d). The report analyses each event (sample count, average, mean absolute
 * deviation, the period between spikes) and collects advice. Cinnabar records two events, "command" and
 * "fast-command", so only their advice (slow log settings, large objects, scheduler) can appear, plus the
 * anonymous-huge-pages warning, which reads this process's /proc/self/smaps as Redis reads its own.
 */

import fs from 'node:fs';
import type { Server } from './server';
import { LatencySeries, latencySamples, slowlogState } from './slowlog';

const GRAPH_COLS = 80;
const GRAPH_ROWS = 4;
const CHARSET_FILL = ['_', 'o', '#'];
const LABEL_MARGIN_TOP = 1;

interface Sample {
  value: number;
  label: string;
}

/** latencyCommandGenSparkeline. `nowMs` gives the "ago" labels. */
export function latencyGraph(event: string, ts: LatencySeries, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const seq: Sample[] = [];
  let min = 0;
  let max = 0;
  for (const s of latencySamples(ts)) {
    if (seq.length === 0) min = max = s.latency;
    else {
      if (s.latency > max) max = s.latency;
      if (s.latency < min) min = s.latency;
    }
    const elapsed = now - s.time;
    let label: string;
    if (elapsed < 60) label = `${elapsed}s`;
    else if (elapsed < 3600) label = `${Math.trunc(elapsed / 60)}m`;
    else if (elapsed < 3600 * 24) label = `${Math.trunc(elapsed / 3600)}h`;
    else label = `${Math.trunc(elapsed / (3600 * 24))}d`;
    seq.push({ value: s.latency, label });
  }
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
  out += '-'.repeat(GRAPH_COLS) + '\n';
  // sparklineRender: one block of rows per GRAPH_COLS samples.
  for (let j = 0; j < seq.length; j += GRAPH_COLS) {
    if (j !== 0) out += '\n';
    out += renderRange(seq, min, max, j, Math.min(GRAPH_COLS, seq.length - j));
  }
  return out;
}

/** sparklineRenderRange with SPARKLINE_FILL. */
function renderRange(seq: Sample[], min: number, max: number, offset: number, len: number): string {
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_FILL.length * GRAPH_ROWS;
  let out = '';
  for (let row = 0; ; row++) {
    let loop = false;
    const chars: string[] = new Array(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset];
      let step = Math.trunc(((s.value - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < GRAPH_ROWS) {
        const charidx = step - (GRAPH_ROWS - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charidx];
        else if (charidx >= CHARSET_FILL.length) chars[j] = '|';
      } else {
        // A blank line between the graph and the labels, then the labels top to bottom.
        if (row - GRAPH_ROWS < LABEL_MARGIN_TOP) {
          loop = true;
          break;
        }
        const labelChar = row - GRAPH_ROWS - LABEL_MARGIN_TOP;
        if (s.label.length > labelChar) {
          loop = true;
          chars[j] = s.label[labelChar];
        }
      }
    }
    if (!loop) return out;
    out += chars.join('') + '\n';
  }
}

/** analyzeLatencyForEvent: samples, average, mean absolute deviation, and the seconds they span. */
function analyze(ts: LatencySeries, nowMs: number): { samples: number; avg: number; mad: number; period: number } {
  const samples = latencySamples(ts);
  if (samples.length === 0) return { samples: 0, avg: 0, mad: 0, period: 0 };
  let sum = 0;
  let oldest = 0;
  for (const s of samples) {
    sum += s.latency;
    if (oldest === 0 || s.time < oldest) oldest = s.time;
  }
  const avg = Math.floor(sum / samples.length);
  let period = Math.floor(nowMs / 1000) - oldest;
  if (period === 0) period = 1;
  let dev = 0;
  for (const s of samples) dev += Math.abs(avg - s.latency);
  return { samples: samples.length, avg, mad: Math.floor(dev / samples.length), period };
}

/** THPGetAnonHugePagesSize: the anonymous huge pages of this process, in kB (0 where unknown). */
function anonHugePagesKb(): number {
  try {
    let total = 0;
    for (const m of fs.readFileSync('/proc/self/smaps', 'latin1').matchAll(/^AnonHugePages:\s+(\d+) kB/gm)) total += Number(m[1]);
    return total;
  } catch {
    return 0;
  }
}

/** createLatencyReport (LATENCY DOCTOR). */
export function latencyReport(server: Server): string {
  const events = slowlogState(server).events;
  const threshold = server.config.num('latency-monitor-threshold');
  if (events.size === 0 && threshold === 0) {
    return `I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n`;
  }
  const nowMs = server.clock.now();
  const slower = server.config.num('slowlog-log-slower-than');
  const maxLen = server.config.num('slowlog-max-len');
  let report = '';
  let eventnum = 0;
  let advices = 0;
  let slowlogEnabled = false;
  let slowlogTuning = false;
  let slowlogInspect = false;
  let largeObjects = false;
  let scheduler = false;
  for (const [event, ts] of events) {
    eventnum++;
    if (eventnum === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const ls = analyze(ts, nowMs);
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.`;
    if (event === 'command') {
      if (slower < 0 || maxLen === 0) {
        slowlogEnabled = true;
        advices++;
      } else if (Math.trunc(slower / 1000) > threshold) {
        slowlogTuning = true;
        advices++;
      }
      slowlogInspect = true;
      largeObjects = true;
      advices += 2;
    }
    if (event === 'fast-command') {
      scheduler = true;
      advices++;
    }
    report += '\n';
  }
  const disableThp = anonHugePagesKb() > 0;
  if (disableThp) advices++;
  if (eventnum === 0 && advices === 0) {
    return report + 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  }
  if (eventnum > 0 && advices === 0) {
    return report + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  }
  report += '\nI have a few advices for you:\n\n';
  if (slowlogEnabled) {
    report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (slowlogTuning) {
    report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'.\n`;
  }
  if (slowlogInspect) {
    report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (scheduler) {
    report +=
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (largeObjects) {
    report += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  if (disableThp) {
    report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
  }
  return report;
}
