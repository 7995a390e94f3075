/**
 * Server commands: COMMAND (introspection of the command table), CONFIG (the config table in config.ts),
 * INFO (built in info.ts), TIME, SHUTDOWN, DEBUG and MEMORY. Persistence commands (SAVE, LASTSAVE, BGSAVE)
 * live in persistence.ts beside the code they drive.
 *
 * COMMAND GETKEYS answers with table.ts's commandKeys (db.c's key extraction, shared with CLIENT TRACKING)
 * and Redis's error texts. DEBUG implements the subcommands that have
 * a meaning in Cinnabar and answers like Redis for each; DEBUG OBJECT's serializedlength is the size of the
 * value's real RDB serialization. MEMORY answers as a Redis built without jemalloc would.
 */

import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CF, type Client } from '../client';
import { CachedClock } from '../clock';
import { atoi, commandKeys, hasKeyArguments, type CommandSpec, type CommandDef, type CommandTable, type KeyRef } from './table';
import { loadCommandMeta, setMembers, writeMeta } from './meta';
import { ERR } from '../resp/errors';
import { globMatch } from '../util/glob';
import { is } from './util';
import { STR_UNSHARED, type Db, type KeyEntry } from '../keyspace/db';
import { createDumpPayload, type RdbValue } from '../persistence/rdb-format';
import { formatDouble, parseI64, strtod } from '../util/numbers';
import { changeReplicationId, infoString, memoryOverhead } from './info';
import { printfFixed } from '../util/printf';

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

// ---- COMMAND GETKEYS / GETKEYSANDFLAGS (the key extraction itself is table.ts's commandKeys) ----

/**
 * COMMAND GETKEYS's answer for a full command line: the key references, or the error text Redis gives
 * (unknown command, no key arguments, wrong arity, no keys found). Exported for the tests, which run it
 * over a table of every Redis command.
 */
export function getKeysOf(table: CommandTable, args: readonly string[]): KeyRef[] | string {
  let cmd = table.get(args[0]);
  if (cmd !== undefined && cmd.subcommands !== null && args.length >= 2) cmd = cmd.subcommands.get(args[1].toLowerCase());
  if (cmd === undefined) return 'ERR Invalid command specified';
  if (!hasKeyArguments(cmd)) {
    return 'ERR The command has no key arguments';
  }
  if (!cmd.arityOk(args.length)) return 'ERR Invalid number of arguments specified for command';
  const keys = commandKeys(cmd, args as string[]);
  if (keys.length === 0 && !setMembers(cmd.info[2]).includes('no_mandatory_keys')) return 'ERR Invalid arguments specified for command';
  return keys;
}

function commandGetKeys(c: Client, argv: string[]): void {
  const withFlags = argv[1].length === 15; // "getkeysandflags"
  const args = argv.slice(2);
  const keys = getKeysOf(c.server.table, args);
  if (typeof keys === 'string') {
    c.replyError(keys);
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

// ---- INFO (info.ts) ----

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

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Cinnabar has no replicas to wait for, so NOW changes
 * nothing and there is never a shutdown in progress to ABORT; FORCE goes on when the final save fails.
 */
function shutdown(c: Client, argv: string[]): void {
  let save: boolean | undefined;
  let saveAndNosave = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nosave') {
      if (save === true) saveAndNosave = true;
      save = false;
    } else if (a === 'save') {
      if (save === false) saveAndNosave = true;
      save = true;
    } else if (a === 'now') now = true;
    else if (a === 'force') force = true;
    else if (a === 'abort') abort = true;
    else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if ((abort && (save !== undefined || now || force)) || saveAndNosave) {
    c.replyError(ERR.syntax);
    return;
  }
  if (abort) {
    c.replyError('ERR No shutdown in progress.');
    return;
  }
  if (!now && (c.flags & CF.denyBlocking) !== 0) {
    c.replyError("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.server.requestShutdown(save)) return;
  if (force && c.server.requestShutdown(false)) return;
  c.replyError('ERR Errors trying to SHUTDOWN. Check logs.');
}

// ---- DEBUG ----

/** Redis's DEBUG HELP, restricted to the subcommands Cinnabar implements. */
const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'HELP',
  '    Prints this help.',
];

function debug(c: Client, argv: string[]): void {
  const server = c.server;
  if (!allowProtectedAction(c, 'enable-debug-command')) {
    c.replyError(
      `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
    );
    return;
  }
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  if (sub === 'help' && argc === 2) {
    c.reply.arrayLen(DEBUG_HELP.length);
    for (const l of DEBUG_HELP) c.reply.simple(l);
  } else if (sub === 'object' && argc === 3) {
    debugObject(c, argv[2]);
  } else if (sub === 'reload') {
    server.persistence.debugReload(c, argv);
  } else if (sub === 'sleep' && argc === 3) {
    // strtod() of a prefix, then a (long long) of the microseconds: garbage, negative or overflowing
    // values do not sleep at all.
    const us = strtod(argv[2]).value * 1e6;
    if (us > 0 && us < 2 ** 63) {
      const until = performance.now() + Math.floor(us) / 1000;
      while (performance.now() < until) {
        /* DEBUG SLEEP blocks the server on purpose, as Redis does. */
      }
      if (server.clock instanceof CachedClock) server.clock.refresh();
    }
    c.reply.ok();
  } else if (sub === 'set-active-expire' && argc === 3) {
    server.activeExpireEnabled = atoi(argv[2]) !== 0;
    c.reply.ok();
  } else if (sub === 'error' && argc === 3) {
    // Sent as is (newlines blanked), not counted as an error reply of the server.
    c.reply.raw(Buffer.from('-' + argv[2].replace(/[\r\n]/g, ' ') + '\r\n', 'latin1'));
  } else if (sub === 'log' && argc === 3) {
    server.log('warning', `DEBUG LOG: ${argv[2]}`);
    c.reply.ok();
  } else if (sub === 'protocol' && argc === 3) {
    debugProtocol(c, argv[2].toLowerCase());
  } else if (sub === 'populate' && argc >= 3 && argc <= 5) {
    debugPopulate(c, argv);
  } else if (sub === 'digest' && argc === 2) {
    c.reply.simple(computeDatasetDigest(server.dbs).toString('hex'));
  } else if (sub === 'digest-value') {
    debugDigestValue(c, argv);
  } else if (sub === 'change-repl-id' && argc === 2) {
    changeReplicationId(server);
    c.reply.ok();
  } else {
    c.replyError(ERR.subcommandSyntax(argv[1], 'debug'));
  }
}

/** getPositiveLongFromObjectOrReply without a message: one error for non-numbers and negatives. */
function positiveLongArg(c: Client, s: string): number | null {
  const n = parseI64(s);
  if (n === null || n < 0n) {
    c.replyError(ERR.valueMustBePositive);
    return null;
  }
  return Number(n);
}

/** DEBUG POPULATE count [prefix] [size]: string keys prefix:N = "value:N" (cut or NUL-padded to size). */
function debugPopulate(c: Client, argv: string[]): void {
  const count = positiveLongArg(c, argv[2]);
  if (count === null) return;
  let size = 0;
  if (argv.length === 5) {
    const n = positiveLongArg(c, argv[4]);
    if (n === null) return;
    size = n;
  }
  // The C code formats into a 128-byte buffer with %s: the prefix stops at a NUL, the key at 127 bytes.
  let prefix = argv.length === 3 ? 'key' : argv[3];
  const nul = prefix.indexOf('\0');
  if (nul >= 0) prefix = prefix.slice(0, nul);
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`.slice(0, 127);
    if (db.lookup(key) !== null) continue;
    let value = `value:${j}`;
    if (size !== 0) value = size <= value.length ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    db.add(key, value);
    c.server.keyModified(db, key);
  }
  c.reply.ok();
}

/** DEBUG PROTOCOL type: one sample reply of each RESP type. */
function debugProtocol(c: Client, type: string): void {
  const w = c.reply;
  switch (type) {
    case 'string':
      w.bulk('Hello World');
      break;
    case 'integer':
      w.int(12345);
      break;
    case 'double':
      w.double(3.141);
      break;
    case 'bignum':
      if (c.resp === 3) w.raw(Buffer.from('(1234567999999999999999999999999999999\r\n'));
      else w.bulk('1234567999999999999999999999999999999');
      break;
    case 'null':
      w.nullBulk();
      break;
    case 'array':
    case 'set':
      if (type === 'array') w.arrayLen(3);
      else w.setLen(3);
      for (let j = 0; j < 3; j++) w.int(j);
      break;
    case 'map':
      w.mapLen(3);
      for (let j = 0; j < 3; j++) {
        w.int(j);
        w.bool(j === 1);
      }
      break;
    case 'attrib':
      if (c.resp === 3) {
        w.raw(Buffer.from('|1\r\n'));
        w.bulk('key-popularity');
        w.arrayLen(2);
        w.bulk('key:123');
        w.int(90);
      }
      w.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (c.resp < 3) {
        c.replyError('ERR RESP2 is not supported by this command');
        return;
      }
      w.pushLen(2);
      w.bulk('server-cpu-usage');
      w.int(42);
      w.bulk('Some real reply following the push reply');
      break;
    case 'verbatim':
      w.verbatim('This is a verbatim\nstring');
      break;
    case 'true':
      w.bool(true);
      break;
    case 'false':
      w.bool(false);
      break;
    default:
      c.replyError('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
}

/** The value as the RDB format sees it. */
function rdbValueOf(e: KeyEntry): RdbValue {
  const v = e.value;
  return typeof v === 'string' ? { type: 'string', value: v } : v.toRdb();
}

/** Reads an RDB length at buf[pos]: [value, next position]. */
function rdbLength(buf: Buffer, pos: number): [number, number] {
  const b = buf[pos];
  switch (b >> 6) {
    case 0:
      return [b & 0x3f, pos + 1];
    case 1:
      return [((b & 0x3f) << 8) | buf[pos + 1], pos + 2];
    default:
      if (b === 0x80) return [buf.readUInt32BE(pos + 1), pos + 5];
      return [Number(buf.readBigUInt64BE(pos + 1)), pos + 9];
  }
}

/**
 * DEBUG OBJECT key: the value's low-level description. The key is found without expiring or touching it.
 * serializedlength is the size of its RDB serialization (rdbSavedObjectLen); a list, always a quicklist in
 * Redis 7.0, also shows its nodes as RPUSH would have filled them.
 */
function debugObject(c: Client, key: string): void {
  const server = c.server;
  const e = c.db.stored(key);
  if (e === null) {
    c.replyError(ERR.noSuchKey);
    return;
  }
  const v = e.value;
  const config = server.config;
  const enc = typeof v === 'string' ? server.stringEncoding(e) : v.encoding();
  const compact = enc === 'listpack' || enc === 'intset';
  const fill = config.num('list-max-listpack-size');
  const rdb = rdbValueOf(e);
  const serialized = createDumpPayload(rdb, compact, fill, config.bool('rdbcompression')).length - 11;
  let refcount = 1;
  if (typeof v === 'string' && (e.strFlags & STR_UNSHARED) === 0 && v.length <= 4 && enc === 'int') {
    const n = Number(v);
    const policy = config.str('maxmemory-policy');
    const noShared = config.num('maxmemory') !== 0 && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
    if (n >= 0 && n < 10000 && !noShared) refcount = 2147483647;
  }
  const clock = c.db.lruClock();
  const idle = clock >= e.lru ? clock - e.lru : clock + (0xffffff - e.lru);
  let extra = '';
  if (rdb.type === 'list') {
    // Node sizes from the uncompressed serialization: <type> <node count> then <container> <listpack> per node.
    const payload = createDumpPayload(rdb, false, fill, false);
    let [nodes, pos] = rdbLength(payload, 1);
    let size = 0;
    for (let n = 0; n < nodes; n++) {
      [, pos] = rdbLength(payload, pos);
      let len: number;
      [len, pos] = rdbLength(payload, pos);
      size += len;
      pos += len;
    }
    if (nodes === 0) nodes = 1;
    extra =
      ` ql_nodes:${nodes} ql_avg_node:${printfFixed(rdb.items.length / nodes, 2)} ql_listpack_max:${fill}` +
      ` ql_compressed:${config.num('list-compress-depth') !== 0 ? 1 : 0} ql_uncompressed_size:${size}`;
  }
  c.reply.simple(`Value at:0x0 refcount:${refcount} encoding:${enc} serializedlength:${serialized} lru:${e.lru} lru_seconds_idle:${idle}${extra}`);
}

// ---- DEBUG DIGEST ----

/** xorDigest: digest ^= SHA1(data). Xor is commutative, so it "adds" the digests of unordered elements. */
function xorDigest(digest: Buffer, data: string | Buffer): void {
  const h = typeof data === 'string' ? createHash('sha1').update(data, 'latin1').digest() : createHash('sha1').update(data).digest();
  for (let j = 0; j < 20; j++) digest[j] ^= h[j];
}

/** mixDigest: digest = SHA1(digest ^ SHA1(data)), for what is ordered (list elements, a key before its value). */
function mixDigest(digest: Buffer, data: string | Buffer): void {
  xorDigest(digest, data);
  createHash('sha1').update(digest).digest().copy(digest);
}

/** Redis's object type numbers (OBJ_STRING...OBJ_HASH), mixed in big-endian as htonl(o->type). */
const OBJ_TYPE_CODE = { string: 0, list: 1, set: 2, zset: 3, hash: 4 } as const;

/**
 * xorObjectDigest: mixes the value of `e` into `digest` as debug.c does. Lists are mixed in order; set members,
 * hash field/value pairs and zset member/score pairs ("%.17g" of the score, whatever the encoding) are each
 * digested alone and xored in, so their order does not matter. A key with a TTL adds "!!expire!!" (the
 * presence of a TTL, not its time).
 */
function xorObjectDigest(digest: Buffer, e: KeyEntry): void {
  const rdb = rdbValueOf(e);
  const aux = Buffer.alloc(4);
  aux.writeUInt32BE(OBJ_TYPE_CODE[rdb.type]);
  mixDigest(digest, aux);
  switch (rdb.type) {
    case 'string':
      mixDigest(digest, rdb.value);
      break;
    case 'list':
      for (const item of rdb.items) mixDigest(digest, item);
      break;
    case 'set':
      for (const m of rdb.members) xorDigest(digest, m);
      break;
    case 'zset':
    case 'hash': {
      const ele = Buffer.alloc(20);
      for (const [a, b] of rdb.entries) {
        ele.fill(0);
        mixDigest(ele, a);
        mixDigest(ele, typeof b === 'number' ? formatDouble(b) : b);
        xorDigest(digest, ele);
      }
      break;
    }
  }
  if (e.expireAt !== -1) xorDigest(digest, '!!expire!!');
}

/**
 * computeDatasetDigest: 20 zero bytes for an empty dataset; otherwise, for each non-empty db, its id is mixed
 * into the result, then the digest of every key (its name mixed, then its value) is xored in. Keys are read
 * straight from the dict, logically expired ones included, as Redis does.
 */
function computeDatasetDigest(dbs: Db[]): Buffer {
  const final = Buffer.alloc(20);
  const digest = Buffer.alloc(20);
  const aux = Buffer.alloc(4);
  for (const db of dbs) {
    if (db.size === 0) continue;
    aux.writeUInt32BE(db.id);
    mixDigest(final, aux);
    db.forEachEntry((e) => {
      digest.fill(0);
      mixDigest(digest, e.key);
      xorObjectDigest(digest, e);
      xorDigest(final, digest);
    });
  }
  return final;
}

/** DEBUG DIGEST-VALUE [key ...]: one status reply per key, the digest of its value (40 zeros when absent). */
function debugDigestValue(c: Client, argv: string[]): void {
  c.reply.arrayLen(argv.length - 2);
  const digest = Buffer.alloc(20);
  for (let j = 2; j < argv.length; j++) {
    digest.fill(0);
    // No lookup: a debug command sees logically expired keys too.
    const e = c.db.stored(argv[j]);
    if (e !== null) xorObjectDigest(digest, e);
    c.reply.simple(digest.toString('hex'));
  }
}

// ---- MEMORY ----

/** MEMORY USAGE key [SAMPLES count]: found without expiring it; null when absent. */
function memoryUsage(c: Client, argv: string[]): void {
  for (let j = 3; j < argv.length; j++) {
    if (is(argv[j], 'samples') && j + 1 < argv.length) {
      const n = parseI64(argv[j + 1]);
      if (n === null) {
        c.replyError(ERR.notInteger);
        return;
      }
      if (n < 0n) {
        c.replyError(ERR.syntax);
        return;
      }
      j++;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  const e = c.db.stored(argv[2]);
  if (e === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.int(c.server.memoryUsage(e));
}

function memoryStats(c: Client): void {
  const m = memoryOverhead(c.server);
  const w = c.reply;
  const int = (k: string, v: number) => {
    w.bulk(k);
    w.int(v);
  };
  // The ratios are single-precision floats in Redis.
  const dbl = (k: string, v: number) => {
    w.bulk(k);
    w.double(Math.fround(v));
  };
  const ratio = (a: number, b: number) => Math.fround(a) / Math.fround(b === 0 ? 1 : b);
  w.mapLen(27 + m.dbs.length);
  int('peak.allocated', m.peak);
  int('total.allocated', m.used);
  int('startup.allocated', m.startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', m.clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const [id, main, expires] of m.dbs) {
    w.bulk(`db.${id}`);
    w.mapLen(3);
    int('overhead.hashtable.main', main);
    int('overhead.hashtable.expires', expires);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', m.overheadTotal);
  int('keys.count', m.totalKeys);
  int('keys.bytes-per-key', m.totalKeys === 0 ? 0 : Math.floor(m.netUsage / m.totalKeys));
  int('dataset.bytes', m.dataset);
  dbl('dataset.percentage', (Math.fround(m.dataset) * 100) / m.netUsage);
  dbl('peak.percentage', (Math.fround(m.used) * 100) / m.peak);
  int('allocator.allocated', m.allocated);
  int('allocator.active', m.active);
  int('allocator.resident', m.resident);
  dbl('allocator-fragmentation.ratio', ratio(m.active, m.allocated));
  int('allocator-fragmentation.bytes', m.active - m.allocated);
  dbl('allocator-rss.ratio', ratio(m.resident, m.active));
  int('allocator-rss.bytes', m.resident - m.active);
  dbl('rss-overhead.ratio', ratio(m.rss, m.resident));
  int('rss-overhead.bytes', m.rss - m.resident);
  dbl('fragmentation', ratio(m.rss, m.used));
  int('fragmentation.bytes', m.rss - m.used);
}

/** getMemoryDoctorReport, on the figures MEMORY STATS shows. */
function memoryDoctor(c: Client): void {
  const m = memoryOverhead(c.server);
  const MB10 = 10 << 20;
  const reports: string[] = [];
  let empty = false;
  if (m.used < 5 * 1024 * 1024) {
    empty = true;
  } else {
    if (Math.fround(m.peak) / m.used > 1.5)
      reports.push(
        ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n',
      );
    if (m.rss / m.used > 1.4 && m.rss - m.used > MB10)
      reports.push(
        ` * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8-${process.versions.v8}".\n\n`,
      );
    if (m.active / m.allocated > 1.1 && m.active - m.allocated > MB10)
      reports.push(
        " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n",
      );
    if (m.resident / m.active > 1.1 && m.resident - m.active > MB10)
      reports.push(
        ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n',
      );
    const clients = Math.max(1, c.server.clients.size);
    if (m.clientsNormal / clients > 1024 * 200)
      reports.push(
        ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n',
      );
  }
  let report: string;
  if (empty)
    report =
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
  else if (reports.length === 0) report = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  else report = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n' + reports.join('') + "I'm here to keep you safe, Sam. I want to help you.\n";
  c.reply.verbatim(report);
}

/**
 * MEMORY PURGE: Redis asks jemalloc to return dirty pages to the OS; the counterpart here is V8's
 * memory-reducing full collection (the "last resort" flavour: compacts the old generation and shrinks the
 * young one), after which V8 releases the pages it no longer needs. V8's memory reducer does the same on its
 * own once a server goes idle; this makes it happen now.
 */
type GcFunction = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
let fullGc: GcFunction | null = null;
function memoryPurge(c: Client): void {
  if (fullGc === null) {
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc') as GcFunction;
  }
  fullGc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  c.reply.ok();
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
  {
    name: 'memory',
    subcommands: [
      { name: 'doctor', handler: memoryDoctor },
      // Not jemalloc: Redis built with another allocator answers these two the same way.
      { name: 'malloc-stats', handler: (c) => c.reply.bulk('Stats not supported for the current allocator') },
      { name: 'purge', handler: memoryPurge },
      { name: 'stats', handler: memoryStats },
      { name: 'usage', handler: memoryUsage },
      { name: 'help' },
    ],
  },
];

