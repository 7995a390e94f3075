/**
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET and the CLIENT container
 * (networking.c and server.c in Redis). They act on the calling client's own state; CLIENT LIST/KILL look
 * at the server's client registry.
 */

import { CF, Client } from '../client';
import type { CommandDef } from './table';
import { ERR } from '../resp/errors';
import { SHARED } from '../resp/reply';
import { is, intArg } from './util';
import { parseI64 } from '../util/numbers';
import { clientSubs } from '../pubsub';
import { clientUnblock } from '../blocking';
import { clientPause, clientUnpause } from '../pause';
import { clientCaching, clientGetredir, clientTrackingCommand, clientTrackinginfo } from '../tracking';
import { clientReply } from './introspection';

export const REDIS_VERSION = '7.0.15';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.replyError(ERR.wrongArity('ping'));
    return;
  }
  if ((c.flags & CF.pubsub) !== 0 && c.resp === 2) {
    c.reply.arrayLen(2);
    c.reply.bulk('pong');
    c.reply.bulk(argv.length === 2 ? argv[1] : '');
  } else if (argv.length === 2) {
    c.reply.bulk(argv[1]);
  } else {
    c.reply.raw(SHARED.pong);
  }
}

function echo(c: Client, argv: string[]): void {
  c.reply.bulk(argv[1]);
}

function quit(c: Client): void {
  c.reply.ok();
  c.flags |= CF.closeAfterReply;
}

function select(c: Client, argv: string[]): void {
  const n = intArg(c, argv[1]);
  if (n === null) return;
  if (n < 0 || n >= c.server.dbs.length) {
    c.replyError(ERR.dbIndexOutOfRange);
    return;
  }
  c.db = c.server.dbs[n];
  c.reply.ok();
}

/** Check a password for a user (only the default user exists); replies the error and returns false on failure. */
function checkAuth(c: Client, user: string, pass: string): boolean {
  const required = c.server.config.str('requirepass');
  if (user === 'default' && (required === '' || pass === required)) {
    c.authenticated = true;
    c.user = 'default';
    c.parser.limits.unauthenticated = false;
    return true;
  }
  c.replyError(ERR.wrongPass);
  return false;
}

function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.replyError(ERR.syntax);
    return;
  }
  if (argv.length === 2 && c.server.config.str('requirepass') === '') {
    c.replyError(ERR.authNoPassword);
    return;
  }
  const user = argv.length === 3 ? argv[1] : 'default';
  const pass = argv[argv.length - 1];
  if (checkAuth(c, user, pass)) c.reply.ok();
}

/**
 * HELLO [protover [AUTH user pass] [SETNAME name]]: options take effect in order as they are read, so a
 * SETNAME before a failing AUTH (or before a NOAUTH refusal) has already named the connection.
 */
function hello(c: Client, argv: string[]): void {
  let ver = 0;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseI64(argv[1]);
    if (v === null) {
      c.replyError('ERR Protocol version is not an integer or out of range');
      return;
    }
    i = 2;
    if (v < 2n || v > 3n) {
      c.replyError(ERR.noProto);
      return;
    }
    ver = Number(v);
  }
  for (; i < argv.length; i++) {
    const more = argv.length - i - 1;
    if (is(argv[i], 'auth') && more >= 2) {
      if (!checkAuth(c, argv[i + 1], argv[i + 2])) return;
      i += 2;
    } else if (is(argv[i], 'setname') && more >= 1) {
      if (!setName(c, argv[i + 1])) return;
      i++;
    } else {
      c.replyError(`ERR Syntax error in HELLO option '${oneLine(argv[i])}'`);
      return;
    }
  }
  if (!c.authenticated) {
    c.replyError('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (ver !== 0) c.setResp(ver as 2 | 3);
  const w = c.reply;
  w.mapLen(7);
  w.bulk('server');
  w.bulk('redis');
  w.bulk('version');
  w.bulk(REDIS_VERSION);
  w.bulk('proto');
  w.int(c.resp);
  w.bulk('id');
  w.int(c.id);
  w.bulk('mode');
  w.bulk('standalone');
  w.bulk('role');
  w.bulk('master');
  w.bulk('modules');
  w.arrayLen(0);
}

/** Drop every per-connection state, as RESET does (clearClientConnectionState). */
export function resetClientState(c: Client): void {
  const server = c.server;
  for (const h of server.resetHooks) h(c);
  c.db = server.dbs[0];
  c.setResp(2);
  c.authenticated = server.config.str('requirepass') === '';
  c.parser.limits.unauthenticated = !c.authenticated;
  c.user = 'default';
  c.multiQueue = null;
  server.pubsub.removeClient(c);
  c.name = '';
  // RESET clears CLIENT REPLY OFF and a pending SKIP, but its own reply is still skipped when SKIP applies.
  if (c.replyMode !== 'skip') c.replyMode = 'on';
  // Redis 7.0 keeps CLIENT NO-EVICT across RESET; NO-TOUCH (a Redis 7.2 flag) is cleared as 7.2 does.
  c.flags &= ~(CF.multi | CF.dirtyCas | CF.dirtyExec | CF.pubsub | CF.noTouch | CF.readonly | CF.monitor);
}

function reset(c: Client): void {
  resetClientState(c);
  c.reply.simple('RESET');
}

// ---- CLIENT ----

function setName(c: Client, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      c.replyError('ERR Client names cannot contain spaces, newlines or special characters.');
      return false;
    }
  }
  c.name = name;
  return true;
}

/** The flags field of CLIENT LIST. */
function flagString(c: Client): string {
  let s = '';
  const f = c.flags;
  if (f & CF.monitor) s += 'O';
  if (f & CF.pubsub) s += 'P';
  if (c.multiQueue !== null) s += 'x';
  if (f & CF.blocked) s += 'b';
  if (f & CF.tracking) s += 't';
  if (c.ext.trackingBrokenRedir) s += 'R';
  if (c.ext.trackingBcast) s += 'B';
  if (f & CF.dirtyCas) s += 'd';
  if (f & CF.closeAfterReply) s += 'c';
  if (f & CF.closeAsap) s += 'A';
  if (f & CF.unixSocket) s += 'U';
  if (f & CF.readonly) s += 'r';
  if (f & CF.noEvict) s += 'e';
  if (f & CF.noTouch) s += 'T';
  return s === '' ? 'N' : s;
}

/** Redis sanitizes the user text it quotes in an error (addReplyErrorFormat): no CR or LF. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/**
 * One CLIENT LIST line (getClientInfoString). `argv` is the command being executed when `c` is the caller:
 * argv-mem counts it, as Redis counts the arguments a client holds. The buffer sizes (qbuf-free, rbs, rbp)
 * are Redis allocator details Cinnabar does not have: they show 0, and tot-mem sums what Cinnabar holds.
 */
export function clientInfoString(c: Client, argv?: readonly string[]): string {
  const now = c.server.clock.now();
  const subs = c.ext.pubsub === undefined ? null : clientSubs(c);
  const multiCount = c.multiQueue === null ? -1 : c.multiQueue.length;
  // Arguments plus one pointer per argument, for each queued command.
  let multiMem = 0;
  if (c.multiQueue !== null) for (const q of c.multiQueue) for (const a of q.argv) multiMem += a.length + 8;
  let argvMem = 0;
  if (argv !== undefined) for (const a of argv) argvMem += a.length;
  const qbuf = c.parser.buffered;
  const omem = c.outputPending;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
    `flags=${flagString(c)} db=${c.db.id} sub=${subs?.channels.size ?? 0} psub=${subs?.patterns.size ?? 0} ` +
    `ssub=${subs?.shardChannels.size ?? 0} multi=${multiCount} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} ` +
    `multi-mem=${multiMem} rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + argvMem + omem + multiMem} ` +
    `events=r${omem > 0 ? 'w' : ''} cmd=${c.lastCommand} user=${c.user} redir=${(c.ext.trackingRedirect as number | undefined) ?? -1} resp=${c.resp} ` +
    `lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

/** getClientType: a subscriber is a pubsub client; Cinnabar has no replicas or masters. */
function clientTypeOf(c: Client): string {
  return (c.flags & CF.pubsub) !== 0 ? 'pubsub' : 'normal';
}

/** getClientTypeByName: the class a CLIENT LIST/KILL TYPE names, or null. */
function clientTypeByName(name: string): string | null {
  const t = name.toLowerCase();
  if (t === 'normal' || t === 'pubsub' || t === 'master') return t;
  if (t === 'replica' || t === 'slave') return 'replica';
  return null;
}

function clientList(c: Client, argv: string[]): void {
  const server = c.server;
  let out = '';
  const line = (x: Client) => {
    out += clientInfoString(x, x === c ? argv : undefined) + '\n';
  };
  if (argv.length === 4 && is(argv[2], 'type')) {
    const type = clientTypeByName(argv[3]);
    if (type === null) {
      c.replyError(`ERR Unknown client type '${oneLine(argv[3])}'`);
      return;
    }
    for (const x of server.clients.values()) if (clientTypeOf(x) === type) line(x);
  } else if (argv.length > 3 && is(argv[2], 'id')) {
    // Every id in order, repeated ones included; ids of no client are skipped.
    const found: Client[] = [];
    for (let i = 3; i < argv.length; i++) {
      const id = parseI64(argv[i]);
      if (id === null) {
        c.replyError('ERR Invalid client ID');
        return;
      }
      const x = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? server.clients.get(Number(id)) : undefined;
      if (x !== undefined) found.push(x);
    }
    for (const x of found) line(x);
  } else if (argv.length !== 2) {
    c.replyError(ERR.syntax);
    return;
  } else {
    for (const x of server.clients.values()) line(x);
  }
  c.reply.verbatim(out);
}

function clientInfo(c: Client, argv: string[]): void {
  c.reply.verbatim(clientInfoString(c, argv) + '\n');
}

/**
 * CLIENT KILL addr:port (the old form: may kill the caller, "No such client" when nothing matched) or
 * CLIENT KILL <filter> <value> ... (ID, TYPE, ADDR, LADDR, USER, SKIPME): the number of clients killed.
 * A killed caller gets its reply first.
 */
function clientKill(c: Client, argv: string[]): void {
  const server = c.server;
  let id = 0;
  let type: string | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let skipMe = true;
  if (argv.length === 3) {
    addr = argv[2];
    skipMe = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i];
      const more = i + 1 < argv.length;
      const val = argv[i + 1];
      if (is(opt, 'id') && more) {
        const n = parseI64(val);
        if (n === null || n < 1n) {
          c.replyError('ERR client-id should be greater than 0');
          return;
        }
        id = Number(n);
      } else if (is(opt, 'type') && more) {
        type = clientTypeByName(val);
        if (type === null) {
          c.replyError(`ERR Unknown client type '${oneLine(val)}'`);
          return;
        }
      } else if (is(opt, 'addr') && more) {
        addr = val;
      } else if (is(opt, 'laddr') && more) {
        laddr = val;
      } else if (is(opt, 'user') && more) {
        // The default user is the only one.
        if (val !== 'default') {
          c.replyError(`ERR No such user '${oneLine(val)}'`);
          return;
        }
        user = val;
      } else if (is(opt, 'skipme') && more) {
        if (is(val, 'yes')) skipMe = true;
        else if (is(val, 'no')) skipMe = false;
        else {
          c.replyError(ERR.syntax);
          return;
        }
      } else {
        c.replyError(ERR.syntax);
        return;
      }
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const x of [...server.clients.values()]) {
    if (addr !== null && x.addr !== addr) continue;
    if (laddr !== null && x.laddr !== laddr) continue;
    if (type !== null && clientTypeOf(x) !== type) continue;
    if (id !== 0 && x.id !== id) continue;
    if (user !== null && x.user !== user) continue;
    if (x === c && skipMe) continue;
    if (x === c) killSelf = true;
    else x.close();
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) c.replyError('ERR No such client');
    else c.reply.ok();
  } else {
    c.reply.int(killed);
  }
  if (killSelf) c.flags |= CF.closeAfterReply;
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2): the option is checked first, then the value. */
function clientSetInfo(c: Client, argv: string[]): void {
  const attr = argv[2];
  const val = argv[3];
  const isName = is(attr, 'lib-name');
  if (!isName && !is(attr, 'lib-ver')) {
    c.replyError(`ERR Unrecognized option '${oneLine(attr)}'`);
    return;
  }
  for (let i = 0; i < val.length; i++) {
    const ch = val.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      c.replyError(`ERR ${oneLine(attr)} cannot contain spaces, newlines or special characters.`);
      return;
    }
  }
  if (isName) c.libName = val;
  else c.libVer = val;
  c.reply.ok();
}

function onOffFlag(flag: number) {
  return (c: Client, argv: string[]): void => {
    if (is(argv[2], 'on')) c.flags |= flag;
    else if (is(argv[2], 'off')) c.flags &= ~flag;
    else {
      c.replyError(ERR.syntax);
      return;
    }
    c.reply.ok();
  };
}

export const connectionCommands: CommandDef[] = [
  { name: 'ping', handler: ping },
  { name: 'echo', handler: echo },
  { name: 'quit', handler: quit },
  { name: 'select', handler: select },
  { name: 'auth', handler: auth },
  { name: 'hello', handler: hello },
  { name: 'reset', handler: reset },
  {
    name: 'client',
    subcommands: [
      { name: 'id', handler: (c) => c.reply.int(c.id) },
      { name: 'setname', handler: (c, argv) => setName(c, argv[2]) && c.reply.ok() },
      { name: 'getname', handler: (c) => c.reply.bulkOrNull(c.name === '' ? null : c.name) },
      { name: 'list', handler: clientList },
      { name: 'info', handler: clientInfo },
      { name: 'kill', handler: clientKill },
      { name: 'setinfo', handler: clientSetInfo },
      { name: 'no-evict', handler: onOffFlag(CF.noEvict) },
      { name: 'no-touch', handler: onOffFlag(CF.noTouch) },
      { name: 'unblock', handler: clientUnblock },
      { name: 'pause', handler: clientPause },
      { name: 'unpause', handler: clientUnpause },
      { name: 'reply', handler: clientReply },
      { name: 'tracking', handler: clientTrackingCommand },
      { name: 'caching', handler: clientCaching },
      { name: 'getredir', handler: clientGetredir },
      { name: 'trackinginfo', handler: clientTrackinginfo },
      { name: 'help' },
    ],
  },
];


