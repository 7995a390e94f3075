/**
 * Server: the listener(s), the client registry, the databases and the periodic work (serverCron).
 *
 * One Server is one independent Redis: its own config, keyspace, clients and statistics, so an embedding
 * process can run several. The event loop is Node's: a socket's data event parses and runs every complete
 * command, then `flushPending()` writes each client that got output (the current one, plus subscribers or
 * unblocked clients the commands reached) once. serverCron runs `hz` times a second: active expiry, client
 * timeouts, output-buffer soft limits, save points and the instantaneous metrics.
 */

import net from 'node:net';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, CF } from './client';
import { Config } from './config';
import { CachedClock, Clock, systemClock } from './clock';
import { Db, KeyEntry, KeyspaceHooks, LfuParams, STR_NO_INT } from './keyspace/db';
import { rewriteConfigFile } from './config-file';
import { activeExpireCycle } from './keyspace/expire';
import { clientsPaused } from './pause';
import { CommandSpec, CommandTable, F } from './commands/table';
import { ALL_COMMANDS } from './commands';
import { Logger, LogLevel } from './log';
import { PubSub } from './pubsub';
import { NOTIFY, parseNotifyFlags } from './notify';
import { errorCode } from './resp/errors';
import { Persistence } from './persistence/snapshot';
import { installTransactions, touchWatchedKey } from './multi';
import { installSlowlog } from './slowlog';
import { installInfoStats } from './commands/info';
import { attachInput } from './socket-input';
import type { Tracking } from './tracking';

export interface ServerOptions {
  /** Parameters as `CONFIG SET` names and texts (port, bind, dir, save, requirepass...). */
  config?: Record<string, string | number | boolean>;
  /** Injectable clock (tests). */
  clock?: Clock;
  /** Log to stdout (''), to a file path, or not at all (null, the default for embedded servers). */
  logTarget?: string | null;
  /** Load the RDB file at start (default true). */
  loadData?: boolean;
}

export interface ServerStats {
  startTime: number;
  numCommands: number;
  numConnections: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  expiredKeys: number;
  expiredStalePerc: number;
  protocolErrors: number;
  totalErrorReplies: number;
  errorstats: Map<string, number>;
  keyspaceHits: number;
  keyspaceMisses: number;
  clientOutputLimitDisconnections: number;
  clientQueryLimitDisconnections: number;
  /** Samples of ops/sec for instantaneous_ops_per_sec. */
  opsSamples: number[];
  lastOpsSampleTime: number;
  lastOpsSampleCount: number;
}

export class Server implements KeyspaceHooks {
  readonly config = new Config();
  readonly clock: Clock;
  readonly logger = new Logger();
  readonly table = new CommandTable(ALL_COMMANDS);
  dbs: Db[] = [];
  readonly clients = new Map<number, Client>();
  nextClientId = 1;
  readonly pubsub = new PubSub();
  readonly persistence: Persistence;
  readonly stats: ServerStats;
  /** Clients with output to write: pendingFlush[0, pendingCount). */
  private pendingFlush: Array<Client | null> = [];
  private pendingCount = 0;
  private flushing = false;
  private flushScheduled = false;
  private listeners: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  /** Cached parse of notify-keyspace-events. */
  notifyFlags = 0;
  /**
   * performance.now() at the end of the last command of the current batch, or -1: Client.call uses it as the
   * next command's start time. Reset at the start of each batch and whenever time passes outside commands.
   */
  callClockMark = -1;
  /** True while a snapshot is being loaded: no keyspace notifications (Redis's dbAddRDBLoad). */
  loading = false;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true;
  /** The client currently executing a command (for NO-TOUCH and notifications). */
  currentClient: Client | null = null;
  /** Keys watched by clients: db id → key → watching clients (multi.ts). */
  readonly watchedKeys = new Map<Db, Map<string, Set<Client>>>();
  /** Listeners for keys that became ready (blocking.ts registers). */
  keyReadyListener: ((db: Db, key: string) => void) | null = null;
  /**
   * Set by blocking.ts while keys that blocked clients wait for are ready: Client.execute runs it after each
   * top-level command (a whole EXEC included), as Redis's processCommand runs handleClientsBlockedOnKeys.
   */
  handleBlockedOnKeys: (() => void) | null = null;
  /** Per-call hooks of features (MONITOR, slow log, tracking) installed by their modules. */
  readonly callHooks: Array<(c: Client, cmd: CommandSpec, argv: string[], usec: number) => void> = [];
  /** Hooks run when a client is unlinked (pub/sub, blocking, watch, tracking). */
  readonly unlinkHooks: Array<(c: Client) => void> = [];
  /** Hooks run by RESET (clearClientConnectionState): unwatch, tracking off, monitor off. */
  readonly resetHooks: Array<(c: Client) => void> = [];
  /** Changes since the last save (INFO rdb_changes_since_last_save; save points). Handlers add to it. */
  dirty = 0;
  /** CLIENT PAUSE (pause.ts): PAUSE_OFF (0), PAUSE_WRITE or PAUSE_ALL, and until when (ms). */
  pauseType = 0;
  pauseEnd = 0;
  /** Client-side caching state (tracking.ts), created by the first CLIENT TRACKING ON. */
  tracking: Tracking | null = null;
  private shuttingDown = false;
  /** 40 hex chars identifying this run (INFO run_id). */
  readonly runId = randomBytes(20).toString('hex');
  /** Path of the config file the server was started with ('' when none). */
  configFile = '';
  /** Called by SHUTDOWN once the server closed (the CLI exits the process). */
  onShutdown: (() => void) | null = null;
  private memoryPeak = 0;
  /** Resolves when the server has closed. */
  closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(options: ServerOptions = {}) {
    this.clock = options.clock ?? new CachedClock(systemClock);
    this.logger.setTarget(options.logTarget === undefined ? null : options.logTarget);
    for (const [k, v] of Object.entries(options.config ?? {})) {
      this.config.set(k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
    }
    this.logger.level = this.config.str('loglevel') as LogLevel;
    const now = this.clock.now();
    this.stats = {
      startTime: now,
      numCommands: 0,
      numConnections: 0,
      rejectedConnections: 0,
      netInputBytes: 0,
      netOutputBytes: 0,
      expiredKeys: 0,
      expiredStalePerc: 0,
      protocolErrors: 0,
      totalErrorReplies: 0,
      errorstats: new Map(),
      keyspaceHits: 0,
      keyspaceMisses: 0,
      clientOutputLimitDisconnections: 0,
      clientQueryLimitDisconnections: 0,
      opsSamples: [],
      lastOpsSampleTime: now,
      lastOpsSampleCount: 0,
    };
    const n = this.config.num('databases');
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this.clock, this));
    this.notifyFlags = parseNotifyFlags(this.config.str('notify-keyspace-events'));
    this.updateLfu();
    this.config.onChange = (name) => this.configChanged(name);
    this.persistence = new Persistence(this);
    installTransactions(this);
    installSlowlog(this);
    installInfoStats(this);
    if (options.loadData !== false) this.persistence.loadAtStartup();
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  log(level: LogLevel, msg: string): void {
    this.logger.log(level, msg);
  }

  // ---- KeyspaceHooks ----

  get noTouch(): boolean {
    const c = this.currentClient;
    return c !== null && (c.flags & CF.noTouch) !== 0;
  }
  /** KeyspaceHooks.lfu: set while maxmemory-policy is an LFU one (kept current by configChanged). */
  lfu: LfuParams | null = null;
  private updateLfu(): void {
    const lfu = this.config.str('maxmemory-policy').endsWith('-lfu');
    this.lfu = lfu ? { logFactor: this.config.num('lfu-log-factor'), decayTime: this.config.num('lfu-decay-time') } : null;
  }
  get expireEnabled(): boolean {
    return true;
  }
  /** KeyspaceHooks.expirePaused: expiry is frozen while clients are paused (pause.ts). */
  get expirePaused(): boolean {
    return this.pauseType !== 0 && clientsPaused(this);
  }
  /** signalModifiedKey: invalidate WATCH (multi.ts) and client-side caches (tracking.ts). */
  keyModified(db: Db, key: string): void {
    if (this.watchedKeys.size !== 0) touchWatchedKey(this, db, key);
    if (this.tracking !== null) this.tracking.invalidateKey(key, true);
  }
  keyReady(db: Db, key: string): void {
    if (this.keyReadyListener !== null) this.keyReadyListener(db, key);
  }
  keyAdded(db: Db, key: string): void {
    if ((this.notifyFlags & NOTIFY.new) !== 0 && !this.loading) this.notify(NOTIFY.new, 'new', key, db.id);
  }
  keyExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.notify(NOTIFY.expired, 'expired', key, db.id);
  }

  /** notifyKeyspaceEvent(): publish on the keyspace and keyevent channels when the class is enabled. */
  notify(type: number, event: string, key: string, dbid: number): void {
    const flags = this.notifyFlags;
    if ((flags & type) === 0) return;
    if ((flags & NOTIFY.keyspace) !== 0) this.pubsub.publish(`__keyspace@${dbid}__:${key}`, event);
    if ((flags & NOTIFY.keyevent) !== 0) this.pubsub.publish(`__keyevent@${dbid}__:${event}`, key);
  }

  /** Count an error reply for INFO stats/errorstats. */
  countError(text: string): void {
    this.stats.totalErrorReplies++;
    const code = errorCode(text);
    this.stats.errorstats.set(code, (this.stats.errorstats.get(code) ?? 0) + 1);
  }

  // ---- calls ----

  beforeCall(c: Client, _cmd: CommandSpec, _argv: string[]): void {
    this.currentClient = c;
  }

  afterCall(c: Client, cmd: CommandSpec, argv: string[], usec: number): void {
    for (const h of this.callHooks) h(c, cmd, argv, usec);
    this.currentClient = null;
  }

  // ---- output ----

  queueFlush(c: Client): void {
    this.pendingFlush[this.pendingCount++] = c;
    // A socket's data handler flushes when it is done; anything else gets a flush at the end of this tick.
    if (!this.flushScheduled && !this.inDataEvent) {
      this.flushScheduled = true;
      process.nextTick(this.flushPendingBound);
    }
  }
  private readonly flushPendingBound = (): void => this.flushPending();
  /** True while Client.onData runs (it calls flushPending itself at the end). */
  inDataEvent = false;

  /**
   * Write every client with pending output. The list is reused, not replaced, so a flush allocates
   * nothing (with one request per read this runs once per request); clients queued while it runs, even
   * by a nested call, are written by the same loop.
   */
  flushPending(): void {
    this.flushScheduled = false;
    if (this.flushing || this.pendingCount === 0) return;
    this.flushing = true;
    const list = this.pendingFlush;
    try {
      for (let i = 0; i < this.pendingCount; i++) {
        const c = list[i]!;
        list[i] = null;
        c.reply.flush();
      }
    } finally {
      this.pendingCount = 0;
      this.flushing = false;
    }
  }

  /** Output-buffer limits by client class (client-output-buffer-limit): close clients over the limit. */
  checkOutputLimits(c: Client, pending: number): void {
    const limits = this.config.get('client-output-buffer-limit') as Record<string, number[]>;
    const cls = (c.flags & CF.pubsub) !== 0 ? 'pubsub' : 'normal';
    const [hard, soft, secs] = limits[cls];
    const now = this.clock.now();
    let over = hard > 0 && pending >= hard;
    if (!over && soft > 0 && pending >= soft) {
      if (c.softLimitSince === 0) c.softLimitSince = now;
      else if (now - c.softLimitSince >= secs * 1000) over = true;
    } else if (!over) {
      c.softLimitSince = 0;
    }
    if (over) {
      this.stats.clientOutputLimitDisconnections++;
      this.log('warning', `Client ${c.describe()} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      c.reply.discard();
      c.close();
    }
  }

  // ---- clients ----

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    // Sockets are accepted paused (pauseOnConnect) so attachInput can choose how they read; a refused one
    // drains its input while the error goes out.
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      socket.resume().end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.config.bool('protected-mode') && this.config.str('requirepass') === '' && !isLoopback(socket.remoteAddress)) {
      socket.resume().end(PROTECTED_MODE_ERROR);
      return;
    }
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const c = new Client(this, socket);
    this.clients.set(c.id, c);
    this.stats.numConnections++;
    attachInput(socket, (chunk, transient) => c.onData(chunk, transient));
    socket.on('error', () => c.close());
    socket.on('close', () => c.close());
  }

  /** Forget a closing client everywhere (called once by Client.close). */
  unlinkClient(c: Client): void {
    this.clients.delete(c.id);
    this.pubsub.removeClient(c);
    for (const h of this.unlinkHooks) h(c);
  }

  /** A client that is not attached to a socket: for scripts, tests and AOF loading. */
  createFakeClient(): Client {
    return new Client(this, null);
  }

  // ---- lifecycle ----

  /** Start listening on the configured bind addresses and port. Resolves once listening. */
  async listen(): Promise<void> {
    const port = this.config.num('port');
    const binds = this.config.str('bind').split(' ').filter((b) => b !== '');
    let boundPort = port;
    for (const spec of binds) {
      const optional = spec.startsWith('-');
      let host = optional ? spec.slice(1) : spec;
      if (host === '*') host = '0.0.0.0';
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (s) => this.accept(s));
      srv.maxConnections = Math.min(this.config.num('maxclients') + 32, 2 ** 31 - 1);
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ port: boundPort, host, backlog: this.config.num('tcp-backlog'), ipv6Only: host.includes(':') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (optional && (e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT')) {
          this.log('warning', `Warning: Could not create server TCP listening socket ${host}:${boundPort}: ${e.message}`);
          continue;
        }
        for (const l of this.listeners) l.close();
        this.listeners = [];
        throw new Error(`Could not create server TCP listening socket ${host}:${boundPort}: ${e.message}`);
      }
      // With port 0, every listener shares the port the first one got.
      boundPort = (srv.address() as net.AddressInfo).port;
      this.listeners.push(srv);
    }
    if (this.listeners.length === 0) throw new Error('Failed listening on all bind addresses');
    if (port === 0) this.config.set('port', String(boundPort));
    this.startCron();
  }

  /** The TCP port actually bound (useful with port 0). */
  get port(): number {
    const l = this.listeners[0];
    return l === undefined ? this.config.num('port') : (l.address() as net.AddressInfo).port;
  }

  private startCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    const hz = Math.max(1, this.config.num('hz'));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  /** serverCron(): the periodic work. */
  cron(): void {
    const now = this.clock.now();
    if (this.activeExpireEnabled) activeExpireCycle(this);
    const timeout = this.config.num('timeout');
    if (timeout > 0) {
      for (const c of this.clients.values()) {
        if ((c.flags & (CF.pubsub | CF.blocked | CF.monitor)) !== 0) continue;
        if (now - c.lastInteraction > timeout * 1000) {
          this.log('verbose', 'Closing idle client');
          c.close();
        }
      }
    }
    // instantaneous_ops_per_sec: samples every 100 ms like Redis's trackInstantaneousMetric.
    const dt = now - this.stats.lastOpsSampleTime;
    if (dt >= 100) {
      const ops = ((this.stats.numCommands - this.stats.lastOpsSampleCount) * 1000) / dt;
      const s = this.stats.opsSamples;
      s.push(ops);
      if (s.length > 16) s.shift();
      this.stats.lastOpsSampleTime = now;
      this.stats.lastOpsSampleCount = this.stats.numCommands;
    }
    this.persistence.cron();
    this.flushPending();
  }

  private configChanged(name: string): void {
    switch (name) {
      case 'notify-keyspace-events':
        this.notifyFlags = parseNotifyFlags(this.config.str(name));
        break;
      case 'hz':
        if (this.cronTimer !== null) this.startCron();
        break;
      case 'loglevel':
        this.logger.level = this.config.str(name) as LogLevel;
        break;
      case 'maxmemory-policy':
      case 'lfu-log-factor':
      case 'lfu-decay-time':
        this.updateLfu();
        break;
      case 'proto-max-bulk-len':
        for (const c of this.clients.values()) c.parser.limits.maxBulkLen = this.config.num(name);
        break;
    }
  }

  /** Absolute path of the RDB file. */
  get rdbPath(): string {
    return path.resolve(this.config.str('dir') || '.', this.config.str('dbfilename'));
  }

  /**
   * Stop: close listeners and clients. With `save`, write the RDB first (SHUTDOWN SAVE / SIGTERM with save
   * points). Resolves when everything is closed. Returns false when the save failed (shutdown aborted).
   */
  async shutdown(opts: { save?: boolean } = {}): Promise<boolean> {
    if (this.shuttingDown) return true;
    const save = opts.save ?? this.persistence.hasSavePoints();
    if (save) {
      this.log('notice', 'Saving the final RDB snapshot before exiting.');
      try {
        this.persistence.saveSync();
      } catch (e) {
        this.log('warning', `Error trying to save the DB, can't exit. ${(e as Error).message}`);
        return false;
      }
    }
    this.shuttingDown = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = null;
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))).concat(this.closeClients()));
    this.listeners = [];
    this.log('warning', 'Redis is now ready to exit, bye bye...');
    this.resolveClosed();
    return true;
  }

  private closeClients(): Promise<void>[] {
    const out: Promise<void>[] = [];
    for (const c of [...this.clients.values()]) {
      const s = c.socket;
      c.reply.flush();
      c.close();
      if (s !== null) out.push(new Promise((r) => (s.destroyed ? r() : s.once('close', () => r()))));
    }
    return out;
  }

  // ---- introspection helpers used by INFO, OBJECT, MEMORY, DEBUG ----

  peakMemory(used: number): number {
    if (used > this.memoryPeak) this.memoryPeak = used;
    return this.memoryPeak;
  }

  clientsInTimeoutTable(): number {
    let n = 0;
    // Blocked clients with a timeout (blocking.ts sets ext.blockTimeout); BLPOP k 0 is not in the table.
    for (const c of this.clients.values()) if ((c.flags & CF.blocked) !== 0 && c.ext.blockTimeout === true) n++;
    return n;
  }

  /** OBJECT ENCODING of a string value: int, embstr or raw, as Redis's tryObjectEncoding leaves it. */
  stringEncoding(e: KeyEntry): string {
    const v = e.value as string;
    if (!e.rawString && (e.strFlags & STR_NO_INT) === 0 && v.length <= 20 && isLongInteger(v)) return 'int';
    if (!e.rawString && v.length <= 44) return 'embstr';
    return 'raw';
  }

  /** MEMORY USAGE estimate: key and value bytes plus the per-entry overhead of this implementation. */
  memoryUsage(e: KeyEntry): number {
    const v = e.value;
    const overhead = 56 + e.key.length;
    if (typeof v === 'string') return overhead + 16 + v.length;
    return overhead + v.memoryUsage();
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    const s = this.stats;
    s.numCommands = s.numConnections = s.rejectedConnections = 0;
    s.netInputBytes = s.netOutputBytes = 0;
    s.expiredKeys = s.expiredStalePerc = s.protocolErrors = s.totalErrorReplies = 0;
    s.keyspaceHits = s.keyspaceMisses = 0;
    s.clientOutputLimitDisconnections = s.clientQueryLimitDisconnections = 0;
    s.errorstats.clear();
    s.opsSamples = [];
    for (const cmd of this.table.all()) cmd.calls = cmd.usec = cmd.failedCalls = cmd.rejectedCalls = 0;
    for (const h of this.resetStatHooks) h();
  }
  readonly resetStatHooks: Array<() => void> = [];

  /** CONFIG REWRITE: rewrite the config file with the current values. Returns null or the error text. */
  rewriteConfig(): string | null {
    if (this.configFile === '') return 'ERR The server is running without a config file';
    try {
      rewriteConfigFile(this.configFile, this.config);
      return null;
    } catch (e) {
      return `ERR Rewriting config file: ${(e as Error).message}`;
    }
  }

  /** SHUTDOWN from a client: save as asked, close, then tell the embedder. Returns false when saving failed. */
  requestShutdown(save: boolean | undefined): boolean {
    if (save === undefined) save = this.persistence.hasSavePoints();
    if (save) {
      try {
        this.persistence.saveSync();
      } catch (e) {
        this.log('warning', `Error trying to save the DB, can't exit. ${(e as Error).message}`);
        return false;
      }
    }
    void this.shutdown({ save: false }).then(() => this.onShutdown?.());
    return true;
  }

  /** Flag helper for handlers: is this command a write? */
  static isWrite(cmd: CommandSpec): boolean {
    return (cmd.flags & F.write) !== 0;
  }
}

const PROTECTED_MODE_ERROR =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/** Redis's string2l check used by tryObjectEncoding: a canonical integer within a signed 64-bit long. */
function isLongInteger(v: string): boolean {
  if (v.length === 0) return false;
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === v.length) return false;
  if (v.charCodeAt(i) === 48 && v.length > i + 1) return false;
  if (v === '-0') return false;
  for (; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  if (v.length >= 19) {
    const b = BigInt(v);
    return b <= 9223372036854775807n && b >= -9223372036854775808n;
  }
  return true;
}

function isLoopback(addr: string | undefined): boolean {
  if (addr === undefined) return true;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}
