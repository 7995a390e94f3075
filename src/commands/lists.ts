/**
 * List commands (t_list.c of Redis 7.0), blocking ones included.
 *
 * The value is a ListValue (a Deque<string>, see types/list.ts). Handlers follow Redis's code paths step by
 * step because the order of argument parsing, key lookup and type check decides which error a client sees
 * (LRANGE parses its indexes before looking the key up, LINDEX after; LPOS replies nil for a missing key only
 * once its options parsed...). Replies are written straight from the deque (`get(i)`), never through an
 * intermediate array. Writes do what Redis does after each change: keyModified (WATCH), the keyspace event
 * of the command, `dirty`, and deleting a list that became empty (with its `del` event).
 *
 * Blocking variants first try the non-blocking path; when every key is empty they block through
 * blocking.ts with a ListWaiter, whose `serve` is Redis's serveClientBlockedOnList: it pops for the blocked
 * client once a push made one of its keys a list again, with the notifications Redis sends (and only
 * those: a served BLPOP does not signal or dirty the key again, the push already did).
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { KeyEntry } from '../keyspace/db';
import type { CollectionValue } from '../keyspace/object';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { ListValue } from '../types/list';
import { lookupRead, lookupWrite, intArg, is } from './util';
import { parseI64, parseSafeInt } from '../util/numbers';
import { blockForKeys, canBlock, KeyWaiter, parseTimeout } from '../blocking';

/** LIST_HEAD (left) and LIST_TAIL (right). */
const HEAD = 0;
const TAIL = 1;
type Where = typeof HEAD | typeof TAIL;

const LONG_MIN = -9223372036854775808n;

// ---- helpers ----

/** True (after replying WRONGTYPE) when the entry holds something other than a list. */
function notList(c: Client, e: KeyEntry): boolean {
  const v = e.value;
  if (typeof v === 'string' || v.type !== 'list') {
    c.replyError(ERR.wrongType);
    return true;
  }
  return false;
}

/**
 * getPositiveLongFromObjectOrReply: an integer >= 0, or null after replying `err` for a non-integer and for a
 * negative one alike.
 */
function positiveArg(c: Client, s: string, err: string = ERR.valueMustBePositive): number | null {
  let n = parseSafeInt(s);
  if (n === null) {
    const b = parseI64(s);
    n = b === null ? -1 : Number(b);
  }
  if (n < 0) {
    c.replyError(err);
    return null;
  }
  return n;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX, err): numkeys and COUNT of LMPOP. */
function atLeastOneArg(c: Client, s: string, err: string): number | null {
  let n = parseSafeInt(s);
  if (n === null) {
    const b = parseI64(s);
    n = b === null ? 0 : Number(b);
  }
  if (n < 1) {
    c.replyError(err);
    return null;
  }
  return n;
}

/** getListPositionFromObjectOrReply: LEFT → HEAD, RIGHT → TAIL, else null after a syntax error. */
function positionArg(c: Client, s: string): Where | null {
  if (is(s, 'right')) return TAIL;
  if (is(s, 'left')) return HEAD;
  c.replyError(ERR.syntax);
  return null;
}

/**
 * addListRangeReply: elements start..end (negative indexes from the end, clamped), or the same range from
 * end to start when `reverse`. Written straight from the deque.
 */
function replyRange(c: Client, list: ListValue, start: number, end: number, reverse: boolean): void {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  const w = c.reply;
  if (start > end || start >= llen) {
    w.arrayLen(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  w.arrayLen(end - start + 1);
  if (reverse) for (let i = end; i >= start; i--) w.bulk(list.get(i) as string);
  else for (let i = start; i <= end; i++) w.bulk(list.get(i) as string);
}

/**
 * listElementsRemoved: after popping `count` elements from `where`: the lpop/rpop event, deleting an
 * emptied list (and its `del` event), WATCH and dirty. Returns true when the key was deleted.
 */
function elementsRemoved(c: Client, key: string, where: Where, list: ListValue, count: number): boolean {
  const server = c.server;
  const db = c.db;
  server.notify(NOTIFY.list, where === HEAD ? 'lpop' : 'rpop', key, db.id);
  let deleted = false;
  if (list.length === 0) {
    db.removeEntry(key);
    server.notify(NOTIFY.generic, 'del', key, db.id);
    deleted = true;
  }
  server.keyModified(db, key);
  server.dirty += count;
  return deleted;
}

/** Remove up to `count` elements from `where`, writing each as a bulk reply (the array header is the caller's). */
function popInto(c: Client, list: ListValue, where: Where, n: number): void {
  const w = c.reply;
  if (where === HEAD) for (let i = 0; i < n; i++) w.bulk(list.popFront() as string);
  else for (let i = 0; i < n; i++) w.bulk(list.popBack() as string);
}

/**
 * listPopRangeAndReplyWithKey: pop up to `count` elements and reply [key, [elements...]] (LMPOP, BLMPOP).
 * Returns true when the list was emptied and deleted.
 */
function popRangeWithKey(c: Client, list: ListValue, key: string, where: Where, count: number): boolean {
  const n = count > list.length ? list.length : count;
  const w = c.reply;
  w.arrayLen(2);
  w.bulk(key);
  w.arrayLen(n);
  popInto(c, list, where, n);
  return elementsRemoved(c, key, where, list, n);
}

// ---- push ----

/** pushGenericCommand: LPUSH/RPUSH, and LPUSHX/RPUSHX with `xx`. */
function pushGeneric(c: Client, argv: string[], where: Where, xx: boolean): void {
  const key = argv[1];
  const db = c.db;
  const e = lookupWrite(c, key);
  let list: ListValue;
  if (e === null) {
    if (xx) {
      c.reply.int(0);
      return;
    }
    list = new ListValue();
    db.add(key, list);
  } else {
    if (notList(c, e)) return;
    list = e.value as ListValue;
  }
  const argc = argv.length;
  if (where === HEAD) for (let j = 2; j < argc; j++) list.pushFront(argv[j]);
  else for (let j = 2; j < argc; j++) list.pushBack(argv[j]);
  const server = c.server;
  server.dirty += argc - 2;
  c.reply.int(list.length);
  server.keyModified(db, key);
  server.notify(NOTIFY.list, where === HEAD ? 'lpush' : 'rpush', key, db.id);
}

function linsert(c: Client, argv: string[]): void {
  let after: boolean;
  if (is(argv[2], 'after')) after = true;
  else if (is(argv[2], 'before')) after = false;
  else {
    c.replyError(ERR.syntax);
    return;
  }
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null) {
    c.reply.int(0);
    return;
  }
  if (notList(c, e)) return;
  const list = e.value as ListValue;
  const at = list.indexOf(argv[3]);
  if (at < 0) {
    c.reply.int(-1);
    return;
  }
  list.insertAt(after ? at + 1 : at, argv[4]);
  const server = c.server;
  server.keyModified(c.db, key);
  server.notify(NOTIFY.list, 'linsert', key, c.db.id);
  server.dirty++;
  c.reply.int(list.length);
}

// ---- read ----

function llen(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]);
  if (e === null) {
    c.reply.int(0);
    return;
  }
  if (notList(c, e)) return;
  c.reply.int((e.value as ListValue).length);
}

function lindex(c: Client, argv: string[]): void {
  const e = lookupRead(c, argv[1]);
  if (e === null) {
    c.reply.nullBulk();
    return;
  }
  if (notList(c, e)) return;
  let index = intArg(c, argv[2]);
  if (index === null) return;
  const list = e.value as ListValue;
  if (index < 0) index += list.length;
  const v = list.get(index);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function lrange(c: Client, argv: string[]): void {
  const start = intArg(c, argv[2]);
  if (start === null) return;
  const end = intArg(c, argv[3]);
  if (end === null) return;
  const e = lookupRead(c, argv[1]);
  if (e === null) {
    c.reply.arrayLen(0);
    return;
  }
  if (notList(c, e)) return;
  replyRange(c, e.value as ListValue, start, end, false);
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(c: Client, argv: string[]): void {
  const ele = argv[2];
  let rank = 1;
  /** RANK LONG_MIN: Redis negates it in place (still LONG_MIN), so every match qualifies and COUNT never stops. */
  let rankLongMin = false;
  let count = -1;
  let maxlen = 0;
  const argc = argv.length;
  for (let j = 3; j < argc; j++) {
    const opt = argv[j];
    const more = j < argc - 1;
    if (more && is(opt, 'rank')) {
      j++;
      const b = parseI64(argv[j]);
      if (b === null) {
        c.replyError(ERR.notInteger);
        return;
      }
      if (b === 0n) {
        c.replyError(ERR.lposRankZero);
        return;
      }
      rankLongMin = b === LONG_MIN;
      rank = Number(b);
    } else if (more && is(opt, 'count')) {
      j++;
      const n = positiveArg(c, argv[j], ERR.lposCountNegative);
      if (n === null) return;
      count = n;
    } else if (more && is(opt, 'maxlen')) {
      j++;
      const n = positiveArg(c, argv[j], ERR.lposMaxlenNegative);
      if (n === null) return;
      maxlen = n;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const e = lookupRead(c, argv[1]);
  const w = c.reply;
  if (e === null) {
    if (count !== -1) w.arrayLen(0);
    else w.nullBulk();
    return;
  }
  if (notList(c, e)) return;
  const list = e.value as ListValue;
  const llen = list.length;
  const scan = maxlen === 0 || maxlen > llen ? llen : maxlen;
  let matches = 0;
  if (count === -1) {
    for (let index = 0; index < scan; index++) {
      const i = fromTail ? llen - 1 - index : index;
      if (list.get(i) === ele && (++matches >= rank || rankLongMin)) {
        w.int(i);
        return;
      }
    }
    w.nullBulk();
    return;
  }
  const found: number[] = [];
  for (let index = 0; index < scan; index++) {
    const i = fromTail ? llen - 1 - index : index;
    if (list.get(i) !== ele) continue;
    matches++;
    if (matches >= rank || rankLongMin) {
      found.push(i);
      if (count !== 0 && !rankLongMin && matches - rank + 1 >= count) break;
    }
  }
  w.arrayLen(found.length);
  for (let k = 0; k < found.length; k++) w.int(found[k]);
}

// ---- write ----

function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null) {
    c.replyError(ERR.noSuchKey);
    return;
  }
  if (notList(c, e)) return;
  let index = intArg(c, argv[2]);
  if (index === null) return;
  const list = e.value as ListValue;
  if (index < 0) index += list.length;
  if (!list.set(index, argv[3])) {
    c.replyError(ERR.outOfRange);
    return;
  }
  c.reply.ok();
  const server = c.server;
  server.keyModified(c.db, key);
  server.notify(NOTIFY.list, 'lset', key, c.db.id);
  server.dirty++;
}

/** popGenericCommand: LPOP/RPOP key [count]. */
function popGeneric(c: Client, argv: string[], where: Where): void {
  const argc = argv.length;
  if (argc > 3) {
    c.replyError(ERR.wrongArity(where === HEAD ? 'lpop' : 'rpop'));
    return;
  }
  const hasCount = argc === 3;
  let count = 0;
  if (hasCount) {
    const n = positiveArg(c, argv[2]);
    if (n === null) return;
    count = n;
  }
  const key = argv[1];
  const e = lookupWrite(c, key);
  const w = c.reply;
  if (e === null) {
    if (hasCount) w.nullArray();
    else w.nullBulk();
    return;
  }
  if (notList(c, e)) return;
  const list = e.value as ListValue;
  if (hasCount && count === 0) {
    w.arrayLen(0);
    return;
  }
  if (!hasCount) {
    w.bulk((where === HEAD ? list.popFront() : list.popBack()) as string);
    elementsRemoved(c, key, where, list, 1);
    return;
  }
  const n = count > list.length ? list.length : count;
  w.arrayLen(n);
  popInto(c, list, where, n);
  elementsRemoved(c, key, where, list, n);
}

function ltrim(c: Client, argv: string[]): void {
  let start = intArg(c, argv[2]);
  if (start === null) return;
  let end = intArg(c, argv[3]);
  if (end === null) return;
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null) {
    c.reply.ok();
    return;
  }
  if (notList(c, e)) return;
  const list = e.value as ListValue;
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let removed: number;
  if (start > end || start >= llen) {
    removed = llen;
    list.clear();
  } else {
    if (end >= llen) end = llen - 1;
    removed = llen - (end - start + 1);
    if (removed > 0) list.trim(start, end);
  }
  const server = c.server;
  const db = c.db;
  server.notify(NOTIFY.list, 'ltrim', key, db.id);
  if (list.length === 0) {
    db.removeEntry(key);
    server.notify(NOTIFY.generic, 'del', key, db.id);
  }
  server.keyModified(db, key);
  server.dirty += removed;
  c.reply.ok();
}

function lrem(c: Client, argv: string[]): void {
  const toRemove = intArg(c, argv[2]);
  if (toRemove === null) return;
  const key = argv[1];
  const e = lookupWrite(c, key);
  if (e === null) {
    c.reply.int(0);
    return;
  }
  if (notList(c, e)) return;
  const list = e.value as ListValue;
  const removed = list.removeValue(argv[3], toRemove);
  const server = c.server;
  const db = c.db;
  server.dirty += removed;
  if (removed > 0) {
    server.keyModified(db, key);
    server.notify(NOTIFY.list, 'lrem', key, db.id);
  }
  if (list.length === 0) {
    db.removeEntry(key);
    server.notify(NOTIFY.generic, 'del', key, db.id);
  }
  c.reply.int(removed);
}

// ---- move ----

/**
 * lmoveHandlePush: push value to dst (creating it: Db.add signals blocked clients), notify, and reply the
 * value to c.
 */
function pushForMove(c: Client, dst: string, dstList: ListValue | null, value: string, whereTo: Where): void {
  const db = c.db;
  if (dstList === null) {
    dstList = new ListValue();
    db.add(dst, dstList);
  }
  c.server.keyModified(db, dst);
  if (whereTo === HEAD) dstList.pushFront(value);
  else dstList.pushBack(value);
  c.server.notify(NOTIFY.list, whereTo === HEAD ? 'lpush' : 'rpush', dst, db.id);
  c.reply.bulk(value);
}

/** lmoveGenericCommand: LMOVE, RPOPLPUSH, and BLMOVE/BRPOPLPUSH when the source is not empty. */
function lmoveGeneric(c: Client, src: string, dst: string, whereFrom: Where, whereTo: Where): void {
  const se = lookupWrite(c, src);
  if (se === null) {
    c.reply.nullBulk();
    return;
  }
  if (notList(c, se)) return;
  const de = lookupWrite(c, dst);
  if (de !== null && notList(c, de)) return;
  const list = se.value as ListValue;
  const value = (whereFrom === HEAD ? list.popFront() : list.popBack()) as string;
  pushForMove(c, dst, de === null ? null : (de.value as ListValue), value, whereTo);
  const server = c.server;
  const db = c.db;
  server.notify(NOTIFY.list, whereFrom === HEAD ? 'lpop' : 'rpop', src, db.id);
  if (list.length === 0) {
    db.removeEntry(src);
    server.notify(NOTIFY.generic, 'del', src, db.id);
  }
  server.keyModified(db, src);
  server.dirty++;
}

function lmove(c: Client, argv: string[]): void {
  const from = positionArg(c, argv[3]);
  if (from === null) return;
  const to = positionArg(c, argv[4]);
  if (to === null) return;
  lmoveGeneric(c, argv[1], argv[2], from, to);
}

// ---- multi-key pop ----

/** mpopGenericCommand: the first non-empty list among keys argv[first..first+numKeys-1]. */
function mpopGeneric(c: Client, argv: string[], first: number, numKeys: number, where: Where, count: number): void {
  for (let j = first; j < first + numKeys; j++) {
    const key = argv[j];
    const e = lookupWrite(c, key);
    if (e === null) continue;
    if (notList(c, e)) return;
    popRangeWithKey(c, e.value as ListValue, key, where, count);
    return;
  }
  c.reply.nullArray();
}

/** lmpopGenericCommand: LMPOP (numkeys at argv[1]) and BLMPOP (timeout at argv[1], numkeys at argv[2]). */
function lmpopGeneric(c: Client, argv: string[], numKeysIdx: number, block: boolean): void {
  const numKeys = atLeastOneArg(c, argv[numKeysIdx], ERR.numkeysNotPositive);
  if (numKeys === null) return;
  const argc = argv.length;
  const whereIdx = numKeysIdx + numKeys + 1;
  if (whereIdx >= argc) {
    c.replyError(ERR.syntax);
    return;
  }
  const where = positionArg(c, argv[whereIdx]);
  if (where === null) return;
  let count = -1;
  for (let j = whereIdx + 1; j < argc; j++) {
    if (count === -1 && j < argc - 1 && is(argv[j], 'count')) {
      j++;
      const n = atLeastOneArg(c, argv[j], ERR.countNotPositive);
      if (n === null) return;
      count = n;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (count === -1) count = 1;
  if (block) blockingPopGeneric(c, argv, numKeysIdx + 1, numKeys, where, 1, count);
  else mpopGeneric(c, argv, numKeysIdx + 1, numKeys, where, count);
}

// ---- blocking ----

/**
 * What a client blocked by a list command waits for (bpop state of Redis): pops from `where` (with `count`
 * for BLMPOP, -1 otherwise), or moves to `dst` at `whereTo` for BLMOVE/BRPOPLPUSH.
 */
class ListWaiter implements KeyWaiter {
  get type(): 'list' {
    return 'list';
  }
  constructor(
    readonly where: Where,
    readonly count: number,
    readonly dst: string | null,
    readonly whereTo: Where,
  ) {}

  /** serveClientBlockedOnList: runs for the blocked client c, with the list at key non-empty. */
  serve(c: Client, key: string, value: CollectionValue): boolean {
    const list = value as ListValue;
    const server = c.server;
    const db = c.db;
    const where = this.where;
    if (this.dst === null) {
      if (this.count !== -1) {
        popRangeWithKey(c, list, key, where, this.count);
        return true;
      }
      const v = (where === HEAD ? list.popFront() : list.popBack()) as string;
      const w = c.reply;
      w.arrayLen(2);
      w.bulk(key);
      w.bulk(v);
      server.notify(NOTIFY.list, where === HEAD ? 'lpop' : 'rpop', key, db.id);
    } else {
      const de = lookupWrite(c, this.dst);
      // A destination of the wrong type: the client gets WRONGTYPE and is unblocked, nothing moves.
      if (de !== null && notList(c, de)) return true;
      const v = (where === HEAD ? list.popFront() : list.popBack()) as string;
      pushForMove(c, this.dst, de === null ? null : (de.value as ListValue), v, this.whereTo);
      server.notify(NOTIFY.list, where === HEAD ? 'lpop' : 'rpop', key, db.id);
    }
    if (list.length === 0) {
      db.removeEntry(key);
      server.notify(NOTIFY.generic, 'del', key, db.id);
    }
    return true;
  }
}

/**
 * blockingPopGenericCommand: BLPOP/BRPOP (count -1) and BLMPOP (count >= 1) over keys
 * argv[first..first+numKeys-1], with the timeout at argv[timeoutIdx].
 */
function blockingPopGeneric(c: Client, argv: string[], first: number, numKeys: number, where: Where, timeoutIdx: number, count: number): void {
  const timeout = parseTimeout(c, argv[timeoutIdx]);
  if (timeout === null) return;
  const end = first + numKeys;
  for (let j = first; j < end; j++) {
    const key = argv[j];
    const e = lookupWrite(c, key);
    if (e === null) continue;
    if (notList(c, e)) return;
    const list = e.value as ListValue;
    if (count !== -1) {
      popRangeWithKey(c, list, key, where, count);
      return;
    }
    const w = c.reply;
    w.arrayLen(2);
    w.bulk(key);
    w.bulk((where === HEAD ? list.popFront() : list.popBack()) as string);
    elementsRemoved(c, key, where, list, 1);
    return;
  }
  if (!canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blockForKeys(c, argv.slice(first, end), timeout, new ListWaiter(where, count, null, HEAD));
}

/** blmoveGenericCommand: BLMOVE and BRPOPLPUSH. */
function blmoveGeneric(c: Client, argv: string[], whereFrom: Where, whereTo: Where, timeout: number): void {
  const e = lookupWrite(c, argv[1]);
  if (e !== null) {
    if (notList(c, e)) return;
    lmoveGeneric(c, argv[1], argv[2], whereFrom, whereTo);
    return;
  }
  if (!canBlock(c)) {
    c.reply.nullBulk();
    return;
  }
  blockForKeys(c, [argv[1]], timeout, new ListWaiter(whereFrom, -1, argv[2], whereTo));
}

function blmove(c: Client, argv: string[]): void {
  const from = positionArg(c, argv[3]);
  if (from === null) return;
  const to = positionArg(c, argv[4]);
  if (to === null) return;
  const timeout = parseTimeout(c, argv[5]);
  if (timeout === null) return;
  blmoveGeneric(c, argv, from, to, timeout);
}

function brpoplpush(c: Client, argv: string[]): void {
  const timeout = parseTimeout(c, argv[3]);
  if (timeout === null) return;
  blmoveGeneric(c, argv, TAIL, HEAD, timeout);
}

export const listCommands: CommandDef[] = [
  { name: 'lpush', handler: (c, argv) => pushGeneric(c, argv, HEAD, false) },
  { name: 'rpush', handler: (c, argv) => pushGeneric(c, argv, TAIL, false) },
  { name: 'lpushx', handler: (c, argv) => pushGeneric(c, argv, HEAD, true) },
  { name: 'rpushx', handler: (c, argv) => pushGeneric(c, argv, TAIL, true) },
  { name: 'linsert', handler: linsert },
  { name: 'llen', handler: llen },
  { name: 'lindex', handler: lindex },
  { name: 'lset', handler: lset },
  { name: 'lpop', handler: (c, argv) => popGeneric(c, argv, HEAD) },
  { name: 'rpop', handler: (c, argv) => popGeneric(c, argv, TAIL) },
  { name: 'lrange', handler: lrange },
  { name: 'ltrim', handler: ltrim },
  { name: 'lpos', handler: lpos },
  { name: 'lrem', handler: lrem },
  { name: 'lmove', handler: lmove },
  { name: 'rpoplpush', handler: (c, argv) => lmoveGeneric(c, argv[1], argv[2], TAIL, HEAD) },
  { name: 'lmpop', handler: (c, argv) => lmpopGeneric(c, argv, 1, false) },
  { name: 'blpop', handler: (c, argv) => blockingPopGeneric(c, argv, 1, argv.length - 2, HEAD, argv.length - 1, -1) },
  { name: 'brpop', handler: (c, argv) => blockingPopGeneric(c, argv, 1, argv.length - 2, TAIL, argv.length - 1, -1) },
  { name: 'blmove', handler: blmove },
  { name: 'brpoplpush', handler: brpoplpush },
  { name: 'blmpop', handler: (c, argv) => lmpopGeneric(c, argv, 2, true) },
];
