/**
 * One client connection: read → parse → dispatch → reply, and the per-connection state Redis keeps in its
 * `client` struct (selected db, protocol, name, auth, flags, transaction and subscription state).
 *
 * The dispatch order mirrors Redis's processCommand(): lookup (with subcommands), arity, authentication,
 * the pub/sub context rule of RESP2, the MONITOR and CLIENT PAUSE rules (pause.ts), MULTI queueing,
 * then call() with statistics and the call hooks (slow log, MONITOR, tracking). Replies go
 * to the client's ReplyWriter; everything a batch of pipelined commands produced leaves in one write at the
 * end of the socket's data event. A client can stop consuming its input (blocked on BLPOP, paused by CLIENT
 * PAUSE); `resume()` picks up the commands still waiting in the parser.
 */

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RequestParser } from './resp/parser';
import { hashKey } from './types/dict';
import { ReplyWriter, ReplySink, SHARED } from './resp/reply';
import { ERR, errorCode } from './resp/errors';
import { CommandSpec, F } from './commands/table';
import type { Server } from './server';
import type { Db } from './keyspace/db';
import { refuseOrPostpone } from './pause';
import { execCommandAbort } from './multi';
import { trackingCommandProcessed } from './tracking';

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
  /** Held back by CLIENT PAUSE (with CF.blocked): `postponedArgv` runs when the pause ends (pause.ts). */
  postponed: 1 << 14,
} as const;

/**
 * CLIENT REPLY state: 'off'; 'skipNext' (CLIENT REPLY SKIP ran: the next command's replies are dropped);
 * 'skip' (this command's replies are being dropped). Replies are muted exactly in 'off' and 'skip'.
 */
export type ReplyMode = 'on' | 'off' | 'skipNext' | 'skip';

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
  /** The command name last looked up and what it found (execute). */
  private lastName = '';
  private lastBase: CommandSpec | undefined = undefined;
  /** MULTI queue, null outside a transaction. */
  multiQueue: QueuedCommand[] | null = null;
  private replyModeValue: ReplyMode = 'on';
  /** True while EXEC runs the queued commands (multi.ts): nested calls. */
  inExec = false;
  /** The command CLIENT PAUSE held back (with CF.postponed), processed again when the pause ends. */
  postponedArgv: string[] | null = null;
  /** Writer errors already attributed to a command (Redis's prev_err_count): failed_calls accounting. */
  private errorMark = 0;
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

  /** hashKey(key), free when key is the command's first argument (the parser hashed it from the bytes). */
  keyHash(key: string): number {
    const p = this.parser;
    return key === p.firstKey ? p.firstKeyHash : hashKey(key);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** CLIENT REPLY state; setting it mutes or unmutes the reply writer accordingly. */
  get replyMode(): ReplyMode {
    return this.replyModeValue;
  }
  set replyMode(m: ReplyMode) {
    const was = this.replyModeValue === 'off' || this.replyModeValue === 'skip';
    const now = m === 'off' || m === 'skip';
    if (was !== now) this.reply.muted += now ? 1 : -1;
    this.replyModeValue = m;
  }

  /** Set the protocol version (HELLO). */
  setResp(v: 2 | 3): void {
    this.reply.resp = v;
  }
  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  // ---- input ----

  /** Input from the socket. A `transient` chunk is a shared read buffer, reused once this returns. */
  onData(chunk: Buffer, transient = false): void {
    const server = this.server;
    server.stats.netInputBytes += chunk.length;
    this.parser.feed(chunk);
    // client-query-buffer-limit is at least 1mb (its config minimum): below that there is nothing to look up.
    if (this.parser.buffered > QUERY_BUFFER_LIMIT_MIN && this.parser.buffered > server.config.num('client-query-buffer-limit')) {
      server.log('warning', `Closing client that reached max query buffer length: ${this.describe()} (qbuf initial bytes: ...)`);
      this.close();
      return;
    }
    server.inDataEvent = true;
    try {
      this.processInput();
    } finally {
      server.inDataEvent = false;
      if (transient) this.parser.detach(chunk);
    }
    server.flushPending();
  }

  /** Execute every complete command waiting in the parser, unless blocked or paused. */
  processInput(): void {
    const parser = this.parser;
    this.server.callClockMark = -1;
    while ((this.flags & (CF.blocked | CF.closeAfterReply)) === 0 && !this.closed) {
      const argv = parser.next();
      if (argv === null) {
        if (parser.error !== null) {
          this.server.stats.protocolErrors++;
          this.replyError(ERR.protocolPrefix + parser.error);
          this.server.log('verbose', `Protocol error (${parser.error}) from client: ${this.describe()}`);
          this.flags |= CF.closeAfterReply;
        }
        break;
      }
      if (this.replyModeValue === 'skipNext') this.replyMode = 'skip';
      this.execute(argv);
      this.commandProcessed();
    }
    this.server.callClockMark = -1;
  }

  /**
   * Redis's resetClient() after a command was processed (run, queued or refused; not while postponed): a
   * CLIENT REPLY SKIP applies to one command, and a CLIENT CACHING to the next command or transaction.
   */
  commandProcessed(): void {
    if ((this.flags & CF.postponed) !== 0) return;
    if (this.replyModeValue === 'skip') this.replyMode = 'on';
    if ((this.flags & CF.tracking) !== 0) trackingCommandProcessed(this);
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
    // Pipelines repeat a command name (one interned string, parser.ts): remember the last lookup.
    const name = argv[0];
    let base: CommandSpec | undefined;
    if (name === this.lastName) {
      base = this.lastBase;
    } else {
      base = server.table.get(name);
      this.lastName = name;
      this.lastBase = base;
    }
    let cmd = base;
    if (base !== undefined && base.subcommands !== null && argv.length >= 2) {
      cmd = base.subcommands.get(argv[1].toLowerCase());
    }
    if (cmd === undefined) {
      this.lastCommand = 'NULL';
      if (base !== undefined) this.rejectCommand(ERR.unknownSubcommand(argv[1], base.name), null);
      else this.rejectCommand(ERR.unknownCommand(argv[0], argv.slice(1)), null);
      return;
    }
    this.lastCommand = cmd.fullName;
    if (!cmd.arityOk(argv.length)) {
      this.rejectCommand(ERR.wrongArity(cmd.fullName), cmd, argv);
      return;
    }
    if (!this.authenticated && (cmd.flags & F.noAuth) === 0) {
      this.rejectCommand(ERR.noAuth, cmd, argv);
      return;
    }
    if ((this.flags & CF.pubsub) !== 0 && this.reply.resp === 2 && !ALLOWED_IN_PUBSUB.has(cmd.fullName)) {
      this.rejectCommand(
        `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        cmd,
        argv,
      );
      return;
    }
    // A monitor may not touch the keyspace; CLIENT PAUSE holds commands back (pause.ts).
    if (((this.flags & CF.monitor) !== 0 || server.pauseType !== 0) && refuseOrPostpone(this, cmd, argv)) return;
    if (this.multiQueue !== null && !MULTI_CONTROL.has(cmd.fullName)) {
      if ((cmd.flags & F.noMulti) !== 0) {
        this.rejectCommand('ERR Command not allowed inside a transaction', cmd, argv);
        return;
      }
      // A transaction that will fail anyway queues nothing more (Redis saves the memory).
      if ((this.flags & (CF.dirtyCas | CF.dirtyExec)) === 0) this.multiQueue.push({ cmd, argv });
      this.reply.raw(SHARED.queued);
      return;
    }
    this.call(cmd, argv);
    if (server.handleBlockedOnKeys !== null) server.handleBlockedOnKeys();
  }

  /**
   * Reply with an error for a command that was refused before running (and flag an open MULTI). A refused
   * EXEC discards the transaction and says why (execCommandAbort).
   */
  rejectCommand(text: string, cmd: CommandSpec | null, argv?: string[]): void {
    if (this.multiQueue !== null) this.flags |= CF.dirtyExec;
    if (cmd !== null) cmd.rejectedCalls++;
    if (cmd !== null && cmd.fullName === 'exec' && argv !== undefined) execCommandAbort(this, text, argv);
    else this.replyError(text);
    this.errorMark = this.reply.errors;
  }

  /** An error reply that is counted in INFO errorstats. */
  replyError(text: string): void {
    this.reply.error(text);
    this.server.countError(text);
  }

  /**
   * Redis's call(): run the handler, then statistics and the call hooks (slow log, latency, MONITOR,
   * tracking). Error replies were counted in INFO errorstats as they were written (replyError); a call
   * fails (failed_calls) when it wrote an error after the previous call ended, so an EXEC is not charged
   * with the errors of the commands it ran.
   */
  call(cmd: CommandSpec, argv: string[]): void {
    const server = this.server;
    const w = this.reply;
    if (!this.inExec) this.errorMark = w.errors;
    server.beforeCall(this, cmd, argv);
    // Within a batch, one command's end time is the next one's start: one clock read per command.
    const start = server.callClockMark >= 0 ? server.callClockMark : performance.now();
    cmd.handler(this, argv);
    const end = performance.now();
    server.callClockMark = end;
    const usec = Math.round((end - start) * 1000);
    cmd.calls++;
    cmd.usec += usec;
    server.stats.numCommands++;
    if (w.errors !== this.errorMark) {
      cmd.failedCalls++;
      this.errorMark = w.errors;
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

const QUERY_BUFFER_LIMIT_MIN = 1024 * 1024;
const ALLOWED_IN_PUBSUB = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);
const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
