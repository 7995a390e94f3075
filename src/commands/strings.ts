/**
 * String commands (t_string.c). Values are latin1 strings in the keyspace; integers are parsed from and
 * written back to text the way Redis's INCR family does (string2ll, 64-bit overflow checks), with a BigInt
 * path only for values beyond 2^53 so the common case stays on plain numbers.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import { ERR } from '../resp/errors';
import { SHARED } from '../resp/reply';
import { NOTIFY } from '../notify';
import { lookupRead, lookupWrite, readString } from './util';
import { parseI64, parseSafeInt } from '../util/numbers';

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
    const opt = argv[j].toLowerCase();
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

// ---- GET / SET ----

function get(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]);
  if (v === undefined) return;
  if (v === null) c.reply.nullBulk();
  else c.reply.bulk(v);
}

/** setGenericCommand. */
function set(c: Client, argv: string[]): void {
  const args = argv.length > 3 ? parseExtendedArgs(c, argv, 3, true) : NO_ARGS;
  if (args === null) return;
  const { flags } = args;
  let expireAt = -1;
  if (args.expire !== null) {
    const ms = expireArgToMs(c, args.expire, flags, 'set');
    if (ms === null) return;
    expireAt = ms;
  }
  const key = argv[1];
  const db = c.db;
  if ((flags & OBJ.GET) !== 0) {
    // getGenericCommand first: WRONGTYPE stops everything.
    const old = readString(c, key);
    if (old === undefined) return;
    c.reply.bulkOrNull(old);
  }
  const found = lookupWrite(c, key) !== null;
  if (((flags & OBJ.NX) !== 0 && found) || ((flags & OBJ.XX) !== 0 && !found)) {
    if ((flags & OBJ.GET) === 0) c.reply.nullBulk();
    return;
  }
  const e = db.set(key, argv[2], (flags & OBJ.KEEPTTL) !== 0);
  c.server.keyModified(db, key);
  c.server.dirty++;
  c.server.notify(NOTIFY.string, 'set', key, db.id);
  if (expireAt !== -1) {
    db.setExpire(e, expireAt);
    c.server.notify(NOTIFY.generic, 'expire', key, db.id);
  }
  if ((flags & OBJ.GET) === 0) c.reply.raw(SHARED.ok);
}
const NO_ARGS: ExtendedArgs = { flags: 0, expire: null };

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
  const text = String(result);
  if (e !== null) {
    e.value = text;
    e.rawString = false;
  } else {
    db.add(key, text);
  }
  c.server.keyModified(db, key);
  c.server.dirty++;
  c.server.notify(NOTIFY.string, 'incrby', key, db.id);
  c.reply.int(result);
}

function incrArg(c: Client, text: string): number | bigint | null {
  const n = parseSafeInt(text);
  if (n !== null) return n;
  const b = parseI64(text);
  if (b === null) c.replyError(ERR.notInteger);
  return b;
}

function negate(v: number | bigint): number | bigint | null {
  if (typeof v === 'number') return -v;
  if (v === I64_MIN) return null;
  return -v;
}

function decrby(c: Client, argv: string[]): void {
  const by = incrArg(c, argv[2]);
  if (by === null) return;
  const neg = negate(by);
  if (neg === null) {
    c.replyError('ERR decrement would overflow');
    return;
  }
  incrBy(c, argv[1], neg);
}

// ---- MGET / MSET ----

function mget(c: Client, argv: string[]): void {
  const w = c.reply;
  w.arrayLen(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = lookupRead(c, argv[i]);
    if (e === null || typeof e.value !== 'string') w.nullBulk();
    else w.bulk(e.value);
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
        c.reply.int(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    db.set(argv[i], argv[i + 1]);
    c.server.keyModified(db, argv[i]);
    c.server.notify(NOTIFY.string, 'set', argv[i], db.id);
  }
  c.server.dirty += (argv.length - 1) / 2;
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

export const stringCommands: CommandDef[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'incr', handler: (c, argv) => incrBy(c, argv[1], 1) },
  { name: 'decr', handler: (c, argv) => incrBy(c, argv[1], -1) },
  {
    name: 'incrby',
    handler: (c, argv) => {
      const by = incrArg(c, argv[2]);
      if (by !== null) incrBy(c, argv[1], by);
    },
  },
  { name: 'decrby', handler: decrby },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: (c, argv) => msetGeneric(c, argv, false) },
  { name: 'msetnx', handler: (c, argv) => msetGeneric(c, argv, true) },
];
