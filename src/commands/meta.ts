/**
 * Redis 7.0's own description of its commands (arity, flags, key specs, ACL categories, docs), captured from
 * a real server into data/redis-commands.json by scripts/gen-command-meta.mjs. Redis generates its command
 * table from JSON files the same way; using its data verbatim is what makes COMMAND INFO/DOCS/GETKEYS
 * byte-identical and keeps arity and flags from drifting. Nodes keep their RESP3 types: number = integer,
 * string = bulk, {s} = simple string, [] = array, {m: [k, v, ...]} = map, {set: [...]} = set, null.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { ReplyWriter } from '../resp/reply';

export type MetaNode = number | string | null | { s: string } | { m: MetaNode[] } | { set: MetaNode[] } | MetaNode[];

export interface RawCommandMeta {
  /** COMMAND INFO entry: [name, arity, flags, first, last, step, acl, tips, keyspecs, subcommands]. */
  info: MetaNode[];
  /** COMMAND DOCS value: a map. */
  docs: { m: MetaNode[] };
  /** HELP lines of container commands. */
  help?: string[];
}

/**
 * Commands Redis added after 7.0 that clients send on connect and the issues ask for (CLIENT SETINFO from
 * node-redis and redis-py, CLIENT NO-TOUCH): their Redis 7.2 metadata, merged into the 7.0 data.
 */
const CONNECTION_SUBCOMMAND_FLAGS = { set: [{ s: 'noscript' }, { s: 'loading' }, { s: 'stale' }] };
const CONNECTION_ACL = { set: [{ s: '@slow' }, { s: '@connection' }] };
const EMPTY_SET = { set: [] };
const SUPPLEMENT: Record<string, { info: MetaNode[]; docs: { m: MetaNode[] }; help: string[] }> = {
  'client|setinfo': {
    info: ['client|setinfo', 4, CONNECTION_SUBCOMMAND_FLAGS, 0, 0, 0, CONNECTION_ACL, EMPTY_SET, EMPTY_SET, EMPTY_SET],
    docs: {
      m: ['summary', 'Sets information specific to the client or connection.', 'since', '7.2.0', 'group', 'connection', 'complexity', 'O(1)',
        'arguments', [{ m: ['name', 'attr', 'type', 'oneof', 'arguments', [
          { m: ['name', 'libname', 'type', 'string', 'token', 'LIB-NAME'] },
          { m: ['name', 'libver', 'type', 'string', 'token', 'LIB-VER'] }]] }]],
    },
    help: ['SETINFO <option> <value>', '    Set client meta attr. Options are:', '    * LIB-NAME: the client lib name.', '    * LIB-VER: the client lib version.'],
  },
  'client|no-touch': {
    info: ['client|no-touch', 3, CONNECTION_SUBCOMMAND_FLAGS, 0, 0, 0, CONNECTION_ACL, EMPTY_SET, EMPTY_SET, EMPTY_SET],
    docs: {
      m: ['summary', 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.', 'since', '7.2.0', 'group', 'connection', 'complexity', 'O(1)',
        'arguments', [{ m: ['name', 'enabled', 'type', 'oneof', 'arguments', [
          { m: ['name', 'on', 'type', 'pure-token', 'token', 'ON'] },
          { m: ['name', 'off', 'type', 'pure-token', 'token', 'OFF'] }]] }]],
    },
    help: ['NO-TOUCH (ON|OFF)', '    Will not touch LRU/LFU stats when this mode is on.'],
  },
};

function applySupplement(all: Record<string, RawCommandMeta>): void {
  for (const [full, extra] of Object.entries(SUPPLEMENT)) {
    const parent = all[full.split('|')[0]];
    (parent.info[9] as MetaNode[]).push(extra.info);
    const subDocs = mapGet(parent.docs, 'subcommands') as { m: MetaNode[] };
    subDocs.m.push(full, extra.docs);
    const help = parent.help!;
    help.splice(help.length - 2, 0, ...extra.help);
  }
}

let cache: Record<string, RawCommandMeta> | null = null;

export function loadCommandMeta(): Record<string, RawCommandMeta> {
  if (cache === null) {
    // dist/src/commands -> package root, or src/commands when run from source.
    let dir = __dirname;
    for (let i = 0; i < 4 && !fs.existsSync(path.join(dir, 'data', 'redis-commands.json')); i++) dir = path.dirname(dir);
    cache = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'redis-commands.json'), 'latin1')) as Record<string, RawCommandMeta>;
    applySupplement(cache);
  }
  return cache;
}

/** Write a metadata node as a reply, in the client's protocol. */
export function writeMeta(w: ReplyWriter, node: MetaNode): void {
  if (node === null) {
    w.nullBulk();
  } else if (typeof node === 'number') {
    w.int(node);
  } else if (typeof node === 'string') {
    w.bulk(node);
  } else if (Array.isArray(node)) {
    w.arrayLen(node.length);
    for (const x of node) writeMeta(w, x);
  } else if ('s' in node) {
    w.simple(node.s);
  } else if ('m' in node) {
    w.mapLen(node.m.length / 2);
    for (const x of node.m) writeMeta(w, x);
  } else {
    w.setLen(node.set.length);
    for (const x of node.set) writeMeta(w, x);
  }
}

/** Read a field of a map node. */
export function mapGet(node: MetaNode | undefined, key: string): MetaNode | undefined {
  if (node === null || node === undefined || typeof node !== 'object' || !('m' in node)) return undefined;
  const m = node.m;
  for (let i = 0; i < m.length; i += 2) if (m[i] === key) return m[i + 1];
  return undefined;
}

/** The simple-string members of a set node (flags, ACL categories). */
export function setMembers(node: MetaNode | undefined): string[] {
  if (node === null || node === undefined || typeof node !== 'object' || !('set' in node)) return [];
  return node.set.map((x) => (typeof x === 'object' && x !== null && 's' in x ? x.s : String(x)));
}
