/**
 * MONITOR (replicationFeedMonitors in replication.c): every command executed by any client, one status line
 * per call, to every client that asked.
 *
 * Lines are fed from a call hook, after the command ran (as Redis 7.0 does in call()), so a transaction
 * shows MULTI, then each queued command as EXEC runs it, then EXEC; commands refused before running are not
 * shown, except an EXEC refused as a whole. Administrative commands and those flagged skip_monitor are never
 * shown, and secrets are replaced by "(redacted)" where Redis redacts them (AUTH, HELLO AUTH, sensitive
 * CONFIG SET values; the slow log shares `loggedArgv`). The line is
 *   +<unix seconds>.<microseconds> [<db> <ip:port>] "arg" "arg"...
 * with each argument escaped like sdscatrepr. A monitor is a replica in Redis's eyes: it is never paused,
 * it may not touch the keyspace, and a second MONITOR is ignored without a reply.
 *
 * The registry is per server and created with the first MONITOR, so servers nobody monitors pay nothing.
 */

import { CF, Client } from './client';
import type { Server } from './server';
import { CommandSpec, F } from './commands/table';
import { ERR } from './resp/errors';
import { sdscatrepr } from './util/repr';

interface MonitorState {
  /** Monitoring clients, in the order they started. */
  readonly monitors: Set<Client>;
}

const states = new WeakMap<Server, MonitorState>();

function stateOf(server: Server): MonitorState {
  let st = states.get(server);
  if (st === undefined) {
    const s: MonitorState = { monitors: new Set() };
    st = s;
    states.set(server, s);
    server.callHooks.push((c, cmd, argv) => {
      if (s.monitors.size !== 0 && (cmd.flags & (F.admin | F.skipMonitor)) === 0) feed(s, c, loggedArgv(c, cmd, argv));
    });
    server.unlinkHooks.push((c) => s.monitors.delete(c));
    server.resetHooks.push((c) => {
      s.monitors.delete(c);
      c.flags &= ~CF.monitor;
    });
  }
  return st;
}

export function monitorCommand(c: Client): void {
  if ((c.flags & CF.denyBlocking) !== 0) {
    c.replyError(ERR.monitorDenyBlocking);
    return;
  }
  if ((c.flags & CF.monitor) !== 0) return;
  c.flags |= CF.monitor;
  stateOf(c.server).monitors.add(c);
  c.reply.ok();
}

/** Feed one command line (raw argv, not redacted) to the monitors: EXEC refused as a whole. */
export function feedMonitors(c: Client, argv: string[]): void {
  const st = states.get(c.server);
  if (st !== undefined && st.monitors.size !== 0) feed(st, c, argv);
}

function feed(st: MonitorState, c: Client, argv: string[]): void {
  const ms = c.server.clock.now();
  const usec = (ms % 1000) * 1000 + (Math.floor(performance.now() * 1000) % 1000);
  let line = '+' + Math.floor(ms / 1000) + '.' + String(usec).padStart(6, '0') + ' [' + c.db.id + ' ' + peerId(c) + '] ';
  for (let i = 0; i < argv.length; i++) {
    if (i !== 0) line += ' ';
    line += sdscatrepr(argv[i]);
  }
  const bytes = Buffer.from(line + '\r\n', 'latin1');
  for (const m of st.monitors) m.reply.raw(bytes);
}

/** The peer as Redis's getClientPeerId writes it ("lua" for clients without a connection). */
export function peerId(c: Client): string {
  if (c.socket === null) return 'lua';
  return c.addr;
}


const REDACTED = '(redacted)';
/** Parameters whose values CONFIG SET hides from logs (SENSITIVE_CONFIG in config.c). */
const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'masteruser', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/**
 * The arguments as MONITOR and the slow log show them: Redis's redactClientCommandArgument hides the
 * secrets of AUTH, HELLO ... AUTH and CONFIG SET of sensitive parameters, where the handler reaches them
 * (AUTH with too many arguments is refused before redacting, HELLO stops at its first bad option).
 */
export function loggedArgv(c: Client, cmd: CommandSpec, argv: string[]): string[] {
  switch (cmd.fullName) {
    case 'auth':
      if (argv.length > 3) return argv;
      return argv.map((a, i) => (i === 0 ? a : REDACTED));
    case 'hello': {
      let out: string[] | null = null;
      let j = 1;
      if (argv.length >= 2) {
        // The protocol version is checked first: only "2" and "3" get as far as the options.
        if (argv[1] !== '2' && argv[1] !== '3') return argv;
        j = 2;
      }
      for (; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        const opt = argv[j].toLowerCase();
        if (opt === 'auth' && more >= 2) {
          out ??= argv.slice();
          out[j + 1] = out[j + 2] = REDACTED;
          j += 2;
        } else if (opt === 'setname' && more >= 1) {
          j++;
        } else {
          break;
        }
      }
      return out ?? argv;
    }
    case 'config|set': {
      if (argv.length < 4 || argv.length % 2 !== 0) return argv;
      let out: string[] | null = null;
      for (let i = 2; i < argv.length; i += 2) {
        if (SENSITIVE_CONFIGS.has(argv[i].toLowerCase())) {
          out ??= argv.slice();
          out[i + 1] = REDACTED;
        }
      }
      return out ?? argv;
    }
    default:
      return argv;
  }
}
