/**
 * Helpers shared by command handlers: typed key lookups that reply WRONGTYPE, and argument parsers that reply
 * Redis's error and return null on failure, so a handler reads as a straight line:
 *   const n = intArg(c, argv[2]); if (n === null) return;
 * Keyspace hits and misses (INFO stats) are counted here, where Redis's lookupKeyRead counts them.
 */

import type { Client } from '../client';
import { type KeyEntry, NOT_STRING, type PACKED_BYTES } from '../keyspace/db';
import type { CollectionValue, TypeName } from '../keyspace/object';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { parseI64, parseSafeInt, parseDouble } from '../util/numbers';

/** lookupKeyRead: the entry or null, counting a hit or a miss. */
export function lookupRead(c: Client, key: string): KeyEntry | null {
  const e = c.db.lookup(key, c.keyHash(key));
  countLookup(c, key, e !== null);
  return e;
}

/** A read lookup's statistics: keyspace_hits or keyspace_misses, and a miss's `keymiss` event unless `noNotify`. */
export function countLookup(c: Client, key: string, found: boolean, noNotify = false): void {
  if (found) {
    c.server.stats.keyspaceHits++;
  } else {
    c.server.stats.keyspaceMisses++;
    if (!noNotify) c.server.notify(NOTIFY.keyMiss, 'keymiss', key, c.db.id);
  }
}

/** lookupKeyWrite: the entry or null (expired keys are removed first). */
export function lookupWrite(c: Client, key: string): KeyEntry | null {
  return c.db.lookup(key, c.keyHash(key));
}

/**
 * lookupKeyRead for a string: the value, null when absent (a miss), NOT_STRING for another type; with `raw`,
 * PACKED_BYTES for a packed value (its bytes in db.valueRef, see Db.readString). Counts the hit or miss.
 */
export function probeString(c: Client, key: string, raw: true): string | null | typeof NOT_STRING | typeof PACKED_BYTES;
export function probeString(c: Client, key: string): string | null | typeof NOT_STRING;
export function probeString(c: Client, key: string, raw = false): string | null | typeof NOT_STRING | typeof PACKED_BYTES {
  const v = c.db.readString(key, raw, c.keyHash(key));
  countLookup(c, key, v !== null);
  return v;
}

/**
 * The string at key for reading: the value, null when absent, undefined after replying WRONGTYPE.
 */
export function readString(c: Client, key: string): string | null | undefined {
  const v = probeString(c, key);
  if (v === NOT_STRING) {
    c.replyError(ERR.wrongType);
    return undefined;
  }
  return v;
}

/**
 * The collection of `type` at key: the value, null when absent, undefined after replying WRONGTYPE.
 * `write` selects lookupKeyWrite (no hit/miss accounting).
 */
export function readCollection<T extends CollectionValue>(c: Client, key: string, type: TypeName, write = false): T | null | undefined {
  const e = write ? lookupWrite(c, key) : lookupRead(c, key);
  if (e === null) return null;
  const v = e.value;
  if (typeof v === 'string' || v.type !== type) {
    c.replyError(ERR.wrongType);
    return undefined;
  }
  return v as T;
}

/** A signed 64-bit integer argument as a JS number (exact up to 2^53; beyond, rounded); null after replying. */
export function intArg(c: Client, s: string, err: string = ERR.notInteger): number | null {
  const n = parseSafeInt(s);
  if (n !== null) return n;
  const b = parseI64(s);
  if (b === null) {
    c.replyError(err);
    return null;
  }
  return Number(b);
}

/** An exact signed 64-bit integer argument; null after replying. */
export function bigIntArg(c: Client, s: string, err: string = ERR.notInteger): bigint | null {
  const b = parseI64(s);
  if (b === null) {
    c.replyError(err);
    return null;
  }
  return b;
}

/** A non-negative integer in [min, max] with a custom error. */
export function rangedIntArg(c: Client, s: string, min: number, max: number, err: string): number | null {
  const n = parseSafeInt(s);
  if (n === null || n < min || n > max) {
    if (n === null && parseI64(s) === null) c.replyError(ERR.notInteger);
    else c.replyError(err);
    return null;
  }
  return n;
}

/** A double argument (strtod rules); null after replying "value is not a valid float". */
export function floatArg(c: Client, s: string, err: string = ERR.notFloat): number | null {
  const d = parseDouble(s);
  if (d === null) {
    c.replyError(err);
    return null;
  }
  return d;
}

/** Case-insensitive comparison with an ASCII keyword given in lower case. */
export function is(arg: string, lowerKeyword: string): boolean {
  return arg.length === lowerKeyword.length && arg.toLowerCase() === lowerKeyword;
}
