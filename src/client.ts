/**
 * One client connection: read → parse → dispatch → reply, and the per-connection state Redis keeps in its
 * `client` struct (selected db, protocol, name, auth, flags, transaction and subscription state).
 *
 * The dispatch order mirrors Redis's processCommand(): lookup (with subcommands), arity, authentication,
 * the pub/sub context rule of RESP2, MULTI queueing, then call() with statistics and the slow log. Replies go
 * to the client's ReplyWriter; everything a batch of pipelined commands produced leaves in one write at the
 * end of the socket's data event. A client can stop consuming its input (blocked on BLPOP, paused by CLIENT
 * PAUSE); `resume()` picks up the commands still waiting in the parser.
 */

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RequestParser } from './resp/parser';
import { ReplyWriter, ReplySink, SHARED } from './resp/reply';
import { ERR, errorCode } from './resp/errors';
import { CommandSpec, F } from './commands/table';
import type { Server } from './server';
import type { Db } from './keyspace/db';

/** Client flags, as letters shown by CLIENT LIST (flags=...). */
export const CF = {
  multi: 1 << 0,
  dirtyCas: 1 << 1,
  dirtyExec: 1 << 2,
  pubsub: 1 << 3,
  monitor: 1 << 4,
  blocked: 1 << 5,
  closeAfterReply: 1 << 6,
  closeAsap: 1 << 7,
  noEvict: 1 << 8,
  noTouch: 1 << 9,
  tracking: 1 << 10,
  unixSocket: 1 << 11,
  readonly: 1 << 12,
  /** Blocking commands must not block (set by EXEC and scripts): they answer as if timed out. */
  denyBlocking: 1 << 13,
} as const;

/** A queued MULTI command. */
export interface QueuedCommand {
  cmd: CommandSpec;
  argv: string[];
}

export class Client implements ReplySink {
  readonly id: number;
  readonly reply: ReplyWriter;
  readonly parser: RequestParser;
  db: Db;
  name = '';
  libName = '';
  libVer = '';
  user = 'default';
  authenticated: boolean;
  flags = 0;
  readonly createdAt: number;
  lastInteraction: number;
  /** The command being executed (CLIENT LIST cmd=), or the last one. */
  lastCommand = 'NULL';
  /** MULTI queue, null outside a transaction. */
  multiQueue: QueuedCommand[] | null = null;
  /** CLIENT REPLY state: 'on', 'off', or 'skip' (skip the next command's reply). */
  replyMode: 'on' | 'off' | 'skip' = 'on';
  /** Output-buffer soft-limit bookkeeping: when the soft limit was first exceeded (ms), or 0. */
  softLimitSince = 0;
  /** Extension slots used by feature modules (pub/sub, blocking, tracking, watch). */
  ext: Record<string, unknown> = {};
  private closed = false;
  /** Host:port of the peer and of the local end, for CLIENT LIST. */
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;

  constructor(
    readonly server: Server,
    readonly socket: Socket | null,
  ) {
    this.id = server.nextClientId++;
    this.reply = new ReplyWriter(this);
    this.reply.onDirty = () => server.queueFlush(this);
    this.parser = new RequestParser({
      maxBulkLen: server.config.num('proto-max-bulk-len'),
      unauthenticated: false,
    });
    this.db = server.dbs[0];
    this.authenticated = server.config.str('requirepass') === '';
    this.parser.limits.unauthenticated = !this.authenticated;
    this.createdAt = this.lastInteraction = server.clock.now();
    if (socket !== null) {
      this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
      this.laddr = formatAddr(socket.localAddress, socket.localPort);
      this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    } else {
      this.addr = this.laddr = '';
      this.fd = -1;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Set the protocol version (HELLO). */
  setResp(v: 2 | 3): void {
    this.reply.resp = v;
  }
  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  // ---- input ----

  onData(chunk: Buffer): void {
    const server = this.server;
    server.stats.netInputBytes += chunk.length;
    this.parser.feed(chunk);
    if (this.parser.buffered > server.config.num('client-query-buffer-limit')) {
      server.log('warning', `Closing client that reached max query buffer length: ${this.describe()} (qbuf initial bytes: ...)`);
      this.close();
      return;
    }
    this.processInput();
    server.flushPending();
  }

  /** Execute every complete command waiting in the parser, unless blocked or paused. */
  processInput(): void {
    const parser = this.parser;
    while ((this.flags & (CF.blocked | CF.closeAfterReply)) === 0 && !this.closed) {
      if (this.server.isPausedFor(this)) break;
      const argv = parser.next();
      if (argv === null) {
        if (parser.error !== null) {
          this.server.stats.protocolErrors++;
          this.reply.error(ERR.protocolPrefix + parser.error);
          this.server.log('verbose', `Protocol error (${parser.error}) from client: ${this.describe()}`);
          this.flags |= CF.closeAfterReply;
        }
        break;
      }
      this.execute(argv);
    }
  }

  /** Continue after being unblocked or unpaused. */
  resume(): void {
    if (this.closed) return;
    this.processInput();
    this.server.flushPending();
  }

  // ---- dispatch ----

  /** Redis's processCommand(): checks, then queue (MULTI) or call. */
  execute(argv: string[]): void {
    const server = this.server;
    this.lastInteraction = server.clock.now();
    const base = server.table.get(argv[0]);
    let cmd = base;
    if (base !== undefined && base.subcommands !== null && argv.length >= 2) {
      cmd = base.subcommands.get(argv[1].toLowerCase());
    }
    if (cmd === undefined) {
      if (base !== undefined) this.rejectCommand(ERR.unknownSubcommand(argv[1], base.name), null);
      else this.rejectCommand(ERR.unknownCommand(argv[0], argv.slice(1)), null);
      return;
    }
    this.lastCommand = cmd.fullName;
    if (!cmd.arityOk(argv.length)) {
      this.rejectCommand(ERR.wrongArity(cmd.fullName), cmd);
      return;
    }
    if (!this.authenticated && (cmd.flags & F.noAuth) === 0) {
      this.rejectCommand(ERR.noAuth, cmd);
      return;
    }
    if ((this.flags & CF.pubsub) !== 0 && this.reply.resp === 2 && !ALLOWED_IN_PUBSUB.has(cmd.fullName)) {
      this.rejectCommand(
        `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        cmd,
      );
      return;
    }
    if (this.multiQueue !== null && !MULTI_CONTROL.has(cmd.fullName)) {
      if ((cmd.flags & F.noMulti) !== 0) {
        this.rejectCommand('ERR Command not allowed inside a transaction', cmd);
        return;
      }
      this.multiQueue.push({ cmd, argv });
      this.reply.raw(SHARED.queued);
      return;
    }
    this.call(cmd, argv);
    if (server.handleBlockedOnKeys !== null) server.handleBlockedOnKeys();
  }

  /** Reply with an error for a command that was refused before running (and flag an open MULTI). */
  rejectCommand(text: string, cmd: CommandSpec | null): void {
    if (this.multiQueue !== null) this.flags |= CF.dirtyExec;
    if (cmd !== null) cmd.rejectedCalls++;
    this.replyError(text);
  }

  /** An error reply that is counted in INFO errorstats. */
  replyError(text: string): void {
    this.reply.error(text);
    this.server.countError(text);
  }

  /** Redis's call(): run the handler, then statistics, slow log and MONITOR. */
  call(cmd: CommandSpec, argv: string[]): void {
    const server = this.server;
    const w = this.reply;
    const errorsBefore = w.errors;
    const skip = this.replyMode !== 'on';
    if (skip) w.muted++;
    server.beforeCall(this, cmd, argv);
    const start = performance.now();
    cmd.handler(this, argv);
    const usec = Math.round((performance.now() - start) * 1000);
    if (skip) {
      w.muted--;
      if (this.replyMode === 'skip' && cmd.fullName !== 'client|reply') this.replyMode = 'on';
    }
    cmd.calls++;
    cmd.usec += usec;
    server.stats.numCommands++;
    if (w.errors !== errorsBefore) {
      cmd.failedCalls++;
      server.countError(w.lastError);
    }
    server.afterCall(this, cmd, argv, usec);
  }

  // ---- output ----

  /** ReplySink: write a flushed batch to the socket. Returns true when fully handed to the kernel. */
  write(chunks: Array<Buffer | string>): boolean {
    const socket = this.socket;
    if (socket === null || this.closed || socket.destroyed) return false;
    let bytes = 0;
    if (chunks.length === 1) {
      const c = chunks[0];
      bytes = c.length;
      if (typeof c === 'string') socket.write(c, 'latin1');
      else socket.write(c);
    } else {
      socket.cork();
      for (const c of chunks) {
        bytes += c.length;
        if (typeof c === 'string') socket.write(c, 'latin1');
        else socket.write(c);
      }
      socket.uncork();
    }
    this.server.stats.netOutputBytes += bytes;
    const pending = socket.writableLength;
    if (pending > 0) this.server.checkOutputLimits(this, pending);
    if ((this.flags & CF.closeAfterReply) !== 0) this.close(true);
    return pending === 0;
  }

  /** Bytes waiting in the socket (omem in CLIENT LIST). */
  get outputPending(): number {
    return this.socket === null ? 0 : this.socket.writableLength + this.reply.pending;
  }

  /** Close the connection. With `graceful`, pending output is sent first. */
  close(graceful = false): void {
    if (this.closed) return;
    this.closed = true;
    this.server.unlinkClient(this);
    const socket = this.socket;
    if (socket !== null) {
      if (graceful) socket.end();
      else socket.destroy();
    }
  }

  /** One line of CLIENT LIST for logs. */
  describe(): string {
    return `id=${this.id} addr=${this.addr} laddr=${this.laddr} fd=${this.fd} name=${this.name}`;
  }

  /** errorCode re-exported for modules counting errors. */
  static errorCode = errorCode;
}

const ALLOWED_IN_PUBSUB = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);
const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return host.includes(':') ? `${host}:${port}` : `${host}:${port}`;
}
