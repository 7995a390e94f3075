/**
 * Set commands (t_set.c), on SetValue (types/set.ts).
 *
 * The handlers follow Redis 7.0 step for step, because more than the result is visible to clients:
 * - Reply order. An intset replies in ascending order, so whatever Redis builds as a fresh intset and then
 *   iterates (SUNION, SDIFF, SPOP of the whole set) must be built the same way here: SUNION/SDIFF collect into
 *   a new set that starts as an intset, and SDIFF picks Redis's algorithm by the same cost estimate, since the
 *   two algorithms can leave the result in different encodings. SINTER walks the smallest set (stable sort by
 *   size, as glibc's merge-sort qsort is stable).
 * - Reply types. SMEMBERS/SINTER/SUNION/SDIFF and SPOP with a count reply RESP3 sets; SRANDMEMBER with a count
 *   replies an array (it may repeat), and a missing key gives an empty array there.
 * - The random commands use Redis's case split (tiny count: independent picks; count near the size: a copy
 *   trimmed at random; otherwise distinct random picks), so small counts never copy the whole set.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { DictEntry } from '../types/dict';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { SetValue, toInt64 } from '../types/set';
import { lookupRead, lookupWrite, readCollection, is } from './util';
import { globMatch } from '../util/glob';
import { randomCountArg, replyEmptyScan, scanCursorArg, scanDict, scanOptions, scanReplyHeader } from './hashes';

function maxIntset(c: Client): number {
  return c.server.config.num('set-max-intset-entries');
}

/** After a write: WATCH/tracking, the keyspace event, the dirty counter. */
function setChanged(c: Client, key: string, event: string, dirty: number): void {
  c.server.keyModified(c.db, key);
  c.server.notify(NOTIFY.set, event, key, c.db.id);
  c.server.dirty += dirty;
}

/** Delete a set that became empty, with the `del` event. */
function deleteEmptied(c: Client, key: string): void {
  c.db.delete(key);
  c.server.notify(NOTIFY.generic, 'del', key, c.db.id);
}

// ---- single-key writes ----

function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  let s = readCollection<SetValue>(c, key, 'set', true);
  if (s === undefined) return;
  if (s === null) {
    s = SetValue.createFor(argv[2]);
    c.db.add(key, s);
  }
  const max = s.isIntset ? maxIntset(c) : 0;
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i], max)) added++;
  if (added > 0) setChanged(c, key, 'sadd', added);
  c.reply.int(added);
}

function srem(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = readCollection<SetValue>(c, key, 'set', true);
  if (s === undefined) return;
  if (s === null) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i])) {
      deleted++;
      if (s.length === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    setChanged(c, key, 'srem', deleted);
    if (removed) c.server.notify(NOTIFY.generic, 'del', key, c.db.id);
  }
  c.reply.int(deleted);
}

function smove(c: Client, argv: string[]): void {
  const srcKey = argv[1];
  const dstKey = argv[2];
  const member = argv[3];
  const srcEntry = lookupWrite(c, srcKey);
  const dstEntry = lookupWrite(c, dstKey);
  if (srcEntry === null) {
    c.reply.int(0);
    return;
  }
  const src = srcEntry.value;
  const dstValue = dstEntry === null ? null : dstEntry.value;
  if (typeof src === 'string' || src.type !== 'set' || (dstValue !== null && (typeof dstValue === 'string' || dstValue.type !== 'set'))) {
    c.replyError(ERR.wrongType);
    return;
  }
  const srcSet = src as SetValue;
  if (src === dstValue) {
    c.reply.int(srcSet.has(member) ? 1 : 0);
    return;
  }
  if (!srcSet.remove(member)) {
    c.reply.int(0);
    return;
  }
  const db = c.db;
  c.server.notify(NOTIFY.set, 'srem', srcKey, db.id);
  if (srcSet.length === 0) deleteEmptied(c, srcKey);
  let dstSet = dstValue as SetValue | null;
  if (dstSet === null) {
    dstSet = SetValue.createFor(member);
    db.add(dstKey, dstSet);
  }
  c.server.keyModified(db, srcKey);
  c.server.keyModified(db, dstKey);
  c.server.dirty++;
  if (dstSet.add(member, maxIntset(c))) {
    c.server.dirty++;
    c.server.notify(NOTIFY.set, 'sadd', dstKey, db.id);
  }
  c.reply.int(1);
}

// ---- single-key reads ----

function sismember(c: Client, argv: string[]): void {
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  c.reply.int(s !== null && s.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[]): void {
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  const w = c.reply;
  w.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) w.int(s !== null && s.has(argv[i]) ? 1 : 0);
}

function scard(c: Client, argv: string[]): void {
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  c.reply.int(s === null ? 0 : s.length);
}

/** SMEMBERS (Redis 7.0 runs it as a one-key SINTER): a RESP3 set in the encoding's order. */
function smembers(c: Client, argv: string[]): void {
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  const w = c.reply;
  if (s === null) {
    w.setLen(0);
    return;
  }
  w.setLen(s.length);
  s.forEach((m) => w.bulk(m));
}

// ---- SPOP / SRANDMEMBER ----

/** SPOP_MOVE_STRATEGY_MUL: when fewer than count/5 members stay, rebuild the survivors instead. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER_SUB_STRATEGY_MUL: above count*3 > size, trim a full copy instead of picking. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

function spop(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.replyError(ERR.syntax);
    return;
  }
  const key = argv[1];
  const s = readCollection<SetValue>(c, key, 'set', true);
  if (s === undefined) return;
  if (s === null) {
    c.reply.nullBulk();
    return;
  }
  const m = s.pop();
  c.server.notify(NOTIFY.set, 'spop', key, c.db.id);
  c.reply.bulk(m);
  if (s.length === 0) deleteEmptied(c, key);
  c.server.keyModified(c.db, key);
  c.server.dirty++;
}

function spopWithCount(c: Client, argv: string[]): void {
  const n = toInt64(argv[2]);
  if (n === null || n < 0) {
    c.replyError(ERR.valueMustBePositive);
    return;
  }
  let count = Number(n);
  const key = argv[1];
  const entry = lookupWrite(c, key);
  const w = c.reply;
  if (entry === null) {
    w.setLen(0);
    return;
  }
  const v = entry.value;
  if (typeof v === 'string' || v.type !== 'set') {
    c.replyError(ERR.wrongType);
    return;
  }
  if (count === 0) {
    w.setLen(0);
    return;
  }
  const s = v as SetValue;
  const size = s.length;
  const db = c.db;
  c.server.notify(NOTIFY.set, 'spop', key, db.id);
  c.server.dirty += count;
  // CASE 1: everything goes: reply the set as SUNION of it would, then delete the key.
  if (count >= size) {
    const all = SetValue.emptyIntset();
    const max = maxIntset(c);
    s.forEach((m) => {
      all.add(m, max);
    });
    w.setLen(all.length);
    all.forEach((m) => w.bulk(m));
    deleteEmptied(c, key);
    c.server.keyModified(db, key);
    c.server.dirty++;
    return;
  }
  let remaining = size - count;
  w.setLen(count);
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: few to pop: pop them one by one.
    while (count-- > 0) w.bulk(s.pop());
  } else {
    // CASE 3: most go: move the survivors to a new set, reply what is left of the old one.
    let survivors: SetValue | null = null;
    const max = maxIntset(c);
    while (remaining-- > 0) {
      const m = s.random();
      if (survivors === null) survivors = SetValue.createFor(m);
      survivors.add(m, max);
      s.remove(m);
    }
    s.forEach((m) => w.bulk(m));
    entry.value = survivors!;
  }
  c.server.keyModified(db, key);
  c.server.dirty++;
}

function srandmember(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.replyError(ERR.syntax);
    return;
  }
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  if (s === null) c.reply.nullBulk();
  else c.reply.bulk(s.random());
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const l = randomCountArg(c, argv[2]);
  if (l === null) return;
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  const w = c.reply;
  if (s === null) {
    w.arrayLen(0);
    return;
  }
  const uniq = l >= 0;
  let count = Number(uniq ? l : -l);
  if (count === 0) {
    w.arrayLen(0);
    return;
  }
  // CASE 1: negative count (repeats allowed), or a single member: independent random picks.
  if (!uniq || count === 1) {
    w.arrayLen(count);
    while (count-- > 0) w.bulk(s.random());
    return;
  }
  const size = s.length;
  // CASE 2: the whole set, in its order.
  if (count >= size) {
    w.arrayLen(size);
    s.forEach((m) => w.bulk(m));
    return;
  }
  w.arrayLen(count);
  // CASE 3: count close to size: copy everything and keep a random `count` of it.
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    const all = s.toArray();
    for (let i = 0; i < count; i++) {
      const j = i + ((Math.random() * (size - i)) | 0);
      const m = all[j];
      all[j] = all[i];
      w.bulk(m);
    }
    return;
  }
  // CASE 4: count small against size: random picks until `count` distinct members were seen.
  const seen = new Set<string>();
  while (seen.size < count) {
    const m = s.random();
    if (seen.has(m)) continue;
    seen.add(m);
    w.bulk(m);
  }
}

// ---- SINTER family ----

/**
 * The sets named by argv[first .. first+n-1] for a multi-key command: an entry per key (null for a missing
 * key), or undefined after replying WRONGTYPE (every key is checked, as Redis does before computing).
 */
function lookupSets(c: Client, argv: string[], first: number, n: number): Array<SetValue | null> | undefined {
  const sets = new Array<SetValue | null>(n);
  for (let j = 0; j < n; j++) {
    const e = lookupRead(c, argv[first + j]);
    if (e === null) {
      sets[j] = null;
      continue;
    }
    const v = e.value;
    if (typeof v === 'string' || v.type !== 'set') {
      c.replyError(ERR.wrongType);
      return undefined;
    }
    sets[j] = v as SetValue;
  }
  return sets;
}

/**
 * Store a computed set at dstKey as setKey does (TTL cleared), or delete dstKey when the result is empty;
 * replies the stored size. Used by SINTERSTORE, SUNIONSTORE, SDIFFSTORE.
 */
function storeResult(c: Client, dstKey: string, result: SetValue, event: string): void {
  const db = c.db;
  if (result.length > 0) {
    db.set(dstKey, result);
    c.server.keyModified(db, dstKey);
    c.reply.int(result.length);
    c.server.notify(NOTIFY.set, event, dstKey, db.id);
    c.server.dirty++;
  } else {
    c.reply.int(0);
    if (db.delete(dstKey)) {
      c.server.dirty++;
      c.server.keyModified(db, dstKey);
      c.server.notify(NOTIFY.generic, 'del', dstKey, db.id);
    }
  }
}

const bySize = (a: SetValue | null, b: SetValue | null): number => a!.length - b!.length;
const bySizeDescending = (a: SetValue | null, b: SetValue | null): number => (b === null ? 0 : b.length) - (a === null ? 0 : a.length);

/**
 * sinterGenericCommand: SINTER (dstKey null), SINTERSTORE, SINTERCARD (cardinalityOnly, stopping at a
 * non-zero limit). Walks the smallest set and keeps the members every other set has.
 */
function sinterGeneric(c: Client, argv: string[], first: number, n: number, dstKey: string | null, cardinalityOnly: boolean, limit: number): void {
  const sets = lookupSets(c, argv, first, n);
  if (sets === undefined) return;
  const w = c.reply;
  if (sets.includes(null)) {
    // The intersection with an empty set is empty.
    if (dstKey !== null) {
      const db = c.db;
      if (db.delete(dstKey)) {
        c.server.keyModified(db, dstKey);
        c.server.notify(NOTIFY.generic, 'del', dstKey, db.id);
        c.server.dirty++;
      }
      w.int(0);
    } else if (cardinalityOnly) {
      w.int(0);
    } else {
      w.setLen(0);
    }
    return;
  }
  sets.sort(bySize);
  const smallest = sets[0]!;
  const dst = dstKey !== null ? SetValue.emptyIntset() : null;
  const max = dst !== null ? maxIntset(c) : 0;
  const found: string[] = [];
  let cardinality = 0;
  const members = smallest.toArray();
  outer: for (let i = 0; i < members.length; i++) {
    const m = members[i];
    for (let j = 1; j < n; j++) {
      const s = sets[j]!;
      if (s === smallest) continue;
      if (!s.has(m)) continue outer;
    }
    if (dst !== null) {
      dst.add(m, max);
    } else if (cardinalityOnly) {
      cardinality++;
      if (limit !== 0 && cardinality >= limit) break;
    } else {
      found.push(m);
    }
  }
  if (dst !== null) storeResult(c, dstKey!, dst, 'sinterstore');
  else if (cardinalityOnly) w.int(cardinality);
  else {
    w.setLen(found.length);
    for (let i = 0; i < found.length; i++) w.bulk(found[i]);
  }
}

function sintercard(c: Client, argv: string[]): void {
  const numkeys = toInt64(argv[1]);
  if (numkeys === null || numkeys < 1) {
    c.replyError(ERR.numkeysNotPositive);
    return;
  }
  if (numkeys > argv.length - 2) {
    c.replyError(ERR.numkeysTooBig);
    return;
  }
  const n = Number(numkeys);
  let limit = 0;
  for (let j = 2 + n; j < argv.length; j++) {
    if (is(argv[j], 'limit') && j + 1 < argv.length) {
      const l = toInt64(argv[++j]);
      if (l === null || l < 0) {
        c.replyError(ERR.limitNegative);
        return;
      }
      limit = Number(l);
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  sinterGeneric(c, argv, 2, n, null, true, limit);
}

const UNION = 0;
const DIFF = 1;

/** sunionDiffGenericCommand: SUNION, SDIFF (dstKey null), SUNIONSTORE, SDIFFSTORE. */
function sunionDiffGeneric(c: Client, argv: string[], first: number, dstKey: string | null, op: number): void {
  const n = argv.length - first;
  const sets = lookupSets(c, argv, first, n);
  if (sets === undefined) return;
  let sameSet = false;
  for (let j = 1; j < n; j++) if (sets[j] !== null && sets[j] === sets[0]) sameSet = true;
  const head = sets[0];
  // Pick SDIFF's algorithm like Redis: 1 walks the first set probing the others, 2 adds the first set and
  // removes the others'. They can leave the result in different encodings, hence in a different order.
  let diffAlgo = 1;
  if (op === DIFF && head !== null && !sameSet) {
    let algoOneWork = 0;
    let algoTwoWork = 0;
    for (let j = 0; j < n; j++) {
      const s = sets[j];
      if (s === null) continue;
      algoOneWork += head.length;
      algoTwoWork += s.length;
    }
    algoOneWork = Math.floor(algoOneWork / 2);
    diffAlgo = algoOneWork <= algoTwoWork ? 1 : 2;
    if (diffAlgo === 1 && n > 1) {
      const rest = sets.slice(1).sort(bySizeDescending);
      for (let j = 1; j < n; j++) sets[j] = rest[j - 1];
    }
  }
  const dst = SetValue.emptyIntset();
  const max = maxIntset(c);
  if (op === UNION) {
    for (let j = 0; j < n; j++) {
      const s = sets[j];
      if (s !== null) s.forEach((m) => dst.add(m, max));
    }
  } else if (sameSet || head === null) {
    // SDIFF of a set with itself, or of a missing first set: empty.
  } else if (diffAlgo === 1) {
    const members = head.toArray();
    outer: for (let i = 0; i < members.length; i++) {
      const m = members[i];
      for (let j = 1; j < n; j++) {
        const s = sets[j];
        if (s === null) continue;
        if (s === head || s.has(m)) continue outer;
      }
      dst.add(m, max);
    }
  } else {
    head.forEach((m) => dst.add(m, max));
    for (let j = 1; j < n && dst.length > 0; j++) {
      const s = sets[j];
      if (s === null) continue;
      const members = s.toArray();
      for (let i = 0; i < members.length; i++) dst.remove(members[i]);
    }
  }
  if (dstKey === null) {
    const w = c.reply;
    w.setLen(dst.length);
    dst.forEach((m) => w.bulk(m));
  } else {
    storeResult(c, dstKey, dst, op === UNION ? 'sunionstore' : 'sdiffstore');
  }
}

// ---- SSCAN ----

function sscan(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor === null) return;
  const s = readCollection<SetValue>(c, argv[1], 'set');
  if (s === undefined) return;
  const w = c.reply;
  if (s === null) {
    replyEmptyScan(w);
    return;
  }
  const opts = scanOptions(c, argv, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const d = s.hashtable;
  let found: string[];
  let next = 0;
  if (d === null) {
    // An intset is returned whole in one call, cursor 0.
    found = s.toArray();
  } else {
    const entries: DictEntry[] = [];
    next = scanDict(d, cursor, opts.count, entries);
    found = entries.map((e) => e.key);
  }
  if (pattern !== null) found = found.filter((m) => globMatch(pattern, m));
  scanReplyHeader(w, next, found.length);
  for (let i = 0; i < found.length; i++) w.bulk(found[i]);
}

export const setCommands: CommandDef[] = [
  { name: 'sadd', handler: sadd },
  { name: 'srem', handler: srem },
  { name: 'smove', handler: smove },
  { name: 'sismember', handler: sismember },
  { name: 'smismember', handler: smismember },
  { name: 'scard', handler: scard },
  { name: 'smembers', handler: smembers },
  { name: 'spop', handler: spop },
  { name: 'srandmember', handler: srandmember },
  { name: 'sinter', handler: (c, argv) => sinterGeneric(c, argv, 1, argv.length - 1, null, false, 0) },
  { name: 'sintercard', handler: sintercard },
  { name: 'sinterstore', handler: (c, argv) => sinterGeneric(c, argv, 2, argv.length - 2, argv[1], false, 0) },
  { name: 'sunion', handler: (c, argv) => sunionDiffGeneric(c, argv, 1, null, UNION) },
  { name: 'sunionstore', handler: (c, argv) => sunionDiffGeneric(c, argv, 2, argv[1], UNION) },
  { name: 'sdiff', handler: (c, argv) => sunionDiffGeneric(c, argv, 1, null, DIFF) },
  { name: 'sdiffstore', handler: (c, argv) => sunionDiffGeneric(c, argv, 2, argv[1], DIFF) },
  { name: 'sscan', handler: sscan },
];
