/**
 * Sorted-set commands (t_zset.c's command half), on Zset (types/zset.ts).
 *
 * Each handler follows its Redis 7.0 counterpart step for step, because the order of checks is visible to
 * clients: which error wins (option syntax before score parsing before WRONGTYPE...), what a missing key
 * replies (0, null, the empty array or the null array), and when an encoding converts. The range commands
 * share one parser and one emitter (zrangeGenericCommand and its result handler: reply to the client, or
 * build the ZRANGESTORE destination); ZUNION/ZINTER/ZDIFF and their STORE forms share one engine
 * (zunionInterDiffGenericCommand) that accepts plain sets as inputs with score 1, sorts inputs by size
 * before aggregating (so float sums add up in Redis's order) and maps inf + -inf to 0.
 *
 * Reply shapes: scores are doubles (RESP3 `,`, RESP2 %.17g bulk strings); WITHSCORES pairs are flat in
 * RESP2 and nested [member, score] arrays in RESP3, except ZPOPMIN/ZPOPMAX without a count and
 * BZPOPMIN/BZPOPMAX, which are flat in both. The blocking variants block through src/blocking.ts with a
 * ZsetWaiter that pops for the woken client exactly like the non-blocking path does.
 * Encoding thresholds are read from the live config at each write, so CONFIG SET acts as in Redis.
 */

import type { Client } from '../client';
import type { CommandDef } from './table';
import type { CollectionValue } from '../keyspace/object';
import type { ReplyWriter } from '../resp/reply';
import { ERR } from '../resp/errors';
import { NOTIFY } from '../notify';
import {
  Zset,
  ZsetEntry,
  ZADD_INCR,
  ZADD_NX,
  ZADD_XX,
  ZADD_GT,
  ZADD_LT,
  ZADD_OUT_NAN,
  ZADD_OUT_ADDED,
  ZADD_OUT_UPDATED,
  ZADD_OUT_NOP,
} from '../types/zset';
import { SkipNode, LexRange, ScoreRange, parseScoreRange, parseLexRange, scoreGteMin, scoreLteMax, lexGteMin, lexLteMax } from '../types/skiplist';
import { SetValue } from '../types/set';
import { intArg, is, lookupRead, lookupWrite, readCollection } from './util';
import { formatDouble, parseDouble } from '../util/numbers';
import { globMatch } from '../util/glob';
import { randomCountArg, replyEmptyScan, scanCursorArg, scanDict, scanOptions, scanReplyHeader } from './hashes';
import { blockForKeys, canBlock, KeyWaiter, parseTimeout } from '../blocking';

const ZSET_MIN = 0;
const ZSET_MAX = 1;

/** The live encoding thresholds. */
function maxEntries(c: Client): number {
  return c.server.config.num('zset-max-listpack-entries');
}
function maxValue(c: Client): number {
  return c.server.config.num('zset-max-listpack-value');
}

/** Before a member that carries its score: RESP3 nests each [member, score] pair, RESP2 stays flat. */
function replyPairHeader(w: ReplyWriter, withScores: boolean): void {
  if (withScores && w.resp === 3) w.arrayLen(2);
}

/** The header of an array of `n` elements, doubled in RESP2 when each carries a score. */
function replyRangeLen(w: ReplyWriter, n: number, withScores: boolean): void {
  w.arrayLen(withScores && w.resp === 2 ? n * 2 : n);
}

// ---------------------------------------------------------------------------
// ZADD / ZINCRBY
// ---------------------------------------------------------------------------

const ZADD_CH = 1 << 8;

/** The ZADD option flag an argument names (case-insensitive), or 0. Checks the first byte before allocating. */
function zaddOption(s: string): number {
  const n = s.length;
  if (n < 2 || n > 4) return 0;
  const c0 = s.charCodeAt(0) | 32;
  if (c0 !== 110 && c0 !== 120 && c0 !== 99 && c0 !== 105 && c0 !== 103 && c0 !== 108) return 0;
  switch (s.toLowerCase()) {
    case 'nx':
      return ZADD_NX;
    case 'xx':
      return ZADD_XX;
    case 'ch':
      return ZADD_CH;
    case 'incr':
      return ZADD_INCR;
    case 'gt':
      return ZADD_GT;
    case 'lt':
      return ZADD_LT;
  }
  return 0;
}

/** Parsed scores of the current ZADD (reused: no allocation per call). */
const scores: number[] = [];

/** zaddGenericCommand: ZADD, and ZINCRBY (flags = ZADD_INCR; its options are parsed the same way). */
function zaddGeneric(c: Client, argv: string[], flags: number): void {
  let idx = 2;
  let ch = false;
  for (; idx < argv.length; idx++) {
    const o = zaddOption(argv[idx]);
    if (o === 0) break;
    if (o === ZADD_CH) ch = true;
    else flags |= o;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const args = argv.length - idx;
  if (args % 2 !== 0 || args === 0) {
    c.replyError(ERR.syntax);
    return;
  }
  const elements = args / 2;
  if (nx && xx) {
    c.replyError(ERR.zaddXxNx);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.replyError(ERR.zaddGtLtNx);
    return;
  }
  if (incr && elements > 1) {
    c.replyError(ERR.zaddIncrPair);
    return;
  }
  for (let j = 0; j < elements; j++) {
    const d = parseDouble(argv[idx + j * 2]);
    if (d === null) {
      c.replyError(ERR.notFloat);
      return;
    }
    scores[j] = d;
  }
  const key = argv[1];
  const db = c.db;
  const e = lookupWrite(c, key);
  let z: Zset;
  let created = false;
  const w = c.reply;
  const me = maxEntries(c);
  const mv = maxValue(c);
  if (e === null) {
    if (xx) {
      if (incr) w.nullBulk();
      else w.int(0);
      return;
    }
    z = Zset.createFor(argv[idx + 1].length, me, mv);
    created = true;
  } else {
    const v = e.value;
    if (typeof v === 'string' || v.type !== 'zset') {
      c.replyError(ERR.wrongType);
      return;
    }
    z = v as Zset;
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let failed = false;
  for (let j = 0; j < elements; j++) {
    const out = z.add(scores[j], argv[idx + 1 + j * 2], flags, me, mv);
    if (out === ZADD_OUT_NAN) {
      failed = true;
      break;
    }
    if ((out & ZADD_OUT_ADDED) !== 0) added++;
    if ((out & ZADD_OUT_UPDATED) !== 0) updated++;
    if ((out & ZADD_OUT_NOP) === 0) processed++;
  }
  // The key exists from the start in Redis (dbAdd before the loop); a new key is never left empty.
  if (created && z.length > 0) db.add(key, z);
  if (failed) {
    c.replyError(ERR.scoreNaN);
  } else {
    c.server.dirty += added + updated;
    if (incr) {
      if (processed !== 0) w.double(z.newScore);
      else w.nullBulk();
    } else {
      w.int(ch ? added + updated : added);
    }
  }
  if (added !== 0 || updated !== 0) {
    c.server.keyModified(db, key);
    c.server.notify(NOTIFY.zset, incr ? 'zincr' : 'zadd', key, db.id);
  }
}

// ---------------------------------------------------------------------------
// ZREM and ZREMRANGEBY*
// ---------------------------------------------------------------------------

function zrem(c: Client, argv: string[]): void {
  const key = argv[1];
  const z = readCollection<Zset>(c, key, 'zset', true);
  if (z === undefined) return;
  if (z === null) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.delete(argv[j])) deleted++;
    if (z.length === 0) {
      c.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted !== 0) {
    const db = c.db;
    c.server.notify(NOTIFY.zset, 'zrem', key, db.id);
    if (keyRemoved) c.server.notify(NOTIFY.generic, 'del', key, db.id);
    c.server.keyModified(db, key);
    c.server.dirty += deleted;
  }
  c.reply.int(deleted);
}

const RANGE_RANK = 1;
const RANGE_SCORE = 2;
const RANGE_LEX = 3;

/** zremrangeGenericCommand: ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX. */
function zremrangeGeneric(c: Client, argv: string[], type: number): void {
  const key = argv[1];
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  let event: string;
  if (type === RANGE_RANK) {
    event = 'zremrangebyrank';
    const s = intArg(c, argv[2]);
    if (s === null) return;
    const e = intArg(c, argv[3]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === RANGE_SCORE) {
    event = 'zremrangebyscore';
    range = parseScoreRange(argv[2], argv[3]);
    if (range === null) {
      c.replyError(ERR.scoreRangeNotFloat);
      return;
    }
  } else {
    event = 'zremrangebylex';
    lexRange = parseLexRange(argv[2], argv[3]);
    if (lexRange === null) {
      c.replyError(ERR.lexRangeInvalid);
      return;
    }
  }
  const z = readCollection<Zset>(c, key, 'zset', true);
  if (z === undefined) return;
  if (z === null) {
    c.reply.int(0);
    return;
  }
  let deleted: number;
  if (type === RANGE_RANK) {
    const llen = z.length;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      c.reply.int(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    deleted = z.deleteRangeByRank(start, end);
  } else if (type === RANGE_SCORE) {
    deleted = z.deleteRangeByScore(range!);
  } else {
    deleted = z.deleteRangeByLex(lexRange!);
  }
  const removed = z.length === 0;
  if (removed) c.db.delete(key);
  if (deleted !== 0) {
    const db = c.db;
    c.server.keyModified(db, key);
    c.server.notify(NOTIFY.zset, event, key, db.id);
    if (removed) c.server.notify(NOTIFY.generic, 'del', key, db.id);
  }
  c.server.dirty += deleted;
  c.reply.int(deleted);
}

// ---------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE) / ZINTERCARD
// ---------------------------------------------------------------------------

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;

const AGGR_SUM = 0;
const AGGR_MIN = 1;
const AGGR_MAX = 2;

/** One input of a set operation (zsetopsrc): a zset, a plain set (scores 1), or a missing key. */
interface OpSource {
  value: Zset | SetValue | null;
  weight: number;
}

function sourceLength(s: OpSource): number {
  return s.value === null ? 0 : s.value.length;
}

/** zuiFind: member's score in the source (1 in a plain set), or undefined. */
function sourceFind(s: OpSource, member: string): number | undefined {
  const v = s.value;
  if (v === null) return undefined;
  if (v instanceof Zset) return v.score(member);
  return v.has(member) ? 1 : undefined;
}

/**
 * Visit the source's elements the way zuiNext does: a zset from the highest score down, a set in its own
 * order, each with its score (1 for set members).
 */
function sourceForEach(s: OpSource, fn: (member: string, score: number) => void): void {
  const v = s.value;
  if (v === null) return;
  if (v instanceof Zset) {
    for (let x = v.last; x !== null; x = x.backward) fn(x.member, x.score);
  } else {
    const members = v.toArray();
    for (let i = 0; i < members.length; i++) fn(members[i], 1);
  }
}

/** zunionInterAggregate. */
function aggregate(target: number, val: number, aggr: number): number {
  if (aggr === AGGR_SUM) {
    const sum = target + val;
    return sum !== sum ? 0 : sum; // inf + -inf is 0 by Redis's convention
  }
  if (aggr === AGGR_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/**
 * zunionInterDiffGenericCommand. `dst` is the destination key of the STORE forms (null otherwise); the keys
 * count is argv[numkeysIndex]; `cardOnly` is ZINTERCARD.
 */
function zsetOperation(c: Client, argv: string[], dst: string | null, numkeysIndex: number, op: number, cardOnly: boolean, name: string): void {
  const setnum = intArg(c, argv[numkeysIndex]);
  if (setnum === null) return;
  if (setnum < 1) {
    c.replyError(ERR.atLeastOneKey(name));
    return;
  }
  if (setnum > argv.length - (numkeysIndex + 1)) {
    c.replyError(ERR.syntax);
    return;
  }
  const src: OpSource[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const e = lookupRead(c, argv[j]);
    let value: Zset | SetValue | null = null;
    if (e !== null) {
      const v = e.value;
      if (typeof v === 'string' || (v.type !== 'zset' && v.type !== 'set')) {
        c.replyError(ERR.wrongType);
        return;
      }
      value = v as Zset | SetValue;
    }
    src.push({ value, weight: 1 });
  }
  let aggr = AGGR_SUM;
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const arg = argv[j];
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && is(arg, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const d = parseDouble(argv[j]);
        if (d === null) {
          c.replyError(ERR.weightNotFloat);
          return;
        }
        src[i].weight = d;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && is(arg, 'aggregate')) {
      const a = argv[j + 1];
      if (is(a, 'sum')) aggr = AGGR_SUM;
      else if (is(a, 'min')) aggr = AGGR_MIN;
      else if (is(a, 'max')) aggr = AGGR_MAX;
      else {
        c.replyError(ERR.syntax);
        return;
      }
      j += 2;
      remaining -= 2;
    } else if (remaining >= 1 && dst === null && !cardOnly && is(arg, 'withscores')) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && is(arg, 'limit')) {
      const n = intArg(c, argv[j + 1], ERR.limitNegative);
      if (n === null) return;
      if (n < 0) {
        c.replyError(ERR.limitNegative);
        return;
      }
      limit = n;
      j += 2;
      remaining -= 2;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  // Smallest input first (a stable sort, as glibc's qsort is a merge sort here).
  if (op !== OP_DIFF) src.sort((a, b) => sourceLength(a) - sourceLength(b));

  if (cardOnly) {
    c.reply.int(interCard(src, limit));
    return;
  }
  const result = new Zset(false);
  let maxLen = 0;
  if (op === OP_INTER) {
    if (sourceLength(src[0]) > 0) {
      sourceForEach(src[0], (member, s0) => {
        let score = src[0].weight * s0;
        if (score !== score) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const v = sourceFind(src[k], member);
          if (v === undefined) break;
          score = aggregate(score, v * src[k].weight, aggr);
        }
        if (k === setnum) {
          result.insertNew(score, member);
          if (member.length > maxLen) maxLen = member.length;
        }
      });
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (let i = 0; i < setnum; i++) {
      const weight = src[i].weight;
      sourceForEach(src[i], (member, s) => {
        let score = weight * s;
        if (score !== score) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, aggr));
      });
    }
    for (const [member, score] of acc) {
      result.insertNew(score, member);
      if (member.length > maxLen) maxLen = member.length;
    }
  } else {
    // zdiff: the first input's elements found in no other input, with their own scores. An input that is the
    // first one again removes everything.
    const first = src[0].value;
    let same = false;
    for (let i = 1; i < setnum; i++) if (src[i].value === first) same = true;
    if (first !== null && !same) {
      sourceForEach(src[0], (member, s) => {
        for (let i = 1; i < setnum; i++) if (sourceFind(src[i], member) !== undefined) return;
        result.insertNew(s, member);
        if (member.length > maxLen) maxLen = member.length;
      });
    }
  }

  const w = c.reply;
  if (dst !== null) {
    const db = c.db;
    if (result.length !== 0) {
      result.convertToListpackIfNeeded(maxEntries(c), maxValue(c), maxLen);
      db.set(dst, result);
      c.server.keyModified(db, dst);
      w.int(result.length);
      c.server.notify(NOTIFY.zset, op === OP_UNION ? 'zunionstore' : op === OP_INTER ? 'zinterstore' : 'zdiffstore', dst, db.id);
      c.server.dirty++;
    } else {
      w.int(0);
      if (db.delete(dst)) {
        c.server.keyModified(db, dst);
        c.server.notify(NOTIFY.generic, 'del', dst, db.id);
        c.server.dirty++;
      }
    }
    return;
  }
  replyRangeLen(w, result.length, withScores);
  for (let x = result.first; x !== null; x = x.next) {
    replyPairHeader(w, withScores);
    w.bulk(x.member);
    if (withScores) w.double(x.score);
  }
}

/** ZINTERCARD: how many members of the smallest input are in every other one, stopping at limit (0: none). */
function interCard(src: OpSource[], limit: number): number {
  if (sourceLength(src[0]) === 0) return 0;
  let card = 0;
  const v0 = src[0].value!;
  const members: string[] = [];
  if (v0 instanceof Zset) {
    for (let x = v0.last; x !== null; x = x.backward) members.push(x.member);
  } else {
    members.push(...v0.toArray());
  }
  outer: for (let i = 0; i < members.length; i++) {
    for (let k = 1; k < src.length; k++) {
      if (src[k].value !== v0 && sourceFind(src[k], members[i]) === undefined) continue outer;
    }
    card++;
    if (limit !== 0 && card >= limit) break;
  }
  return card;
}

// ---------------------------------------------------------------------------
// ZRANGE family
// ---------------------------------------------------------------------------

const DIR_AUTO = 0;
const DIR_FORWARD = 1;
const DIR_REVERSE = 2;

/**
 * Where a range goes (zrange_result_handler): to the client, or into a new zset for ZRANGESTORE, which
 * starts as a listpack and converts as zsetAdd does while it fills.
 */
class RangeResult {
  store: Zset | null = null;
  count = 0;
  /** The listpack thresholds, read once when a destination is created. */
  private maxEntries = 0;
  private maxValue = 0;
  constructor(
    readonly c: Client,
    readonly dst: string | null,
    readonly withScores: boolean,
  ) {}

  /**
   * zrangeResultBeginStore: the destination is zsetTypeCreate(length, 0), a skiplist from the start when the
   * rank range already holds more than zset-max-listpack-entries (so its -0 scores stay -0); score and lex
   * ranges, whose length is unknown, start as a listpack.
   */
  begin(length: number): void {
    if (this.dst === null) return;
    this.maxEntries = maxEntries(this.c);
    this.maxValue = maxValue(this.c);
    this.store = new Zset(length <= this.maxEntries);
  }

  emit(member: string, score: number): void {
    this.count++;
    const z = this.store;
    if (z !== null) {
      z.add(score, member, 0, this.maxEntries, this.maxValue);
      return;
    }
    const w = this.c.reply;
    replyPairHeader(w, this.withScores);
    w.bulk(member);
    if (this.withScores) w.double(score);
  }

  /** zrangeResultFinalizeStore: store or delete the destination and reply the count. */
  finishStore(): void {
    const c = this.c;
    const db = c.db;
    const dst = this.dst!;
    if (this.count !== 0) {
      db.set(dst, this.store!);
      c.server.keyModified(db, dst);
      c.reply.int(this.count);
      c.server.notify(NOTIFY.zset, 'zrangestore', dst, db.id);
      c.server.dirty++;
    } else {
      c.reply.int(0);
      if (db.delete(dst)) {
        c.server.keyModified(db, dst);
        c.server.notify(NOTIFY.generic, 'del', dst, db.id);
        c.server.dirty++;
      }
    }
  }
}

/** Nodes of a score or lex range, collected before the reply header can be written (reused). */
const rangeNodes: SkipNode[] = [];

/**
 * zrangeGenericCommand: ZRANGE, ZRANGESTORE (dst set, the source at argv[2]), ZREVRANGE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX. `rangeType`/`direction` are 0 (AUTO) for ZRANGE and
 * ZRANGESTORE, whose options may set them.
 */
function zrangeGeneric(c: Client, argv: string[], argcStart: number, dst: string | null, rangeType: number, direction: number): void {
  const store = dst !== null;
  const key = argv[argcStart];
  let minIdx = argcStart + 1;
  let maxIdx = argcStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argcStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const arg = argv[j];
    if (!store && is(arg, 'withscores')) {
      withScores = true;
    } else if (left >= 2 && is(arg, 'limit')) {
      const o = intArg(c, argv[j + 1]);
      if (o === null) return;
      const l = intArg(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === DIR_AUTO && is(arg, 'rev')) {
      direction = DIR_REVERSE;
    } else if (rangeType === 0 && is(arg, 'bylex')) {
      rangeType = RANGE_LEX;
    } else if (rangeType === 0 && is(arg, 'byscore')) {
      rangeType = RANGE_SCORE;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (direction === DIR_AUTO) direction = DIR_FORWARD;
  if (rangeType === 0) rangeType = RANGE_RANK;
  if (limit !== -1 && rangeType === RANGE_RANK) {
    c.replyError(ERR.zrangeLimitRank);
    return;
  }
  if (withScores && rangeType === RANGE_LEX) {
    c.replyError(ERR.zrangeWithscoresLex);
    return;
  }
  const reverse = direction === DIR_REVERSE;
  if (reverse && rangeType !== RANGE_RANK) {
    const t = maxIdx;
    maxIdx = minIdx;
    minIdx = t;
  }
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangeType === RANGE_RANK) {
    const s = intArg(c, argv[minIdx]);
    if (s === null) return;
    const e = intArg(c, argv[maxIdx]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangeType === RANGE_SCORE) {
    range = parseScoreRange(argv[minIdx], argv[maxIdx]);
    if (range === null) {
      c.replyError(ERR.scoreRangeNotFloat);
      return;
    }
  } else {
    lexRange = parseLexRange(argv[minIdx], argv[maxIdx]);
    if (lexRange === null) {
      c.replyError(ERR.lexRangeInvalid);
      return;
    }
  }
  const out = new RangeResult(c, dst, withScores);
  const e = lookupRead(c, key);
  if (e === null) {
    if (store) {
      out.begin(0);
      out.finishStore();
    } else {
      c.reply.arrayLen(0);
    }
    return;
  }
  const v = e.value;
  if (typeof v === 'string' || v.type !== 'zset') {
    c.replyError(ERR.wrongType);
    return;
  }
  const z = v as Zset;
  if (rangeType === RANGE_RANK) {
    rangeByRank(out, z, start, end, reverse);
  } else {
    out.begin(0);
    if (rangeType === RANGE_SCORE) collectByScore(z, range!, offset, limit, reverse);
    else collectByLex(z, lexRange!, offset, limit, reverse);
    const n = rangeNodes.length;
    if (!store) replyRangeLen(c.reply, n, withScores);
    for (let i = 0; i < n; i++) out.emit(rangeNodes[i].member, rangeNodes[i].score);
    rangeNodes.length = 0;
  }
  if (store) out.finishStore();
}

/** genericZrangebyrankCommand. */
function rangeByRank(out: RangeResult, z: Zset, start: number, end: number, reverse: boolean): void {
  const llen = z.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  const toClient = out.dst === null;
  if (start > end || start >= llen) {
    out.begin(0);
    if (toClient) out.c.reply.arrayLen(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  let n = end - start + 1;
  out.begin(n);
  if (toClient) replyRangeLen(out.c.reply, n, out.withScores);
  let x: SkipNode | null;
  if (reverse) x = start > 0 ? z.byRank(llen - 1 - start) : z.last;
  else x = start > 0 ? z.byRank(start) : z.first;
  while (n-- > 0 && x !== null) {
    out.emit(x.member, x.score);
    x = reverse ? x.backward : x.next;
  }
}

/** genericZrangebyscoreCommand's walk: fills rangeNodes. */
function collectByScore(z: Zset, range: ScoreRange, offset: number, limit: number, reverse: boolean): void {
  if (offset > 0 && offset >= z.length) return;
  let x = reverse ? z.lastInRange(range) : z.firstInRange(range);
  // A negative offset walks off the end (C's `while (ln && offset--)`): nothing is returned.
  if (offset < 0) return;
  while (x !== null && offset-- > 0) x = reverse ? x.backward : x.next;
  while (x !== null && limit-- !== 0) {
    if (reverse ? !scoreGteMin(x.score, range) : !scoreLteMax(x.score, range)) break;
    rangeNodes.push(x);
    x = reverse ? x.backward : x.next;
  }
}

/** genericZrangebylexCommand's walk: fills rangeNodes. */
function collectByLex(z: Zset, range: LexRange, offset: number, limit: number, reverse: boolean): void {
  let x = reverse ? z.lastInLexRange(range) : z.firstInLexRange(range);
  if (offset < 0) return;
  while (x !== null && offset-- > 0) x = reverse ? x.backward : x.next;
  while (x !== null && limit-- !== 0) {
    if (reverse ? !lexGteMin(x.member, range) : !lexLteMax(x.member, range)) break;
    rangeNodes.push(x);
    x = reverse ? x.backward : x.next;
  }
}

// ---------------------------------------------------------------------------
// Single-key reads
// ---------------------------------------------------------------------------

function zcard(c: Client, argv: string[]): void {
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  c.reply.int(z === null ? 0 : z.length);
}

function zscore(c: Client, argv: string[]): void {
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  const s = z === null ? undefined : z.score(argv[2]);
  if (s === undefined) c.reply.nullBulk();
  else c.reply.double(s);
}

function zmscore(c: Client, argv: string[]): void {
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  const w = c.reply;
  w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? undefined : z.score(argv[j]);
    if (s === undefined) w.nullBulk();
    else w.double(s);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  const r = z === null ? -1 : z.rank(argv[2], reverse);
  if (r < 0) c.reply.nullBulk();
  else c.reply.int(r);
}

function zcount(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  if (range === null) {
    c.replyError(ERR.scoreRangeNotFloat);
    return;
  }
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  c.reply.int(z === null ? 0 : z.countInRange(range));
}

function zlexcount(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  if (range === null) {
    c.replyError(ERR.lexRangeInvalid);
    return;
  }
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  c.reply.int(z === null ? 0 : z.countInLexRange(range));
}

/** ZSCAN: a listpack is returned whole (cursor 0); a skiplist is scanned through its member dict. */
function zscan(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor === null) return;
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  const w = c.reply;
  if (z === null) {
    replyEmptyScan(w);
    return;
  }
  const opts = scanOptions(c, argv, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  if (z.listpack) {
    const pairs: string[] = [];
    z.listpackScan(pairs);
    let n = pairs.length;
    if (pattern !== null) {
      n = 0;
      for (let i = 0; i < pairs.length; i += 2) if (globMatch(pattern, pairs[i])) n += 2;
    }
    scanReplyHeader(w, 0, n);
    for (let i = 0; i < pairs.length; i += 2) {
      if (pattern === null || globMatch(pattern, pairs[i])) {
        w.bulk(pairs[i]);
        w.bulk(pairs[i + 1]);
      }
    }
    return;
  }
  let found: ZsetEntry[] = [];
  const next = scanDict(z.dict, cursor, opts.count, found);
  if (pattern !== null) found = found.filter((e) => globMatch(pattern, e.key));
  scanReplyHeader(w, next, found.length * 2);
  for (let i = 0; i < found.length; i++) {
    w.bulk(found[i].key);
    // ld2string(LD_STR_AUTO): "%.17Lg" of the double, the same text as %.17g.
    w.bulk(formatDouble(found[i].score));
  }
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER
// ---------------------------------------------------------------------------

/** ZRANDMEMBER_SUB_STRATEGY_MUL: below this ratio of size to count, remove elements instead of picking. */
const SUB_STRATEGY_MUL = 3;
const LONG_MAX_HALF = 4611686018427387903n;

function zrandmember(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const n = randomCountArg(c, argv[2]);
    if (n === null) return;
    const l = Number(n);
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) {
      c.replyError(ERR.syntax);
      return;
    } else if (argv.length === 4) {
      withScores = true;
      // Exact 64-bit comparison: LONG_MAX/2 is not representable as a double.
      if (typeof n === 'bigint' && (n < -LONG_MAX_HALF || n > LONG_MAX_HALF)) {
        c.replyError(ERR.valueOutOfRange);
        return;
      }
    }
    zrandmemberWithCount(c, argv[1], l, withScores);
    return;
  }
  const z = readCollection<Zset>(c, argv[1], 'zset');
  if (z === undefined) return;
  if (z === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.bulk(z.dict.random()!.key);
}

function zrandmemberWithCount(c: Client, key: string, l: number, withScores: boolean): void {
  const z = readCollection<Zset>(c, key, 'zset');
  if (z === undefined) return;
  const w = c.reply;
  if (z === null) {
    w.arrayLen(0);
    return;
  }
  const size = z.length;
  let count = l < 0 ? -l : l;
  const uniq = l >= 0;
  if (count === 0) {
    w.arrayLen(0);
    return;
  }
  // CASE 1: repetitions allowed (negative count) or a single element: independent random picks.
  if (!uniq || count === 1) {
    replyRangeLen(w, count, withScores);
    while (count-- > 0) {
      const e = z.dict.random()!;
      replyPairHeader(w, withScores);
      w.bulk(e.key);
      if (withScores) w.double(e.score);
    }
    return;
  }
  // CASE 2: as many or more than the set holds: the whole set, highest score first (zuiNext's order).
  if (count >= size) {
    replyRangeLen(w, size, withScores);
    for (let x = z.last; x !== null; x = x.backward) {
      replyPairHeader(w, withScores);
      w.bulk(x.member);
      if (withScores) w.double(x.score);
    }
    return;
  }
  replyRangeLen(w, count, withScores);
  let picked: SkipNode[];
  if (count * SUB_STRATEGY_MUL > size) {
    // CASE 3: most of the set: start from everything and remove random elements until count remain.
    picked = [];
    for (let x = z.first; x !== null; x = x.next) picked.push(x);
    let n = size;
    while (n > count) {
      const i = Math.floor(Math.random() * n);
      picked[i] = picked[n - 1];
      n--;
    }
    picked.length = count;
  } else {
    // CASE 4: few of many: random picks, skipping repeats. A listpack returns them in its own order
    // (lpRandomPairsUnique walks the listpack), a skiplist in the order picked.
    const seen = new Set<string>();
    picked = [];
    while (picked.length < count) {
      const e = z.dict.random()!;
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      picked.push(z.byRank(z.rank(e.key, false))!);
    }
    if (z.listpack) picked.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.member < b.member ? -1 : 1));
  }
  for (let i = 0; i < picked.length; i++) {
    replyPairHeader(w, withScores);
    w.bulk(picked[i].member);
    if (withScores) w.double(picked[i].score);
  }
}

// ---------------------------------------------------------------------------
// ZPOPMIN / ZPOPMAX / ZMPOP and the blocking variants
// ---------------------------------------------------------------------------

/**
 * The popping half of genericZpopCommand on a non-empty zset: pop up to `count` elements (-1: one, plain
 * form) from the `where` end and reply in the command's shape: flat [member, score...] (ZPOPMIN/MAX in
 * RESP2 or without count), nested pairs (with count in RESP3), [key, member, score] (BZPOPMIN/MAX, emitKey)
 * or [key, [[member, score]...]] (ZMPOP/BZMPOP: emitKey and nested).
 */
function popAndReply(c: Client, key: string, z: Zset, where: number, emitKey: boolean, count: number, nested: boolean): void {
  const w = c.reply;
  const db = c.db;
  if (count === -1) count = 1;
  const llen = z.length;
  let n = count > llen ? llen : count;
  if (!nested && !emitKey) w.arrayLen(n * 2);
  else if (nested && !emitKey) w.arrayLen(n);
  else if (!nested && emitKey) {
    w.arrayLen(n * 2 + 1);
    w.bulk(key);
  } else {
    w.arrayLen(2);
    w.bulk(key);
    w.arrayLen(n);
  }
  let first = true;
  do {
    const x = where === ZSET_MAX ? z.last! : z.first!;
    const member = x.member;
    const score = x.score;
    z.deleteNode(x);
    c.server.dirty++;
    if (first) {
      c.server.notify(NOTIFY.zset, where === ZSET_MAX ? 'zpopmax' : 'zpopmin', key, db.id);
      c.server.keyModified(db, key);
      first = false;
    }
    if (nested) w.arrayLen(2);
    w.bulk(member);
    w.double(score);
  } while (--n > 0);
  if (z.length === 0) {
    db.delete(key);
    c.server.notify(NOTIFY.generic, 'del', key, db.id);
  }
}

/**
 * genericZpopCommand: pop from the first existing key of argv[first..first+keyc) (WRONGTYPE stops at the
 * first key of another type). A missing key replies the null array (nilWhenEmpty: ZMPOP) or the empty one.
 */
function genericZpop(c: Client, argv: string[], first: number, keyc: number, where: number, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  let z: Zset | null = null;
  let key = '';
  for (let i = 0; i < keyc; i++) {
    key = argv[first + i];
    const e = lookupWrite(c, key);
    if (e === null) continue;
    const v = e.value;
    if (typeof v === 'string' || v.type !== 'zset') {
      c.replyError(ERR.wrongType);
      return;
    }
    z = v as Zset;
    break;
  }
  if (z === null) {
    if (nilWhenEmpty) c.reply.nullArray();
    else c.reply.arrayLen(0);
    return;
  }
  if (count === 0) {
    c.reply.arrayLen(0);
    return;
  }
  popAndReply(c, key, z, where, emitKey, count, nested);
}

/** ZPOPMIN/ZPOPMAX key [count]. */
function zpopMinMax(c: Client, argv: string[], where: number): void {
  if (argv.length > 3) {
    c.replyError(ERR.syntax);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    // getPositiveLongFromObjectOrReply: one message for "not an integer" and "negative".
    const n = intArg(c, argv[2], ERR.valueMustBePositive);
    if (n === null) return;
    if (n < 0) {
      c.replyError(ERR.valueMustBePositive);
      return;
    }
    count = n;
  }
  const nested = c.reply.resp === 3 && count !== -1;
  genericZpop(c, argv, 1, 1, where, false, count, nested, false);
}

/** What a client blocked in BZPOPMIN/BZPOPMAX/BZMPOP waits for: a zset to pop from. */
class ZsetWaiter implements KeyWaiter {
  readonly type = 'zset' as const;
  constructor(
    readonly where: number,
    readonly count: number,
    /** BZMPOP's reply shape (and its null when empty). */
    readonly nested: boolean,
  ) {}

  serve(c: Client, key: string, value: CollectionValue): boolean {
    const z = value as Zset;
    if (z.length === 0) return false;
    popAndReply(c, key, z, this.where, true, this.count, this.nested);
    return true;
  }
}

/**
 * blockingGenericZpopCommand: pop at once from the first non-empty key of argv[first..first+numkeys), or
 * block on all of them (timeout at argv[timeoutIdx], parsed first).
 */
function blockingZpop(c: Client, argv: string[], first: number, numkeys: number, where: number, timeoutIdx: number, count: number, nested: boolean): void {
  const timeout = parseTimeout(c, argv[timeoutIdx]);
  if (timeout === null) return;
  for (let i = 0; i < numkeys; i++) {
    const key = argv[first + i];
    const e = lookupWrite(c, key);
    if (e === null) continue;
    const v = e.value;
    if (typeof v === 'string' || v.type !== 'zset') {
      c.replyError(ERR.wrongType);
      return;
    }
    if (v.length === 0) continue;
    popAndReply(c, key, v as Zset, where, true, count, nested);
    return;
  }
  if (!canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blockForKeys(c, argv.slice(first, first + numkeys), timeout, new ZsetWaiter(where, count, nested));
}

/** zmpopGenericCommand: ZMPOP numkeys key... MIN|MAX [COUNT n], and BZMPOP timeout numkeys ... */
function zmpopGeneric(c: Client, argv: string[], numkeysIdx: number, block: boolean): void {
  const numkeys = intArg(c, argv[numkeysIdx], ERR.numkeysNotPositive);
  if (numkeys === null) return;
  if (numkeys < 1) {
    c.replyError(ERR.numkeysNotPositive);
    return;
  }
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    c.replyError(ERR.syntax);
    return;
  }
  let where: number;
  if (is(argv[whereIdx], 'min')) where = ZSET_MIN;
  else if (is(argv[whereIdx], 'max')) where = ZSET_MAX;
  else {
    c.replyError(ERR.syntax);
    return;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && is(argv[j], 'count') && more > 0) {
      j++;
      const n = intArg(c, argv[j], ERR.countNotPositive);
      if (n === null) return;
      if (n < 1) {
        c.replyError(ERR.countNotPositive);
        return;
      }
      count = n;
    } else {
      c.replyError(ERR.syntax);
      return;
    }
  }
  if (count === -1) count = 1;
  if (block) blockingZpop(c, argv, numkeysIdx + 1, numkeys, where, 1, count, true);
  else genericZpop(c, argv, numkeysIdx + 1, numkeys, where, true, count, true, true);
}

export const zsetCommands: CommandDef[] = [
  { name: 'zadd', handler: (c, argv) => zaddGeneric(c, argv, 0) },
  { name: 'zincrby', handler: (c, argv) => zaddGeneric(c, argv, ZADD_INCR) },
  { name: 'zrem', handler: zrem },
  { name: 'zcard', handler: zcard },
  { name: 'zscore', handler: zscore },
  { name: 'zmscore', handler: zmscore },
  { name: 'zrank', handler: (c, argv) => zrankGeneric(c, argv, false) },
  { name: 'zrevrank', handler: (c, argv) => zrankGeneric(c, argv, true) },
  { name: 'zcount', handler: zcount },
  { name: 'zlexcount', handler: zlexcount },
  { name: 'zrange', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, 0, DIR_AUTO) },
  { name: 'zrangestore', handler: (c, argv) => zrangeGeneric(c, argv, 2, argv[1], 0, DIR_AUTO) },
  { name: 'zrevrange', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, RANGE_RANK, DIR_REVERSE) },
  { name: 'zrangebyscore', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, RANGE_SCORE, DIR_FORWARD) },
  { name: 'zrevrangebyscore', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, RANGE_SCORE, DIR_REVERSE) },
  { name: 'zrangebylex', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, RANGE_LEX, DIR_FORWARD) },
  { name: 'zrevrangebylex', handler: (c, argv) => zrangeGeneric(c, argv, 1, null, RANGE_LEX, DIR_REVERSE) },
  { name: 'zremrangebyrank', handler: (c, argv) => zremrangeGeneric(c, argv, RANGE_RANK) },
  { name: 'zremrangebyscore', handler: (c, argv) => zremrangeGeneric(c, argv, RANGE_SCORE) },
  { name: 'zremrangebylex', handler: (c, argv) => zremrangeGeneric(c, argv, RANGE_LEX) },
  { name: 'zunion', handler: (c, argv) => zsetOperation(c, argv, null, 1, OP_UNION, false, 'zunion') },
  { name: 'zinter', handler: (c, argv) => zsetOperation(c, argv, null, 1, OP_INTER, false, 'zinter') },
  { name: 'zdiff', handler: (c, argv) => zsetOperation(c, argv, null, 1, OP_DIFF, false, 'zdiff') },
  { name: 'zintercard', handler: (c, argv) => zsetOperation(c, argv, null, 1, OP_INTER, true, 'zintercard') },
  { name: 'zunionstore', handler: (c, argv) => zsetOperation(c, argv, argv[1], 2, OP_UNION, false, 'zunionstore') },
  { name: 'zinterstore', handler: (c, argv) => zsetOperation(c, argv, argv[1], 2, OP_INTER, false, 'zinterstore') },
  { name: 'zdiffstore', handler: (c, argv) => zsetOperation(c, argv, argv[1], 2, OP_DIFF, false, 'zdiffstore') },
  { name: 'zpopmin', handler: (c, argv) => zpopMinMax(c, argv, ZSET_MIN) },
  { name: 'zpopmax', handler: (c, argv) => zpopMinMax(c, argv, ZSET_MAX) },
  { name: 'zmpop', handler: (c, argv) => zmpopGeneric(c, argv, 1, false) },
  { name: 'bzpopmin', handler: (c, argv) => blockingZpop(c, argv, 1, argv.length - 2, ZSET_MIN, argv.length - 1, -1, false) },
  { name: 'bzpopmax', handler: (c, argv) => blockingZpop(c, argv, 1, argv.length - 2, ZSET_MAX, argv.length - 1, -1, false) },
  { name: 'bzmpop', handler: (c, argv) => zmpopGeneric(c, argv, 2, true) },
  { name: 'zrandmember', handler: zrandmember },
  { name: 'zscan', handler: zscan },
];
