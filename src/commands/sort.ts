/**
 * SORT and SORT_RO (sort.c): sort the elements of a list, set or sorted set numerically or
 * lexicographically (ALPHA), optionally by external keys (BY pattern, "key_*" or "hash_*->field"), with
 * LIMIT, ASC/DESC, GET patterns (# is the element itself) and, for SORT, STORE into a list.
 *
 * The steps follow sortCommandGeneric one for one because each is visible to clients:
 *  - options are parsed first (a LIMIT that is not an integer, or an unknown word, ends the command), then
 *    the key is looked up (WRONGTYPE for strings and hashes; a missing key sorts like an empty list);
 *  - a BY pattern without '*' means "don't sort": lists and sorted sets keep their own order (DESC reverses
 *    it, LIMIT cuts it directly), sets keep theirs unless STORE forces an ALPHA sort for a stable result;
 *  - SORT turns a listpack sorted set into a skiplist (Redis converts destructively before loading it);
 *  - numeric weights are read with C strtod: leading spaces are fine, trailing bytes, NaN and ERANGE
 *    (overflow, underflow, subnormals) make "One or more scores can't be converted into double", an
 *    element whose BY key is missing weighs 0 (ALPHA: sorts first), and ties are broken by comparing the
 *    elements as binary strings;
 *  - ALPHA compares like strcoll in the C/C.UTF-8 locale (bytes, up to the first NUL), or binary-safe when
 *    storing; the sort is stable (glibc's qsort is a merge sort), so ties keep the input order.
 * The list, set and sorted-set values are read through their own classes only.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { CollectionValue } from '../keyspace/object';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import { intArg, is, lookupRead } from './util';
import { strtod } from '../util/numbers';
import { ListValue } from '../types/list';
import { SetValue } from '../types/set';
import { HashValue } from '../types/hash';
import { Zset } from '../types/zset';

/** One element being sorted (redisSortObject): the element, its numeric weight or its ALPHA BY value. */
interface SortItem {
  obj: string;
  score: number;
  cmp: string | null;
}

/** memcmp-then-length order (compareStringObjects): JS order on one-byte strings. */
function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C / C.UTF-8 locale: byte order of the C strings, i.e. up to the first NUL. */
function compareCollate(a: string, b: string): number {
  const na = a.indexOf('\0');
  const nb = b.indexOf('\0');
  return compareBinary(na < 0 ? a : a.slice(0, na), nb < 0 ? b : b.slice(0, nb));
}

/** The part of s a C string function sees (up to the first NUL). */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' of the pattern is replaced by the
 * element and the key read as a string, or, with "->field" after the '*', as a hash field. A pattern
 * without '*', a missing key or a key of the wrong type gives null.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | null {
  if (pattern.charCodeAt(0) === 35 /* # */ && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return subst;
  const cpat = cString(pattern);
  const star = cpat.indexOf('*');
  if (star < 0) return null;
  const arrow = cpat.indexOf('->', star + 1);
  let field: string | null = null;
  let fieldLen = 0;
  if (arrow >= 0 && arrow + 2 < cpat.length) {
    fieldLen = pattern.length - arrow - 2;
    field = pattern.substr(arrow + 2, fieldLen);
  }
  const postfixLen = pattern.length - (star + 1) - (field !== null ? fieldLen + 2 : 0);
  const key = pattern.slice(0, star) + subst + pattern.substr(star + 1, postfixLen);
  const e = lookupRead(c, key);
  if (e === null) return null;
  const v = e.value;
  if (field !== null) {
    if (typeof v === 'string' || v.type !== 'hash') return null;
    return (v as HashValue).get(field);
  }
  return typeof v === 'string' ? v : null;
}

/** A numeric weight as sort.c reads it (strtod, then end-of-C-string, ERANGE and NaN checks); null if invalid. */
function parseWeight(s: string): number | null {
  const r = strtod(s);
  if (r.end !== s.length && s.charCodeAt(r.end) !== 0) return null;
  if (r.erange || r.value !== r.value) return null;
  return r.value;
}

/**
 * Redis's pqsort (pqsort.c: NetBSD's Bentley-McIlroy quicksort that skips partitions outside
 * [lrange, rrange]), which SORT uses instead of qsort when BY meets a LIMIT. It is not stable, so elements
 * that compare equal (ALPHA BY values that are missing or identical) come out in its own order, which
 * users see: it is ported step for step, on array indexes instead of byte pointers.
 */
function pqsort<T>(v: T[], cmp: (a: T, b: T) => number, lrange: number, rrange: number): void {
  const swap = (i: number, j: number): void => {
    const t = v[i];
    v[i] = v[j];
    v[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const med3 = (a: number, b: number, c: number): number =>
    cmp(v[a], v[b]) < 0
      ? cmp(v[b], v[c]) < 0
        ? b
        : cmp(v[a], v[c]) < 0
          ? c
          : a
      : cmp(v[b], v[c]) > 0
        ? b
        : cmp(v[a], v[c]) < 0
          ? a
          : c;
  /** Does [first, first+n) hold any of the requested positions? */
  const wanted = (first: number, n: number): boolean => !((lrange < first && rrange < first) || (lrange > first + n - 1 && rrange > first + n - 1));
  const sortPart = (a: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++) for (let pl = pm; pl > a && cmp(v[pl - 1], v[pl]) > 0; pl--) swap(pl, pl - 1);
        return;
      }
      let pm = a + (n >>> 1);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = n >>> 3;
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = pa;
      let pc = a + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
          if (r === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
          if (r === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && wanted(a, r)) sortPart(a, r);
      if ((r = pd - pc) > 1) {
        a = pn - r;
        n = r;
        if (wanted(a, n)) continue;
      }
      return;
    }
  };
  sortPart(0, v.length);
}

/** sortCommandGeneric; `readonly` is SORT_RO (no STORE). */
function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const arg = argv[j];
    if (is(arg, 'asc')) desc = false;
    else if (is(arg, 'desc')) desc = true;
    else if (is(arg, 'alpha')) alpha = true;
    else if (is(arg, 'limit') && left >= 2) {
      const s = intArg(c, argv[j + 1]);
      if (s === null) return;
      const n = intArg(c, argv[j + 2]);
      if (n === null) return;
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (!readonly && is(arg, 'store') && left >= 1) {
      storekey = argv[++j];
    } else if (is(arg, 'by') && left >= 1) {
      sortby = argv[++j];
      // A constant BY pattern: nothing to sort by, keep the native order.
      if (!cString(sortby).includes('*')) dontsort = true;
    } else if (is(arg, 'get') && left >= 1) {
      gets.push(argv[++j]);
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }

  const e = lookupRead(c, argv[1]);
  let value: CollectionValue | null = null;
  if (e !== null) {
    const v = e.value;
    if (typeof v === 'string' || (v.type !== 'list' && v.type !== 'set' && v.type !== 'zset')) {
      c.replyError(ERR.wrongType);
      return;
    }
    value = v;
  }
  const type = value === null ? 'list' : value.type;
  // An unsorted set would store its hash order: sort it ALPHA instead, so the result is reproducible.
  // (Redis does the same for scripts, CLIENT_SCRIPT; this server runs no scripts.)
  if (dontsort && type === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  if (type === 'zset') (value as Zset).convertToSkiplist();

  let vectorlen = value === null ? 0 : value.length;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  if ((type === 'zset' || type === 'list') && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  const vector: SortItem[] = [];
  if (value !== null) {
    if (type === 'list' && dontsort) {
      // Native order (reversed by DESC), LIMIT applied while loading.
      const list = value as ListValue;
      if (end >= start) {
        const len = list.length;
        let i = desc ? len - start - 1 : start;
        const step = desc ? -1 : 1;
        while (vector.length < vectorlen && i >= 0 && i < len) {
          vector.push({ obj: list.get(i) as string, score: 0, cmp: null });
          i += step;
        }
        end -= start;
        start = 0;
      }
    } else if (type === 'list') {
      const list = value as ListValue;
      for (let i = 0; i < list.length; i++) vector.push({ obj: list.get(i) as string, score: 0, cmp: null });
    } else if (type === 'set') {
      const members = (value as SetValue).toArray();
      for (let i = 0; i < members.length; i++) vector.push({ obj: members[i], score: 0, cmp: null });
    } else if (dontsort) {
      // Sorted set in rank order (reversed by DESC), LIMIT applied while loading.
      const z = value as Zset;
      let x = desc ? (start > 0 ? z.byRank(z.length - 1 - start) : z.last) : start > 0 ? z.byRank(start) : z.first;
      for (let n = vectorlen; n > 0 && x !== null; n--) {
        vector.push({ obj: x.member, score: 0, cmp: null });
        x = desc ? x.backward : x.next;
      }
      end -= start;
      start = 0;
    } else {
      // Sorted set read through its member table, as Redis walks the dict.
      (value as Zset).dict.forEach((entry) => {
        vector.push({ obj: entry.key, score: 0, cmp: null });
      });
    }
  }

  let conversionError = false;
  if (!dontsort) {
    for (let j = 0; j < vector.length; j++) {
      const item = vector[j];
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, item.obj);
        if (byval === null) continue;
      } else {
        byval = item.obj;
      }
      if (alpha) {
        if (sortby !== null) item.cmp = byval;
      } else {
        const w = parseWeight(byval);
        if (w === null) conversionError = true;
        else item.score = w;
      }
    }
    const sign = desc ? -1 : 1;
    const store = storekey !== null;
    let compare: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      compare = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBinary(a.obj, b.obj));
    } else if (sortby !== null) {
      compare = (a, b) => {
        const x = a.cmp;
        const y = b.cmp;
        let cmp: number;
        if (x === null || y === null) cmp = x === y ? 0 : x === null ? -1 : 1;
        else cmp = store ? compareBinary(x, y) : compareCollate(x, y);
        return sign * cmp;
      };
    } else {
      compare = (a, b) => sign * (store ? compareBinary(a.obj, b.obj) : compareCollate(a.obj, b.obj));
    }
    // glibc's qsort is a (stable) merge sort, as Array.prototype.sort is; a BY with a LIMIT uses pqsort.
    if (sortby !== null && (start !== 0 || end !== vector.length - 1)) pqsort(vector, compare, start, end);
    else vector.sort(compare);
  }

  const rows = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * rows : rows;
  const w = c.reply;
  if (conversionError) {
    c.replyError(ERR.sortNotDouble);
    return;
  }
  if (storekey === null) {
    w.arrayLen(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j].obj;
      if (gets.length === 0) w.bulk(obj);
      for (let g = 0; g < gets.length; g++) w.bulkOrNull(lookupByPattern(c, gets[g], obj));
    }
    return;
  }
  const items: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = vector[j].obj;
    if (gets.length === 0) items.push(obj);
    for (let g = 0; g < gets.length; g++) items.push(lookupByPattern(c, gets[g], obj) ?? '');
  }
  const db = c.db;
  if (outputlen > 0) {
    db.set(storekey, ListValue.fromItems(items));
    c.server.keyModified(db, storekey);
    c.server.notify(NOTIFY.list, 'sortstore', storekey, db.id);
    c.server.dirty += outputlen;
  } else if (db.delete(storekey)) {
    c.server.keyModified(db, storekey);
    c.server.notify(NOTIFY.generic, 'del', storekey, db.id);
    c.server.dirty++;
  }
  w.int(outputlen);
}

export const sortCommands: CommandDef[] = [
  { name: 'sort', handler: (c, argv) => sortGeneric(c, argv, false) },
  { name: 'sort_ro', handler: (c, argv) => sortGeneric(c, argv, true) },
];
