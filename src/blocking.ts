/**
 * Blocking operations on keys (Redis's blocked.c): BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP here, and the
 * sorted-set engineer's BZPOPMIN/BZPOPMAX/BZMPOP through the same API.
 *
 * How it works, as in Redis 7.0:
 * - A command that finds nothing to serve calls `blockForKeys(c, keys, timeoutMs, waiter)`. The client gets
 *   CF.blocked (Client.processInput then stops reading its input), and is appended to a per-(db, key) set of
 *   waiting clients. A JS Set iterates in insertion order, so clients are served first-come first-served,
 *   and removing one (timeout, disconnect, CLIENT UNBLOCK) is O(1).
 * - Creating a list/zset/stream key (Db.add) calls Server.keyReady → `signalKeyAsReady`, which queues the key
 *   when someone waits on it (once per key, like db->ready_keys). Nothing is served yet: the command that
 *   pushed keeps running, and so does a whole MULTI/EXEC or script.
 * - After the top-level command completes, Client.execute calls `server.handleBlockedOnKeys` (set only while
 *   keys are queued), Redis's handleClientsBlockedOnKeys: for each ready key, the waiting clients whose
 *   waiter type matches the value's type are served in order until the key is gone. Serving runs the
 *   waiter's `serve` with the blocked client as the current client, so the pop is replied, notified and
 *   counted for it, atomically with the push: nobody else can see the pushed element in between. A serve
 *   that creates another ready key (BLMOVE's push) queues it and the loop goes on until nothing is ready.
 *   Keys readied outside Client.execute (fake clients) are served on the next tick, as Redis's beforeSleep.
 * - Unblocked clients are resumed (their pipelined commands run) on the next tick, like Redis's
 *   processUnblockedClients in beforeSleep, so they never run in the middle of another client's command.
 * - A timeout (a timer per blocked client; 0 means none) or `CLIENT UNBLOCK id TIMEOUT` replies the null
 *   array (RESP2 `*-1`, RESP3 `_`); `CLIENT UNBLOCK id ERROR` replies -UNBLOCKED. A closed connection is
 *   simply forgotten (unlink hook).
 *
 * Per-server state lives in a WeakMap created when a client first blocks: a server that never blocks pays
 * nothing, and Db.add's signal is a no-op until then.
 */

import { CF } from './client';
import type { Client } from './client';
import type { Server } from './server';
import type { Db } from './keyspace/db';
import type { CollectionValue } from './keyspace/object';
import type { CommandSpec } from './commands/table';
import { ERR } from './resp/errors';
import { mulLongDouble, parseLongDouble, parseSafeInt, longDoubleFromNumber, LongDouble } from './util/numbers';
import { intArg, is } from './commands/util';

/**
 * What a blocked client waits for. `serve` is called when one of its keys holds a value of `type` (in the
 * client's db): it must reply to `c` (a result, or an error such as WRONGTYPE for BLMOVE's destination),
 * notify and count like the command would have, and return true; the client is then unblocked. Returning
 * false leaves it blocked (the next waiting client is tried).
 */
export interface KeyWaiter {
  readonly type: 'list' | 'zset' | 'stream';
  serve(c: Client, key: string, value: CollectionValue): boolean;
}

/** A blocked client's state (c.ext.blocked). */
interface BlockState {
  db: Db;
  keys: string[];
  waiter: KeyWaiter;
  /** The blocking command, for its failed_calls when unblocked with an error. */
  cmd: CommandSpec | undefined;
  /** Absolute deadline (Date.now() ms), Infinity when the client has no timeout or it can never expire. */
  deadline: number;
  timer: NodeJS.Timeout | null;
  /** CLIENT REPLY OFF or SKIP was in force for the blocking command: its eventual reply is dropped too. */
  silent: boolean;
}

class BlockingState {
  /** db → key → clients blocked on it, in blocking order. */
  readonly blockingKeys = new Map<Db, Map<string, Set<Client>>>();
  /** Keys signalled since the last serving pass, in order; `readyByDb` deduplicates them. */
  ready: Array<[Db, string]> = [];
  readonly readyByDb = new Map<Db, Set<string>>();
  /** Clients unblocked since the last resume pass. */
  unblocked: Client[] = [];
  resumeScheduled = false;
  readonly handle: () => void;
  readonly handleIfPending: () => void;
  readonly resumeAll: () => void;

  constructor(readonly server: Server) {
    this.handle = () => handleClientsBlockedOnKeys(this);
    this.handleIfPending = () => {
      if (this.ready.length !== 0) {
        handleClientsBlockedOnKeys(this);
        server.flushPending();
      }
    };
    this.resumeAll = () => resumeUnblocked(this);
  }
}

const states = new WeakMap<Server, BlockingState>();

/** The server's blocking state, created (and hooked into the server) on first use. */
function stateOf(server: Server): BlockingState {
  let st = states.get(server);
  if (st === undefined) {
    const s = new BlockingState(server);
    st = s;
    states.set(server, s);
    server.keyReadyListener = (db, key) => signalKeyAsReady(s, db, key);
    server.unlinkHooks.push((c) => {
      if ((c.flags & CF.blocked) !== 0) unblockClient(s, c);
    });
  }
  return st;
}

// ---- timeouts ----

const THOUSAND = longDoubleFromNumber(1000);
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;
/** The longest delay setTimeout accepts; longer waits re-arm. */
const MAX_TIMER = 2147483647;

/** (long long)ceill(x) on x86: the x87 "integer indefinite" LLONG_MIN when out of range or not finite. */
function ceilToI64(x: LongDouble): bigint {
  if (!x.isFinite()) return I64_MIN;
  if (x.mant === 0n) return 0n;
  let m: bigint;
  let inexact = false;
  if (x.exp >= 0) {
    m = x.mant << BigInt(x.exp);
  } else {
    const shift = BigInt(-x.exp);
    m = x.mant >> shift;
    inexact = m << shift !== x.mant;
  }
  let v = x.neg ? -m : m;
  if (inexact && !x.neg) v += 1n;
  return v > I64_MAX || v < I64_MIN ? I64_MIN : v;
}

/**
 * getTimeoutFromObjectOrReply(UNIT_SECONDS) of Redis 7.0: seconds as a long double, times 1000, rounded up
 * to whole ms (so 0.0001 waits 1 ms, while -0.0001 rounds to 0: no timeout). Returns the relative timeout
 * in ms (0 = wait forever; Infinity when now + timeout overflows 64 bits, which in Redis never fires), or
 * null after replying the error.
 */
export function parseTimeout(c: Client, arg: string): number | null {
  const n = parseSafeInt(arg);
  if (n !== null && n >= 0 && n < 1e12) return n * 1000;
  const ld = parseLongDouble(arg);
  if (ld === null) {
    c.replyError(ERR.timeoutNotFloat);
    return null;
  }
  const ms = ceilToI64(mulLongDouble(ld, THOUSAND));
  if (ms < 0n) {
    c.replyError(ERR.timeoutNegative);
    return null;
  }
  if (ms === 0n) return 0;
  if (ms > I64_MAX - BigInt(c.server.clock.now())) return Infinity;
  return Number(ms);
}

/**
 * True when c may block: not inside MULTI/EXEC (CF.multi, or CF.denyBlocking set by EXEC and scripts) and
 * attached to a connection (fake clients: scripts, AOF loading). Otherwise a blocking command answers as if
 * it timed out at once (Redis's CLIENT_DENY_BLOCKING).
 */
export function canBlock(c: Client): boolean {
  return (c.flags & (CF.multi | CF.denyBlocking)) === 0 && c.socket !== null;
}

// ---- blocking and unblocking ----

/**
 * Block c on keys (in c.db) until `waiter` serves it, the timeout (ms, 0 = forever, from parseTimeout)
 * passes, or it is unblocked. Duplicate keys are registered once. The caller has checked canBlock(c) and
 * replied nothing.
 */
export function blockForKeys(c: Client, keys: readonly string[], timeoutMs: number, waiter: KeyWaiter): void {
  const st = stateOf(c.server);
  const db = c.db;
  let byKey = st.blockingKeys.get(db);
  if (byKey === undefined) {
    byKey = new Map();
    st.blockingKeys.set(db, byKey);
  }
  const own: string[] = [];
  for (const key of keys) {
    let clients = byKey.get(key);
    if (clients === undefined) {
      clients = new Set();
      byKey.set(key, clients);
    } else if (clients.has(c)) {
      continue;
    }
    clients.add(c);
    own.push(key);
  }
  const bs: BlockState = {
    db,
    keys: own,
    waiter,
    cmd: c.server.table.get(c.lastCommand),
    deadline: timeoutMs === 0 ? Infinity : Date.now() + timeoutMs,
    timer: null,
    silent: c.replyMode !== 'on',
  };
  c.ext.blocked = bs;
  // Redis's clients_in_timeout_table holds blocked clients with a timeout (even one too far to fire).
  c.ext.blockTimeout = timeoutMs !== 0;
  c.flags |= CF.blocked;
  if (bs.deadline !== Infinity) armTimer(st, c, bs);
}

function armTimer(st: BlockingState, c: Client, bs: BlockState): void {
  const left = bs.deadline - Date.now();
  if (left > MAX_TIMER) {
    bs.timer = setTimeout(() => armTimer(st, c, bs), MAX_TIMER);
  } else {
    bs.timer = setTimeout(() => timedOut(st, c), left > 0 ? left : 0);
  }
  bs.timer.unref();
}

/** A blocked client's timeout passed: reply the null array (replyToBlockedClientTimedOut) and unblock. */
function timedOut(st: BlockingState, c: Client): void {
  if ((c.flags & CF.blocked) === 0 || c.isClosed) return;
  replyToBlocked(c, replyNullArray);
  unblockClient(st, c);
  queueResume(st, c);
  st.server.flushPending();
}

/** Reply to a blocked client, unless its command ran under CLIENT REPLY OFF/SKIP. */
function replyToBlocked(c: Client, reply: (c: Client) => void): void {
  const bs = c.ext.blocked as BlockState | undefined;
  const silent = bs !== undefined && bs.silent;
  if (silent) c.reply.muted++;
  reply(c);
  if (silent) c.reply.muted--;
}

/** replyToBlockedClientTimedOut: the null array for list, zset and stream waits. */
function replyNullArray(c: Client): void {
  c.reply.nullArray();
}

function replyUnblockedError(c: Client): void {
  c.replyError(ERR.unblockedByClient);
}

/** Forget c's blocked state (keys, timer, flags). Does not reply. */
function unblockClient(st: BlockingState, c: Client): void {
  const bs = c.ext.blocked as BlockState | undefined;
  c.flags &= ~CF.blocked;
  c.ext.blocked = undefined;
  c.ext.blockTimeout = false;
  if (bs === undefined) return;
  if (bs.timer !== null) clearTimeout(bs.timer);
  const byKey = st.blockingKeys.get(bs.db);
  if (byKey === undefined) return;
  for (const key of bs.keys) {
    const clients = byKey.get(key);
    if (clients === undefined) continue;
    clients.delete(c);
    if (clients.size === 0) byKey.delete(key);
  }
  if (byKey.size === 0) st.blockingKeys.delete(bs.db);
}

/** Run the input an unblocked client accumulated, after the current event (Redis's beforeSleep). */
function queueResume(st: BlockingState, c: Client): void {
  st.unblocked.push(c);
  if (!st.resumeScheduled) {
    st.resumeScheduled = true;
    process.nextTick(st.resumeAll);
  }
}

function resumeUnblocked(st: BlockingState): void {
  st.resumeScheduled = false;
  const list = st.unblocked;
  st.unblocked = [];
  for (const c of list) {
    if ((c.flags & CF.blocked) === 0 && !c.isClosed) c.resume();
  }
  st.server.flushPending();
}

// ---- readiness and serving ----

/** signalKeyAsReady: queue key when a client waits on it and it is not queued yet. */
function signalKeyAsReady(st: BlockingState, db: Db, key: string): void {
  const byKey = st.blockingKeys.get(db);
  if (byKey === undefined || !byKey.has(key)) return;
  let ready = st.readyByDb.get(db);
  if (ready === undefined) {
    ready = new Set();
    st.readyByDb.set(db, ready);
  } else if (ready.has(key)) {
    return;
  }
  ready.add(key);
  st.ready.push([db, key]);
  if (st.server.handleBlockedOnKeys === null) {
    st.server.handleBlockedOnKeys = st.handle;
    // Normally the top-level command's end serves them; a key readied outside Client.execute (a fake client
    // of a script or the AOF loader, a timer) is served before the next I/O, like Redis's beforeSleep does.
    process.nextTick(st.handleIfPending);
  }
}

/**
 * Redis's scanDatabaseForReadyKeys: signal every key of db that clients wait on and that now holds a value
 * (SWAPDB calls it for both databases after exchanging their contents, since no Db.add happened).
 */
export function signalDbReady(server: Server, db: Db): void {
  const st = states.get(server);
  if (st === undefined) return;
  const byKey = st.blockingKeys.get(db);
  if (byKey === undefined) return;
  for (const key of byKey.keys()) {
    const e = db.dict.get(key);
    if (e !== null && typeof e.value !== 'string') signalKeyAsReady(st, db, key);
  }
}

/** handleClientsBlockedOnKeys: serve clients blocked on every ready key, until no key is ready. */
function handleClientsBlockedOnKeys(st: BlockingState): void {
  const server = st.server;
  while (st.ready.length !== 0) {
    const list = st.ready;
    st.ready = [];
    for (const [db, key] of list) {
      st.readyByDb.get(db)?.delete(key);
      serveKey(st, db, key);
    }
  }
  st.readyByDb.clear();
  server.handleBlockedOnKeys = null;
}

function serveKey(st: BlockingState, db: Db, key: string): void {
  const clients = st.blockingKeys.get(db)?.get(key);
  if (clients === undefined) return;
  const server = st.server;
  // Iterating the Set is safe while served clients delete themselves from it.
  for (const c of clients) {
    const e = db.peek(key);
    if (e === null) return;
    const value = e.value;
    if (typeof value === 'string') return;
    const bs = c.ext.blocked as BlockState;
    if (bs.waiter.type !== value.type) continue;
    const previous = server.currentClient;
    server.currentClient = c;
    const errors = c.reply.errors;
    if (bs.silent) c.reply.muted++;
    const served = bs.waiter.serve(c, key, value);
    if (bs.silent) c.reply.muted--;
    server.currentClient = previous;
    if (!served) continue;
    if (c.reply.errors !== errors && bs.cmd !== undefined) bs.cmd.failedCalls++;
    unblockClient(st, c);
    queueResume(st, c);
  }
}

// ---- CLIENT UNBLOCK ----

/** CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: :1 when the client was blocked (and is now unblocked), else :0. */
export function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.replyError(ERR.subcommandSyntax(argv[1], argv[0]));
    return;
  }
  let withError = false;
  if (argv.length === 4) {
    if (is(argv[3], 'timeout')) withError = false;
    else if (is(argv[3], 'error')) withError = true;
    else {
      c.replyError(ERR.unblockReason);
      return;
    }
  }
  const id = intArg(c, argv[2]);
  if (id === null) return;
  const target = c.server.clients.get(id);
  if (target === undefined || (target.flags & CF.blocked) === 0) {
    c.reply.int(0);
    return;
  }
  const st = stateOf(c.server);
  const bs = target.ext.blocked as BlockState | undefined;
  if (withError) {
    replyToBlocked(target, replyUnblockedError);
    if (bs?.cmd !== undefined) bs.cmd.failedCalls++;
  } else {
    replyToBlocked(target, replyNullArray);
  }
  unblockClient(st, target);
  queueResume(st, target);
  c.reply.int(1);
}
