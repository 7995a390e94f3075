/**
 * Differential tests for the sorted-set commands: every script runs against Cinnabar and a real
 * redis-server, in RESP2 and in RESP3, and every reply must be byte-identical. Scripts cover each command's
 * options, errors and edge cases (negative and out-of-range indexes, missing keys, huge counts, inf scores,
 * score and lex bounds, LIMIT with negative values, sets as ZUNION/ZINTER inputs, inf + -inf aggregation),
 * and the listpack/skiplist encodings (conversion thresholds, CONFIG SET, store commands converting back,
 * -0 kept only by skiplists, ZSCAN of a listpack). Lines starting with `@enc key` compare OBJECT ENCODING.
 *
 * What Redis leaves to chance (ZRANDMEMBER's picks, the hash order of a skiplist's ZSCAN) is checked with
 * properties instead; the blocking commands run as multi-client scenarios whose transcripts must match.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSession, Differential, RawConnection, useDifferential, RedisProcess, encodeCommand, hasRedis, script, startCinnabar, transcriptOf, useServers } from './helpers';
import { parseReply } from './collection-helpers';
import type { CinnabarServer } from '../src/index';

const LONG_A = 'a'.repeat(64);
const LONG_B = 'b'.repeat(65);

/** 127 + 1 + 1 members: crosses zset-max-listpack-entries (128) by one. */
function fillScript(key: string, n: number): string {
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) pairs.push(`${(i * 7) % 13} m${i}`);
  return `zadd ${key} ${pairs.join(' ')}`;
}

const SCRIPTS: Record<string, string> = {
  'zadd options and errors': `
    zadd z 1 a 2 b 3 c
    zadd z nx 5 a 4 d
    zadd z xx ch 5 a 9 nope
    zadd z gt ch 0 a 10 b
    zadd z lt ch 0 a 10 c
    zadd z gt lt 1 a
    zadd z nx gt 1 a
    zadd z nx lt 1 a
    zadd z nx xx 1 a
    zadd z xx gt 100 a 100 missing
    zadd z incr 1 a 2 b
    zadd z 1
    zadd z nx
    zadd z nx xx
    zadd z 1 a nx
    zadd z 1 a 2
    zadd z abc a
    zadd z 1 a x b
    zadd z nan a
    zadd z " 1" a
    zadd z "1 " a
    zadd z 0x10 hex
    zadd z 1e400 big
    zadd z 1e-400 tiny
    zadd z 2.5e-324 sub
    zadd z +inf pinf -inf ninf
    zadd z INF p2 -Infinity n2
    zrange z 0 -1 withscores
    zadd z CH NX INCR 5 newone
    zadd z incr 1 a
    zadd z incr inf a
    zadd z incr -inf a
    zscore z a
    zadd z incr nx 1 a
    zadd z incr xx 1 nothere
    zadd z incr gt -1 b
    zadd z incr lt 1 b
    zadd z incr lt -1 b
    zadd nokey xx 1 a
    zadd nokey xx incr 1 a
    exists nokey
    zadd z 1.1 d 0.1 e 1e20 f -1e-20 g 123456789.123456789 h
    zrange z 0 -1 withscores
    zadd z 2.9802322387695312e-08 tie
    zscore z tie
    set str x
    zadd str 1 a
    zadd str abc a
    zadd str 1 a 2
    zcard z
  `,
  'zincrby': `
    zincrby z 1 m
    zincrby z 1.5 m
    zincrby z -2.5 m
    zincrby z abc m
    zincrby z nx m
    zincrby z xx m
    zincrby z inf m
    zincrby z -inf m
    zincrby z inf m
    zincrby z -inf m
    zscore z m
    zincrby z 1e308 big
    zincrby z 1e308 big
    zincrby z -0 negzero
    zscore z negzero
    set str x
    zincrby str 1 m
  `,
  'negative zero by encoding': `
    zadd lp -0 a
    zscore lp a
    zadd lp incr -0 b
    zscore lp b
    zadd lp 1 c
    zincrby lp -1 c
    zrange lp 0 -1 withscores
    zscan lp 0
    config set zset-max-listpack-entries 0
    zadd sk -0 a
    zscore sk a
    zadd sk 0 a
    zscore sk a
    zrange sk 0 -1 withscores
    zscan sk 0
    zadd sk 5 b
    zadd sk -0 b
    zscore sk b
    config set zset-max-listpack-entries 128
    zunionstore u 1 sk
    @enc u
    zscore u a
    zrangestore r sk 0 -1
    @enc r
    zscore r b
    zunion 1 sk withscores
    zadd sk 1 c 2 d
    config set zset-max-listpack-entries 2
    zrangestore r1 sk 0 -1
    zscore r1 a
    @enc r1
    zrangestore r2 sk 0 1
    zscore r2 a
    @enc r2
    zrangestore r3 sk -inf inf byscore
    zscore r3 a
    @enc r3
    zrangestore r4 sk - + bylex
    @enc r4
    zadd k -0 a 1 b 2 c
    zscore k a
    zadd k2 -0 a
    zadd k2 1 x 2 y 3 z
    zscore k2 a
    config set zset-max-listpack-value 3
    zadd k4 -0 a 1 bbbbbbb
    zscore k4 a
    zadd k5 -0 a
    zadd k5 1 bbbbbbbb -0 c
    zscore k5 c
  `,
  'zrem zcard zscore zmscore zrank': `
    zadd z 1 a 2 b 3 c
    zrem z a x
    zrem z x y
    zrank z b
    zrevrank z b
    zrank z c
    zrevrank z c
    zrank z nope
    zrank nokey a
    zrevrank nokey a
    zscore z b
    zscore z nope
    zscore nokey a
    zmscore z a b c nope
    zmscore nokey a b
    zcard z
    zcard nokey
    zrem z b c
    exists z
    zrem nokey a
    set str x
    zrem str a
    zcard str
    zscore str a
    zmscore str a
    zrank str a
    zrevrank str a
    zadd z 1 a
    zrank z a withscore
    zrevrank z a withscore
    zrank z
    zscore z
    zmscore z
    zcard z z
    zincrby z 1
    zrem z
    zadd z
    zadd z 1
  `,
  'zrange by rank': `
    zadd z 1 a 2 b 3 c 4 d 5 e inf f -inf g
    zrange z 0 -1
    zrange z 0 -1 withscores
    zrange z 2 1
    zrange z -100 100 withscores
    zrange z -3 -1 withscores
    zrange z 5 3
    zrange z 7 100
    zrange z -1 -100
    zrange z 0 0 rev withscores
    zrange z 1 3 rev
    zrange z -2 -1 rev withscores
    zrange z 0 9223372036854775807
    zrange z -9223372036854775808 9223372036854775807
    zrange z 0 9223372036854775808
    zrange z 0 -1 limit 1 2
    zrange z 0 -1 withscores limit 1 2
    zrange z a b
    zrange z 1 2 foo
    zrange z 1 2 rev rev
    zrange z 1 2 withscores withscores
    zrevrange z 0 2 withscores
    zrevrange z 0 -1
    zrevrange z 0 2 byscore
    zrevrange z 0 2 rev
    zrevrange z 0 2 limit 0 1
    zrange nokey 0 -1
    zrange nokey a b
    set str x
    zrange str 0 1
    zrange str a 1
  `,
  'zrange by score': `
    zadd z 1 a 2 b 3 c 4 d 5 e inf f -inf g
    zrange z (1 5 byscore
    zrange z (1 (5 byscore withscores
    zrange z 5 (1 byscore rev withscores
    zrange z -inf +inf byscore limit 1 2
    zrange z -inf +inf byscore limit 1 -1
    zrange z -inf +inf byscore limit -1 2
    zrange z -inf +inf byscore limit 0 0
    zrange z -inf +inf byscore limit 100 1
    zrange z -inf +inf byscore limit 6 100
    zrange z -inf +inf byscore limit 7 100
    zrange z +inf -inf byscore rev limit 2 3 withscores
    zrange z +inf -inf byscore rev limit -2 3
    zrange z 1 2 byscore bylex
    zrange z 1 2 byscore byscore
    zrange z 1 2 byscore limit 1
    zrange z 1 2 byscore limit a b
    zrange z 1 2 byscore limit 1 b
    zrange z x 2 byscore
    zrange z 1 ( byscore
    zrange z ( ( byscore withscores
    zrange z "" "" byscore withscores
    zrangebyscore z 2 4 withscores limit 1 1
    zrangebyscore z 2 4 rev
    zrangebyscore z 2 4 bylex
    zrangebyscore z -inf inf withscores
    zrangebyscore z (-inf (inf
    zrangebyscore z inf -inf
    zrangebyscore z "(inf" +inf
    zrangebyscore z 3 3
    zrangebyscore z (3 3
    zrangebyscore z 3 (3
    zrangebyscore z " 2" 3
    zrangebyscore z "2 " 3
    zrangebyscore z 0x2 0x3
    zrangebyscore z 1e400 inf
    zrangebyscore z -1e400 0
    zrangebyscore z nan 0
    zrangebyscore z 0 NaN
    zrangebyscore z "2\\x003" 3
    zrevrangebyscore z 4 2 withscores
    zrevrangebyscore z 2 4
    zrevrangebyscore z +inf -inf withscores limit 1 2
    zrevrangebyscore z +inf -inf limit 1
    zrangebyscore nokey 0 1
    zrangebyscore nokey a 1
    zcount z -inf +inf
    zcount z (1 (5
    zcount z 5 1
    zcount z a b
    zcount z (inf inf
    zcount nokey 1 2
    zcount nokey a 2
    set str x
    zcount str 0 1
    zrangebyscore str 0 1
  `,
  'zrange by lex': `
    zadd l 0 a 0 b 0 c 0 d 0 e 0 ee 0 "" 0 "\\xff" 0 "\\x00"
    zrange l - + bylex
    zrange l - + bylex withscores
    zrange l [a (d bylex
    zrange l (d [a bylex rev
    zrange l + - bylex rev limit 1 3
    zrange l a b bylex
    zrangebylex l [b (e
    zrangebylex l (b [e limit 1 1
    zrangebylex l (b [e limit 1 -5
    zrangebylex l (b [e limit -1 5
    zrangebylex l (b [e limit 10 5
    zrangebylex l + -
    zrangebylex l [e [a
    zrangebylex l (a (a
    zrangebylex l [a [a
    zrangebylex l - -
    zrangebylex l + +
    zrangebylex l -a +
    zrangebylex l "" +
    zrangebylex l a +
    zrangebylex l [ +
    zrangebylex l ( +
    zrangebylex l ( [
    zrangebylex l - "+\\x00"
    zrangebylex l "-\\x00" +
    zrangebylex l - "+x"
    zrangebylex l [e +
    zrangebylex l (e +
    zrangebylex l "[\\xff" +
    zrangebylex l - "(\\x00"
    zrangebylex l - "[\\x00"
    zrevrangebylex l + - limit 0 2
    zrevrangebylex l [d [b
    zrevrangebylex l [b [d
    zrangebylex l - + withscores
    zlexcount l - +
    zlexcount l [b [d
    zlexcount l (b (d
    zlexcount l a b
    zlexcount l + -
    zlexcount nokey - +
    zlexcount nokey a b
    zremrangebylex l [b (d
    zrange l 0 -1
    zremrangebylex l a b
    zremrangebylex l - +
    exists l
    set str x
    zrangebylex str - +
    zlexcount str - +
    zremrangebylex str - +
  `,
  'lex ranges over mixed scores on a listpack': `
    zadd z 1 a 2 z 3 b 4 y 5 c
    zrangebylex z [c +
    zrangebylex z - [c
    zrevrangebylex z [c -
    zrevrangebylex z + [c
    zrangebylex z [b [y
    zlexcount z [b [y
    zlexcount z [c +
    zlexcount z - [b
    zrangebylex z (a (z
    zremrangebylex z [b [c
    zrange z 0 -1
    zremrangebylex z [a [b
    zrange z 0 -1
  `,
  'zremrangeby*': `
    zadd z 1 a 2 b 3 c 4 d 5 e
    zremrangebyrank z 1 2
    zrange z 0 -1
    zremrangebyrank z 5 10
    zremrangebyrank z 2 1
    zremrangebyrank z -1 -1
    zremrangebyrank z -100 -50
    zremrangebyrank z a 1
    zremrangebyrank z 1 a
    zremrangebyrank nokey 0 1
    zremrangebyrank nokey a 1
    zrange z 0 -1
    zremrangebyscore z (1 2
    zremrangebyscore z x 2
    zremrangebyscore z 2 x
    zremrangebyscore nokey x 2
    zremrangebyscore z 5 1
    zremrangebyscore z -inf inf
    exists z
    zadd z 1 a 2 b 3 c
    zremrangebyrank z 0 -1
    exists z
    set str x
    zremrangebyrank str 0 1
    zremrangebyscore str 0 1
    zremrangebyscore str a 1
  `,
  'zrangestore': `
    zadd z 1 a 2 b 3 c 4 d 5 e
    zrangestore dst z 0 -1
    zrange dst 0 -1 withscores
    zrangestore dst z 1 3 byscore rev limit 0 1
    zrange dst 0 -1 withscores
    zrangestore dst z 3 1 byscore rev
    zrangestore dst z [b [d bylex
    zrange dst 0 -1
    zrangestore dst z 1 3 withscores
    zrangestore dst z 0 -1 limit 0 1
    zrangestore dst z 0 -1 foo
    zrangestore dst z a b
    zrangestore dst z a b byscore
    zrangestore dst nokey 0 -1
    exists dst
    zrangestore dst z 0 0
    zrangestore dst z 10 20
    exists dst
    zrangestore z z 1 2
    zrange z 0 -1 withscores
    set str x
    zrangestore str z 0 1
    type str
    zrangestore dst str 0 1
    zrangestore dst nokey 0 1 byscore
  `,
  'zunion zinter zdiff and stores': `
    zadd a 1 x 2 y 3 z
    zadd b 10 y 20 z 30 w
    sadd s y w q
    sadd i 1 2 3
    zadd n 1 1 2 2 5 5
    zunion 2 a b withscores
    zunion 3 a b s withscores
    zunion 3 a b s weights 1 2 3 withscores
    zunion 3 a b s weights 1 2 withscores
    zunion 3 a b s weights 1 2 x withscores
    zunion 2 a b weights 1 2 weights 3 4 withscores
    zunion 2 a b aggregate min withscores
    zunion 2 a b aggregate max withscores
    zunion 2 a b aggregate MAX withscores aggregate min
    zunion 2 a b aggregate foo
    zunion 2 a b aggregate
    zunion 2 a b limit 1
    zunion 0 a
    zunion -1 a
    zunion 3 a b
    zunion x a
    zunion 9223372036854775807 a
    zunion 2 a b withscores withscores
    zunion 2 a nokey withscores
    zunion 1 nokey
    zunionstore d 2 a b withscores
    zunionstore d 2 a b
    zrange d 0 -1 withscores
    zunionstore d 0 a
    zunionstore d 2 nokey nokey2
    exists d
    zinter 2 a b withscores
    zinter 3 a b s withscores
    zinter 2 i n withscores
    zinter 2 n i weights 2 3 withscores
    zinter 2 a b aggregate max withscores
    zinter 2 a nokey
    zinterstore d 2 a nokey
    exists d
    zinterstore d 2 a a weights 1 2
    zrange d 0 -1 withscores
    zdiff 2 a b withscores
    zdiff 2 a a withscores
    zdiff 2 nokey a
    zdiff 1 s withscores
    zdiff 2 a s withscores
    zdiff 2 a b weights 1 2
    zdiff 2 a b aggregate sum
    zdiffstore d 2 b a
    zrange d 0 -1 withscores
    zdiffstore d 2 a a
    exists d
    zdiffstore d 2 a b withscores
    zintercard 2 a b
    zintercard 2 a b limit 1
    zintercard 2 a b limit 0
    zintercard 2 a b limit -1
    zintercard 2 a b limit x
    zintercard 2 a b withscores
    zintercard 2 a b weights 1 2
    zintercard 0 a
    zintercard 1 nokey
    zintercard 3 a b s
    zintercard 2 a a
    set str v
    zunion 2 a str
    zunion 2 str nokey
    zinter 2 nokey str
    zunionstore str 2 a b
    type str
    zunionstore d 2 a str
  `,
  'aggregation of infinities and float order': `
    zadd p inf x
    zadd m -inf x
    zunion 2 p m withscores
    zunion 2 p m weights 1 1 aggregate sum withscores
    zunion 2 p p weights 0 1 withscores
    zinter 2 p m withscores
    zinter 2 p m aggregate min withscores
    zunion 2 p m weights 1 -1 withscores
    zunion 2 p m weights -1 1 withscores
    zunion 1 p weights 0 withscores
    zunion 1 p weights nan withscores
    zunion 1 p weights inf withscores
    zadd e 0 x
    zunion 1 e weights inf withscores
    zunion 1 e weights -inf withscores
    zadd f 0.1 x
    zadd g 0.2 x 1 y
    zadd h 0.3 x 1 y 2 z
    zunion 3 f g h withscores
    zunion 3 h g f withscores
    zinter 3 h g f withscores
    zunion 3 h g f weights 1e308 1e308 1e308 withscores
    zunion 2 h g weights 1.1 2.2 withscores
  `,
  'zpopmin zpopmax zmpop': `
    zadd z 1 a 2 b 3 c 4 d
    zpopmin z
    zpopmax z
    zpopmin z 0
    zpopmin z -1
    zpopmin z x
    zpopmin z 1 2
    zpopmin z 10
    exists z
    zpopmin nokey
    zpopmin nokey 2
    zpopmin nokey 0
    zpopmin nokey -1
    zadd z 1 a 2 b 3 c 4 d
    zpopmax z 1
    zpopmax z 9223372036854775807
    zadd z 1 a 2 b 3 c 4 d
    zmpop 1 z min
    zmpop 2 nokey z max count 2
    zmpop 1 z min count 10
    zmpop 1 z min
    zmpop 0 z min
    zmpop -1 z min
    zmpop x z min
    zmpop 2 z min
    zmpop 1 z foo
    zmpop 1 z min count 0
    zmpop 1 z min count -1
    zmpop 1 z min count x
    zmpop 1 z min count 1 count 2
    zmpop 1 z min count
    zmpop 1 z min foo
    set str x
    zmpop 2 nokey str min
    zadd z 1 a
    zmpop 2 z str min
    zpopmin str
    zpopmin str 0
    zadd z 1 a 2 b
    zmpop 1 z max count 5
    zadd z 1 a 2 b
    zpopmax z 2
  `,
  'blocking pops that do not block': `
    zadd z 1 a 2 b 3 c
    bzpopmin z 0
    bzpopmax nokey z 0
    bzpopmin z -1
    bzpopmin z x
    bzpopmin z 1e400
    bzmpop x 1 z min
    bzmpop 0 0 z min
    bzmpop 0 1 z foo
    bzmpop -1 1 z min
    bzmpop 0 1 z min count 0
    zadd z 1 a 2 b
    bzmpop 0 2 nokey z max count 10
    set str x
    bzpopmin str 0
    bzpopmin nokey str 0
    bzmpop 0 2 str z min
  `,
  'zrandmember deterministic cases': `
    zadd z 1 a 2 b 3 c
    zrandmember z 5 withscores
    zrandmember z 3
    zrandmember z 9223372036854775807
    zrandmember z 0
    zrandmember z 0 withscores
    zrandmember nokey
    zrandmember nokey 5
    zrandmember nokey -5 withscores
    zrandmember z -9223372036854775808
    zrandmember z 9223372036854775808
    zrandmember z -4611686018427387904 withscores
    zrandmember z 4611686018427387904 withscores
    zrandmember z 4611686018427387903 withscores
    zrandmember z 1 withscores x
    zrandmember z 1 withscore
    zrandmember z a withscores
    zrandmember z a
    zadd one 7.5 only
    zrandmember one
    zrandmember one 1 withscores
    zrandmember one -3 withscores
    zrandmember one -3
    set str x
    zrandmember str
    zrandmember str 1
    zrandmember str a
  `,
  'zscan': `
    zadd n 1e18 b 1.5 c 1e19 d 4611686018427387904 e 4611686018427387905 f 123456789012345678 g -4611686018427387904 h -4611686018427387905 i 0.1 j
    zscan n 0
    zscan n 0 match [a-e]
    zscan n 0 match *
    zscan n 0 count 1
    zscan n 0 count 1 match c
    zscan n 12345
    zscan n -1
    zscan n ""
    zscan n +5
    zscan n " 1"
    zscan n abc
    zscan n 18446744073709551615
    zscan n 18446744073709551616
    zscan n 0 count 0
    zscan n 0 count -1
    zscan n 0 count x
    zscan n 0 match
    zscan n 0 type zset
    zscan n 0 novalues
    zscan nokey 0
    zscan nokey 0 count 0
    zscan nokey abc
    set str x
    zscan str 0
    zscan str abc
  `,
  'encodings': `
    zadd z 1 a
    @enc z
    ${fillScript('z', 127)}
    @enc z
    zadd z 1000 last
    @enc z
    zrem z last
    @enc z
    zadd y 1 ${LONG_A}
    @enc y
    zadd y 1 ${LONG_B}
    @enc y
    zadd w 1 ${LONG_B}
    @enc w
    zadd v 1 a 2 ${LONG_B}
    @enc v
    zunionstore u 1 z
    @enc u
    zrangestore u2 z 0 10
    @enc u2
    zrangestore u3 z 0 -1
    @enc u3
    zinterstore u4 2 z z
    @enc u4
    zdiffstore u5 1 w
    @enc u5
    zdiffstore u6 2 z w
    @enc u6
    zunionstore u7 2 y w
    @enc u7
    config set zset-max-listpack-entries 0
    zadd q 1 a
    @enc q
    zrangestore q2 u2 0 -1
    @enc q2
    zunionstore q3 1 u2
    @enc q3
    config set zset-max-listpack-entries 2
    zadd t 1 a 2 b
    @enc t
    zadd t 3 c
    @enc t
    zadd t2 1 a 2 b 3 c
    @enc t2
    config set zset-max-listpack-entries 128
    config set zset-max-listpack-value 3
    zadd t3 1 abc
    @enc t3
    zadd t3 1 abcd
    @enc t3
    config set zset-max-listpack-value 64
    ${fillScript('big', 300)}
    @enc big
    zrange big 0 5 withscores
    zrange big 100 -1 rev withscores
    zrange big 10 20 byscore limit 2 3 withscores
    zrangebyscore big (3 5
    zcount big 3 6
    zrank big m50
    zrevrank big m50
    zscore big m299
    zremrangebyrank big 10 20
    zrange big 0 -1 withscores
    zremrangebyscore big 5 (7
    zcard big
    zrangestore dst big 5 10 rev
    zrange dst 0 -1 withscores
    @enc dst
    zrandmember big 1000 withscores
    zpopmin big 3
    zpopmax big 3
    zmpop 1 big min count 2
    zunion 2 big z withscores
    zinter 2 big z withscores
    zdiff 2 big z withscores
  `,
};

describe('differential: sorted sets', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));
  for (const proto of ['2', '3']) {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        await d.both('flushall');
        await d.both('config', 'set', 'zset-max-listpack-entries', '128');
        await d.both('config', 'set', 'zset-max-listpack-value', '64');
        await d.both('hello', proto);
        for (const line of script(text)) {
          let x: string;
          let y: string;
          if (line[0] === '@enc') {
            [x, y] = await d.both('object', 'encoding', line[1]);
          } else {
            [x, y] = await d.both(...line);
          }
          assert.equal(x, y, `${JSON.stringify(line)} (RESP${proto})`);
        }
      });
    }
  }

  it('keyspace notifications match Redis', async () => {
    await d.both('flushall');
    await d.both('hello', '2');
    const subs = await d.connectPair();
    try {
      await d.both('config', 'set', 'notify-keyspace-events', 'KEA');
      for (const sub of subs) await sub.call('psubscribe', '*');
      for (const line of script(NOTIFIED)) {
        const [x, y] = await d.both(...line);
        assert.equal(x, y, JSON.stringify(line));
      }
      await d.both('publish', 'end', 'end');
      const heard: string[][] = [];
      for (const sub of subs) {
        const messages: string[] = [];
        for (;;) {
          const m = await sub.read();
          messages.push(m);
          if (m.includes('\r\nend\r\n$3\r\nend\r\n')) break;
        }
        heard.push(messages);
      }
      assert.ok(heard[0].length > 40, `only ${heard[0].length} notifications`);
      assert.deepEqual(heard[0], heard[1]);
    } finally {
      await d.both('config', 'set', 'notify-keyspace-events', '');
      for (const sub of subs) sub.close();
    }
  });
});

/** Every write that notifies, including the `del` of a key a command emptied. */
const NOTIFIED = `
  zadd z 1 a 2 b 3 c 4 d 5 e
  zadd z 1 a
  zadd z xx 9 nope
  zadd z ch 1.5 a
  zadd z incr 1 a
  zincrby z 1 b
  zadd z nx incr 1 a
  zrem z nope
  zrem z a
  zremrangebyrank z 0 0
  zremrangebyscore z 100 200
  zremrangebyscore z 3 3
  zadd l 0 a 0 b
  zremrangebylex l - +
  zunionstore u 1 z
  zinterstore i 2 z u
  zdiffstore df 2 z u
  zrangestore r z 0 0
  zrangestore r nokey 0 -1
  zpopmin z
  zpopmax z 1
  zmpop 1 u min count 100
  zadd p 1 x
  bzpopmax p 0
  zadd q 1 x 2 y
  bzmpop 0 1 q min count 5
  rpush list 3 1 2
  sort list store sorted
  sort nokey store sorted
  zadd s 3 c 1 a
  sort s alpha store sorted2
`;

// ---------------------------------------------------------------------------
// Properties of what Redis leaves to chance
// ---------------------------------------------------------------------------

/** The members and scores of a flat [member, score, ...] RESP2 array. */
function pairsOf(raw: string): Array<[string, string]> {
  const root = parseReply(raw);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < root.children.length; i += 2) {
    out.push([root.children[i].body.slice(0, -2), root.children[i + 1].body.slice(0, -2)]);
  }
  return out;
}

describe('sorted sets: random members and hashtable scans', () => {
  let srv: CinnabarServer;
  let conn: RawConnection;
  const N = 300;
  const expected = new Map<string, string>();
  before(async () => {
    srv = await startCinnabar();
    conn = await RawConnection.connect(srv.address().port);
    const args: string[] = [];
    for (let i = 0; i < N; i++) {
      args.push(String(i / 4), `m${i}`);
      expected.set(`m${i}`, String(i / 4));
    }
    await conn.call('zadd', 'big', ...args);
    await conn.call('zadd', 'small', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    for (const [m, s] of [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]) expected.set(m, s);
  });
  after(async () => {
    conn?.close();
    await srv?.close();
  });

  for (const key of ['big', 'small']) {
    for (const count of [1, 2, 3, 4, 50, 150, 250, 299]) {
      it(`ZRANDMEMBER ${key} ${count} gives distinct members with their scores`, async () => {
        const size = key === 'big' ? N : 5;
        const got = pairsOf(await conn.call('zrandmember', key, count, 'withscores'));
        assert.equal(got.length, Math.min(count, size));
        assert.equal(new Set(got.map((p) => p[0])).size, got.length);
        for (const [m, s] of got) assert.equal(expected.get(m), s);
      });
    }
    it(`ZRANDMEMBER ${key} with a negative count repeats members`, async () => {
      const got = pairsOf(await conn.call('zrandmember', key, -500, 'withscores'));
      assert.equal(got.length, 500);
      for (const [m, s] of got) assert.equal(expected.get(m), s);
      const plain = parseReply(await conn.call('zrandmember', key, -20));
      assert.equal(plain.children.length, 20);
    });
  }

  it('ZRANDMEMBER without count returns members of the set', async () => {
    for (let i = 0; i < 50; i++) {
      const r = await conn.call('zrandmember', 'big');
      assert.ok(expected.has(parseReply(r).body.slice(0, -2)));
    }
  });

  it('ZRANDMEMBER in RESP3 nests member/score pairs', async () => {
    await conn.call('hello', '3');
    const root = parseReply(await conn.call('zrandmember', 'big', 5, 'withscores'));
    assert.equal(root.children.length, 5);
    for (const pair of root.children) {
      assert.equal(pair.head, '*2');
      assert.equal(pair.children[1].head[0], ',');
    }
    const neg = parseReply(await conn.call('zrandmember', 'small', -7, 'withscores'));
    assert.equal(neg.children.length, 7);
    await conn.call('hello', '2');
  });

  it('a full ZSCAN of a skiplist returns every member once with its score', async () => {
    for (const count of ['1', '10', '1000']) {
      const seen = new Map<string, string>();
      let cursor = '0';
      let rounds = 0;
      do {
        const root = parseReply(await conn.call('zscan', 'big', cursor, 'count', count));
        cursor = root.children[0].body.slice(0, -2);
        const items = root.children[1].children;
        for (let i = 0; i < items.length; i += 2) seen.set(items[i].body.slice(0, -2), items[i + 1].body.slice(0, -2));
        rounds++;
      } while (cursor !== '0' && rounds < 10000);
      assert.equal(seen.size, N);
      for (const [m, s] of seen) assert.equal(expected.get(m), s);
    }
  });

  it('ZSCAN MATCH filters a skiplist scan by member', async () => {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const root = parseReply(await conn.call('zscan', 'big', cursor, 'match', 'm1*'));
      cursor = root.children[0].body.slice(0, -2);
      const items = root.children[1].children;
      for (let i = 0; i < items.length; i += 2) seen.add(items[i].body.slice(0, -2));
    } while (cursor !== '0');
    const want = [...expected.keys()].filter((m) => m.startsWith('m1'));
    assert.deepEqual([...seen].sort(), want.sort());
  });
});

// ---------------------------------------------------------------------------
// Blocking pops with several clients
// ---------------------------------------------------------------------------

const BLOCKING: Record<string, (s: ClientSession) => Promise<void>> = {
  async 'ZADD wakes BZPOPMIN on the key it creates'(s) {
    const a = await s.open();
    s.send(a, 'bzpopmin', 'k1', 'k2', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'zadd', 'k2', '2', 'b', '1', 'a');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'zrange', 'k2', '0', '-1', 'withscores');
  },

  async 'clients are served first-come first-served, one element each'(s) {
    const [a, b, c] = [await s.open(), await s.open(), await s.open()];
    s.send(a, 'bzpopmin', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'bzpopmax', 'other', 'k', '0');
    await s.waitBlocked(2);
    s.send(c, 'bzmpop', '0', '1', 'k', 'min', 'count', '5');
    await s.waitBlocked(3);
    await s.call(s.ctl, 'zadd', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
    await s.read(c, 'c: ');
    await s.call(s.ctl, 'exists', 'k');
    await s.waitBlocked(0);
  },

  async 'a pop that empties the key leaves later clients blocked'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'bzmpop', '0', '1', 'k', 'max', 'count', '10');
    await s.waitBlocked(1);
    s.send(b, 'bzpopmin', 'k', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'zadd', 'k', '1', 'a', '2', 'b');
    await s.read(a, 'a: ');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'zadd', 'k', '5', 'e');
    await s.read(b, 'b: ');
  },

  async 'RESP3 replies of served clients'(s) {
    const [a, b] = [await s.open('3'), await s.open('3')];
    s.send(a, 'bzpopmax', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'bzmpop', '0', '2', 'j', 'k', 'min', 'count', '2');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'zadd', 'k', '1.5', 'a', 'inf', 'b', '-3', 'c', '7', 'd');
    await s.read(a, 'a: ');
    await s.read(b, 'b: ');
  },

  async 'timeouts reply the null array'(s) {
    const [a, b] = [await s.open(), await s.open('3')];
    await s.call(a, 'bzpopmin', 'k', '0.05');
    await s.call(a, 'bzmpop', '0.05', '1', 'k', 'min');
    await s.call(b, 'bzpopmax', 'k', '0.05');
    await s.call(b, 'bzmpop', '0.01', '2', 'k', 'j', 'max', 'count', '3');
  },

  async 'a serving ZADD is atomic and pipelined commands resume'(s) {
    const a = await s.open();
    a.write(Buffer.concat([encodeCommand(['bzpopmin', 'k', '0']), encodeCommand(['ping']), encodeCommand(['zcard', 'k'])]));
    await s.waitBlocked(1);
    s.ctl.write(Buffer.concat([encodeCommand(['zadd', 'k', '1', 'x', '2', 'y']), encodeCommand(['zrange', 'k', '0', '-1'])]));
    await s.read(s.ctl, 'zadd: ');
    await s.read(s.ctl, 'zrange: ');
    await s.read(a, 'a1: ');
    await s.read(a, 'a2: ');
    await s.read(a, 'a3: ');
  },

  async 'store commands wake blocked clients'(s) {
    const [a, b] = [await s.open(), await s.open()];
    await s.call(s.ctl, 'zadd', 'src', '1', 'a', '2', 'b', '3', 'c');
    s.send(a, 'bzpopmin', 'u', '0');
    await s.waitBlocked(1);
    s.send(b, 'bzpopmax', 'r', '0');
    await s.waitBlocked(2);
    await s.call(s.ctl, 'zunionstore', 'u', '1', 'src');
    await s.read(a, 'a: ');
    await s.call(s.ctl, 'zrangestore', 'r', 'src', '0', '1');
    await s.read(b, 'b: ');
    await s.call(s.ctl, 'zrange', 'u', '0', '-1');
    await s.call(s.ctl, 'zrange', 'r', '0', '-1');
  },

  async 'a key of another type does not serve, a later zset does'(s) {
    const a = await s.open();
    s.send(a, 'bzpopmin', 'k', '0');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'rpush', 'k', 'x');
    await s.call(s.ctl, 'del', 'k');
    await s.waitBlocked(1);
    await s.call(s.ctl, 'zadd', 'k', '1', 'z');
    await s.read(a, 'a: ');
  },

  async 'blocking pops inside MULTI reply at once'(s) {
    const a = await s.open();
    await s.call(a, 'multi');
    await s.call(a, 'bzpopmin', 'k', '0');
    await s.call(a, 'bzmpop', '0', '1', 'k', 'max', 'count', '2');
    await s.call(a, 'zadd', 'k', '1', 'x', '2', 'y');
    await s.call(a, 'bzpopmax', 'k', '0');
    await s.call(a, 'exec');
  },

  async 'a ZADD inside MULTI serves after EXEC'(s) {
    const [a, b] = [await s.open(), await s.open()];
    s.send(a, 'bzpopmin', 'k', '0');
    await s.waitBlocked(1);
    await s.call(b, 'multi');
    await s.call(b, 'zadd', 'k', '1', 'x', '2', 'y');
    await s.call(b, 'zrem', 'k', 'x');
    await s.call(b, 'zcard', 'k');
    await s.call(b, 'exec');
    await s.read(a, 'a: ');
    await s.call(b, 'zrange', 'k', '0', '-1', 'withscores');
  },

  async 'a disconnected blocked client is forgotten'(s) {
    const a = await s.open();
    const b = await s.open();
    s.send(a, 'bzpopmin', 'k', '0');
    await s.waitBlocked(1);
    s.send(b, 'bzpopmin', 'k', '0');
    await s.waitBlocked(2);
    a.close();
    await s.waitBlocked(1);
    await s.call(s.ctl, 'zadd', 'k', '1', 'z');
    await s.read(b, 'b: ');
  },
};

describe('blocking sorted-set pops', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let cinnabar: CinnabarServer;
  let redis: RedisProcess;
  useServers((c, r) => {
    cinnabar = c;
    redis = r;
  });

  for (const [name, scenario] of Object.entries(BLOCKING)) {
    it(name, async () => {
      const runOn = (port: number): Promise<string[]> => transcriptOf(new ClientSession(port), scenario);
      const ours = await runOn(cinnabar.address().port);
      const theirs = await runOn(redis.port);
      assert.deepEqual(ours, theirs);
    });
  }
});
