/**
 * The command table: one entry per command Cinnabar implements, joining Redis's metadata (arity, flags, key
 * specs, docs: see meta.ts) with the handler that executes it. It is the single source for dispatch, the arity
 * check, COMMAND's output and per-command statistics, as Redis's server.commands dict is.
 *
 * Each group module (strings.ts, keys.ts...) exports a list of CommandDef; the table refuses to start when a
 * definition has no Redis metadata, so a typo cannot silently create a command Redis does not have. Container
 * commands (CLIENT, CONFIG, COMMAND, OBJECT...) list their subcommands, and only the implemented ones appear in
 * COMMAND output; an unimplemented subcommand answers like an unknown one.
 */

import type { Client } from '../client';
import { loadCommandMeta, mapGet, MetaNode, setMembers } from './meta';

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

export interface KeySpec {
  beginSearch: { type: 'index'; index: number } | { type: 'keyword'; keyword: string; startFrom: number } | { type: 'unknown' };
  findKeys:
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

function parseKeySpecs(node: MetaNode): KeySpec[] {
  const out: KeySpec[] = [];
  const list = typeof node === 'object' && node !== null && 'set' in node ? node.set : [];
  for (const ks of list) {
    const bs = mapGet(ks, 'begin_search');
    const fk = mapGet(ks, 'find_keys');
    const bsType = mapGet(bs, 'type');
    const bsSpec = mapGet(bs, 'spec');
    const fkType = mapGet(fk, 'type');
    const fkSpec = mapGet(fk, 'spec');
    const spec: KeySpec = {
      beginSearch:
        bsType === 'index'
          ? { type: 'index', index: mapGet(bsSpec, 'index') as number }
          : bsType === 'keyword'
            ? { type: 'keyword', keyword: mapGet(bsSpec, 'keyword') as string, startFrom: mapGet(bsSpec, 'startfrom') as number }
            : { type: 'unknown' },
      findKeys:
        fkType === 'range'
          ? {
              type: 'range',
              lastKey: mapGet(fkSpec, 'lastkey') as number,
              keyStep: mapGet(fkSpec, 'keystep') as number,
              limit: mapGet(fkSpec, 'limit') as number,
            }
          : fkType === 'keynum'
            ? {
                type: 'keynum',
                keyNumIdx: mapGet(fkSpec, 'keynumidx') as number,
                firstKey: mapGet(fkSpec, 'firstkey') as number,
                keyStep: mapGet(fkSpec, 'keystep') as number,
              }
            : { type: 'unknown' },
    };
    out.push(spec);
  }
  return out;
}

/**
 * Positions of the key arguments of argv, found through the command's key specs as Redis's
 * getKeysUsingKeySpecs does. Returns null when a spec cannot be resolved (the caller's "Invalid arguments").
 */
export function keyPositions(cmd: CommandSpec, argv: string[]): number[] {
  const argc = argv.length;
  const keys: number[] = [];
  for (const spec of cmd.keySpecs) {
    let first: number;
    const bs = spec.beginSearch;
    if (bs.type === 'index') {
      first = bs.index;
    } else if (bs.type === 'keyword') {
      const start = bs.startFrom >= 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom >= 0 ? argc - 1 : 0;
      const step = bs.startFrom >= 0 ? 1 : -1;
      first = 0;
      for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
        if (i <= 0 || i >= argc) break;
        if (argv[i].toLowerCase() === bs.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      continue;
    }
    const fk = spec.findKeys;
    if (fk.type === 'range') {
      let last: number;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0 || fk.limit === undefined) last = argc + fk.lastKey;
      else last = first + Math.floor((argc - 1 - first) / fk.limit);
      for (let i = first; i <= last; i += fk.keyStep) {
        if (i >= argc || i < first) break;
        keys.push(i);
      }
    } else if (fk.type === 'keynum') {
      const idx = first + fk.keyNumIdx;
      if (idx >= argc) continue;
      const n = Number(argv[idx]);
      if (!Number.isInteger(n) || n < 0) continue;
      const start = first + fk.firstKey;
      const last = start + (n - 1) * fk.keyStep;
      for (let i = start; i <= last && i < argc; i += fk.keyStep) keys.push(i);
    }
  }
  return keys;
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
