/**
 * INFO (genRedisInfoString in Redis's server.c) and the statistics only INFO shows: the per-command latency
 * histograms of the Latencystats section and the memory measured at start-up.
 *
 * Sections, their order and every field name are Redis 7.0's, so tools that parse INFO find what they
 * expect; values are Cinnabar's own where it has them (V8's heap stands in for the allocator) and the
 * neutral value Redis itself shows when a feature is idle (no Lua, no replicas, no AOF, no forks).
 * Numbers Redis prints with "%.2f"/"%.3f" go through printfFixed (util/printf.ts), which rounds as glibc
 * does. The latency histograms are HdrHistograms with Redis's parameters (1 ns to 1 s, 2 significant
 * figures), so the percentiles land on the same bucket bounds Redis reports (a 1 us call shows as
 * p50=1.003). Sections that list commands walk the command table in its order; Redis walks a hash table,
 * so only the set of lines is comparable.
 */

import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client } from '../client';
import type { Server } from '../server';
import type { CommandSpec } from './table';
import { REDIS_VERSION } from './connection';
import { trackingStats } from '../tracking';
import { printfFixed, printfTrimmed } from '../util/printf';

// ---- number formatting ----

/** bytesToHuman: B, then K/M/G/T/P with two decimals; `exact` is the decimal text of n when it may exceed 2^53. */
export function bytesToHuman(n: number, exact: string = String(n)): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${exact}B`;
  let d = 1024;
  for (const u of units) {
    if (n < d * 1024) return `${printfFixed(n / d, 2)}${u}`;
    d *= 1024;
  }
  return `${exact}B`;
}

// ---- latency histograms (hdr_histogram as configured by Redis: 1..1e9 ns, 2 significant figures) ----

const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_MASK = 255;
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;
const HIST_MIN = 1;
const HIST_MAX = 1_000_000_000;

function bucketIndex(v: number): number {
  // 64 - clz64(v | mask) - unit_magnitude - (half_count_magnitude + 1); values stay below 2^31.
  return 32 - Math.clz32(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

function highestEquivalentValue(v: number): number {
  const bucket = bucketIndex(v);
  const sub = Math.floor(v / 2 ** bucket);
  const lowest = sub * 2 ** bucket;
  const size = 2 ** (sub >= 2 * SUB_BUCKET_HALF_COUNT ? bucket + 1 : bucket);
  return lowest + size - 1;
}

/** An HdrHistogram of command durations in nanoseconds. */
export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  record(ns: number): void {
    const v = ns < HIST_MIN ? HIST_MIN : ns > HIST_MAX ? HIST_MAX : Math.floor(ns);
    const bucket = bucketIndex(v);
    const sub = Math.floor(v / 2 ** bucket);
    this.counts[((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (sub - SUB_BUCKET_HALF_COUNT)]++;
    this.total++;
  }

  /** hdr_value_at_percentile. */
  valueAtPercentile(p: number): number {
    const requested = p < 100 ? p : 100;
    let want = Math.floor((requested / 100) * this.total + 0.5);
    if (want < 1) want = 1;
    let sum = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      sum += this.counts[i];
      if (sum >= want) return highestEquivalentValue(valueAtIndex(i));
    }
    return 0;
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM replies (latency.c fillCommandCDF): hdr_iter_log_init with
   * 1024 ns in the first bucket and log base 2, walked step by step as hdr_iter_next does; each step where
   * the cumulative count grew gives [highest equivalent value of the step's last index in usec, cumulative
   * count], flattened. The bounds are therefore 1, 2, 4, 8, 16, 33, 66, 132... as Redis reports them.
   */
  cdf(): number[] {
    const out: number[] = [];
    let levelLowest = lowestEquivalentValue(1024);
    let level = 1024;
    let index = -1;
    let cumulative = 0;
    let previous = 0;
    let value = 0;
    let highest = 0;
    // log_iter_next: continue while counts remain, or the next index still lies beyond the reporting level.
    while (cumulative < this.total || (index < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest)) {
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalentValue(level);
          break;
        }
        if (++index >= COUNTS_LEN) break;
        cumulative += this.counts[index];
        value = valueAtIndex(index);
        highest = highestEquivalentValue(value);
      }
      if (cumulative > previous) out.push(Math.floor(highest / 1000), cumulative);
      previous = cumulative;
    }
    return out;
  }
}

function lowestEquivalentValue(v: number): number {
  const bucket = bucketIndex(v);
  return Math.floor(v / 2 ** bucket) * 2 ** bucket;
}

interface InfoState {
  /** used_memory when the server was created (used_memory_startup). */
  startupMemory: number;
  /** The replication ID (master_replid): random at start, renewed by DEBUG CHANGE-REPL-ID. */
  replid: string;
  histograms: Map<CommandSpec, LatencyHistogram>;
}

const states = new WeakMap<Server, InfoState>();

function infoState(server: Server): InfoState {
  let st = states.get(server);
  if (st === undefined) {
    st = { startupMemory: usedMemory(), replid: randomBytes(20).toString('hex'), histograms: new Map() };
    states.set(server, st);
  }
  return st;
}

/** The latency histogram of a command or subcommand, or undefined when it has none (never called, or reset). */
export function commandHistogram(server: Server, cmd: CommandSpec): LatencyHistogram | undefined {
  return infoState(server).histograms.get(cmd);
}

/**
 * Record each command's duration in its latency histogram (latency-tracking), as Redis's call() does, and
 * forget them on CONFIG RESETSTAT. Installed once per server at creation.
 */
export function installInfoStats(server: Server): void {
  const st = infoState(server);
  const config = server.config;
  let seen = -1;
  let tracking = true;
  server.callHooks.push((c, cmd, _argv, usec) => {
    if (seen !== config.version) {
      seen = config.version;
      tracking = config.bool('latency-tracking');
    }
    if ((c.flags & CF_BLOCKED) !== 0 || !tracking) return;
    let h = st.histograms.get(cmd);
    if (h === undefined) {
      h = new LatencyHistogram();
      st.histograms.set(cmd, h);
    }
    h.record(usec * 1000);
  });
  server.resetStatHooks.push(() => st.histograms.clear());
}

/** DEBUG CHANGE-REPL-ID: a new random replication ID (there is no previous one to keep as replid2). */
export function changeReplicationId(server: Server): void {
  infoState(server).replid = randomBytes(20).toString('hex');
}

// ---- INFO ----

function usedMemory(): number {
  const mem = process.memoryUsage();
  return mem.heapUsed + mem.external;
}

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace'];

type Fields = Array<[string, string | number]>;

/** The text of INFO for the requested sections (genInfoSectionDict + genRedisInfoString). */
export function infoString(c: Client, sectionArgs: string[]): string {
  const server = c.server;
  const wanted = new Set<string>();
  let all = false;
  if (sectionArgs.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const a of sectionArgs) {
    const s = a.toLowerCase();
    if (s === 'all' || s === 'everything') all = true;
    else if (s === 'default') for (const x of DEFAULT_SECTIONS) wanted.add(x);
    else wanted.add(s);
  }
  const has = (name: string) => all || wanted.has(name);
  let out = '';
  const add = (title: string, fields: Fields) => {
    if (out !== '') out += '\r\n';
    out += `# ${title}\r\n`;
    for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  };
  if (has('server')) add('Server', serverSection(c));
  if (has('clients')) add('Clients', clientsSection(server));
  if (has('memory')) add('Memory', memorySection(server));
  if (has('persistence')) add('Persistence', persistenceSection(server));
  if (has('stats')) add('Stats', statsSection(server));
  if (has('replication')) add('Replication', replicationSection(server));
  if (has('cpu')) add('CPU', cpuSection());
  if (has('module_list') || has('modules')) add('Modules', []);
  if (has('commandstats')) add('Commandstats', commandstatsSection(server));
  if (has('errorstats')) add('Errorstats', errorstatsSection(server));
  if (has('latencystats')) add('Latencystats', latencystatsSection(server));
  if (has('cluster')) add('Cluster', [['cluster_enabled', 0]]);
  if (has('keyspace')) add('Keyspace', keyspaceSection(server));
  return out;
}

function serverSection(c: Client): Fields {
  const server = c.server;
  const now = server.clock.now();
  const uptime = Math.floor((now - server.stats.startTime) / 1000);
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'cinnabar'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
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
  ];
}

/** Client flag bits (client.ts CF) the Clients section counts. */
const CF_BLOCKED = 1 << 5;
const CF_TRACKING = 1 << 10;

function clientsSection(server: Server): Fields {
  let blocked = 0;
  let tracking = 0;
  let maxIn = 0;
  let maxOut = 0;
  for (const x of server.clients.values()) {
    if (x.flags & CF_BLOCKED) blocked++;
    if (x.flags & CF_TRACKING) tracking++;
    maxIn = Math.max(maxIn, x.parser.buffered);
    maxOut = Math.max(maxOut, x.outputPending);
  }
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.format(server.config.spec('maxclients')!)],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', tracking],
    ['clients_in_timeout_table', server.clientsInTimeoutTable()],
  ];
}

function percent(part: number, whole: number): string {
  return `${printfFixed((part * 100) / (whole === 0 ? 1 : whole), 2)}%`;
}

/**
 * getMemoryOverheadData: the memory figures INFO memory, MEMORY STATS and MEMORY DOCTOR share. V8 stands in
 * for the allocator: allocated = live objects, active = the heap V8 holds, resident = RSS.
 */
export interface MemoryOverhead {
  used: number;
  peak: number;
  startup: number;
  rss: number;
  allocated: number;
  active: number;
  resident: number;
  clientsNormal: number;
  /** Per non-empty database: [id, main table overhead, expires table overhead]. */
  dbs: Array<[number, number, number]>;
  overheadTotal: number;
  dataset: number;
  totalKeys: number;
  netUsage: number;
}

export function memoryOverhead(server: Server): MemoryOverhead {
  const mem = process.memoryUsage();
  const used = mem.heapUsed + mem.external;
  const peak = server.peakMemory(used);
  const startup = infoState(server).startupMemory;
  let clientsNormal = 0;
  for (const x of server.clients.values()) clientsNormal += x.parser.buffered + x.outputPending;
  let total = startup + clientsNormal;
  let totalKeys = 0;
  const dbs: Array<[number, number, number]> = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    totalKeys += db.size;
    // Redis's accounting: a dictEntry (24) and an robj (16) per key, a pointer per bucket.
    const main = db.size * 40 + db.buckets * 8;
    const expires = db.expires.size * 24 + db.expires.buckets * 8;
    dbs.push([db.id, main, expires]);
    total += main + expires;
  }
  const overheadTotal = Math.min(used, total);
  return {
    used,
    peak,
    startup,
    rss: mem.rss,
    allocated: used,
    active: mem.heapTotal + mem.external,
    resident: mem.rss,
    clientsNormal,
    dbs,
    overheadTotal,
    dataset: used - overheadTotal,
    totalKeys,
    netUsage: used > startup ? used - startup : 1,
  };
}

function memorySection(server: Server): Fields {
  const m = memoryOverhead(server);
  const ratio = (a: number, b: number) => printfFixed(a / (b === 0 ? 1 : b), 2);
  const maxmemory = server.config.format(server.config.spec('maxmemory')!);
  const total = os.totalmem();
  return [
    ['used_memory', m.used],
    ['used_memory_human', bytesToHuman(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', bytesToHuman(m.peak)],
    ['used_memory_peak_perc', percent(m.used, m.peak)],
    ['used_memory_overhead', m.overheadTotal],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', m.dataset],
    ['used_memory_dataset_perc', percent(m.dataset, m.netUsage)],
    ['allocator_allocated', m.allocated],
    ['allocator_active', m.active],
    ['allocator_resident', m.resident],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    // No Lua and no functions: their memory is zero.
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(Number(maxmemory), maxmemory)],
    ['maxmemory_policy', server.config.str('maxmemory-policy')],
    ['allocator_frag_ratio', ratio(m.active, m.allocated)],
    ['allocator_frag_bytes', m.active - m.allocated],
    ['allocator_rss_ratio', ratio(m.resident, m.active)],
    ['allocator_rss_bytes', m.resident - m.active],
    ['rss_overhead_ratio', ratio(m.rss, m.resident)],
    ['rss_overhead_bytes', m.rss - m.resident],
    ['mem_fragmentation_ratio', ratio(m.rss, m.used)],
    ['mem_fragmentation_bytes', m.rss - m.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', m.clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(server: Server): Fields {
  const p = server.persistence;
  return [
    ['loading', server.loading ? 1 : 0],
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
  ];
}

function statsSection(server: Server): Fields {
  const s = server.stats;
  const ops = s.opsSamples.length === 0 ? 0 : Math.round(s.opsSamples.reduce((a, b) => a + b, 0) / s.opsSamples.length);
  const [trackedKeys, trackedItems, trackedPrefixes] = trackingStats(server);
  return [
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
    ['expired_stale_perc', printfFixed(s.expiredStalePerc * 100, 2)],
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
    ['tracking_total_keys', trackedKeys],
    ['tracking_total_items', trackedItems],
    ['tracking_total_prefixes', trackedPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.numCommands],
    ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationSection(server: Server): Fields {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', infoState(server).replid],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const cpu = process.cpuUsage();
  const sys = printfFixed(cpu.system / 1e6, 6);
  const user = printfFixed(cpu.user / 1e6, 6);
  return [
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ];
}

function commandstatsSection(server: Server): Fields {
  const out: Fields = [];
  for (const cmd of server.table.all()) {
    if (cmd.calls === 0 && cmd.failedCalls === 0 && cmd.rejectedCalls === 0) continue;
    // usec_per_call is computed in single precision ((float)usec/calls).
    const perCall = cmd.calls === 0 ? 0 : Math.fround(Math.fround(cmd.usec) / cmd.calls);
    out.push([
      `cmdstat_${cmd.fullName}`,
      `calls=${cmd.calls},usec=${cmd.usec},usec_per_call=${printfFixed(perCall, 2)},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
    ]);
  }
  return out;
}

function errorstatsSection(server: Server): Fields {
  // Redis keeps error codes in a radix tree: byte order.
  const codes = [...server.stats.errorstats].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return codes.map(([k, v]) => [`errorstat_${k}`, `count=${v}`]);
}

function latencystatsSection(server: Server): Fields {
  const st = infoState(server);
  const percentiles = server.config.get('latency-tracking-info-percentiles') as number[];
  const out: Fields = [];
  for (const cmd of server.table.all()) {
    const h = st.histograms.get(cmd);
    if (h === undefined) continue;
    const parts = percentiles.map((p) => `p${printfTrimmed(p)}=${printfFixed(h.valueAtPercentile(p) / 1000, 3)}`);
    out.push([`latency_percentiles_usec_${cmd.fullName}`, parts.join(',')]);
  }
  return out;
}

function keyspaceSection(server: Server): Fields {
  const ks: Fields = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    ks.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}`]);
  }
  return ks;
}
