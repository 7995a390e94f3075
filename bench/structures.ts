/*
 * Micro-benchmark of the data structures under src/types, without RESP or
 * sockets: how fast the skiplist inserts and ranks at 1e3, 1e5 and 1e6
 * members (the per-op cost should grow like log n, not n), and how fast the
 * deque does what LPUSH/RPOP, LINDEX and LRANGE need.
 *
 * Run: npx tsc -p . && node dist/bench/structures.js   (add --expose-gc for
 * the bytes/member column). Inputs are generated before timing, with a
 * fixed seed, so runs compare.
 */

import { SkipList } from '../src/types/skiplist';
import { Deque } from '../src/types/deque';

/** mulberry32, so every run inserts the same scores. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nowNs(): number {
  return Number(process.hrtime.bigint());
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  if (gc !== undefined) gc();
  return process.memoryUsage().heapUsed;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function fmt(ns: number): string {
  return ns.toFixed(1);
}

/** Keeps results alive so the optimiser cannot drop the work. */
let sink = 0;

function benchSkiplist(n: number, print: boolean): void {
  const rand = prng(n);
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push('member:' + i);
    scores.push(Math.floor(rand() * n * 10) / 10); // ties happen, as in real leaderboards
  }
  const lookups = 200_000;
  const probe: number[] = [];
  for (let i = 0; i < lookups; i++) probe.push(Math.floor(rand() * n));

  // Small sizes are rebuilt several times so the timing is not noise.
  const builds = Math.max(1, Math.floor(200_000 / n));
  let zsl = new SkipList();
  let insertTotal = 0;
  let bytes = 0;
  for (let b = 0; b < builds; b++) {
    zsl = new SkipList(); // drops the previous build before the heap is measured
    const before = b === builds - 1 ? heapUsed() : 0;
    const start = nowNs();
    for (let i = 0; i < n; i++) zsl.insert(scores[i], members[i]);
    insertTotal += nowNs() - start;
    if (b === builds - 1) bytes = (heapUsed() - before) / n;
  }
  const insertNs = insertTotal / (builds * n);

  let t = nowNs();
  for (let i = 0; i < lookups; i++) {
    const k = probe[i];
    sink += zsl.getRank(scores[k], members[k]);
  }
  const rankNs = (nowNs() - t) / lookups;

  t = nowNs();
  for (let i = 0; i < lookups; i++) {
    const node = zsl.getByRank(probe[i] + 1);
    if (node !== null) sink += node.score;
  }
  const byRankNs = (nowNs() - t) / lookups;

  // ZINCRBY-like: nudge a score, which usually leaves the node in place.
  t = nowNs();
  for (let i = 0; i < lookups; i++) {
    const k = probe[i];
    const next = scores[k] + 0.01;
    zsl.updateScore(scores[k], members[k], next);
    scores[k] = next;
  }
  const updateNs = (nowNs() - t) / lookups;

  if (print) {
    console.log(
      pad(String(n), 9) +
        pad(fmt(insertNs), 12) +
        pad(fmt(rankNs), 12) +
        pad(fmt(byRankNs), 12) +
        pad(fmt(updateNs), 12) +
        pad(gc === undefined ? '-' : bytes.toFixed(0), 14),
    );
  }
}

function benchDeque(): void {
  const ops = 10_000_000;
  const d = new Deque<string>();
  for (let i = 0; i < 100; i++) d.pushBack('v' + i);
  const value = 'payload';
  let t = nowNs();
  for (let i = 0; i < ops; i++) {
    d.pushFront(value);
    if (d.popBack() === undefined) sink++;
  }
  console.log(`deque  LPUSH+RPOP pair (len 100)    ${fmt((nowNs() - t) / ops)} ns/pair`);

  const growOps = 1_000_000;
  const g = new Deque<string>();
  t = nowNs();
  for (let i = 0; i < growOps; i++) g.pushBack(value);
  for (let i = 0; i < growOps; i++) if (g.popFront() === undefined) sink++;
  console.log(`deque  RPUSH 1e6 then LPOP 1e6      ${fmt((nowNs() - t) / (2 * growOps))} ns/op (incl. grow/shrink)`);

  // LPUSH-built (stays one run in the buffer) and pushed at both ends (wraps).
  const rangeOps = 1_000_000;
  const lpushed = new Deque<string>();
  for (let i = 0; i < 600; i++) lpushed.pushFront('e' + i);
  t = nowNs();
  for (let i = 0; i < rangeOps; i++) sink += lpushed.range(0, 99).length;
  console.log(`deque  LRANGE 0 99 of 600 (one run) ${fmt((nowNs() - t) / rangeOps)} ns/op`);

  const list = new Deque<string>();
  for (let i = 0; i < 600; i++) list.pushBack('e' + i);
  for (let i = 0; i < 1000; i++) list.pushBack(list.popFront() as string); // head now 24 slots before the seam
  t = nowNs();
  for (let i = 0; i < rangeOps; i++) sink += list.range(0, 99).length;
  console.log(`deque  LRANGE 0 99 of 600 (wrapped) ${fmt((nowNs() - t) / rangeOps)} ns/op`);

  t = nowNs();
  for (let i = 0; i < ops; i++) sink += (list.get(i % 600) as string).length;
  console.log(`deque  LINDEX                       ${fmt((nowNs() - t) / ops)} ns/op`);
}

function main(): void {
  // Warm up the JIT on small inputs first.
  for (let i = 0; i < 5; i++) benchSkiplist(10_000, false);
  console.log(`skiplist (ns/op; node ${process.version}${gc === undefined ? '; run with --expose-gc for memory' : ''})`);
  console.log(
    pad('members', 9) + pad('insert', 12) + pad('getRank', 12) + pad('getByRank', 12) + pad('updScore', 12) + pad('bytes/member', 14),
  );
  for (const n of [1_000, 100_000, 1_000_000]) benchSkiplist(n, true);
  console.log();
  benchDeque();
  if (sink === 42) console.log('');
}

main();
