/**
 * Server-assisted client-side caching (tracking.c, Redis 7.0): CLIENT TRACKING, CACHING, GETREDIR,
 * TRACKINGINFO, and the invalidation messages.
 *
 * Default mode: after a read-only command, the keys it named are remembered (key → ids of the clients that
 * read it). When a key is written, expired or evicted (Server.keyModified → `invalidateKey`), every client in
 * its entry is sent an invalidation and the entry is dropped: the client must read again to be told again.
 * OPTIN/OPTOUT make the remembering depend on CLIENT CACHING for the next command (or transaction); NOLOOP
 * skips keys the client modified itself. Entries name client ids, not clients, and outlive a client's
 * tracking: a client that turns tracking off and on again is still told about keys it read before, as in
 * Redis. tracking-table-max-keys bounds the table by invalidating keys early.
 * BCAST mode: nothing is remembered; each prefix (or "" for all keys) collects the keys modified during an
 * event-loop turn, and one message per prefix with the sorted keys goes out after it (Redis's beforeSleep).
 *
 * A message is a RESP3 push ["invalidate", [keys]] (null instead of keys after FLUSHALL/FLUSHDB). With
 * REDIRECT it goes to another client: a RESP3 one gets the push, a RESP2 one in Pub/Sub mode gets it as a
 * message on __redis__:invalidate; when that client is gone, a RESP3 tracking client is told
 * ["tracking-redir-broken", id]. Invalidations for the client whose command caused them wait until its reply
 * (and a whole EXEC's) has been written.
 *
 * State is per server, created by the first CLIENT TRACKING ON (like Redis's TrackingTable).
 */

import { CF, Client } from './client';
import type { Server } from './server';
import { CommandSpec, F, commandKeys } from './commands/table';
import { ERR } from './resp/errors';
import { is } from './commands/util';
import { parseI64 } from './util/numbers';
import { pushRaw } from './pubsub';

/** A client's tracking options (c.ext.tracking). */
interface ClientTracking {
  /** Client id invalidations go to, 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING was given for the next command (or the transaction being queued). */
  caching: boolean;
  /** The redirect client disconnected. */
  brokenRedir: boolean;
  /** BCAST prefixes registered for this client. */
  prefixes: Set<string> | null;
}

/** One BCAST prefix: the keys modified since the last broadcast (→ who modified them last) and its clients. */
interface PrefixState {
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** Read-only commands that run scripts: their keys are not remembered, only those their calls read. */
const SCRIPT_RUNNERS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export class Tracking {
  /** Key → ids of the clients to invalidate. */
  readonly table = new Map<string, Set<number>>();
  /** Sum of the table's id sets (INFO tracking_total_items). */
  totalItems = 0;
  readonly prefixes = new Map<string, PrefixState>();
  /** Invalidations for a client whose command is running, sent once its reply is written. */
  private pending: Array<[Client, string]> = [];
  private broadcastScheduled = false;
  private evictRounds = 0;

  constructor(readonly server: Server) {
    server.callHooks.push((c, cmd, argv) => this.afterCall(c, cmd, argv));
    server.unlinkHooks.push((c) => disableTracking(c));
    server.resetHooks.push((c) => disableTracking(c));
  }

  /** After each call: remember what a tracking client read, FLUSHALL/FLUSHDB, and the deferred messages. */
  private afterCall(c: Client, cmd: CommandSpec, argv: string[]): void {
    if ((cmd.flags & F.readonly) !== 0 && (c.flags & CF.tracking) !== 0 && !SCRIPT_RUNNERS.has(cmd.fullName)) {
      const st = c.ext.tracking as ClientTracking;
      if (!st.bcast) this.rememberKeys(c, st, cmd, argv);
    }
    if ((cmd.fullName === 'flushall' || cmd.fullName === 'flushdb') && flushSucceeds(argv)) this.invalidateKeysOnFlush();
    if (!c.inExec) {
      if (this.pending.length !== 0) this.sendPending();
      this.limitUsedSlots();
    }
  }

  /** trackingRememberKeys. */
  private rememberKeys(c: Client, st: ClientTracking, cmd: CommandSpec, argv: string[]): void {
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    if ((cmd.flags & F.pubsub) !== 0) return;
    const keys = commandKeys(cmd, argv);
    for (let i = 0; i < keys.length; i++) {
      const key = argv[keys[i].pos];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  /**
   * trackingInvalidateKey: key changed. `bcast` also records it for the BCAST prefixes it falls under
   * (every change does; the table's own evictions do not, and they happen between commands, so nothing
   * waits for a reply).
   */
  invalidateKey(key: string, bcast: boolean): void {
    // Nobody tracks anything: the common case costs one check per write.
    if (this.table.size === 0 && this.prefixes.size === 0) return;
    const current = bcast ? this.server.currentClient : null;
    if (bcast && this.prefixes.size !== 0) this.rememberKeyToBroadcast(current, key);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    const clients = this.server.clients;
    let payload: string | null = null;
    for (const id of ids) {
      const target = clients.get(id);
      if (target === undefined || (target.flags & CF.tracking) === 0) continue;
      const st = target.ext.tracking as ClientTracking;
      if (st.bcast) continue;
      if (st.noloop && target === current) continue;
      payload ??= '*1\r\n$' + key.length + '\r\n' + key + '\r\n';
      if (target === current) this.pending.push([target, payload]);
      else this.send(target, payload);
    }
    this.totalItems -= ids.size;
    this.table.delete(key);
  }

  /** trackingInvalidateKeysOnFlush: every tracking client is told to drop everything; the table empties. */
  private invalidateKeysOnFlush(): void {
    const current = this.server.currentClient;
    for (const c of this.server.clients.values()) {
      if ((c.flags & CF.tracking) === 0) continue;
      const payload = c.resp === 3 ? '_\r\n' : '$-1\r\n';
      if (c === current) this.pending.push([c, payload]);
      else this.send(c, payload);
    }
    this.table.clear();
    this.totalItems = 0;
  }

  private sendPending(): void {
    const list = this.pending;
    this.pending = [];
    for (const [c, payload] of list) if (!c.isClosed) this.send(c, payload);
  }

  /** sendTrackingMessage: `payload` is the encoded value part (an array of keys, or a null). */
  private send(c: Client, payload: string): void {
    const st = c.ext.tracking as ClientTracking;
    let target = c;
    if (st.redirect !== 0) {
      const redir = this.server.clients.get(st.redirect);
      if (redir === undefined || redir.isClosed) {
        st.brokenRedir = true;
        c.ext.trackingBrokenRedir = true;
        if (c.resp === 3) pushRaw(c.reply, Buffer.from(`>2\r\n$21\r\ntracking-redir-broken\r\n:${st.redirect}\r\n`, 'latin1'));
        return;
      }
      target = redir;
    }
    if (target.resp === 3) {
      pushRaw(target.reply, Buffer.from('>2\r\n$10\r\ninvalidate\r\n' + payload, 'latin1'));
    } else if (target !== c && (target.flags & CF.pubsub) !== 0) {
      pushRaw(target.reply, Buffer.from('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n' + payload, 'latin1'));
    }
    // A RESP2 client without redirection cannot be told anything.
  }

  /** trackingRememberKeyToBroadcast: note key (and who changed it) under every prefix it starts with. */
  private rememberKeyToBroadcast(c: Client | null, key: string): void {
    let matched = false;
    for (const [prefix, bs] of this.prefixes) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      bs.keys.set(key, c);
      matched = true;
    }
    if (matched && !this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /**
   * trackingBroadcastInvalidationMessages: after the event-loop turn, one message per prefix (in byte
   * order) listing its modified keys in byte order; NOLOOP clients get the list without their own changes.
   */
  private broadcast(): void {
    this.broadcastScheduled = false;
    if (!hasTrackingClients(this.server)) return;
    for (const prefix of [...this.prefixes.keys()].sort()) {
      const bs = this.prefixes.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort();
      const proto = encodeKeys(keys);
      for (const c of bs.clients) {
        if ((c.ext.tracking as ClientTracking).noloop) {
          const own = keys.filter((k) => bs.keys.get(k) !== c);
          if (own.length !== 0) this.send(c, own.length === keys.length ? proto : encodeKeys(own));
        } else {
          this.send(c, proto);
        }
      }
      bs.keys = new Map();
    }
    this.server.flushPending();
  }

  /**
   * trackingLimitUsedSlots: over tracking-table-max-keys, invalidate keys (oldest entries first; Redis picks
   * them at random) with an effort that grows while the table stays over the limit.
   */
  private limitUsedSlots(): void {
    const max = this.server.config.num('tracking-table-max-keys');
    if (max === 0 || this.table.size <= max) {
      this.evictRounds = 0;
      return;
    }
    let effort = 100 * (this.evictRounds + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidateKey(key, false);
      if (this.table.size <= max) {
        this.evictRounds = 0;
        return;
      }
    }
    this.evictRounds++;
  }

  /** enableBcastTrackingForPrefix. */
  addPrefix(c: Client, st: ClientTracking, prefix: string): void {
    let bs = this.prefixes.get(prefix);
    if (bs === undefined) this.prefixes.set(prefix, (bs = { keys: new Map(), clients: new Set() }));
    if (!bs.clients.has(c)) {
      bs.clients.add(c);
      (st.prefixes ??= new Set()).add(prefix);
    }
  }

  /** Drop a client from its prefixes (disableTracking of a BCAST client). */
  removePrefixes(c: Client, st: ClientTracking): void {
    if (st.prefixes === null) return;
    for (const p of st.prefixes) {
      const bs = this.prefixes.get(p);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixes.delete(p);
    }
    st.prefixes = null;
  }
}

function encodeKeys(keys: string[]): string {
  let s = '*' + keys.length + '\r\n';
  for (const k of keys) s += '$' + k.length + '\r\n' + k + '\r\n';
  return s;
}

/** FLUSHALL/FLUSHDB arguments that the command accepts (it empties the data only then). */
function flushSucceeds(argv: string[]): boolean {
  return argv.length === 1 || (argv.length === 2 && (is(argv[1], 'async') || is(argv[1], 'sync')));
}

function hasTrackingClients(server: Server): boolean {
  for (const c of server.clients.values()) if ((c.flags & CF.tracking) !== 0) return true;
  return false;
}

function trackingOf(server: Server): Tracking {
  return (server.tracking ??= new Tracking(server));
}

function clientTrackingState(c: Client): ClientTracking {
  let st = c.ext.tracking as ClientTracking | undefined;
  if (st === undefined) {
    st = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedir: false, prefixes: null };
    c.ext.tracking = st;
  }
  return st;
}

/** The CLIENT LIST view of the options (flags R and B, redir=). */
function syncClientInfo(c: Client, st: ClientTracking): void {
  c.ext.trackingBrokenRedir = st.brokenRedir;
  c.ext.trackingBcast = st.bcast;
  if ((c.flags & CF.tracking) !== 0) c.ext.trackingRedirect = st.redirect;
  else delete c.ext.trackingRedirect;
}

/** disableTracking (CLIENT TRACKING OFF, RESET, disconnect). */
export function disableTracking(c: Client): void {
  const st = c.ext.tracking as ClientTracking | undefined;
  if (st === undefined) return;
  if (st.bcast) c.server.tracking?.removePrefixes(c, st);
  if ((c.flags & CF.tracking) !== 0) {
    c.flags &= ~CF.tracking;
    st.brokenRedir = st.bcast = st.optin = st.optout = st.caching = st.noloop = false;
  }
  syncClientInfo(c, st);
}

/** Clear the CLIENT CACHING choice once the command (or transaction) it applied to is over. */
export function trackingCommandProcessed(c: Client): void {
  const st = c.ext.tracking as ClientTracking | undefined;
  if (st !== undefined && st.caching && c.multiQueue === null && !c.lastCommand.startsWith('client|')) st.caching = false;
}

/** stringCheckPrefix: one string is a prefix of the other. */
function overlaps(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

/** How C's %s prints a binary string: up to the first NUL. */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * checkPrefixCollisionsOrReply, faithfully: a new prefix may not overlap one the client has, nor a later new
 * one. Redis 7.0 replies the error but still goes on to enable tracking when the overlap among the new
 * prefixes is found for any but the first of them; that double reply is reproduced.
 */
function checkPrefixCollisions(c: Client, st: ClientTracking, prefixes: string[]): boolean {
  const existing = st.prefixes === null ? [] : [...st.prefixes].sort();
  for (let i = 0; i < prefixes.length; i++) {
    for (const e of existing) {
      if (overlaps(e, prefixes[i])) {
        c.replyError(ERR.trackingPrefixOverlapExisting(cString(prefixes[i]), cString(e)));
        return false;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlaps(prefixes[i], prefixes[j])) {
        c.replyError(ERR.trackingPrefixOverlapOther(cString(prefixes[i]), cString(prefixes[j])));
        return i !== 0;
      }
    }
  }
  return true;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTrackingCommand(c: Client, argv: string[]): void {
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (is(opt, 'redirect') && more > 0) {
      j++;
      if (redirect !== 0) {
        c.replyError(ERR.trackingOneRedirect);
        return;
      }
      const id = parseI64(argv[j]);
      if (id === null) {
        c.replyError(ERR.notInteger);
        return;
      }
      const target = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? c.server.clients.get(Number(id)) : undefined;
      if (target === undefined) {
        c.replyError(ERR.trackingNoSuchRedirect);
        return;
      }
      redirect = target.id;
    } else if (is(opt, 'bcast')) {
      bcast = true;
    } else if (is(opt, 'optin')) {
      optin = true;
    } else if (is(opt, 'optout')) {
      optout = true;
    } else if (is(opt, 'noloop')) {
      noloop = true;
    } else if (is(opt, 'prefix') && more > 0) {
      j++;
      prefixes.push(argv[j]);
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (is(argv[2], 'on')) {
    const st = clientTrackingState(c);
    const tracking = (c.flags & CF.tracking) !== 0;
    if (!bcast && prefixes.length !== 0) {
      c.replyError(ERR.trackingPrefixNeedsBcast);
      return;
    }
    if (tracking && st.bcast !== bcast) {
      c.replyError(ERR.trackingBcastSwitch);
      return;
    }
    if (bcast && (optin || optout)) {
      c.replyError(ERR.trackingOptBcast);
      return;
    }
    if (optin && optout) {
      c.replyError(ERR.trackingOptinOptout);
      return;
    }
    if ((optin && st.optout) || (optout && st.optin)) {
      c.replyError(ERR.trackingOptSwitch);
      return;
    }
    if (bcast && !checkPrefixCollisions(c, st, prefixes)) return;
    enableTracking(c, st, redirect, bcast, optin, optout, noloop, prefixes);
  } else if (is(argv[2], 'off')) {
    disableTracking(c);
  } else {
    c.replyError(ERR.syntax);
    return;
  }
  c.reply.ok();
}

function enableTracking(
  c: Client,
  st: ClientTracking,
  redirect: number,
  bcast: boolean,
  optin: boolean,
  optout: boolean,
  noloop: boolean,
  prefixes: string[],
): void {
  const t = trackingOf(c.server);
  c.flags |= CF.tracking;
  st.brokenRedir = st.bcast = st.optin = st.optout = st.noloop = false;
  st.redirect = redirect;
  if (bcast) {
    st.bcast = true;
    if (prefixes.length === 0) t.addPrefix(c, st, '');
    for (const p of prefixes) t.addPrefix(c, st, p);
  }
  st.optin = optin;
  st.optout = optout;
  st.noloop = noloop;
  syncClientInfo(c, st);
}

/** CLIENT CACHING YES|NO: the next command's keys are (YES, OPTIN) or are not (NO, OPTOUT) remembered. */
export function clientCaching(c: Client, argv: string[]): void {
  if ((c.flags & CF.tracking) === 0) {
    c.replyError(ERR.cachingNotTracking);
    return;
  }
  const st = c.ext.tracking as ClientTracking;
  if (is(argv[2], 'yes')) {
    if (!st.optin) {
      c.replyError(ERR.cachingYesNotOptin);
      return;
    }
  } else if (is(argv[2], 'no')) {
    if (!st.optout) {
      c.replyError(ERR.cachingNoNotOptout);
      return;
    }
  } else {
    c.replyError(ERR.syntax);
    return;
  }
  st.caching = true;
  c.reply.ok();
}

export function clientGetredir(c: Client): void {
  const st = c.ext.tracking as ClientTracking | undefined;
  c.reply.int((c.flags & CF.tracking) !== 0 && st !== undefined ? st.redirect : -1);
}

export function clientTrackinginfo(c: Client): void {
  const st = c.ext.tracking as ClientTracking | undefined;
  const on = (c.flags & CF.tracking) !== 0;
  const flags = [on ? 'on' : 'off'];
  if (st !== undefined) {
    if (st.bcast) flags.push('bcast');
    if (st.optin) {
      flags.push('optin');
      if (st.caching) flags.push('caching-yes');
    }
    if (st.optout) {
      flags.push('optout');
      if (st.caching) flags.push('caching-no');
    }
    if (st.noloop) flags.push('noloop');
    if (st.brokenRedir) flags.push('broken_redirect');
  }
  const w = c.reply;
  w.mapLen(3);
  w.bulk('flags');
  w.setLen(flags.length);
  for (const f of flags) w.bulk(f);
  w.bulk('redirect');
  w.int(on && st !== undefined ? st.redirect : -1);
  w.bulk('prefixes');
  w.bulkArray(st?.prefixes ? [...st.prefixes].sort() : []);
}

/** INFO stats: tracking_total_keys, tracking_total_items, tracking_total_prefixes. */
export function trackingStats(server: Server): [number, number, number] {
  const t = server.tracking;
  return t === null ? [0, 0, 0] : [t.table.size, t.totalItems, t.prefixes.size];
}
