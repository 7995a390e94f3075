/**
 * The command table: one entry per command Cinnabar implements, joining Redis's metadata (arity, flags, key
 * specs, docs: see meta.ts) with the handler that executes it. It is the single source for dispatch, the arity
 * check, COMMAND's output and per-command statistics, as Redis's server.commands dict is.
 *
 * Each group module (strings.ts, keys.ts...) exports a list of CommandDef; the table refuses to start when a
 * definition has no Redis metadata, so a typo cannot silently create a command Redis does not have. Container
 * commands (CLIENT, CONFIG, COMMAND, OBJECT...) list their subcommands, and only the implemented ones appear in
 * COMMAND output; an unimplemented subcommand answers like an unknown one.
 *
 * Key extraction lives here beside the key specs (commandKeys, for COMMAND GETKEYS and CLIENT TRACKING). It
 * follows db.c: key specs when their flags are reliable, else the command's getkeys_proc (SORT's STORE, the
 * numkeys commands when the count does not fit, SET with GET...), with Redis's quirks kept (atoi() of
 * numkeys in the fallback, the last STORE wins).
 */

import type { Client } from '../client';
import { loadCommandMeta, mapGet, MetaNode, setMembers } from './meta';
import { parseI64 } from '../util/numbers';

export type Handler = (c: Client, argv: string[]) => void;

export interface CommandDef {
  name: string;
  handler?: Handler;
  subcommands?: CommandDef[];
}

/** Flag bits used at run time (the full list stays in the metadata for COMMAND INFO). */
export const F = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  admin: 1 << 3,
  pubsub: 1 << 4,
  noscript: 1 << 5,
  blocking: 1 << 6,
  loading: 1 << 7,
  stale: 1 << 8,
  skipMonitor: 1 << 9,
  skipSlowlog: 1 << 10,
  fast: 1 << 11,
  noAuth: 1 << 12,
  noMulti: 1 << 13,
  movablekeys: 1 << 14,
  allowBusy: 1 << 15,
} as const;

const FLAG_NAMES: Record<string, number> = {
  write: F.write,
  readonly: F.readonly,
  denyoom: F.denyoom,
  admin: F.admin,
  pubsub: F.pubsub,
  noscript: F.noscript,
  blocking: F.blocking,
  loading: F.loading,
  stale: F.stale,
  skip_monitor: F.skipMonitor,
  skip_slowlog: F.skipSlowlog,
  fast: F.fast,
  no_auth: F.noAuth,
  no_multi: F.noMulti,
  movablekeys: F.movablekeys,
  allow_busy: F.allowBusy,
};

/** A key spec as Redis keeps it (begin_search, find_keys) with its flags (RO, access, incomplete...). */
export interface KeySpec {
  flags: string[];
  bs: { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startFrom: number } | { type: 'unknown' };
  fk:
    | { type: 'range'; lastKey: number; keyStep: number; limit: number }
    | { type: 'keynum'; keyNumIdx: number; firstKey: number; keyStep: number }
    | { type: 'unknown' };
}

export class CommandSpec {
  readonly name: string;
  /** "client|kill" for subcommands, the name for top-level commands. */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: number;
  readonly aclCategories: string[];
  readonly keySpecs: KeySpec[];
  readonly group: string;
  readonly handler: Handler;
  readonly subcommands: Map<string, CommandSpec> | null;
  readonly parent: CommandSpec | null;
  /** COMMAND INFO and DOCS replies, restricted to implemented subcommands. */
  readonly info: MetaNode[];
  readonly docs: MetaNode;
  // Statistics (INFO commandstats).
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(def: CommandDef, info: MetaNode[], docs: MetaNode, parent: CommandSpec | null, help?: string[]) {
    this.fullName = info[0] as string;
    this.name = def.name;
    this.parent = parent;
    this.arity = info[1] as number;
    let flags = 0;
    for (const f of setMembers(info[2])) flags |= FLAG_NAMES[f] ?? 0;
    this.flags = flags;
    this.aclCategories = setMembers(info[6]);
    this.keySpecs = parseKeySpecs(info[8]);
    this.group = String(mapGet(docs, 'group') ?? '');
    if (def.subcommands !== undefined) {
      const subInfos = new Map<string, MetaNode[]>();
      for (const s of info[9] as MetaNode[][]) subInfos.set(s[0] as string, s);
      const subDocs = mapGet(docs, 'subcommands');
      this.subcommands = new Map();
      const keptInfo: MetaNode[] = [];
      const keptDocs: MetaNode[] = [];
      for (const sd of def.subcommands) {
        const full = `${def.name}|${sd.name}`;
        const si = subInfos.get(full);
        if (si === undefined) throw new Error(`command table: Redis has no subcommand ${full}`);
        const sdoc = mapGet(subDocs, full) ?? { m: [] };
        const subDef = sd.name === 'help' && sd.handler === undefined ? { name: 'help', handler: helpHandler(filterHelp(help ?? [], def.subcommands)) } : sd;
        const spec = new CommandSpec(subDef, si, sdoc, this);
        this.subcommands.set(sd.name, spec);
        keptInfo.push(si);
        keptDocs.push(full, sdoc);
      }
      this.info = [...info.slice(0, 9), keptInfo];
      const m = (docs as { m: MetaNode[] }).m.slice();
      for (let i = 0; i < m.length; i += 2) if (m[i] === 'subcommands') m[i + 1] = { m: keptDocs };
      this.docs = { m };
      this.handler = def.handler ?? (() => undefined);
    } else {
      if (def.handler === undefined) throw new Error(`command table: ${this.fullName} has no handler`);
      this.subcommands = null;
      this.info = info;
      this.docs = docs;
      this.handler = def.handler;
    }
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** True when argc satisfies the arity (Redis: exact when positive, at least -arity when negative). */
  arityOk(argc: number): boolean {
    const a = this.arity;
    return a > 0 ? argc === a : argc >= -a;
  }
}

/**
 * Redis's HELP text for a container, without the entries of subcommands Cinnabar does not implement: an entry
 * is a line starting in column 0 plus its indented continuation lines.
 */
function filterHelp(lines: string[], subs: CommandDef[]): string[] {
  const names = new Set(subs.map((s) => s.name));
  const out: string[] = [];
  let keep = true;
  lines.forEach((line, i) => {
    if (i === 0) {
      out.push(line);
      return;
    }
    if (!line.startsWith(' ')) {
      const word = /^[A-Za-z-]+/.exec(line)?.[0].toLowerCase() ?? '';
      keep = names.has(word) || word === 'help';
    }
    if (keep) out.push(line);
  });
  return out;
}

function helpHandler(lines: string[]): Handler {
  return (c) => {
    c.reply.arrayLen(lines.length);
    for (const l of lines) c.reply.simple(l);
  };
}

// ---- Key extraction (db.c: getKeysFromCommandWithSpecs and the getkeys_procs): COMMAND GETKEYS, tracking ----

/** One key argument found: its position in the command's argv and its key-spec flags (RO, access...). */
export interface KeyRef {
  pos: number;
  flags: readonly string[];
}

function parseKeySpecs(node: MetaNode): KeySpec[] {
  const specs: KeySpec[] = [];
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
  return specs;
}

/** getKeysUsingKeySpecs: null when a spec cannot be resolved (unknown, incomplete, out of bounds). */
function keysFromSpecs(specs: KeySpec[], argv: string[]): KeyRef[] | null {
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
export function atoi(s: string): number {
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

/**
 * getKeysFromCommandWithSpecs: the key arguments of a command line (COMMAND GETKEYS, CLIENT TRACKING), from
 * the key specs when their flags are reliable, else from the command's getkeys_proc. The argv's arity must
 * already have been checked.
 */
export function commandKeys(cmd: CommandSpec, argv: string[]): KeyRef[] {
  const specs = cmd.keySpecs;
  let hasKeySpec = false;
  let hasVarFlags = false;
  for (let i = 0; i < specs.length; i++) {
    if (!specs[i].flags.includes('not_key')) hasKeySpec = true;
    if (specs[i].flags.includes('variable_flags')) hasVarFlags = true;
  }
  if (hasKeySpec && !hasVarFlags) {
    const keys = keysFromSpecs(specs, argv);
    if (keys !== null) return keys;
  }
  const proc = GETKEYS_PROCS[cmd.fullName];
  return proc === undefined ? [] : proc(argv);
}

/** Whether a command has key arguments at all (a getkeys_proc or a key spec that is not `not_key`). */
export function hasKeyArguments(cmd: CommandSpec): boolean {
  return GETKEYS_PROCS[cmd.fullName] !== undefined || cmd.keySpecs.some((s) => !s.flags.includes('not_key'));
}

export class CommandTable {
  readonly commands = new Map<string, CommandSpec>();

  constructor(groups: CommandDef[][]) {
    const meta = loadCommandMeta();
    for (const group of groups) {
      for (const def of group) {
        const m = meta[def.name];
        if (m === undefined) throw new Error(`command table: Redis 7.0 has no command ${def.name}`);
        if (this.commands.has(def.name)) throw new Error(`command table: ${def.name} defined twice`);
        const spec = new CommandSpec(def, m.info, m.docs, null, m.help);
        this.commands.set(def.name, spec);
        this.byName.set(def.name, spec);
        this.byName.set(def.name.toUpperCase(), spec);
      }
    }
  }

  /** Lookup by lower- and upper-case name, so the common spellings skip toLowerCase(). */
  private readonly byName = new Map<string, CommandSpec>();

  /** The command for a (case-insensitive) name, or undefined. */
  get(name: string): CommandSpec | undefined {
    let c = this.byName.get(name);
    if (c === undefined) {
      const lower = name.toLowerCase();
      if (lower !== name) c = this.commands.get(lower);
    }
    return c;
  }

  /** Every command and subcommand, for COMMAND LIST and INFO commandstats. */
  *all(): IterableIterator<CommandSpec> {
    for (const c of this.commands.values()) {
      yield c;
      if (c.subcommands !== null) yield* c.subcommands.values();
    }
  }
}
