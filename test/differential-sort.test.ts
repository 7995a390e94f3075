/**
 * Differential tests for SORT and SORT_RO: every script runs against Cinnabar and a real redis-server, in
 * RESP2 and RESP3, and every reply must be byte-identical. Scripts cover numeric and ALPHA sorts of lists,
 * sets (intsets, whose order is fixed) and sorted sets, BY patterns (string keys, hash fields, missing keys,
 * constant patterns that skip sorting), GET (#, keys, hash fields, patterns without '*'), LIMIT edge cases
 * (negative, past the end, zero count), ASC/DESC, STORE (replacing, deleting, forcing ALPHA on unsorted
 * sets), the weights strtod accepts or rejects, and the errors.
 *
 * Two things are deliberately left out: the order of hashtable sets and sorted sets fed unsorted (or with
 * ALPHA ties) is Redis's hash order, and a numeric sort right after any ERANGE strtod in Redis fails because
 * sort.c reads a stale errno; scripts put values that overflow last, and each script starts with a ZADD,
 * whose score parsing resets errno. Ties under BY + LIMIT follow Redis's pqsort, which is ported as is.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script, useDifferential } from './helpers';

const SCRIPTS: Record<string, string> = {
  'lists: numeric, alpha, limit, desc': `
    rpush l 5 3 9 1 7 2 8 4 6 0 15 13 19 11 17 12 18 14 16 10 -1 -2.5 1.5e1
    sort l
    sort l desc
    sort l asc
    sort l desc asc
    sort l limit 2 3
    sort l limit -1 3
    sort l limit 2 -1
    sort l limit 2 -100
    sort l limit 2 0
    sort l limit 100 5
    sort l limit 22 5
    sort l limit 23 5
    sort l limit 0 100 desc
    sort l limit 9223372036854775807 9223372036854775807
    sort l limit -9223372036854775808 2
    sort l alpha
    sort l alpha desc limit 0 5
    sort l ALPHA DESC LIMIT 3 4
    rpush dup 3 1 3 2 1
    sort dup
    sort dup desc
    sort dup alpha
    rpush words banana Apple cherry apple "" Banana "a b" "a\\x00b" "a\\x00a" "\\xff" "\\xc3\\xa9"
    sort words alpha
    sort words alpha desc
    sort words
    sort nokey
    sort nokey desc limit 0 1
    sort nokey alpha
  `,
  'BY and GET': `
    rpush l 5 3 9 1 7 2 8 4 6 0
    sort l by nosort
    sort l by nosort desc
    sort l by nosort limit 2 3
    sort l by nosort desc limit 2 3
    sort l by nosort limit 100 3
    sort l by nosort desc limit 9 3
    sort l by nosort limit -5 3
    sort l by nokey_* alpha
    sort l by nokey_*
    sort l by nokey_* desc
    mset w_1 10 w_2 -5 w_3 3.5 w_5 1.5 w_7 inf w_8 -inf w_9 " 4" w_0 0x10 w_4 "" w_6 2e-300
    sort l by w_*
    sort l by w_* desc
    sort l by w_* limit 0 3
    sort l by w_* desc limit 2 4
    sort l by w_*_suffix
    mset w_1_s z w_2_s y w_3_s x
    sort l by w_*_s alpha
    sort l by w_*_s alpha desc
    sort l by w_*_s alpha limit 0 2
    sort l by w_*_s alpha desc limit 1 3
    sort l by nokey_* alpha limit 2 5
    sort l by w_*_s alpha limit 0 2 store dst
    lrange dst 0 -1
    sort l by w_* get #
    sort l by w_* get # get w_* get nokey_* get nostar
    sort l by nosort get w_* limit 0 4
    sort l get # get #
    sort l get w_*
    hset h_1 f one g 1
    hset h_2 f two g 2
    hset h_3 f three g 3
    hset h_5 f five g -1
    sort l by h_*->g get h_*->f limit 0 5
    sort l by h_*->g desc get # get h_*->f get h_*->nofield
    sort l by h_*-> get h_*->
    sort l by w_*->f
    sort l get h_*->f get w_*->f
    sort l by h_*->f alpha get h_*->f
    lpush listkey_1 x
    sort l get listkey_*
    sort l by listkey_*
    sort l by #
    sort l by nosort get #
    sort l by * get *
    sort l by ** get **
    set 1 one
    sort l get *
  `,
  'STORE and SORT_RO': `
    rpush l 3 1 2
    sort l store dst
    lrange dst 0 -1
    type dst
    object encoding dst
    sort l desc store dst
    lrange dst 0 -1
    mset w_1 a w_3 c
    sort l by nosort get # get w_* store dst
    lrange dst 0 -1
    sort l limit 5 5 store dst
    exists dst
    sort l limit 5 5 store dst
    set str x
    sort l store str
    type str
    lrange str 0 -1
    sort nokey store str
    exists str
    sort l store
    sort l store dst foo
    sort l foo
    sort l limit 1
    sort l limit a 1
    sort l limit 1 a
    sort l by
    sort l get
    sort_ro l
    sort_ro l desc limit 0 2
    sort_ro l store dst
    sort_ro l by nosort get #
    sort_ro nokey
    sort l store l
    lrange l 0 -1
  `,
  'sets and sorted sets': `
    sadd i 5 3 1 10 -2
    sort i
    sort i desc
    sort i alpha
    sort i by nosort
    sort i by nosort desc limit 1 2
    sort i by nosort store dst
    lrange dst 0 -1
    sadd s 5 3 1 a b
    sort s alpha
    sort s alpha desc limit 1 3
    sort s
    sort s by nosort store dst
    lrange dst 0 -1
    sadd n 10 2 33 4.5
    sort n
    zadd z 1 a 3 b 2 c
    object encoding z
    sort z by nosort
    object encoding z
    sort z by nosort desc
    sort z by nosort limit 1 1
    sort z by nosort desc limit 1 5
    sort z by nosort limit 5 1
    sort z alpha
    sort z alpha desc
    sort z
    zadd z2 1 x
    sort_ro z2 by nosort
    object encoding z2
    zadd zn 1 10 2 5 3 7 4 -1
    sort zn
    sort zn desc limit 0 2
    sort zn by nosort get #
    mset w_10 3 w_5 2 w_7 1
    sort zn by w_*
    sort zn by nosort store dst
    lrange dst 0 -1
    set str x
    sort str
    sort str by nosort
    hset hh a b
    sort hh
    sort_ro hh
  `,
  'weights strtod accepts and rejects': `
    rpush fl 1.5 " 2" 0x10 -inf "" 1e-300 "5\\x00x" "\\t7" inf +3 .5 5.
    sort fl
    sort fl desc
    sort fl limit 0 1
    rpush bad1 1 "3 "
    sort bad1
    rpush bad2 1 abc
    sort bad2
    sort bad2 alpha
    rpush bad3 nan 1
    sort bad3
    sort bad3 limit 0 0
    rpush bad4 1e-310
    sort bad4
    rpush bad5 1e400
    sort bad5
  `,
};

/** Many ALPHA ties under BY + LIMIT, on lists long enough for every branch of pqsort (n < 7, n > 40). */
function pqsortScript(): string {
  const lines: string[] = [];
  const letters = 'abcabbcacbbaacbcabca';
  lines.push(`rpush l ${Array.from({ length: 60 }, (_, i) => String(i)).join(' ')}`);
  lines.push(`rpush l2 ${Array.from({ length: 9 }, (_, i) => String(i)).join(' ')}`);
  for (let i = 0; i < 60; i += 3) lines.push(`set w_${i} ${letters[(i / 3) % letters.length]}`);
  for (const key of ['l', 'l2']) {
    for (const [start, count] of [[0, 2], [0, 5], [3, 4], [10, 10], [50, 20], [1, 1], [0, 59], [5, -1], [0, 0]]) {
      lines.push(`sort ${key} by w_* alpha limit ${start} ${count}`);
      lines.push(`sort ${key} by w_* alpha desc limit ${start} ${count}`);
      lines.push(`sort ${key} by nokey_* alpha limit ${start} ${count}`);
      lines.push(`sort ${key} by w_* limit ${start} ${count} get #`);
    }
  }
  return lines.join('\n');
}
SCRIPTS['BY with LIMIT: pqsort ties'] = pqsortScript();

describe('differential: SORT', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));
  for (const proto of ['2', '3']) {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        // A ZADD parses its score with errno reset: clears the ERANGE an earlier script left in Redis.
        await d.both('zadd', 'errno-reset', '1', 'x');
        await d.both('flushall');
        await d.both('hello', proto);
        for (const line of script(text)) {
          const [x, y] = await d.both(...line);
          assert.equal(x, y, `${JSON.stringify(line)} (RESP${proto})`);
        }
      });
    }
  }
});
