/**
 * The configuration table: every parameter Cinnabar knows, declared once with its type, default, bounds and
 * flags, as Redis 7.0's config.c standardConfig table does. CONFIG GET/SET/REWRITE, the config file and the
 * `--name value` command-line flags all go through it, so a parameter behaves the same from every entry point
 * and the error texts are Redis's own. Values are kept in their parsed form; `format` turns them back into
 * the text CONFIG GET shows. Parameters whose effect Cinnabar does not have (they tune Redis internals such
 * as lazy freeing or rehashing) are still accepted and reported, because clients and configuration files set
 * them, but they are marked as such in their declaration.
 */

import { formatNotifyFlags, parseNotifyFlags } from './notify';

export type ConfigValue = string | number | boolean | ConfigValue[] | Record<string, number[]>;

interface BaseSpec {
  name: string;
  alias?: string;
  immutable?: boolean;
  protected?: boolean;
}
interface BoolSpec extends BaseSpec {
  type: 'bool';
  default: boolean;
}
interface IntSpec extends BaseSpec {
  type: 'int' | 'memory';
  default: number;
  min: number;
  max: number;
  /** Values above max are clamped instead of rejected (hz). */
  clamp?: boolean;
}
interface EnumSpec extends BaseSpec {
  type: 'enum';
  default: string;
  values: string[];
}
interface StringSpec extends BaseSpec {
  type: 'string';
  default: string;
}
interface SpecialSpec extends BaseSpec {
  type: 'special';
  default: string;
  /** Parse text into the stored value, or return an error message (the part after " - "). */
  parse: (text: string) => { value: ConfigValue } | { error: string };
  format: (v: ConfigValue) => string;
  /** Combine a new value with the current one (client-output-buffer-limit sets only the classes it names). */
  merge?: (old: ConfigValue, parsed: ConfigValue) => ConfigValue;
}
export type ConfigSpec = BoolSpec | IntSpec | EnumSpec | StringSpec | SpecialSpec;

const LLONG_MAX = 9223372036854775807;
const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;

const NOTIFY_CLASSES = 'Ag$lshzxeKEtmdn';

function parseSave(text: string): { value: ConfigValue } | { error: string } {
  const parts = text.split(' ').filter((p) => p !== '');
  if (parts.length % 2 !== 0) return { error: 'Invalid save parameters' };
  const points: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!/^-?\d+$/.test(p)) return { error: 'Invalid save parameters' };
    const n = Number(p);
    // Seconds must be at least 1, changes at least 0 (config.c setConfigSaveOption).
    if (n < (i % 2 === 0 ? 1 : 0)) return { error: 'Invalid save parameters' };
    points.push(n);
  }
  return { value: points };
}

function parseOutputLimits(text: string): { value: ConfigValue } | { error: string } {
  const parts = text.split(' ').filter((p) => p !== '');
  if (parts.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const out: Record<string, number[]> = {};
  for (let i = 0; i < parts.length; i += 4) {
    let cls = parts[i].toLowerCase();
    if (cls === 'slave' || cls === 'replica') cls = 'replica';
    if (cls !== 'normal' && cls !== 'replica' && cls !== 'pubsub') return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseMemory(parts[i + 1]);
    const soft = parseMemory(parts[i + 2]);
    const secs = /^\d+$/.test(parts[i + 3]) ? Number(parts[i + 3]) : NaN;
    if (hard === null || soft === null || Number.isNaN(secs)) return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    out[cls] = [hard, soft, secs];
  }
  return { value: out };
}

export const CONFIG_SPECS: ConfigSpec[] = [
  { name: 'port', type: 'int', default: 6379, min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '127.0.0.1 -::1' },
  { name: 'protected-mode', type: 'bool', default: true },
  { name: 'tcp-backlog', type: 'int', default: 511, min: 0, max: INT_MAX, immutable: true },
  { name: 'timeout', type: 'int', default: 0, min: 0, max: INT_MAX },
  { name: 'tcp-keepalive', type: 'int', default: 300, min: 0, max: INT_MAX },
  { name: 'daemonize', type: 'bool', default: false, immutable: true },
  { name: 'pidfile', type: 'string', default: '', immutable: true },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning'] },
  { name: 'logfile', type: 'string', default: '', immutable: true },
  { name: 'databases', type: 'int', default: 16, min: 1, max: INT_MAX, immutable: true },
  {
    name: 'save',
    type: 'special',
    default: '3600 1 300 100 60 10000',
    parse: parseSave,
    format: (v) => (v as number[]).join(' '),
  },
  { name: 'stop-writes-on-bgsave-error', type: 'bool', default: true },
  { name: 'rdbcompression', type: 'bool', default: true },
  { name: 'rdbchecksum', type: 'bool', default: true },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb', protected: true },
  { name: 'dir', type: 'string', default: '', protected: true },
  { name: 'requirepass', type: 'string', default: '' },
  { name: 'maxclients', type: 'int', default: 10000, min: 1, max: UINT_MAX },
  { name: 'maxmemory', type: 'memory', default: 0, min: 0, max: LLONG_MAX },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'maxmemory-samples', type: 'int', default: 5, min: 1, max: INT_MAX },
  { name: 'appendonly', type: 'bool', default: false },
  { name: 'appendfilename', type: 'string', default: 'appendonly.aof', immutable: true },
  { name: 'appenddirname', type: 'string', default: 'appendonlydir', immutable: true },
  { name: 'appendfsync', type: 'enum', default: 'everysec', values: ['always', 'everysec', 'no'] },
  { name: 'hz', type: 'int', default: 10, min: 0, max: 500, clamp: true },
  { name: 'dynamic-hz', type: 'bool', default: true },
  { name: 'active-expire-effort', type: 'int', default: 1, min: 1, max: 10 },
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
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: 'int', default: 128, min: 0, max: LLONG_MAX },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: 'memory', default: 64, min: 0, max: LLONG_MAX },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: 'int', default: -2, min: -2147483648, max: INT_MAX },
  { name: 'list-compress-depth', type: 'int', default: 0, min: 0, max: INT_MAX },
  { name: 'set-max-intset-entries', type: 'int', default: 512, min: 0, max: LLONG_MAX },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: 'int', default: 128, min: 0, max: LLONG_MAX },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: 'memory', default: 64, min: 0, max: LLONG_MAX },
  { name: 'proto-max-bulk-len', type: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: LLONG_MAX },
  {
    name: 'client-output-buffer-limit',
    type: 'special',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    parse: parseOutputLimits,
    merge: (old, parsed) => ({ ...(old as Record<string, number[]>), ...(parsed as Record<string, number[]>) }),
    format: (v) => {
      const o = v as Record<string, number[]>;
      return ['normal', 'replica', 'pubsub']
        .map((c) => `${c === 'replica' ? 'slave' : c} ${(o[c] ?? [0, 0, 0]).join(' ')}`)
        .join(' ');
    },
  },
  { name: 'slowlog-log-slower-than', type: 'int', default: 10000, min: -1, max: LLONG_MAX },
  { name: 'slowlog-max-len', type: 'int', default: 128, min: 0, max: LLONG_MAX },
  { name: 'latency-monitor-threshold', type: 'int', default: 0, min: 0, max: LLONG_MAX },
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', type: 'int', default: 5000, min: 0, max: LLONG_MAX },
  { name: 'lfu-log-factor', type: 'int', default: 10, min: 0, max: INT_MAX },
  { name: 'lfu-decay-time', type: 'int', default: 1, min: 0, max: INT_MAX },
  { name: 'tracking-table-max-keys', type: 'int', default: 1000000, min: 0, max: LLONG_MAX },
  { name: 'maxmemory-clients', type: 'memory', default: 0, min: 0, max: LLONG_MAX },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'enable-protected-configs', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'enable-module-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  // Accepted for compatibility with configuration files and clients; they tune Redis internals that have no
  // counterpart in Cinnabar (threads, lazy freeing, incremental rehashing), so setting them changes nothing.
  { name: 'io-threads', type: 'int', default: 1, min: 1, max: 128, immutable: true },
  { name: 'activerehashing', type: 'bool', default: true },
  { name: 'lazyfree-lazy-eviction', type: 'bool', default: false },
  { name: 'lazyfree-lazy-expire', type: 'bool', default: false },
  { name: 'lazyfree-lazy-server-del', type: 'bool', default: false },
  { name: 'lazyfree-lazy-user-del', type: 'bool', default: false },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', default: false },
  { name: 'supervised', type: 'enum', default: 'no', values: ['upstart', 'systemd', 'auto', 'no'], immutable: true },
];

/** Parse a memory value like Redis's memtoull: "1gb", "100mb", "512k", "1024". null when invalid. */
export function parseMemory(text: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (m === null) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };
  return n * mul[unit];
}

export class ConfigError extends Error {}

/** Live configuration: the parsed value of every parameter. */
export class Config {
  private values = new Map<string, ConfigValue>();
  private readonly specs = new Map<string, ConfigSpec>();
  /** Called after a parameter changed (server applies port, hz, limits...). */
  onChange: ((name: string) => void) | null = null;

  constructor() {
    for (const s of CONFIG_SPECS) {
      this.specs.set(s.name, s);
      if (s.alias) this.specs.set(s.alias, s);
      const r = this.parse(s, s.type === 'special' ? s.default : s.type === 'bool' ? (s.default ? 'yes' : 'no') : String(s.default));
      if ('error' in r) throw new Error(`bad default for ${s.name}`);
      this.values.set(s.name, r.value);
    }
  }

  spec(name: string): ConfigSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  get(name: string): ConfigValue {
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

  private store(s: ConfigSpec, v: ConfigValue): void {
    if (s.type === 'special' && s.merge !== undefined) v = s.merge(this.values.get(s.name)!, v);
    this.values.set(s.name, v);
  }

  /** The text CONFIG GET shows for a parameter. */
  format(s: ConfigSpec): string {
    const v = this.values.get(s.name)!;
    switch (s.type) {
      case 'bool':
        return v ? 'yes' : 'no';
      case 'int':
      case 'memory':
        return String(v);
      case 'enum':
      case 'string':
        return v as string;
      case 'special':
        return s.format(v);
    }
  }

  /** Parse text for a parameter, without applying it. */
  parse(s: ConfigSpec, text: string): { value: ConfigValue } | { error: string } {
    switch (s.type) {
      case 'bool': {
        const t = text.toLowerCase();
        if (t === 'yes') return { value: true };
        if (t === 'no') return { value: false };
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'int':
      case 'memory': {
        let n: number | null;
        if (s.type === 'memory') {
          n = text.startsWith('-') ? parseMemoryNeg(text) : parseMemory(text);
          if (n === null) return { error: 'argument must be a memory value' };
        } else {
          n = /^-?\d+$/.test(text) ? Number(text) : null;
          if (n === null) return { error: "argument couldn't be parsed into an integer" };
        }
        if (s.clamp && n > s.max) n = s.max;
        if (n < s.min || n > s.max) return { error: `argument must be between ${s.min} and ${s.max === LLONG_MAX ? '9223372036854775807' : s.max} inclusive` };
        return { value: n };
      }
      case 'enum': {
        const t = text.toLowerCase();
        if (!s.values.includes(t)) return { error: `argument(s) must be one of the following: ${s.values.join(', ')}` };
        return { value: t };
      }
      case 'string':
        return { value: text };
      case 'special':
        return s.parse(text);
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
   * CONFIG SET of several pairs, all or nothing. Returns null on success or the full error text.
   * `allowProtected`: enable-protected-configs permits it for this client.
   */
  setMany(pairs: Array<[string, string]>, allowProtected: boolean): string | null {
    const seen = new Set<string>();
    const parsed: Array<[ConfigSpec, ConfigValue]> = [];
    for (const [name] of pairs) {
      const s = this.spec(name);
      if (s === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
    }
    for (const [name, text] of pairs) {
      const s = this.spec(name)!;
      const fail = (msg: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${msg}`;
      if (seen.has(s.name)) return fail('duplicate parameter');
      seen.add(s.name);
      if (s.immutable) return fail("can't set immutable config");
      if (s.protected && !allowProtected) return fail("can't set protected config");
      const r = this.parse(s, text);
      if ('error' in r) return fail(r.error);
      parsed.push([s, r.value]);
    }
    for (const [s, v] of parsed) this.store(s, v);
    for (const [s] of parsed) this.onChange?.(s.name);
    return null;
  }

  /** Parameters matching a glob, as [name, text] pairs (aliases included when they match, as Redis does). */
  all(): ConfigSpec[] {
    return CONFIG_SPECS;
  }
}

function parseMemoryNeg(text: string): number | null {
  const n = parseMemory(text.slice(1));
  return n === null ? null : -n;
}
