/**
 * CLIENT PAUSE / CLIENT UNPAUSE (networking.c pauseClients, Redis 7.0) and the rule that a replica (here: a
 * MONITOR client) may not touch the keyspace: the two checks processCommand makes between the Pub/Sub
 * context rule and MULTI queueing.
 *
 * A pause has a type (WRITE or ALL) and an end time; a new CLIENT PAUSE replaces both, as Redis 7.0 keeps one
 * pause per purpose. A client whose command must wait is postponed (Redis's BLOCKED_POSTPONE): the command
 * is kept, the client gets CF.blocked (it stops reading, CLIENT LIST shows b, INFO counts it in
 * blocked_clients) plus CF.postponed, and it is queued. When the pause ends (a timer at the end time, CLIENT
 * UNPAUSE, or a new pause of a weaker type) every postponed client is resumed in order on the next tick:
 * its command is processed again from the start, and may be postponed again. WRITE pauses hold back write
 * commands and those Redis flags may_replicate (PUBLISH, EVAL...), including an EXEC whose queue holds one,
 * and a write queued inside MULTI. MONITOR clients are never paused.
 */

import { CF, Client } from './client';
import type { Server } from './server';
import { CommandSpec, F } from './commands/table';
import { ERR } from './resp/errors';
import { is } from './commands/util';
import { parseI64 } from './util/numbers';

export const PAUSE_OFF = 0;
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;

/** Commands with Redis's internal CMD_MAY_REPLICATE flag (not part of COMMAND INFO). */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'publish', 'spublish', 'pfcount']);

interface PauseState {
  /** Postponed clients, in the order they were held back. */
  postponed: Client[];
  timer: NodeJS.Timeout | null;
}

const states = new WeakMap<Server, PauseState>();

function stateOf(server: Server): PauseState {
  let st = states.get(server);
  if (st === undefined) {
    const s: PauseState = { postponed: [], timer: null };
    st = s;
    states.set(server, s);
    server.unlinkHooks.push((c) => {
      if ((c.flags & CF.postponed) === 0) return;
      const i = s.postponed.indexOf(c);
      if (i >= 0) s.postponed.splice(i, 1);
    });
  }
  return st;
}

function mayReplicate(cmd: CommandSpec): boolean {
  return (cmd.flags & F.write) !== 0 || MAY_REPLICATE.has(cmd.fullName);
}

/** For EXEC: whether any queued command satisfies `test` (Redis's mstate.cmd_flags). */
function queueHas(c: Client, test: (cmd: CommandSpec) => boolean): boolean {
  const q = c.multiQueue;
  if (q === null) return false;
  for (let i = 0; i < q.length; i++) if (test(q[i].cmd)) return true;
  return false;
}

/**
 * Called by Client.execute for a monitor or while clients are paused. Returns true when the command was
 * refused (a monitor touching the keyspace) or postponed; false when it proceeds.
 */
export function refuseOrPostpone(c: Client, cmd: CommandSpec, argv: string[]): boolean {
  const isExec = cmd.fullName === 'exec';
  const replicates = mayReplicate(cmd) || (isExec && queueHas(c, mayReplicate));
  if ((c.flags & CF.monitor) !== 0) {
    const reads = (cmd.flags & F.readonly) !== 0 || (isExec && queueHas(c, (q) => (q.flags & F.readonly) !== 0));
    if (replicates || reads) {
      c.rejectCommand(ERR.replicaKeyspace, cmd, argv);
      return true;
    }
    return false;
  }
  const server = c.server;
  if (server.pauseType === PAUSE_OFF) return false;
  if (server.clock.now() > server.pauseEnd) {
    unpauseClients(server);
    return false;
  }
  if (server.pauseType === PAUSE_ALL || replicates) {
    c.postponedArgv = argv;
    c.flags |= CF.blocked | CF.postponed;
    stateOf(server).postponed.push(c);
    return true;
  }
  return false;
}

/**
 * checkClientPauseTimeoutAndReturnIfPaused: end a pause whose time is over, then whether clients are still
 * paused (lazy and active expiry are frozen meanwhile).
 */
export function clientsPaused(server: Server): boolean {
  if (server.pauseType === PAUSE_OFF) return false;
  if (server.pauseEnd < server.clock.now()) unpauseClients(server);
  return server.pauseType !== PAUSE_OFF;
}

/** pauseClients: set the pause (replacing the previous one); a weaker type lets postponed clients retry. */
function pauseClients(server: Server, end: number, type: number): void {
  const old = server.pauseType;
  const st = stateOf(server);
  if (st.timer !== null) clearTimeout(st.timer);
  st.timer = null;
  if (end < server.clock.now()) {
    // Already over (CLIENT PAUSE 0): nothing is held back.
    server.pauseType = PAUSE_OFF;
    server.pauseEnd = 0;
    if (old !== PAUSE_OFF) resumePostponed(server);
    return;
  }
  server.pauseType = type;
  server.pauseEnd = end;
  armTimer(server, st);
  if (type < old) resumePostponed(server);
}

function armTimer(server: Server, st: PauseState): void {
  const delay = Math.min(server.pauseEnd - server.clock.now() + 1, 2147483647);
  st.timer = setTimeout(() => {
    st.timer = null;
    if (server.pauseType === PAUSE_OFF) return;
    if (server.clock.now() > server.pauseEnd) unpauseClients(server);
    else armTimer(server, st);
  }, Math.max(1, delay));
  st.timer.unref();
}

/** unpauseClients: end the pause and resume every postponed client. */
export function unpauseClients(server: Server): void {
  const st = states.get(server);
  if (st !== undefined && st.timer !== null) {
    clearTimeout(st.timer);
    st.timer = null;
  }
  if (server.pauseType === PAUSE_OFF) return;
  server.pauseType = PAUSE_OFF;
  server.pauseEnd = 0;
  resumePostponed(server);
}

/** unblockPostponedClients: on the next tick, process each held-back command again, in order. */
function resumePostponed(server: Server): void {
  const st = states.get(server);
  if (st === undefined || st.postponed.length === 0) return;
  const list = st.postponed;
  st.postponed = [];
  process.nextTick(() => {
    for (const c of list) {
      if (c.isClosed || (c.flags & CF.postponed) === 0) continue;
      c.flags &= ~(CF.blocked | CF.postponed);
      const argv = c.postponedArgv!;
      c.postponedArgv = null;
      c.execute(argv);
      c.commandProcessed();
      c.resume();
    }
    server.flushPending();
  });
}

/**
 * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, which is in milliseconds
 * (getTimeoutFromObjectOrReply).
 */
export function clientPause(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.replyError(ERR.subcommandSyntax(argv[1], argv[0]));
    return;
  }
  let type = PAUSE_ALL;
  if (argv.length === 4) {
    if (is(argv[3], 'write')) type = PAUSE_WRITE;
    else if (is(argv[3], 'all')) type = PAUSE_ALL;
    else {
      c.replyError(ERR.pauseMode);
      return;
    }
  }
  const t = parseI64(argv[2]);
  if (t === null) {
    c.replyError(ERR.timeoutNotInteger);
    return;
  }
  if (t < 0n) {
    c.replyError(ERR.timeoutNegative);
    return;
  }
  const now = c.server.clock.now();
  let end = 0;
  if (t > 0n) {
    // Redis 7.0 adds without an overflow check: a sum past LLONG_MAX wraps negative, a pause already over.
    const sum = t + BigInt(now);
    end = sum > 9223372036854775807n ? -1 : Number(sum);
  }
  pauseClients(c.server, end, type);
  c.reply.ok();
}

export function clientUnpause(c: Client): void {
  unpauseClients(c.server);
  c.reply.ok();
}
