/**
 * Server commands: COMMAND (introspection of the command table), CONFIG (the config table), INFO, TIME,
 * DEBUG (the parts test suites rely on), SHUTDOWN, MEMORY USAGE. Persistence commands (SAVE, LASTSAVE,
 * BGSAVE) live in persistence.ts beside the code they drive.
 */

import os from 'node:os';
import { CF, type Client } from '../client';
import { CachedClock } from '../clock';
import { CommandSpec, CommandDef, F } from './table';
import { loadCommandMeta, mapGet, MetaNode, setMembers, writeMeta } from './meta';
import { ERR } from '../resp/errors';
import { globMatch } from '../util/glob';
import { is, intArg, lookupWrite } from './util';
import { REDIS_VERSION } from './connection';
import { typeOf } from '../keyspace/object';
import { parseDouble, parseI64 } from '../util/numbers';
import { trackingStats } from '../tracking';

// ---- COMMAND ----

function commandAll(c: Client): void {
  const cmds = c.server.table.commands;
  c.reply.arrayLen(cmds.size);
  for (const cmd of cmds.values()) writeMeta(c.reply, cmd.info);
}

function commandCount(c: Client): void {
  c.reply.int(c.server.table.commands.size);
}

/**
 * lookupCommandBySds: "name" or "container|sub" (one level only), without case. A plain command asked for
 * with a subcommand part, or a container with an unknown one, is not found.
 */
function findCommand(c: Client, name: string): CommandSpec | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const cmd = c.server.table.get(parts[0]);
  if (parts.length === 1 || cmd === undefined) return cmd;
  return cmd.subcommands?.get(parts[1].toLowerCase());
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandAll(c);
    return;
  }
  c.reply.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = findCommand(c, argv[i]);
    if (cmd === undefined) c.reply.nullBulk();
    else writeMeta(c.reply, cmd.info);
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const w = c.reply;
  if (argv.length === 2) {
    const cmds = c.server.table.commands;
    w.mapLen(cmds.size);
    for (const cmd of cmds.values()) {
      w.bulk(cmd.name);
      writeMeta(w, cmd.docs);
    }
    return;
  }
  const found: CommandSpec[] = [];
  for (let i = 2; i < argv.length; i++) {
    const cmd = findCommand(c, argv[i]);
    if (cmd !== undefined) found.push(cmd);
  }
  w.mapLen(found.length);
  for (const cmd of found) {
    w.bulk(cmd.fullName);
    writeMeta(w, cmd.docs);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: commands and subcommands. */
function commandList(c: Client, argv: string[]): void {
  let kind = '';
  let arg = '';
  for (let i = 2; i < argv.length; i++) {
    if (is(argv[i], 'filterby') && argv.length - 1 - i === 2) {
      kind = argv[i + 1].toLowerCase();
      if (kind !== 'module' && kind !== 'aclcat' && kind !== 'pattern') {
        c.replyError(ERR.syntax);
        return;
      }
      arg = argv[i + 2];
      i += 2;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  const names: string[] = [];
  const category = '@' + arg.toLowerCase();
  for (const cmd of c.server.table.all()) {
    // No modules: FILTERBY MODULE matches nothing.
    if (kind === 'module') continue;
    if (kind === 'aclcat' && !cmd.aclCategories.includes(category)) continue;
    if (kind === 'pattern' && !globMatch(arg, cmd.fullName, true)) continue;
    names.push(cmd.fullName);
  }
  c.reply.bulkArray(names);
}

/** COMMAND HELP: every COMMAND subcommand is implemented, so Redis's text is shown whole. */
function commandHelp(c: Client): void {
  const lines = loadCommandMeta().command.help ?? [];
  c.reply.arrayLen(lines.length);
  for (const l of lines) c.reply.simple(l);
}

// ---- COMMAND GETKEYS / GETKEYSANDFLAGS (db.c: getKeysFromCommandWithSpecs and the getkeys_procs) ----

/** One key argument found: its position in the command's argv and its key-spec flags (RO, access...). */
interface KeyRef {
  pos: number;
  flags: readonly string[];
}

/** A key spec as Redis keeps it, with its flags (the command table keeps only what dispatch needs). */
interface FlaggedKeySpec {
  flags: string[];
  bs: { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startFrom: number } | { type: 'unknown' };
  fk:
    | { type: 'range'; lastKey: number; keyStep: number; limit: number }
    | { type: 'keynum'; keyNumIdx: number; firstKey: number; keyStep: number }
    | { type: 'unknown' };
}

const flaggedSpecCache = new WeakMap<CommandSpec, FlaggedKeySpec[]>();

function flaggedKeySpecs(cmd: CommandSpec): FlaggedKeySpec[] {
  let specs = flaggedSpecCache.get(cmd);
  if (specs !== undefined) return specs;
  specs = [];
  const node = cmd.info[8];
  const list = typeof node === 'object' && node !== null && 'set' in node ? node.set : [];
  for (const ks of list) {
    const bs = mapGet(ks, 'begin_search');
    const bsSpec = mapGet(bs, 'spec');
    const fk = mapGet(ks, 'find_keys');
    const fkSpec = mapGet(fk, 'spec');
    const num = (n: MetaNode | undefined, key: string) => mapGet(n, key) as number;
    specs.push({
      flags: setMembers(mapGet(ks, 'flags')),
      bs:
        mapGet(bs, 'type') === 'index'
          ? { type: 'index', index: num(bsSpec, 'index') }
          : mapGet(bs, 'type') === 'keyword'
            ? { type: 'keyword', keyword: mapGet(bsSpec, 'keyword') as string, startFrom: num(bsSpec, 'startfrom') }
            : { type: 'unknown' },
      fk:
        mapGet(fk, 'type') === 'range'
          ? { type: 'range', lastKey: num(fkSpec, 'lastkey'), keyStep: num(fkSpec, 'keystep'), limit: num(fkSpec, 'limit') }
          : mapGet(fk, 'type') === 'keynum'
            ? { type: 'keynum', keyNumIdx: num(fkSpec, 'keynumidx'), firstKey: num(fkSpec, 'firstkey'), keyStep: num(fkSpec, 'keystep') }
            : { type: 'unknown' },
    });
  }
  flaggedSpecCache.set(cmd, specs);
  return specs;
}

/** getKeysUsingKeySpecs: null when a spec cannot be resolved (unknown, incomplete, out of bounds). */
function keysFromSpecs(specs: FlaggedKeySpec[], argv: string[]): KeyRef[] | null {
  const argc = argv.length;
  const keys: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const bs = spec.bs;
    if (bs.type === 'index') {
      first = bs.index;
    } else if (bs.type === 'keyword') {
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === bs.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return null;
    }
    let last: number;
    let step: number;
    const fk = spec.fk;
    if (fk.type === 'range') {
      step = fk.keyStep;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastKey);
    } else if (fk.type === 'keynum') {
      step = fk.keyStep;
      if (fk.keyNumIdx >= argc || first + fk.keyNumIdx >= argc) return null;
      const n = parseI64(argv[first + fk.keyNumIdx]);
      if (n === null || n < 0n) return null;
      first += fk.firstKey;
      last = first + Number(BigInt.asIntN(32, n)) - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('incomplete')) return null;
  }
  return keys;
}

const RO_ACCESS = ['RO', 'access'];
const OW_UPDATE = ['OW', 'update'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const RW_ACCESS_DELETE = ['RW', 'access', 'delete'];
const NO_FLAGS: string[] = [];

/** C's atoi(): leading blanks, a sign, digits; the rest ignored; the long result truncated to an int. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[1]);
  if (v > 9223372036854775807n) v = 9223372036854775807n;
  else if (v < -9223372036854775808n) v = -9223372036854775808n;
  return Number(BigInt.asIntN(32, v));
}

/** genericGetKeys: [destkey] numkeys key... ; no keys when numkeys does not fit. Flags are not provided. */
function numkeysKeys(storeOfs: number, countOfs: number, firstOfs: number, argv: string[]): KeyRef[] {
  const num = atoi(argv[countOfs]);
  if (num < 1 || num > argv.length - firstOfs) return [];
  const keys: KeyRef[] = [];
  for (let i = 0; i < num; i++) keys.push({ pos: firstOfs + i, flags: NO_FLAGS });
  if (storeOfs !== 0) keys.push({ pos: storeOfs, flags: NO_FLAGS });
  return keys;
}

function sortKeys(argv: string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
  let store = 0;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    // The last STORE wins, as in SORT itself.
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== 0) keys.push({ pos: store, flags: OW_UPDATE });
  return keys;
}

function migrateKeys(argv: string[]): KeyRef[] {
  let first = 3;
  let num = 1;
  const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (a === 'keys') {
        if (argv[3].length > 0) num = 0;
        else {
          first = i + 1;
          num = argv.length - first;
        }
        break;
      }
      i += skip[a] ?? 0;
    }
  }
  const keys: KeyRef[] = [];
  for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: RW_ACCESS_DELETE });
  return keys;
}

function georadiusKeys(argv: string[]): KeyRef[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if ((a === 'store' || a === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  const keys: KeyRef[] = [{ pos: 1, flags: NO_FLAGS }];
  if (stored !== -1) keys.push({ pos: stored, flags: NO_FLAGS });
  return keys;
}

function xreadKeys(argv: string[]): KeyRef[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'block' || a === 'count') i++;
    else if (a === 'group') i += 2;
    else if (a === 'noack') continue;
    else {
      if (a === 'streams') streamsPos = i;
      break;
    }
  }
  if (streamsPos === -1) return [];
  let num = argv.length - streamsPos - 1;
  if (num === 0 || num % 2 !== 0) return [];
  num /= 2;
  const keys: KeyRef[] = [];
  for (let i = streamsPos + 1; i < argv.length - num; i++) keys.push({ pos: i, flags: NO_FLAGS });
  return keys;
}

function setKeys(argv: string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) if (argv[i].toLowerCase() === 'get') return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
  return [{ pos: 1, flags: OW_UPDATE }];
}

function bitfieldKeys(argv: string[]): KeyRef[] {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    const a = argv[i].toLowerCase();
    if (a === 'get' && rem >= 2) i += 2;
    else if ((a === 'set' || a === 'incrby') && rem >= 3) {
      readonly = false;
      break;
    } else if (a === 'overflow' && rem >= 1) i += 1;
    else {
      readonly = false;
      break;
    }
  }
  return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
}

/** The commands Redis gives a getkeys_proc (their "get_keys_function"), used when the key specs do not do. */
const GETKEYS_PROCS: Record<string, (argv: string[]) => KeyRef[]> = {
  zunionstore: (a) => numkeysKeys(1, 2, 3, a),
  zinterstore: (a) => numkeysKeys(1, 2, 3, a),
  zdiffstore: (a) => numkeysKeys(1, 2, 3, a),
  zunion: (a) => numkeysKeys(0, 1, 2, a),
  zinter: (a) => numkeysKeys(0, 1, 2, a),
  zdiff: (a) => numkeysKeys(0, 1, 2, a),
  zintercard: (a) => numkeysKeys(0, 1, 2, a),
  sintercard: (a) => numkeysKeys(0, 1, 2, a),
  eval: (a) => numkeysKeys(0, 2, 3, a),
  evalsha: (a) => numkeysKeys(0, 2, 3, a),
  eval_ro: (a) => numkeysKeys(0, 2, 3, a),
  evalsha_ro: (a) => numkeysKeys(0, 2, 3, a),
  fcall: (a) => numkeysKeys(0, 2, 3, a),
  fcall_ro: (a) => numkeysKeys(0, 2, 3, a),
  lmpop: (a) => numkeysKeys(0, 1, 2, a),
  blmpop: (a) => numkeysKeys(0, 2, 3, a),
  zmpop: (a) => numkeysKeys(0, 1, 2, a),
  bzmpop: (a) => numkeysKeys(0, 2, 3, a),
  sort: sortKeys,
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  migrate: migrateKeys,
  georadius: georadiusKeys,
  georadiusbymember: georadiusKeys,
  xread: xreadKeys,
  xreadgroup: xreadKeys,
  set: setKeys,
  bitfield: bitfieldKeys,
};

/** getKeysFromCommandWithSpecs: key specs when their flags are reliable, else the command's getkeys_proc. */
export function commandKeys(cmd: CommandSpec, argv: string[]): KeyRef[] {
  const specs = flaggedKeySpecs(cmd);
  const hasKeySpec = specs.some((s) => !s.flags.includes('not_key'));
  const hasVarFlags = specs.some((s) => s.flags.includes('variable_flags'));
  if (hasKeySpec && !hasVarFlags) {
    const keys = keysFromSpecs(specs, argv);
    if (keys !== null) return keys;
  }
  const proc = GETKEYS_PROCS[cmd.fullName];
  return proc === undefined ? [] : proc(argv);
}

function commandGetKeys(c: Client, argv: string[]): void {
  const withFlags = argv[1].length === 15; // "getkeysandflags"
  const args = argv.slice(2);
  let cmd = c.server.table.get(args[0]);
  if (cmd !== undefined && cmd.subcommands !== null && args.length >= 2) cmd = cmd.subcommands.get(args[1].toLowerCase());
  if (cmd === undefined) {
    c.replyError('ERR Invalid command specified');
    return;
  }
  if (GETKEYS_PROCS[cmd.fullName] === undefined && !flaggedKeySpecs(cmd).some((s) => !s.flags.includes('not_key'))) {
    c.replyError('ERR The command has no key arguments');
    return;
  }
  if (!cmd.arityOk(args.length)) {
    c.replyError('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = commandKeys(cmd, args);
  if (keys.length === 0) {
    if (setMembers(cmd.info[2]).includes('no_mandatory_keys')) c.reply.arrayLen(0);
    else c.replyError('ERR Invalid arguments specified for command');
    return;
  }
  const w = c.reply;
  w.arrayLen(keys.length);
  for (const k of keys) {
    if (withFlags) {
      w.arrayLen(2);
      w.bulk(args[k.pos]);
      w.setLen(k.flags.length);
      for (const f of k.flags) w.simple(f);
    } else {
      w.bulk(args[k.pos]);
    }
  }
}

// ---- CONFIG ----

function configGet(c: Client, argv: string[]): void {
  const found = c.server.config.getMatching(argv.slice(2), (p, name) => globMatch(p, name, true));
  c.reply.mapLen(found.length);
  for (const [k, v] of found) {
    c.reply.bulk(k);
    c.reply.bulk(v);
  }
}

/** islocalClient: a Unix socket or a loopback peer (enable-protected-configs / enable-debug-command "local"). */
function isLocalClient(c: Client): boolean {
  if (c.socket === null || (c.flags & CF.unixSocket) !== 0) return true;
  const a = c.addr;
  return a.startsWith('127.') || a.startsWith('[::1]:');
}

/** allowProtectedAction: a "yes"/"no"/"local" enable-* setting for this client. */
function allowProtectedAction(c: Client, setting: string): boolean {
  const mode = c.server.config.str(setting);
  return mode === 'yes' || (mode === 'local' && isLocalClient(c));
}

function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    c.replyError(ERR.syntax);
    return;
  }
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  const err = c.server.config.setMany(pairs, allowProtectedAction(c, 'enable-protected-configs'));
  if (err !== null) c.replyError(err);
  else c.reply.ok();
}

function configResetStat(c: Client): void {
  c.server.resetStats();
  c.reply.ok();
}

function configRewrite(c: Client): void {
  const err = c.server.rewriteConfig();
  if (err !== null) c.replyError(err);
  else c.reply.ok();
}

// ---- INFO ----

function bytesHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(2)}M`;
  return `${(n / 1024 ** 3).toFixed(2)}G`;
}

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 7), 'modules', 'commandstats', 'errorstats', 'cluster', 'keyspace'];

/** The text of INFO for the requested sections (genRedisInfoString). */
export function infoString(c: Client, sectionArgs: string[]): string {
  const server = c.server;
  const wanted = new Set<string>();
  let all = false;
  if (sectionArgs.length === 0) DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
  for (const a of sectionArgs) {
    const s = a.toLowerCase();
    if (s === 'all' || s === 'everything') {
      all = true;
      ALL_SECTIONS.forEach((x) => wanted.add(x));
    } else if (s === 'default') DEFAULT_SECTIONS.forEach((x) => wanted.add(x));
    else wanted.add(s);
  }
  void all;
  const now = server.clock.now();
  const mem = process.memoryUsage();
  const sections: string[] = [];
  const add = (name: string, title: string, fields: Array<[string, string | number]>) => {
    if (!wanted.has(name)) return;
    sections.push(`# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(''));
  };
  const uptime = Math.floor((now - server.stats.startTime) / 1000);
  add('server', 'Server', [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'cinnabar'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', server.config.num('hz')],
    ['configured_hz', server.config.num('hz')],
    ['lru_clock', c.db.lruClock()],
    ['executable', process.argv[1] ?? ''],
    ['config_file', server.configFile],
    ['io_threads_active', 0],
    ['cinnabar_node_version', process.version],
  ]);
  let blocked = 0;
  let tracking = 0;
  let pubsubClients = 0;
  for (const x of server.clients.values()) {
    if (x.flags & 32 /* CF.blocked */) blocked++;
    if (x.flags & 1024 /* CF.tracking */) tracking++;
    if (x.flags & 8 /* CF.pubsub */) pubsubClients++;
  }
  void pubsubClients;
  add('clients', 'Clients', [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.num('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', blocked],
    ['tracking_clients', tracking],
    ['clients_in_timeout_table', server.clientsInTimeoutTable()],
  ]);
  const used = mem.heapUsed + mem.external;
  add('memory', 'Memory', [
    ['used_memory', used],
    ['used_memory_human', bytesHuman(used)],
    ['used_memory_rss', mem.rss],
    ['used_memory_rss_human', bytesHuman(mem.rss)],
    ['used_memory_peak', server.peakMemory(used)],
    ['used_memory_peak_human', bytesHuman(server.peakMemory(used))],
    ['used_memory_lua', 0],
    ['used_memory_scripts', 0],
    ['number_of_cached_scripts', 0],
    ['maxmemory', server.config.num('maxmemory')],
    ['maxmemory_human', bytesHuman(server.config.num('maxmemory'))],
    ['maxmemory_policy', server.config.str('maxmemory-policy')],
    ['mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2)],
    ['mem_allocator', 'v8'],
    ['lazyfree_pending_objects', 0],
  ]);
  const p = server.persistence;
  add('persistence', 'Persistence', [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', server.dirty],
    ['rdb_bgsave_in_progress', p.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', Math.floor(p.lastSave / 1000)],
    ['rdb_last_bgsave_status', p.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', p.lastBgsaveSeconds],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', p.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', p.lastLoadExpired],
    ['rdb_last_load_keys_loaded', p.lastLoadLoaded],
    ['aof_enabled', server.config.bool('appendonly') ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ]);
  const s = server.stats;
  const ops = s.opsSamples.length === 0 ? 0 : Math.round(s.opsSamples.reduce((a, b) => a + b, 0) / s.opsSamples.length);
  add('stats', 'Stats', [
    ['total_connections_received', s.numConnections],
    ['total_commands_processed', s.numCommands],
    ['instantaneous_ops_per_sec', ops],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', (s.expiredStalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', 0],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', s.keyspaceHits],
    ['keyspace_misses', s.keyspaceMisses],
    ['pubsub_channels', server.pubsub.channels.size],
    ['pubsub_patterns', server.pubsub.patterns.size],
    ['pubsubshard_channels', server.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', trackingStats(server)[0]],
    ['tracking_total_items', trackingStats(server)[1]],
    ['tracking_total_prefixes', trackingStats(server)[2]],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.numCommands],
    ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ]);
  add('replication', 'Replication', [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.runId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ]);
  const cpu = process.cpuUsage();
  add('cpu', 'CPU', [
    ['used_cpu_sys', (cpu.system / 1e6).toFixed(6)],
    ['used_cpu_user', (cpu.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', (cpu.system / 1e6).toFixed(6)],
    ['used_cpu_user_main_thread', (cpu.user / 1e6).toFixed(6)],
  ]);
  add('modules', 'Modules', []);
  if (wanted.has('commandstats')) {
    const lines: Array<[string, string]> = [];
    for (const cmd of server.table.all()) {
      if (cmd.calls === 0 && cmd.failedCalls === 0 && cmd.rejectedCalls === 0) continue;
      lines.push([
        `cmdstat_${cmd.fullName}`,
        `calls=${cmd.calls},usec=${cmd.usec},usec_per_call=${(cmd.calls === 0 ? 0 : cmd.usec / cmd.calls).toFixed(2)},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
      ]);
    }
    add('commandstats', 'Commandstats', lines);
  }
  if (wanted.has('errorstats')) {
    // Redis keeps error codes in a radix tree: byte order.
    const codes = [...s.errorstats].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    add('errorstats', 'Errorstats', codes.map(([k, v]) => [`errorstat_${k}`, `count=${v}`]));
  }
  add('cluster', 'Cluster', [['cluster_enabled', 0]]);
  const ks: Array<[string, string]> = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    ks.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}`]);
  }
  add('keyspace', 'Keyspace', ks);
  return sections.join('\r\n');
}

function info(c: Client, argv: string[]): void {
  c.reply.verbatim(infoString(c, argv.slice(1)));
}

// ---- misc ----

function time(c: Client): void {
  const us = BigInt(c.server.clock.now()) * 1000n + BigInt(Math.floor((performance.now() * 1000) % 1000));
  c.reply.arrayLen(2);
  c.reply.bulk(String(us / 1000000n));
  c.reply.bulk(String(us % 1000000n));
}

function shutdown(c: Client, argv: string[]): void {
  let save: boolean | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nosave') save = false;
    else if (a === 'save') save = true;
    else if (a === 'now' || a === 'force' || a === 'abort') continue;
    else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (!c.server.requestShutdown(save)) c.replyError('ERR Errors trying to SHUTDOWN. Check logs.');
}

function debug(c: Client, argv: string[]): void {
  const server = c.server;
  const mode = server.config.str('enable-debug-command');
  const local = c.addr.startsWith('127.') || c.addr.startsWith('[::1]') || c.addr.startsWith('::1') || c.socket === null;
  if (mode === 'no' || (mode === 'local' && !local)) {
    c.replyError(
      `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
    );
    return;
  }
  const sub = argv[1].toLowerCase();
  if (sub === 'sleep' && argv.length === 3) {
    const secs = parseDouble(argv[2]) ?? 0;
    const until = performance.now() + secs * 1000;
    while (performance.now() < until) {
      /* DEBUG SLEEP blocks the server on purpose, as Redis does. */
    }
    if (server.clock instanceof CachedClock) server.clock.refresh();
    c.reply.ok();
  } else if (sub === 'set-active-expire' && argv.length === 3) {
    const n = intArg(c, argv[2]);
    if (n === null) return;
    server.activeExpireEnabled = n !== 0;
    c.reply.ok();
  } else if (sub === 'object' && argv.length === 3) {
    const e = lookupWrite(c, argv[2]);
    if (e === null) {
      c.replyError(ERR.noSuchKey);
      return;
    }
    const enc = typeof e.value === 'string' ? server.stringEncoding(e) : e.value.encoding();
    const lruIdle = Math.max(0, c.db.lruClock() - e.lru);
    c.reply.simple(
      `Value at:0x0 refcount:1 encoding:${enc} serializedlength:${typeof e.value === 'string' ? e.value.length : e.value.length} lru:${e.lru} lru_seconds_idle:${lruIdle}` +
        (typeOf(e.value) === 'list' ? ` ql_nodes:1 ql_avg_node:${e.value.length}.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:0` : ''),
    );
  } else if (sub === 'reload') {
    server.persistence.debugReload(c, argv);
  } else if (sub === 'jmap' || sub === 'quicklist-packed-threshold' || sub === 'change-repl-id') {
    c.reply.ok();
  } else if (sub === 'help') {
    const lines = [
      'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'OBJECT <key>',
      '    Show low level info about the `key` and associated value.',
      'RELOAD',
      '    Save the RDB on disk and reload it back to memory.',
      'SET-ACTIVE-EXPIRE <0|1>',
      '    Setting it to 0 disables expiring keys in background when they are not',
      '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
      '    default.',
      'SLEEP <seconds>',
      '    Stop the server for <seconds>. Decimals allowed.',
      'HELP',
      '    Prints this help.',
    ];
    c.reply.arrayLen(lines.length);
    for (const l of lines) c.reply.simple(l);
  } else {
    c.replyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  }
}

function memoryUsage(c: Client, argv: string[]): void {
  if (argv.length !== 3 && !(argv.length === 5 && is(argv[3], 'samples'))) {
    c.replyError(ERR.syntax);
    return;
  }
  if (argv.length === 5 && intArg(c, argv[4]) === null) return;
  const e = c.db.peek(argv[2]);
  if (e === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.int(c.server.memoryUsage(e));
}

export const serverCommands: CommandDef[] = [
  {
    name: 'command',
    handler: commandAll,
    subcommands: [
      { name: 'count', handler: commandCount },
      { name: 'info', handler: commandInfo },
      { name: 'docs', handler: commandDocs },
      { name: 'list', handler: commandList },
      { name: 'getkeys', handler: commandGetKeys },
      { name: 'getkeysandflags', handler: commandGetKeys },
      { name: 'help', handler: commandHelp },
    ],
  },
  {
    name: 'config',
    subcommands: [
      { name: 'get', handler: configGet },
      { name: 'set', handler: configSet },
      { name: 'resetstat', handler: configResetStat },
      { name: 'rewrite', handler: configRewrite },
      { name: 'help' },
    ],
  },
  { name: 'info', handler: info },
  { name: 'time', handler: time },
  { name: 'shutdown', handler: shutdown },
  { name: 'debug', handler: debug },
  { name: 'memory', subcommands: [{ name: 'usage', handler: memoryUsage }, { name: 'help' }] },
];

export { F };
