/**
 * The configuration table: every parameter Cinnabar knows, declared once with its type, default, bounds and
 * flags, as Redis 7.0's config.c static_configs table does. CONFIG GET/SET/REWRITE, the config file and the
 * `--name value` command-line flags all go through it, so a parameter behaves the same from every entry point
 * and the error texts are Redis's own.
 *
 * Numbers follow config.c exactly: a plain integer parameter takes string2ll syntax (no '+', no leading
 * zeros, no "-0"), a memory parameter takes memtoull syntax ("1gb", "512k"; no sign; "" is 0) and wraps
 * modulo 2^64 like the C code, a percent parameter also takes "N%" (stored negative, as Redis does); then the
 * value is checked against the bounds of its C type, signed or unsigned. Values are kept exactly (bigint) for
 * CONFIG GET and as a number for the code that reads them. Multi-argument parameters (save, bind,
 * client-output-buffer-limit) split their value on single spaces the way sdssplitlen does, so "1  2" has an
 * empty middle argument. Parameters whose effect Cinnabar does not have (they tune Redis internals such as
 * lazy freeing or rehashing) are still accepted and reported, because clients and configuration files set
 * them; they are marked as such in their declaration.
 */

import fs from 'node:fs';
import path from 'node:path';
import { formatNotifyFlags, parseNotifyFlags } from './notify';
import { parseDouble, parseI64 } from './util/numbers';
import { printfTrimmed } from './util/printf';

export type ConfigValue = string | number | bigint | boolean | ConfigValue[] | Record<string, number[]>;

interface BaseSpec {
  name: string;
  alias?: string;
  immutable?: boolean;
  protected?: boolean;
  /**
   * Redis's apply function, run by CONFIG SET after every value was set; an error text undoes the whole
   * CONFIG SET (appendonly: Cinnabar has no AOF to turn on).
   */
  apply?: (v: ConfigValue) => string | null;
}
interface BoolSpec extends BaseSpec {
  type: 'bool';
  default: boolean;
}
interface IntSpec extends BaseSpec {
  /** 'memory': memtoull syntax (MEMORY_CONFIG); 'int': string2ll syntax (INTEGER_CONFIG). */
  type: 'int' | 'memory';
  default: number;
  min: bigint;
  max: bigint;
  /** The C type is unsigned (unsigned int, unsigned long long, size_t): bounds are checked as unsigned. */
  unsigned?: boolean;
  /** PERCENT_CONFIG: "N%" is accepted and stored as -N. */
  percent?: boolean;
  /** Adjust the stored value (hz is capped to 1..500 by its apply function). */
  cap?: (v: bigint) => bigint;
}
interface EnumSpec extends BaseSpec {
  type: 'enum';
  default: string;
  /** In Redis's declaration order, which its error message lists. */
  values: string[];
}
interface StringSpec extends BaseSpec {
  type: 'string';
  default: string;
  /** is_valid_fn: an error text for a bad value. */
  validate?: (v: string) => string | null;
}
interface SpecialSpec extends BaseSpec {
  type: 'special';
  default: string;
  /** MULTI_ARG_CONFIG: the value is split on spaces before parsing. */
  multiArg?: boolean;
  /** Parse text into the stored value (given the current one), or return an error message (the part after " - "). */
  parse: (text: string, current: ConfigValue | undefined) => { value: ConfigValue } | { error: string };
  format: (v: ConfigValue) => string;
  /** Combine a new value with the current one (client-output-buffer-limit sets only the classes it names). */
  merge?: (old: ConfigValue, parsed: ConfigValue) => ConfigValue;
}
export type ConfigSpec = BoolSpec | IntSpec | EnumSpec | StringSpec | SpecialSpec;

const LLONG_MAX = 9223372036854775807n;
const LONG_MAX = LLONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const UINT_MAX = 4294967295n;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const MB = 1024 * 1024;

const NOTIFY_CLASSES = 'Ag$lshzxeKEtmdn';

/** sdssplitlen(value, " "): an empty value gives no arguments, consecutive spaces give empty ones. */
function splitArgsOnSpace(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

/**
 * C's strtoll(s, &end, 10) with the "*end == '\0'" check: leading whitespace and a sign allowed, the value
 * clamped to the signed 64-bit range on overflow. null when nothing or not everything was consumed.
 */
function strtollWhole(s: string): bigint | null {
  // strtoll("") consumes nothing and returns 0 with *end == '\0'.
  if (s === '') return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (m === null) return null;
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  return v > LLONG_MAX ? LLONG_MAX : v < -LLONG_MAX - 1n ? -LLONG_MAX - 1n : v;
}

function parseSave(text: string): { value: ConfigValue } | { error: string } {
  const args = splitArgsOnSpace(text);
  // A single "" clears the save points (handled by the empty split).
  if (args.length % 2 !== 0) return { error: 'Invalid save parameters' };
  const points: number[] = [];
  for (let j = 0; j < args.length; j++) {
    const v = strtollWhole(args[j]);
    // Seconds must be at least 1, changes at least 0 (config.c setConfigSaveOption).
    if (v === null || v < (j % 2 === 0 ? 1n : 0n)) return { error: 'Invalid save parameters' };
    // Seconds are a time_t, changes an int.
    points.push(Number(j % 2 === 0 ? v : BigInt.asIntN(32, v)));
  }
  return { value: points };
}

/** getClientTypeByName for client-output-buffer-limit: master is refused. */
const OBUF_CLASSES: Record<string, string> = { normal: 'normal', slave: 'replica', replica: 'replica', pubsub: 'pubsub' };

function parseOutputLimits(text: string): { value: ConfigValue } | { error: string } {
  const parts = splitArgsOnSpace(text);
  if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const out: Record<string, number[]> = {};
  for (let i = 0; i < parts.length; i += 4) {
    const cls = OBUF_CLASSES[parts[i].toLowerCase()];
    if (cls === undefined) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = memtoull(parts[i + 1]);
    const soft = memtoull(parts[i + 2]);
    const secs = strtollWhole(parts[i + 3]);
    // soft_seconds is an int.
    const secsInt = secs === null ? -1n : BigInt.asIntN(32, secs);
    if (hard === null || soft === null || secsInt < 0n) return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    out[cls] = [Number(hard), Number(soft), Number(secsInt)];
  }
  return { value: out };
}

/** latency-tracking-info-percentiles: doubles (string2d) between 0 and 100; a single "" is none. */
function parsePercentiles(text: string): { value: ConfigValue } | { error: string } {
  const args = splitArgsOnSpace(text);
  const out: number[] = [];
  if (args.length === 1 && args[0] === '') return { value: out };
  for (const a of args) {
    const p = parseDouble(a);
    if (p === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (p > 100 || p < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    out.push(p);
  }
  return { value: out };
}

/** chdir() semantics for `dir`: relative to the current directory; the stored value is absolute. */
function parseDir(text: string, current: ConfigValue | undefined): { value: ConfigValue } | { error: string } {
  const base = typeof current === 'string' && current !== '' ? current : process.cwd();
  if (text === '') return { error: 'No such file or directory' };
  const target = path.resolve(base, text);
  try {
    if (!fs.statSync(target).isDirectory()) return { error: 'Not a directory' };
    fs.accessSync(target, fs.constants.X_OK);
  } catch (e) {
    return { error: strerrorOf(e) };
  }
  return { value: target };
}

function strerrorOf(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EACCES':
      return 'Permission denied';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'File name too long';
    default:
      return (e as Error)?.message ?? String(e);
  }
}

/** pathIsBaseName: no '/' and no '\'. */
function baseNameOnly(what: string, kind: string): (v: string) => string | null {
  return (v) => (v.includes('/') || v.includes('\\') ? `${what} can't be a path, just a ${kind}` : null);
}

export const CONFIG_SPECS: ConfigSpec[] = [
  { name: 'port', type: 'int', default: 6379, min: 0n, max: 65535n },
  {
    // Redis's default is "* -::*"; Cinnabar ships with the loopback default of Redis's own redis.conf.
    name: 'bind',
    type: 'special',
    default: '127.0.0.1 -::1',
    multiArg: true,
    parse: (text) => {
      const args = splitArgsOnSpace(text);
      if (args.length > 16) return { error: 'Too many bind addresses specified.' };
      // A single empty argument is no address at all.
      return { value: args.length === 1 && args[0] === '' ? '' : args.join(' ') };
    },
    format: (v) => v as string,
  },
  { name: 'protected-mode', type: 'bool', default: true },
  { name: 'tcp-backlog', type: 'int', default: 511, min: 0n, max: INT_MAX, immutable: true },
  { name: 'timeout', type: 'int', default: 0, min: 0n, max: INT_MAX },
  { name: 'tcp-keepalive', type: 'int', default: 300, min: 0n, max: INT_MAX },
  { name: 'daemonize', type: 'bool', default: false, immutable: true },
  { name: 'pidfile', type: 'string', default: '', immutable: true },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning'] },
  { name: 'logfile', type: 'string', default: '', immutable: true },
  { name: 'databases', type: 'int', default: 16, min: 1n, max: INT_MAX, immutable: true },
  {
    name: 'save',
    type: 'special',
    default: '3600 1 300 100 60 10000',
    multiArg: true,
    parse: parseSave,
    format: (v) => (v as number[]).join(' '),
  },
  { name: 'stop-writes-on-bgsave-error', type: 'bool', default: true },
  { name: 'rdbcompression', type: 'bool', default: true },
  { name: 'rdbchecksum', type: 'bool', default: true, immutable: true },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb', protected: true, validate: baseNameOnly('dbfilename', 'filename') },
  // The empty default stands for the process's working directory, resolved when the table is built.
  { name: 'dir', type: 'special', default: '', protected: true, parse: parseDir, format: (v) => v as string },
  { name: 'requirepass', type: 'string', default: '' },
  { name: 'maxclients', type: 'int', default: 10000, min: 1n, max: UINT_MAX, unsigned: true },
  { name: 'maxmemory', type: 'memory', default: 0, min: 0n, max: ULLONG_MAX, unsigned: true },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'maxmemory-samples', type: 'int', default: 5, min: 1n, max: INT_MAX },
  {
    // Cinnabar persists with RDB snapshots only: turning AOF on fails the way a failed startAppendOnly does.
    name: 'appendonly',
    type: 'bool',
    default: false,
    apply: (v) => (v === true ? 'Unable to turn on AOF. Check server logs.' : null),
  },
  { name: 'appendfilename', type: 'string', default: 'appendonly.aof', immutable: true },
  { name: 'appenddirname', type: 'string', default: 'appendonlydir', immutable: true },
  { name: 'appendfsync', type: 'enum', default: 'everysec', values: ['everysec', 'always', 'no'] },
  // updateHZ: any value is accepted and capped to CONFIG_MIN_HZ..CONFIG_MAX_HZ.
  { name: 'hz', type: 'int', default: 10, min: 0n, max: INT_MAX, cap: (v) => (v < 1n ? 1n : v > 500n ? 500n : v) },
  { name: 'dynamic-hz', type: 'bool', default: true },
  { name: 'active-expire-effort', type: 'int', default: 1, min: 1n, max: 10n },
  {
    name: 'notify-keyspace-events',
    type: 'special',
    default: '',
    parse: (text) => {
      for (const ch of text) if (!NOTIFY_CLASSES.includes(ch)) return { error: `Invalid event class character. Use '${NOTIFY_CLASSES}'.` };
      return { value: text };
    },
    format: (v) => formatNotifyFlags(parseNotifyFlags(v as string)),
  },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: 'int', default: 512, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: 'memory', default: 64, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: 'int', default: -2, min: INT_MIN, max: INT_MAX },
  { name: 'list-compress-depth', type: 'int', default: 0, min: 0n, max: INT_MAX },
  { name: 'set-max-intset-entries', type: 'int', default: 512, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: 'int', default: 128, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: 'memory', default: 64, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'proto-max-bulk-len', type: 'memory', default: 512 * MB, min: BigInt(MB), max: LONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: 1024 * MB, min: BigInt(MB), max: LONG_MAX, unsigned: true },
  {
    name: 'client-output-buffer-limit',
    type: 'special',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    multiArg: true,
    parse: parseOutputLimits,
    merge: (old, parsed) => ({ ...(old as Record<string, number[]>), ...(parsed as Record<string, number[]>) }),
    format: (v) => {
      const o = v as Record<string, number[]>;
      return ['normal', 'replica', 'pubsub']
        .map((c) => `${c === 'replica' ? 'slave' : c} ${(o[c] ?? [0, 0, 0]).join(' ')}`)
        .join(' ');
    },
  },
  { name: 'slowlog-log-slower-than', type: 'int', default: 10000, min: -1n, max: LLONG_MAX },
  { name: 'slowlog-max-len', type: 'int', default: 128, min: 0n, max: LONG_MAX },
  { name: 'latency-tracking', type: 'bool', default: true },
  {
    name: 'latency-tracking-info-percentiles',
    type: 'special',
    default: '50 99 99.9',
    multiArg: true,
    parse: parsePercentiles,
    format: (v) => (v as number[]).map(printfTrimmed).join(' '),
  },
  { name: 'latency-monitor-threshold', type: 'int', default: 0, min: 0n, max: LLONG_MAX },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', type: 'int', default: 5000, min: 0n, max: LONG_MAX },
  { name: 'lfu-log-factor', type: 'int', default: 10, min: 0n, max: INT_MAX },
  { name: 'lfu-decay-time', type: 'int', default: 1, min: 0n, max: INT_MAX },
  { name: 'tracking-table-max-keys', type: 'int', default: 1000000, min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'maxmemory-clients', type: 'memory', default: 0, min: -100n, max: LLONG_MAX, percent: true },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'enable-protected-configs', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'enable-module-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  // Accepted for compatibility with configuration files and clients; they tune Redis internals that have no
  // counterpart in Cinnabar (threads, lazy freeing, incremental rehashing), so setting them changes nothing.
  { name: 'io-threads', type: 'int', default: 1, min: 1n, max: 128n, immutable: true },
  { name: 'activerehashing', type: 'bool', default: true },
  { name: 'lazyfree-lazy-eviction', type: 'bool', default: false },
  { name: 'lazyfree-lazy-expire', type: 'bool', default: false },
  { name: 'lazyfree-lazy-server-del', type: 'bool', default: false },
  { name: 'lazyfree-lazy-user-del', type: 'bool', default: false },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', default: false },
  { name: 'supervised', type: 'enum', default: 'no', values: ['upstart', 'systemd', 'auto', 'no'], immutable: true },
];

const MEMORY_UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case), no sign. "" and a
 * bare unit are 0; an overflowing number saturates at 2^64-1 (strtoull) and the multiplication wraps.
 */
function memtoull(text: string): bigint | null {
  const m = /^(\d*)([a-zA-Z]*)$/.exec(text);
  if (m === null) return null;
  const mul = MEMORY_UNITS[m[2].toLowerCase()];
  if (mul === undefined || m[1].length >= 128) return null;
  let v = m[1] === '' ? 0n : BigInt(m[1]);
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return BigInt.asUintN(64, v * mul);
}

/** Parse a memory value like Redis's memtoull: "1gb", "100mb", "512k", "1024". null when invalid. */
export function parseMemory(text: string): number | null {
  const v = memtoull(text);
  return v === null ? null : Number(v);
}

export class ConfigError extends Error {}

/** One name under which CONFIG GET/SET find a parameter: its name, or its alias (Redis registers both). */
interface ConfigEntry {
  key: string;
  spec: ConfigSpec;
}

/** Live configuration: the parsed value of every parameter. */
export class Config {
  private values = new Map<string, ConfigValue>();
  /** Exact value of the numeric parameters (CONFIG GET prints these). */
  private exact = new Map<string, bigint>();
  private readonly specs = new Map<string, ConfigSpec>();
  private readonly entries: ConfigEntry[] = [];
  /** Called after a parameter changed (server applies port, hz, limits...). */
  onChange: ((name: string) => void) | null = null;

  constructor() {
    for (const s of CONFIG_SPECS) {
      this.specs.set(s.name, s);
      this.entries.push({ key: s.name, spec: s });
      if (s.alias) {
        this.specs.set(s.alias, s);
        this.entries.push({ key: s.alias, spec: s });
      }
      const text = s.type === 'special' ? (s.name === 'dir' ? process.cwd() : s.default) : s.type === 'bool' ? (s.default ? 'yes' : 'no') : String(s.default);
      const r = this.parse(s, text);
      if ('error' in r) throw new Error(`bad default for ${s.name}`);
      this.store(s, r.value);
    }
  }

  spec(name: string): ConfigSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  get(name: string): ConfigValue {
    // Code asks by canonical name (one lookup); an alias goes through its spec.
    const v = this.values.get(name);
    if (v !== undefined) return v;
    const s = this.specs.get(name);
    if (s === undefined) throw new Error(`unknown config ${name}`);
    return this.values.get(s.name)!;
  }
  num(name: string): number {
    return this.get(name) as number;
  }
  bool(name: string): boolean {
    return this.get(name) as boolean;
  }
  str(name: string): string {
    return this.get(name) as string;
  }

  /**
   * Bumped on every change: per-command hooks cache the parameters they read and refresh them only when it
   * moved, instead of looking them up on every call.
   */
  version = 0;

  private store(s: ConfigSpec, v: ConfigValue): void {
    this.version++;
    if (s.type === 'special' && s.merge !== undefined && this.values.has(s.name)) v = s.merge(this.values.get(s.name)!, v);
    if ((s.type === 'int' || s.type === 'memory') && typeof v === 'bigint') {
      let exact = v as bigint;
      if (s.cap !== undefined) exact = s.cap(exact);
      this.exact.set(s.name, exact);
      // Memory values of unsigned types are read back as unsigned (ull2string).
      v = Number(s.type === 'memory' && exact < 0n && !(s.percent ?? false) ? BigInt.asUintN(64, exact) : exact);
    }
    this.values.set(s.name, v);
  }

  /** The text CONFIG GET shows for a parameter. */
  format(s: ConfigSpec): string {
    const v = this.values.get(s.name)!;
    switch (s.type) {
      case 'bool':
        return v ? 'yes' : 'no';
      case 'int':
      case 'memory': {
        const x = this.exact.get(s.name)!;
        if (s.percent && x < 0n) return `${-x}%`;
        return String(s.type === 'memory' ? BigInt.asUintN(64, x) : x);
      }
      case 'enum':
      case 'string':
        return v as string;
      case 'special':
        return s.format(v);
    }
  }

  /**
   * Parse text for a parameter, without applying it. Numeric parameters parse to a bigint (store() keeps
   * it exactly and exposes a number).
   */
  parse(s: ConfigSpec, text: string): { value: ConfigValue } | { error: string } {
    switch (s.type) {
      case 'bool': {
        const t = text.toLowerCase();
        if (t === 'yes') return { value: true };
        if (t === 'no') return { value: false };
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'int':
      case 'memory':
        return parseNumeric(s, text);
      case 'enum': {
        const t = text.toLowerCase();
        if (!s.values.includes(t)) return { error: `argument(s) must be one of the following: ${s.values.join(', ')}` };
        return { value: t };
      }
      case 'string': {
        const err = s.validate?.(text) ?? null;
        return err === null ? { value: text } : { error: err };
      }
      case 'special':
        return s.parse(text, this.values.get(s.name));
    }
  }

  /** Set from trusted sources (config file, flags, tests); throws ConfigError with Redis's message part. */
  set(name: string, text: string): void {
    const s = this.spec(name);
    if (s === undefined) throw new ConfigError(`Bad directive or wrong number of arguments`);
    const r = this.parse(s, text);
    if ('error' in r) throw new ConfigError(r.error);
    this.store(s, r.value);
  }

  /**
   * CONFIG SET of several pairs, all or nothing, with configSetCommand's checks in its order: each name is
   * looked up (an unknown one is reported first of all), refused when immutable or protected, or repeated
   * (a name and its alias are different entries, as in Redis); then every value is parsed and set, then the
   * apply functions run, and any failure restores the previous values. Returns null on success or the
   * full error text. `allowProtected`: enable-protected-configs permits it for this client.
   */
  setMany(pairs: Array<[string, string]>, allowProtected: boolean): string | null {
    let unknown: string | null = null;
    let failure: string | null = null;
    const used: string[] = [];
    const specs: ConfigSpec[] = [];
    for (const [name] of pairs) {
      const lower = name.toLowerCase();
      const s = this.specs.get(lower);
      if (s === undefined) {
        if (unknown === null && failure === null) unknown = name;
        continue;
      }
      specs.push(s);
      if (unknown !== null || failure !== null) continue;
      // The entry's own name: the canonical one, or the alias it was called by.
      const entry = s.alias === lower ? s.alias : s.name;
      if (s.immutable || (s.protected && !allowProtected)) {
        failure = `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set ${s.immutable ? 'immutable' : 'protected'} config`;
      } else if (used.includes(entry)) {
        failure = `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
      }
      used.push(entry);
    }
    if (unknown !== null) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`;
    if (failure !== null) return failure;
    const parsed: Array<[ConfigSpec, ConfigValue]> = [];
    for (let i = 0; i < pairs.length; i++) {
      const r = this.parse(specs[i], pairs[i][1]);
      if ('error' in r) return `ERR CONFIG SET failed (possibly related to argument '${used[i]}') - ${r.error}`;
      parsed.push([specs[i], r.value]);
    }
    const old = new Map<string, ConfigValue>();
    const oldExact = new Map<string, bigint>();
    for (const [s] of parsed) {
      if (!old.has(s.name)) old.set(s.name, this.values.get(s.name)!);
      const x = this.exact.get(s.name);
      if (x !== undefined && !oldExact.has(s.name)) oldExact.set(s.name, x);
    }
    for (const [s, v] of parsed) this.store(s, v);
    for (let i = 0; i < parsed.length; i++) {
      const s = parsed[i][0];
      const err = s.apply?.(this.values.get(s.name)!) ?? null;
      if (err !== null) {
        for (const [n, v] of old) this.values.set(n, v);
        for (const [n, x] of oldExact) this.exact.set(n, x);
        this.version++;
        return `ERR CONFIG SET failed (possibly related to argument '${used[i]}') - ${err}`;
      }
    }
    for (const [s] of parsed) this.onChange?.(s.name);
    return null;
  }

  /**
   * CONFIG GET: parameters by exact name (the reply uses the name as given; names compare without case) or
   * by glob over every name and alias, each parameter name once. Returns [name, value text] pairs.
   */
  getMatching(patterns: string[], globMatch: (pattern: string, text: string) => boolean): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const lower = pattern.toLowerCase();
        const s = this.specs.get(lower);
        if (s === undefined || seen.has(lower)) continue;
        seen.add(lower);
        out.push([pattern, this.format(s)]);
        continue;
      }
      for (const e of this.entries) {
        if (seen.has(e.key) || !globMatch(pattern, e.key)) continue;
        seen.add(e.key);
        out.push([e.key, this.format(e.spec)]);
      }
    }
    return out;
  }

  /** Every parameter (canonical entries only). */
  all(): ConfigSpec[] {
    return CONFIG_SPECS;
  }
}

/** numericParseString + numericBoundaryCheck of config.c. */
function parseNumeric(s: IntSpec, text: string): { value: bigint } | { error: string } {
  let v: bigint | null = null;
  if (s.type === 'memory') {
    const u = memtoull(text);
    if (u !== null) v = BigInt.asIntN(64, u);
  } else {
    v = parseI64(text);
  }
  if (v === null && s.percent && text.length > 1 && text.endsWith('%')) {
    const p = parseI64(text.slice(0, -1));
    if (p !== null && p >= 0n) v = -p;
  }
  if (v === null) {
    if (s.type === 'memory') return { error: s.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
    return { error: "argument couldn't be parsed into an integer" };
  }
  if (s.unsigned) {
    const u = BigInt.asUintN(64, v);
    if (u > s.max || u < s.min) return { error: `argument must be between ${s.min} and ${s.max} inclusive` };
  } else if (s.percent && v < 0n) {
    if (v < s.min) return { error: `percentage argument must be less or equal to ${-s.min}` };
  } else if (v > s.max || v < s.min) {
    return { error: `argument must be between ${s.min} and ${s.max} inclusive` };
  }
  return { value: v };
}
