/**
 * Hash commands (t_hash.c), on HashValue (types/hash.ts), plus the helpers HSCAN, SSCAN and ZSCAN
 * share (db.c's scanGenericCommand for a key's value) and the count argument of the *RAND* commands.
 *
 * Each handler follows its Redis counterpart step for step, because the order of checks is visible to
 * clients: which error wins (argument parse before WRONGTYPE or after), whether a missing key is created
 * (HSET, HINCRBY create the hash before touching it, as hashTypeLookupWriteOrCreate does), and when the
 * listpack converts (hashTypeTryConversion on the arguments before the write, the entry count after it).
 * Encoding thresholds are read from the live config at each write, so CONFIG SET acts as it does in Redis.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { Dict, DictEntry } from '../types/dict';
import type { ReplyWriter } from '../resp/reply';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { HashEntry, HashValue, FieldValue } from '../types/hash';
import { Int64, toInt64 } from '../types/set';
import { is, lookupRead, lookupWrite, readCollection } from './util';
import { addLongDouble, formatInt, formatLongDoubleHuman, LongDouble, parseLongDouble } from '../util/numbers';
import { globMatch } from '../util/glob';
import { parseScanCursor } from './keys';

// ---- argument helpers shared with sets.ts and zsets.ts ----

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/**
 * The count of SRANDMEMBER/HRANDFIELD: any 64-bit integer but LLONG_MIN (getRangeLongFromObjectOrReply
 * with -LONG_MAX..LONG_MAX). Exact (bigint beyond 2^53); null after replying.
 */
export function randomCountArg(c: Client, s: string): Int64 | null {
  const n = toInt64(s);
  if (n === null) {
    c.replyError(ERR.notInteger);
    return null;
  }
  if (n === I64_MIN) {
    c.replyError(ERR.countOutOfRange);
    return null;
  }
  return n;
}

/** parseScanCursorOrReply (the keyspace SCAN's parser, shared): the cursor's low 32 bits, null after replying. */
export const scanCursorArg = parseScanCursor;

export interface ScanOptions {
  count: number;
  /** The MATCH pattern, or null when absent or a lone "*" (which matches everything, even ""). */
  pattern: string | null;
}

/** scanGenericCommand step 1 for HSCAN/SSCAN/ZSCAN: COUNT and MATCH from argv[start...]; null after replying. */
export function scanOptions(c: Client, argv: string[], start: number): ScanOptions | null {
  let count = 10;
  let pattern: string | null = null;
  for (let i = start; i < argv.length; i += 2) {
    const more = argv.length - i >= 2;
    if (more && is(argv[i], 'count')) {
      const n = toInt64(argv[i + 1]);
      if (n === null) {
        c.replyError(ERR.notInteger);
        return null;
      }
      if (n < 1) {
        c.replyError(ERR.syntax);
        return null;
      }
      count = Number(n);
    } else if (more && is(argv[i], 'match')) {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1];
    } else {
      c.replyError(ERR.syntax);
      return null;
    }
  }
  return { count, pattern };
}

/**
 * scanGenericCommand step 2 for a hashtable: dictScan from `cursor` until `count` entries were collected,
 * the table was walked, or count*10 more buckets were visited. Returns the next cursor.
 */
export function scanDict<E extends DictEntry>(d: Dict<E>, cursor: number, count: number, out: E[]): number {
  let maxIterations = count * 10;
  const collect = (e: E): void => {
    out.push(e);
  };
  do {
    cursor = d.scan(cursor, collect);
  } while (cursor !== 0 && maxIterations-- > 0 && out.length < count);
  return cursor;
}

/** The header of a SCAN-family reply: [cursor, [n elements...]]. */
export function scanReplyHeader(w: ReplyWriter, cursor: number, n: number): void {
  w.arrayLen(2);
  w.bulk(String(cursor));
  w.arrayLen(n);
}

// ---- lookups ----

/** hashTypeLookupWriteOrCreate: the hash at key, created empty when missing; null after WRONGTYPE. */
function hashForWrite(c: Client, key: string): HashValue | null {
  const e = lookupWrite(c, key);
  if (e === null) {
    const h = new HashValue();
    c.db.add(key, h);
    return h;
  }
  const v = e.value;
  if (typeof v === 'string' || v.type !== 'hash') {
    c.replyError(ERR.wrongType);
    return null;
  }
  return v as HashValue;
}

/** After a write: WATCH/tracking, the keyspace event, the dirty counter. */
function hashChanged(c: Client, key: string, event: string, dirty: number): void {
  c.server.keyModified(c.db, key);
  c.server.notify(NOTIFY.hash, event, key, c.db.id);
  c.server.dirty += dirty;
}

// ---- HSET family ----

/** hsetCommand: HSET replies the number of new fields, HMSET replies OK. */
function hsetGeneric(c: Client, argv: string[], hmset: boolean): void {
  if (argv.length % 2 === 1) {
    c.replyError(ERR.wrongArity(hmset ? 'hmset' : 'hset'));
    return;
  }
  const key = argv[1];
  const h = hashForWrite(c, key);
  if (h === null) return;
  let maxEntries = 0;
  let maxValue = 0;
  if (h.isListpack) {
    const cfg = c.server.config;
    maxEntries = cfg.num('hash-max-listpack-entries');
    maxValue = cfg.num('hash-max-listpack-value');
    h.prepareWrite(argv, 2, argv.length - 1, maxValue);
  }
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1], maxEntries, maxValue)) created++;
  if (hmset) c.reply.ok();
  else c.reply.int(created);
  hashChanged(c, key, 'hset', (argv.length - 2) / 2);
}

function hsetnx(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = hashForWrite(c, key);
  if (h === null) return;
  if (h.has(argv[2])) {
    c.reply.int(0);
    return;
  }
  const cfg = c.server.config;
  const maxEntries = cfg.num('hash-max-listpack-entries');
  const maxValue = cfg.num('hash-max-listpack-value');
  h.prepareWrite(argv, 2, 3, maxValue);
  h.set(argv[2], argv[3], maxEntries, maxValue);
  c.reply.int(1);
  hashChanged(c, key, 'hset', 1);
}

/** Store a computed value (HINCRBY*): hashTypeSet without hashTypeTryConversion. */
function setComputed(c: Client, h: HashValue, field: string, value: string): void {
  const cfg = c.server.config;
  if (h.isListpack) h.set(field, value, cfg.num('hash-max-listpack-entries'), cfg.num('hash-max-listpack-value'));
  else h.set(field, value, 0, 0);
}

function hincrby(c: Client, argv: string[]): void {
  const incr = toInt64(argv[3]);
  if (incr === null) {
    c.replyError(ERR.notInteger);
    return;
  }
  const key = argv[1];
  const h = hashForWrite(c, key);
  if (h === null) return;
  const old = h.get(argv[2]);
  let cur: Int64 = 0;
  if (old !== null) {
    const v = toInt64(old);
    if (v === null) {
      c.replyError(ERR.hashValueNotInteger);
      return;
    }
    cur = v;
  }
  let result: Int64;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    result = cur + incr;
  } else {
    const r = BigInt(cur) + BigInt(incr);
    if (r > I64_MAX || r < I64_MIN) {
      c.replyError(ERR.overflow);
      return;
    }
    result = r;
  }
  setComputed(c, h, argv[2], typeof result === 'number' ? formatInt(result) : String(result));
  c.reply.int(result);
  hashChanged(c, key, 'hincrby', 1);
}

function hincrbyfloat(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) {
    c.replyError(ERR.notFloat);
    return;
  }
  if (!incr.isFinite()) {
    c.replyError(ERR.valueNanOrInf);
    return;
  }
  const key = argv[1];
  const h = hashForWrite(c, key);
  if (h === null) return;
  const old = h.get(argv[2]);
  let value: LongDouble;
  if (old !== null) {
    const cur = parseLongDouble(old);
    if (cur === null) {
      c.replyError(ERR.hashValueNotFloat);
      return;
    }
    value = addLongDouble(cur, incr);
  } else {
    value = addLongDouble(LongDouble.ZERO, incr);
  }
  if (!value.isFinite()) {
    c.replyError(ERR.nanOrInf);
    return;
  }
  const text = formatLongDoubleHuman(value);
  setComputed(c, h, argv[2], text);
  c.reply.bulk(text);
  hashChanged(c, key, 'hincrbyfloat', 1);
}

function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = readCollection<HashValue>(c, key, 'hash', true);
  if (h === undefined) return;
  if (h === null) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i])) {
      deleted++;
      if (h.length === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    hashChanged(c, key, 'hdel', deleted);
    if (removed) c.server.notify(NOTIFY.generic, 'del', key, c.db.id);
  }
  c.reply.int(deleted);
}

// ---- reads ----

function hget(c: Client, argv: string[]): void {
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  c.reply.bulkOrNull(h === null ? null : h.get(argv[2]));
}

function hmget(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]);
  let h: HashValue | null = null;
  if (e !== null) {
    const v = e.value;
    if (typeof v === 'string' || v.type !== 'hash') {
      c.replyError(ERR.wrongType);
      return;
    }
    h = v as HashValue;
  }
  const w = c.reply;
  w.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) w.bulkOrNull(h === null ? null : h.get(argv[i]));
}

function hlen(c: Client, argv: string[]): void {
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  c.reply.int(h === null ? 0 : h.length);
}

function hstrlen(c: Client, argv: string[]): void {
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  const v = h === null ? null : h.get(argv[2]);
  c.reply.int(v === null ? 0 : v.length);
}

function hexists(c: Client, argv: string[]): void {
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  c.reply.int(h !== null && h.has(argv[2]) ? 1 : 0);
}

const KEYS = 1;
const VALUES = 2;

/** genericHgetallCommand: HGETALL (a map), HKEYS and HVALS (arrays), in the encoding's order. */
function hgetallGeneric(c: Client, argv: string[], what: number): void {
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  const w = c.reply;
  const both = what === (KEYS | VALUES);
  const n = h === null ? 0 : h.length;
  if (both) w.mapLen(n);
  else w.arrayLen(n);
  if (h === null) return;
  const lp = h.listpack;
  if (lp !== null) {
    for (let i = 0; i < lp.length; i += 2) {
      if (what & KEYS) w.bulk(lp[i]);
      if (what & VALUES) w.bulk(lp[i + 1]);
    }
    return;
  }
  h.hashtable!.forEach((e) => {
    if (what & KEYS) w.bulk(e.key);
    if (what & VALUES) w.bulk(e.value);
  });
}

// ---- HRANDFIELD ----

/** HRANDFIELD_SUB_STRATEGY_MUL: above count*3 >= size, pick the survivors of a full copy instead. */
const SUB_STRATEGY_MUL = 3;
const HALF_LONG_MAX = 4611686018427387903n;

function hrandfield(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = randomCountArg(c, argv[2]);
    if (l === null) return;
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) {
      c.replyError(ERR.syntax);
      return;
    }
    if (argv.length === 4) {
      withValues = true;
      if (l < -HALF_LONG_MAX || l > HALF_LONG_MAX) {
        c.replyError(ERR.valueOutOfRange);
        return;
      }
    }
    hrandfieldWithCount(c, argv[1], Number(l), withValues);
    return;
  }
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  if (h === null) c.reply.nullBulk();
  else c.reply.bulk(h.random().key);
}

/** One HRANDFIELD element: the field, or with values a pair (nested in RESP3, flat in RESP2). */
function replyField(w: ReplyWriter, field: string, value: string, withValues: boolean): void {
  if (withValues) {
    if (w.resp === 3) w.arrayLen(2);
    w.bulk(field);
    w.bulk(value);
  } else {
    w.bulk(field);
  }
}

/** hrandfieldWithCountCommand: Redis's four cases, chosen by the sign of count and its ratio to the size. */
function hrandfieldWithCount(c: Client, key: string, l: number, withValues: boolean): void {
  const h = readCollection<HashValue>(c, key, 'hash');
  if (h === undefined) return;
  const w = c.reply;
  if (h === null) {
    w.arrayLen(0);
    return;
  }
  const size = h.length;
  const uniq = l >= 0;
  let count = uniq ? l : -l;
  if (count === 0) {
    w.arrayLen(0);
    return;
  }
  const flat = withValues && w.resp !== 3;
  // CASE 1: negative count (repeats allowed), or a single element: independent random picks.
  if (!uniq || count === 1) {
    w.arrayLen(flat ? count * 2 : count);
    while (count-- > 0) {
      const p = h.random();
      replyField(w, p.key, p.value, withValues);
    }
    return;
  }
  const replySize = count < size ? count : size;
  w.arrayLen(flat ? replySize * 2 : replySize);
  // CASE 2: the whole hash, in its order.
  if (count >= size) {
    h.forEach((f, v) => replyField(w, f, v, withValues));
    return;
  }
  // CASE 3: count close to size: copy everything and keep a random `count` of it.
  if (count * SUB_STRATEGY_MUL > size) {
    const all: FieldValue[] = [];
    h.forEach((key, value) => {
      all.push({ key, value });
    });
    for (let i = 0; i < count; i++) {
      const j = i + ((Math.random() * (size - i)) | 0);
      const p = all[j];
      all[j] = all[i];
      replyField(w, p.key, p.value, withValues);
    }
    return;
  }
  // CASE 4: count small against size. A listpack is sampled in one ordered pass (lpRandomPairsUnique);
  // a hashtable by random picks until `count` distinct fields were seen.
  if (h.isListpack) {
    let needed = count;
    for (let i = 0; i < size && needed > 0; i++) {
      if (Math.random() * (size - i) < needed) {
        const p = h.pairAt(i);
        replyField(w, p.key, p.value, withValues);
        needed--;
      }
    }
    return;
  }
  const seen = new Set<string>();
  while (seen.size < count) {
    const p = h.random();
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    replyField(w, p.key, p.value, withValues);
  }
}

// ---- HSCAN ----

/** The reply of a SCAN-family command on a missing key (shared.emptyscan). */
export function replyEmptyScan(w: ReplyWriter): void {
  scanReplyHeader(w, 0, 0);
}

function hscan(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor === null) return;
  const h = readCollection<HashValue>(c, argv[1], 'hash');
  if (h === undefined) return;
  const w = c.reply;
  if (h === null) {
    replyEmptyScan(w);
    return;
  }
  const opts = scanOptions(c, argv, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const lp = h.listpack;
  if (lp !== null) {
    // A listpack is returned whole in one call, cursor 0.
    let n = lp.length;
    if (pattern !== null) {
      n = 0;
      for (let i = 0; i < lp.length; i += 2) if (globMatch(pattern, lp[i])) n += 2;
    }
    scanReplyHeader(w, 0, n);
    for (let i = 0; i < lp.length; i += 2) {
      if (pattern === null || globMatch(pattern, lp[i])) {
        w.bulk(lp[i]);
        w.bulk(lp[i + 1]);
      }
    }
    return;
  }
  let found: HashEntry[] = [];
  const next = scanDict(h.hashtable!, cursor, opts.count, found);
  if (pattern !== null) found = found.filter((e) => globMatch(pattern, e.key));
  scanReplyHeader(w, next, found.length * 2);
  for (let i = 0; i < found.length; i++) {
    w.bulk(found[i].key);
    w.bulk(found[i].value);
  }
}

export const hashCommands: CommandDef[] = [
  { name: 'hset', handler: (c, argv) => hsetGeneric(c, argv, false) },
  { name: 'hmset', handler: (c, argv) => hsetGeneric(c, argv, true) },
  { name: 'hsetnx', handler: hsetnx },
  { name: 'hget', handler: hget },
  { name: 'hmget', handler: hmget },
  { name: 'hdel', handler: hdel },
  { name: 'hlen', handler: hlen },
  { name: 'hstrlen', handler: hstrlen },
  { name: 'hexists', handler: hexists },
  { name: 'hkeys', handler: (c, argv) => hgetallGeneric(c, argv, KEYS) },
  { name: 'hvals', handler: (c, argv) => hgetallGeneric(c, argv, VALUES) },
  { name: 'hgetall', handler: (c, argv) => hgetallGeneric(c, argv, KEYS | VALUES) },
  { name: 'hincrby', handler: hincrby },
  { name: 'hincrbyfloat', handler: hincrbyfloat },
  { name: 'hrandfield', handler: hrandfield },
  { name: 'hscan', handler: hscan },
];
