/**
 * String commands (t_string.c). Values are latin1 strings in the keyspace; integers are parsed from and
 * written back to text the way Redis's INCR family does (string2ll, 64-bit overflow checks), with a BigInt
 * path only for values beyond 2^53 so the common case stays on plain numbers. INCRBYFLOAT computes in x87
 * long double precision (util/numbers.ts LongDouble) and stores the "%.17Lf"-style text, as Redis does.
 *
 * Redis's object encodings matter to OBJECT ENCODING/REFCOUNT, so every handler that creates or changes a
 * value records how Redis would have built it: values written in place (APPEND, SETRANGE) are "raw", values
 * made without tryObjectEncoding (INCRBYFLOAT) are never "int" (KeyEntry.rawString / strFlags).
 *
 * Option keywords are compared as C strings, up to the first NUL byte, because that is what Redis's strcasecmp
 * and opt[2] == '\0' checks see ("nx\0junk" is NX).
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import { KeyEntry, NOT_STRING, PACKED_BYTES, SET_KEEPTTL, SET_NX, SET_SKIPPED, SET_XX, STR_NO_INT } from '../keyspace/db';
import { ERR } from '../resp/errors';
import { SHARED } from '../resp/reply';
import { NOTIFY } from '../notify';
import { lookupRead, lookupWrite, probeString, readString } from './util';
import { addLongDouble, formatInt, formatLongDoubleHuman, LongDouble, parseI64, parseLongDouble, parseSafeInt } from '../util/numbers';

/** The argument as C code sees it: up to the first NUL byte, lower-cased (for keyword comparisons). */
export function keyword(arg: string): string {
  const z = arg.indexOf('\0');
  return (z < 0 ? arg : arg.slice(0, z)).toLowerCase();
}

/**
 * The longest string V8 can hold ((1 << 29) - 24 chars). Redis's default proto-max-bulk-len (512 MB) is a few
 * bytes more; APPEND/SETRANGE results beyond this are refused with the proto-max-bulk-len error.
 */
const MAX_JS_STRING = (1 << 29) - 24;

/** checkStringLength: a string of size + append bytes must fit proto-max-bulk-len. Replies false on failure. */
function checkStringLength(c: Client, size: number, append: number): boolean {
  const total = size + append;
  if (total > c.server.config.num('proto-max-bulk-len') || total > MAX_JS_STRING) {
    c.replyError(ERR.stringTooLong);
    return false;
  }
  return true;
}

// ---- expiry argument parsing shared by SET and GETEX ----

export const OBJ = {
  NX: 1 << 0,
  XX: 1 << 1,
  EX: 1 << 2,
  PX: 1 << 3,
  KEEPTTL: 1 << 4,
  GET: 1 << 5,
  EXAT: 1 << 6,
  PXAT: 1 << 7,
  PERSIST: 1 << 8,
} as const;

export interface ExtendedArgs {
  flags: number;
  /** The raw expire argument, or null. */
  expire: string | null;
}

/**
 * parseExtendedStringArgumentsOrReply: the option grammar shared by SET (isSet) and GETEX.
 * Returns null after replying a syntax error.
 */
export function parseExtendedArgs(c: Client, argv: string[], start: number, isSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = start; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    const hasNext = j + 1 < argv.length;
    const timeFlags = OBJ.EX | OBJ.PX | OBJ.EXAT | OBJ.PXAT;
    if (opt === 'nx' && !(flags & OBJ.XX) && isSet) flags |= OBJ.NX;
    else if (opt === 'xx' && !(flags & OBJ.NX) && isSet) flags |= OBJ.XX;
    else if (opt === 'get' && isSet) flags |= OBJ.GET;
    else if (opt === 'keepttl' && !(flags & (OBJ.PERSIST | timeFlags)) && isSet) flags |= OBJ.KEEPTTL;
    else if (opt === 'persist' && !isSet && !(flags & (timeFlags | OBJ.KEEPTTL))) flags |= OBJ.PERSIST;
    else if (opt === 'ex' && !(flags & (OBJ.KEEPTTL | OBJ.PERSIST | OBJ.EXAT | OBJ.PX | OBJ.PXAT)) && hasNext) {
      flags |= OBJ.EX;
      expire = argv[++j];
    } else if (opt === 'px' && !(flags & (OBJ.KEEPTTL | OBJ.PERSIST | OBJ.EX | OBJ.EXAT | OBJ.PXAT)) && hasNext) {
      flags |= OBJ.PX;
      expire = argv[++j];
    } else if (opt === 'exat' && !(flags & (OBJ.KEEPTTL | OBJ.PERSIST | OBJ.EX | OBJ.PX | OBJ.PXAT)) && hasNext) {
      flags |= OBJ.EXAT;
      expire = argv[++j];
    } else if (opt === 'pxat' && !(flags & (OBJ.KEEPTTL | OBJ.PERSIST | OBJ.EX | OBJ.EXAT | OBJ.PX)) && hasNext) {
      flags |= OBJ.PXAT;
      expire = argv[++j];
    } else {
      c.replyError(ERR.syntax);
      return null;
    }
  }
  return { flags, expire };
}

const LLONG_MAX = 9223372036854775807n;

/**
 * getExpireMillisecondsOrReply: the absolute expiry in ms for an EX/PX/EXAT/PXAT argument, or null after
 * replying. Arithmetic is checked in 64 bits exactly as Redis does it (overflow = invalid expire time).
 */
export function expireArgToMs(c: Client, text: string, flags: number, cmdName: string): number | null {
  const seconds = (flags & (OBJ.EX | OBJ.EXAT)) !== 0;
  const relative = (flags & (OBJ.EX | OBJ.PX)) !== 0;
  const n = parseSafeInt(text);
  if (n !== null && n > 0 && n < 1e12) {
    const ms = seconds ? n * 1000 : n;
    return relative ? ms + c.server.clock.now() : ms;
  }
  const b = parseI64(text);
  if (b === null) {
    c.replyError(ERR.notInteger);
    return null;
  }
  if (b <= 0n || (seconds && b > LLONG_MAX / 1000n)) {
    c.replyError(ERR.invalidExpire(cmdName));
    return null;
  }
  let ms = seconds ? b * 1000n : b;
  if (relative) ms += BigInt(c.server.clock.now());
  if (ms > LLONG_MAX) {
    c.replyError(ERR.invalidExpire(cmdName));
    return null;
  }
  return Number(ms);
}

// ---- GET / SET family ----

function get(c: Client, argv: string[]): void {
  const v = probeString(c, argv[1], true);
  if (v === PACKED_BYTES) replyPacked(c);
  else if (v === null) c.reply.nullBulk();
  else if (v === NOT_STRING) c.replyError(ERR.wrongType);
  else c.reply.bulk(v);
}

/** Reply the packed value a raw readString just found (its bytes, copied without making a string). */
function replyPacked(c: Client): void {
  const ref = c.db.valueRef;
  c.reply.bulkBytes(ref.buf, ref.offset, ref.length);
}

/** What setGeneric replies: SET's +OK / null, or SETNX's 1 / 0. */
const SET_REPLY_OK = 0;
const SET_REPLY_INT = 1;

/**
 * setGenericCommand (SET, SETNX, SETEX, PSETEX): validate the expire, run GET if asked, honour NX/XX, store,
 * then signal, notify `set` (and `expire`) and reply.
 */
function setGeneric(c: Client, flags: number, key: string, value: string, expire: string | null, cmdName: string, replyKind: number): void {
  let expireAt = -1;
  if (expire !== null) {
    const ms = expireArgToMs(c, expire, flags, cmdName);
    if (ms === null) return;
    expireAt = ms;
  }
  const db = c.db;
  if ((flags & OBJ.GET) !== 0) {
    // getGenericCommand first: WRONGTYPE stops everything.
    const old = readString(c, key);
    if (old === undefined) return;
    c.reply.bulkOrNull(old);
  }
  const cond = ((flags & OBJ.NX) !== 0 ? SET_NX : 0) | ((flags & OBJ.XX) !== 0 ? SET_XX : 0);
  if (expireAt === -1) {
    if (db.setString(key, value, cond | ((flags & OBJ.KEEPTTL) !== 0 ? SET_KEEPTTL : 0), c.keyHash(key)) === SET_SKIPPED) {
      setSkipped(c, flags, replyKind);
      return;
    }
  } else {
    const found = lookupWrite(c, key) !== null;
    if (((cond & SET_NX) !== 0 && found) || ((cond & SET_XX) !== 0 && !found)) {
      setSkipped(c, flags, replyKind);
      return;
    }
    db.setExpire(db.set(key, value), expireAt);
  }
  c.server.keyModified(db, key);
  c.server.dirty++;
  c.server.notify(NOTIFY.string, 'set', key, db.id);
  if (expireAt !== -1) c.server.notify(NOTIFY.generic, 'expire', key, db.id);
  if ((flags & OBJ.GET) === 0) c.reply.raw(replyKind === SET_REPLY_INT ? SHARED.one : SHARED.ok);
}

/** The reply of a SET whose NX/XX condition failed (none when GET already replied). */
function setSkipped(c: Client, flags: number, replyKind: number): void {
  if ((flags & OBJ.GET) !== 0) return;
  if (replyKind === SET_REPLY_INT) c.reply.raw(SHARED.zero);
  else c.reply.nullBulk();
}

function set(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    setGeneric(c, 0, argv[1], argv[2], null, 'set', SET_REPLY_OK);
    return;
  }
  const args = parseExtendedArgs(c, argv, 3, true);
  if (args !== null) setGeneric(c, args.flags, argv[1], argv[2], args.expire, 'set', SET_REPLY_OK);
}

/** GETSET: GET, then SET without options (the TTL is cleared). */
function getset(c: Client, argv: string[]): void {
  const key = argv[1];
  const old = readString(c, key);
  if (old === undefined) return;
  c.reply.bulkOrNull(old);
  const db = c.db;
  db.setString(key, argv[2]);
  c.server.keyModified(db, key);
  c.server.notify(NOTIFY.string, 'set', key, db.id);
  c.server.dirty++;
}

function getdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = readString(c, key);
  if (v === undefined) return;
  if (v === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulk(v);
  const db = c.db;
  if (db.delete(key)) {
    c.server.keyModified(db, key);
    c.server.notify(NOTIFY.generic, 'del', key, db.id);
    c.server.dirty++;
  }
}

/** GETEX: options first (syntax), then the key (null if absent), the type, the expire value, then the change. */
function getex(c: Client, argv: string[]): void {
  const args = argv.length > 2 ? parseExtendedArgs(c, argv, 2, false) : NO_ARGS;
  if (args === null) return;
  const key = argv[1];
  const e = lookupRead(c, key);
  if (e === null) {
    c.reply.nullBulk();
    return;
  }
  if (typeof e.value !== 'string') {
    c.replyError(ERR.wrongType);
    return;
  }
  const flags = args.flags;
  let ms = 0;
  if (args.expire !== null) {
    const v = expireArgToMs(c, args.expire, flags, 'getex');
    if (v === null) return;
    ms = v;
  }
  c.reply.bulk(e.value);
  const db = c.db;
  const server = c.server;
  if ((flags & (OBJ.EXAT | OBJ.PXAT)) !== 0 && ms <= server.clock.now()) {
    // checkAlreadyExpired: an absolute time already past deletes the key.
    db.removeEntry(key);
    server.keyModified(db, key);
    server.notify(NOTIFY.generic, 'del', key, db.id);
    server.dirty++;
  } else if (args.expire !== null) {
    db.setExpire(e, ms);
    server.keyModified(db, key);
    server.notify(NOTIFY.generic, 'expire', key, db.id);
    server.dirty++;
  } else if ((flags & OBJ.PERSIST) !== 0 && db.removeExpire(e)) {
    server.keyModified(db, key);
    server.notify(NOTIFY.generic, 'persist', key, db.id);
    server.dirty++;
  }
}
const NO_ARGS: ExtendedArgs = { flags: 0, expire: null };

// ---- in-place edits: APPEND, SETRANGE; reads: STRLEN, GETRANGE ----

function append(c: Client, argv: string[]): void {
  const key = argv[1];
  const add = argv[2];
  const db = c.db;
  const e = lookupWrite(c, key);
  let total: number;
  if (e === null) {
    db.add(key, add);
    total = add.length;
  } else {
    const v = e.value;
    if (typeof v !== 'string') {
      c.replyError(ERR.wrongType);
      return;
    }
    if (!checkStringLength(c, v.length, add.length)) return;
    e.value = v + add;
    // dbUnshareStringValue: the value is now a raw sds, even when nothing was appended.
    e.rawString = true;
    e.strFlags = 0;
    total = v.length + add.length;
  }
  c.server.keyModified(db, key);
  c.server.notify(NOTIFY.string, 'append', key, db.id);
  c.server.dirty++;
  c.reply.int(total);
}

function strlen(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]);
  if (v === undefined) return;
  c.reply.int(v === null ? 0 : v.length);
}

/** A 64-bit integer argument: a number when safe, else an exact bigint; null after replying. */
function i64Arg(c: Client, s: string): number | bigint | null {
  const n = parseSafeInt(s);
  if (n !== null) return n;
  const b = parseI64(s);
  if (b === null) c.replyError(ERR.notInteger);
  return b;
}

/** GETRANGE and SUBSTR: both indexes parsed before the key is looked up; out-of-range indexes clamp. */
function getrange(c: Client, argv: string[]): void {
  const start0 = i64Arg(c, argv[2]);
  if (start0 === null) return;
  const end0 = i64Arg(c, argv[3]);
  if (end0 === null) return;
  const v = readString(c, argv[1]);
  if (v === undefined) return;
  if (v === null) {
    c.reply.raw(SHARED.emptyBulk);
    return;
  }
  // Mixed number/bigint comparisons are exact in JS.
  if (start0 < 0 && end0 < 0 && start0 > end0) {
    c.reply.raw(SHARED.emptyBulk);
    return;
  }
  const len = v.length;
  // Beyond 2^53 an index is far outside any string: clamp it to one that behaves the same.
  let start = typeof start0 === 'bigint' ? (start0 < 0n ? -Infinity : Infinity) : start0;
  let end = typeof end0 === 'bigint' ? (end0 < 0n ? -Infinity : Infinity) : end0;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) c.reply.raw(SHARED.emptyBulk);
  else c.reply.bulk(v.slice(start, end + 1));
}

function setrange(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[3];
  const off = i64Arg(c, argv[2]);
  if (off === null) return;
  if (off < 0) {
    c.replyError(ERR.offsetOutOfRange);
    return;
  }
  // An offset beyond 2^53 can only fail the length check.
  const offset = typeof off === 'bigint' ? Infinity : off;
  const db = c.db;
  const e = lookupWrite(c, key);
  let cur: string;
  let entry: KeyEntry;
  if (e === null) {
    // Setting nothing on a missing key creates nothing.
    if (value.length === 0) {
      c.reply.raw(SHARED.zero);
      return;
    }
    if (!checkStringLength(c, offset, value.length)) return;
    cur = '';
    entry = db.add(key, '');
  } else {
    const v = e.value;
    if (typeof v !== 'string') {
      c.replyError(ERR.wrongType);
      return;
    }
    if (value.length === 0) {
      c.reply.int(v.length);
      return;
    }
    if (!checkStringLength(c, offset, value.length)) return;
    cur = v;
    entry = e;
  }
  const next =
    offset > cur.length
      ? cur + '\0'.repeat(offset - cur.length) + value
      : cur.slice(0, offset) + value + cur.slice(offset + value.length);
  entry.value = next;
  entry.rawString = true;
  entry.strFlags = 0;
  c.server.keyModified(db, key);
  c.server.notify(NOTIFY.string, 'setrange', key, db.id);
  c.server.dirty++;
  c.reply.int(next.length);
}

// ---- INCR family ----

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** incrDecrCommand: add `by` (number or bigint) to the integer at key. */
function incrBy(c: Client, key: string, by: number | bigint): void {
  const db = c.db;
  const e = lookupWrite(c, key);
  let cur: number | bigint = 0;
  if (e !== null) {
    const v = e.value;
    if (typeof v !== 'string') {
      c.replyError(ERR.wrongType);
      return;
    }
    const n = v.length <= 20 ? parseSafeInt(v) : null;
    if (n !== null) cur = n;
    else {
      const b = v.length <= 20 ? parseI64(v) : null;
      if (b === null) {
        c.replyError(ERR.notInteger);
        return;
      }
      cur = b;
    }
  }
  let result: number | bigint;
  if (typeof cur === 'number' && typeof by === 'number') {
    result = cur + by;
    if (!Number.isSafeInteger(result)) result = BigInt(cur) + BigInt(by);
  } else {
    result = BigInt(cur) + BigInt(by);
  }
  if (typeof result === 'bigint') {
    if (result > I64_MAX || result < I64_MIN) {
      c.replyError(ERR.overflow);
      return;
    }
  }
  const text = typeof result === 'number' ? formatInt(result) : String(result);
  if (e !== null) {
    e.value = text;
    e.resetEncoding();
  } else {
    db.add(key, text);
  }
  c.server.keyModified(db, key);
  c.server.dirty++;
  c.server.notify(NOTIFY.string, 'incrby', key, db.id);
  c.reply.int(result);
}

function incrby(c: Client, argv: string[]): void {
  const by = i64Arg(c, argv[2]);
  if (by !== null) incrBy(c, argv[1], by);
}

function decrby(c: Client, argv: string[]): void {
  const by = i64Arg(c, argv[2]);
  if (by === null) return;
  if (by === I64_MIN) {
    c.replyError(ERR.decrementOverflow);
    return;
  }
  incrBy(c, argv[1], typeof by === 'number' ? -by : -(by as bigint));
}

/**
 * INCRBYFLOAT: current value and increment parsed as x87 long doubles (string2ld), summed in that precision,
 * stored as the "%.17Lf" text with trailing zeros removed. The new object is never int-encoded (Redis builds it
 * with createStringObjectFromLongDouble), and an in-place update keeps the TTL.
 */
function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const e = lookupWrite(c, key);
  let cur: LongDouble | null = LongDouble.ZERO;
  if (e !== null) {
    const v = e.value;
    if (typeof v !== 'string') {
      c.replyError(ERR.wrongType);
      return;
    }
    cur = parseLongDouble(v);
  }
  const incr = cur === null ? null : parseLongDouble(argv[2]);
  if (cur === null || incr === null) {
    c.replyError(ERR.notFloat);
    return;
  }
  const sum = addLongDouble(cur, incr);
  if (!sum.isFinite()) {
    c.replyError(ERR.nanOrInf);
    return;
  }
  const text = formatLongDoubleHuman(sum);
  const entry = e ?? db.add(key, text);
  entry.value = text;
  entry.rawString = false;
  entry.strFlags = STR_NO_INT;
  c.server.keyModified(db, key);
  c.server.notify(NOTIFY.string, 'incrbyfloat', key, db.id);
  c.server.dirty++;
  c.reply.bulk(text);
}

// ---- MGET / MSET ----

function mget(c: Client, argv: string[]): void {
  const w = c.reply;
  w.arrayLen(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const v = probeString(c, argv[i], true);
    if (v === PACKED_BYTES) replyPacked(c);
    else if (v === null || v === NOT_STRING) w.nullBulk();
    else w.bulk(v);
  }
}

/** msetGenericCommand: NX = MSETNX. */
function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.replyError(ERR.wrongArity(nx ? 'msetnx' : 'mset'));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (lookupWrite(c, argv[i]) !== null) {
        c.reply.raw(SHARED.zero);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    db.setString(argv[i], argv[i + 1]);
    c.server.keyModified(db, argv[i]);
    c.server.notify(NOTIFY.string, 'set', argv[i], db.id);
  }
  c.server.dirty += (argv.length - 1) / 2;
  if (nx) c.reply.raw(SHARED.one);
  else c.reply.ok();
}

// ---- LCS ----

/**
 * LCS: the classic dynamic-programming table, then a walk back from its corner that rebuilds the string and,
 * for IDX, the matched ranges, ported step by step from Redis so the ranges (and their order, last first) are
 * the same. The table needs (alen+1)*(blen+1) 32-bit cells; like Redis, it is refused above proto-max-bulk-len.
 */
function lcs(c: Client, argv: string[]): void {
  const ea = lookupRead(c, argv[1]);
  const eb = lookupRead(c, argv[2]);
  if ((ea !== null && typeof ea.value !== 'string') || (eb !== null && typeof eb.value !== 'string')) {
    c.replyError(ERR.lcsNotString);
    return;
  }
  const a = ea === null ? '' : (ea.value as string);
  const b = eb === null ? '' : (eb.value as string);
  let getlen = false;
  let getidx = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    if (opt === 'idx') getidx = true;
    else if (opt === 'len') getlen = true;
    else if (opt === 'withmatchlen') withmatchlen = true;
    else if (opt === 'minmatchlen' && j + 1 < argv.length) {
      const n = i64Arg(c, argv[j + 1]);
      if (n === null) return;
      minmatchlen = n < 0 ? 0 : Number(n);
      j++;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (getidx && getlen) {
    c.replyError(ERR.lcsWithMatch);
    return;
  }
  // (Redis also refuses strings of 4 GB and more; V8 strings cannot be that long.)
  const alen = a.length;
  const blen = b.length;
  const cols = blen + 1;
  const cells = (alen + 1) * cols;
  let dp: Uint32Array;
  try {
    if (cells * 4 > c.server.config.num('proto-max-bulk-len')) throw new RangeError('LCS table too big');
    dp = new Uint32Array(cells);
  } catch {
    c.replyError(ERR.lcsTooBig);
    return;
  }
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * cols;
    const prev = row - cols;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) dp[row + j] = dp[prev + j - 1] + 1;
      else {
        const l1 = dp[prev + j];
        const l2 = dp[row + j - 1];
        dp[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = dp[alen * cols + blen];
  if (getlen) {
    c.reply.int(total);
    return;
  }
  // Walk back from the corner (Redis's loop, with arangeStart === alen meaning "no range open").
  const out: number[] = new Array<number>(total);
  let idx = total;
  const ranges: number[] = []; // aStart, aEnd, bStart, bEnd, len per emitted range
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    const ch = a.charCodeAt(i - 1);
    if (ch === b.charCodeAt(j - 1)) {
      out[idx - 1] = ch;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * cols + j] > dp[i * cols + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getidx && (minmatchlen === 0 || matchLen >= minmatchlen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  const w = c.reply;
  if (!getidx) {
    w.bulk(latin1FromCodes(out));
    return;
  }
  w.mapLen(2);
  w.bulk('matches');
  const n = ranges.length / 5;
  w.arrayLen(n);
  for (let r = 0; r < ranges.length; r += 5) {
    w.arrayLen(withmatchlen ? 3 : 2);
    w.arrayLen(2);
    w.int(ranges[r]);
    w.int(ranges[r + 1]);
    w.arrayLen(2);
    w.int(ranges[r + 2]);
    w.int(ranges[r + 3]);
    if (withmatchlen) w.int(ranges[r + 4]);
  }
  w.bulk('len');
  w.int(total);
}

/** A latin1 string from byte values, in chunks (String.fromCharCode has an argument-count limit). */
function latin1FromCodes(codes: number[]): string {
  let s = '';
  for (let k = 0; k < codes.length; k += 8192) s += String.fromCharCode.apply(null, codes.slice(k, k + 8192));
  return s;
}

export const stringCommands: CommandDef[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'setnx', handler: (c, argv) => setGeneric(c, OBJ.NX, argv[1], argv[2], null, 'setnx', SET_REPLY_INT) },
  { name: 'setex', handler: (c, argv) => setGeneric(c, OBJ.EX, argv[1], argv[3], argv[2], 'setex', SET_REPLY_OK) },
  { name: 'psetex', handler: (c, argv) => setGeneric(c, OBJ.PX, argv[1], argv[3], argv[2], 'psetex', SET_REPLY_OK) },
  { name: 'getset', handler: getset },
  { name: 'getdel', handler: getdel },
  { name: 'getex', handler: getex },
  { name: 'append', handler: append },
  { name: 'strlen', handler: strlen },
  { name: 'getrange', handler: getrange },
  { name: 'substr', handler: getrange },
  { name: 'setrange', handler: setrange },
  { name: 'incr', handler: (c, argv) => incrBy(c, argv[1], 1) },
  { name: 'decr', handler: (c, argv) => incrBy(c, argv[1], -1) },
  { name: 'incrby', handler: incrby },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: (c, argv) => msetGeneric(c, argv, false) },
  { name: 'msetnx', handler: (c, argv) => msetGeneric(c, argv, true) },
  { name: 'lcs', handler: lcs },
];
