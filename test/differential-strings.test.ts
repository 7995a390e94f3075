/**
 * Differential tests for the string commands: each script runs against Cinnabar and a real redis-server,
 * and every reply must match byte for byte, in RESP2 and in RESP3. Scripts cover every option and error of
 * each command (wrong type, wrong arity, non-integer and out-of-range arguments, syntax errors) and the
 * encodings OBJECT reports for the values each command leaves behind. Scripts that need a key of another
 * type use lists and are skipped while the list commands are not registered.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script, scriptCases, useDifferential } from './helpers';
import { hasCommand } from './keys-support';

const SCRIPTS: Record<string, string> = {
  'set and get': `
    set k v
    get k
    get missing
    set k ""
    get k
    set k v nx
    set k2 v xx
    set k v xx get
    set k v nx xx
    set k v get nx
    set k v ex 0
    set k v ex -1
    set k v ex abc
    set k v px 9223372036854775807
    set k v ex 9223372036854775807
    set k v ex 9223372036854775
    set k v exat 9223372036854775
    set k v ex 10 ex 20
    set k v ex 10 px 20
    set k v keepttl ex 10
    set k v px 0
    set k v pxat 0
    set k v foo
    set k v NX
    set k v "NX\\x00junk"
    set k2 v "xx\\x00"
    set k v exat 1
    get k
    set k v ex 100
    set k v2
    ttl k
    set k v ex 100
    set k v3 keepttl
    ttl k
    set k v4 get
    set
    set k
    get a b
  `,
  'setnx setex psetex': `
    setnx a 1
    setnx a 2
    get a
    setnx a
    setex b 100 v
    ttl b
    get b
    setex b 0 v
    setex b -5 v
    setex b abc v
    setex b 9223372036854775807 v
    setex b 10
    psetex c 100000 v
    ttl c
    psetex c 0 v
    psetex c abc v
    psetex c 9223372036854775807 v
    psetex c 1 2 3
  `,
  'getset getdel getex': `
    getset g 1
    getset g 2
    get g
    set g v ex 100
    getset g x
    ttl g
    getset g
    getdel g
    getdel g
    exists g
    getdel
    set e v
    getex e
    getex e ex 100
    ttl e
    getex e px 200000
    ttl e
    getex e exat 4000000000
    expiretime e
    getex e pxat 4000000000123
    pexpiretime e
    getex e persist
    ttl e
    getex e persist
    getex e ex 0
    getex e ex -1
    getex e ex abc
    getex e ex
    getex e ex 10 px 10
    getex e persist ex 10
    getex e keepttl
    getex e nx
    getex e get
    getex missing ex abc
    getex missing foo
    getex e EX 10 EX 20
    ttl e
    getex e ex 9223372036854775807
    getex e exat 1
    exists e
    getex
  `,
  'append strlen': `
    append a hello
    append a " world"
    get a
    strlen a
    strlen missing
    object encoding a
    set n 12
    append n 3
    object encoding n
    incr n
    object encoding n
    append new 12
    object encoding new
    append new ""
    object encoding new
    set bin "a\\x00b"
    append bin "\\xff\\x00"
    strlen bin
    get bin
    append a
    strlen a b
  `,
  'getrange setrange': `
    set s "Hello World"
    getrange s 0 4
    getrange s -5 -1
    getrange s 5 2
    getrange s -1 -5
    getrange s 0 100
    getrange s 100 200
    getrange s -100 -50
    getrange s -100 2
    getrange s 0 -100
    getrange missing 0 -1
    getrange s a 1
    getrange s 0 b
    getrange s 9223372036854775807 -9223372036854775808
    getrange s -9223372036854775807 -9223372036854775808
    getrange s -9223372036854775808 -9223372036854775807
    getrange s 0 9223372036854775807
    getrange s 0 9223372036854775808
    substr s 1 3
    substr s 1
    set em ""
    getrange em 0 -1
    getrange em 0 0
    getrange em -1 -1
    set i 12345
    getrange i 1 2
    setrange s 6 Redis
    get s
    setrange s 20 "!"
    get s
    strlen s
    setrange s -1 x
    setrange s a x
    setrange new2 5 ""
    exists new2
    setrange new2 3 abc
    get new2
    object encoding new2
    setrange s 0 ""
    setrange s 536870912 x
    setrange s 9223372036854775807 x
    setrange i 0 9
    object encoding i
    get i
    getrange s 0
    setrange s 0
  `,
  'proto-max-bulk-len limits': `
    config set proto-max-bulk-len 1048576
    setrange big 1048575 x
    strlen big
    setrange big 1048576 x
    setrange big 1048575 xy
    append big x
    append big ""
    setrange fresh 1048576 x
    exists fresh
    config set proto-max-bulk-len 536870912
    append big x
    strlen big
  `,
  'incr family': `
    incr n
    incr n
    incrby n 10
    decrby n 3
    decr n
    incrby n abc
    incrby n 9223372036854775807
    decrby n 9223372036854775808
    decrby n -9223372036854775808
    set big 9223372036854775807
    incr big
    set small -9223372036854775808
    decr small
    decrby small -9223372036854775808
    set big2 9007199254740993
    incr big2
    incrby big2 9007199254740993
    set f 1.5
    incr f
    set sp " 1"
    incr sp
    set lz 01
    incr lz
    set neg0 -0
    incr neg0
    set long 123456789012345678901
    incr long
    incr
    incrby n
  `,
  incrbyfloat: `
    set f 10.5
    incrbyfloat f 0.1
    incrbyfloat f -5
    incrbyfloat f 1e20
    incrbyfloat f -1e20
    set g 0.1
    incrbyfloat g 0.2
    incrbyfloat h 3
    object encoding h
    object refcount h
    incrbyfloat h 5.0e3
    incrbyfloat h abc
    incrbyfloat h inf
    incrbyfloat h -inf
    incrbyfloat h nan
    incrbyfloat h " 1"
    incrbyfloat h "1 "
    incrbyfloat h ""
    incrbyfloat h 0x10
    incrbyfloat h 1e5000
    set s abc
    incrbyfloat s 1
    set x 1e308
    incrbyfloat x 1e308
    set big 9223372036854775807
    incrbyfloat big 1
    set e ""
    incrbyfloat e 1
    incrbyfloat n -0
    set h2 5 ex 100
    incrbyfloat h2 1
    ttl h2
    set q 1.5
    incr q
    incrbyfloat q 0.5
    object encoding q
    incr q
    object encoding q
    incrbyfloat z 1.5
    incrbyfloat z 1e-20
    incrbyfloat long 12345678901234567890123456789012345678901234567890
    object encoding long
    incrbyfloat
    incrbyfloat z
  `,
  'mset and mget': `
    mset a 1 b 2 c 3
    mget a b c d
    mset a
    mset a 1 b
    msetnx a 1 x 2
    msetnx x 1 y 2
    mget x y
    msetnx z 1 z 2
    get z
    msetnx a
    mset
    mget
  `,
  lcs: `
    mset k1 ohmytext k2 mynewtext
    lcs k1 k2
    lcs k1 k2 len
    lcs k1 k2 idx
    lcs k1 k2 idx minmatchlen 4
    lcs k1 k2 idx minmatchlen 4 withmatchlen
    lcs k1 k2 idx withmatchlen
    lcs k1 k2 len idx
    lcs k1 missing
    lcs missing missing idx
    lcs k1 k2 foo
    lcs k1 k2 minmatchlen
    lcs k1 k2 minmatchlen x
    lcs k1 k2 minmatchlen -3 idx
    lcs k1 k2 LEN
    lcs k1 k2 withmatchlen
    lcs k1 k2 "idx\\x00x"
    mset a1 abcabcabcXYZabc a2 zabcXYZabcabcab
    lcs a1 a2 idx withmatchlen
    lcs a2 a1 idx withmatchlen minmatchlen 2
    lcs a1 a2
    lcs a1 a2 len
    set n1 12345
    set n2 2468
    lcs n1 n2 idx
    lcs k1
  `,
  'string encodings and refcounts': `
    set a 123
    object encoding a
    set b 12345678901234567890
    object encoding b
    set c 9223372036854775807
    object encoding c
    set d -9223372036854775808
    object encoding d
    set d2 -9223372036854775809
    object encoding d2
    set e "01"
    object encoding e
    set e2 "-0"
    object encoding e2
    set f 123456789012345678901234567890123456789012345
    object encoding f
    set g 12345678901234567890123456789012345678901234
    object encoding g
    set em ""
    object encoding em
    object refcount em
    object refcount a
    set h 5
    object refcount h
    set i 10000
    object refcount i
    set j -1
    object refcount j
    set j2 9999
    object refcount j2
    incr k
    object refcount k
    object encoding k
    copy h h3
    object refcount h3
    object encoding h3
    rename h h4
    object refcount h4
    getset h4 7
    object refcount h4
    mset m1 1 m2 abc
    object refcount m1
    object encoding m2
    setex se 100 42
    object encoding se
    setnx sn 42
    object refcount sn
  `,
};

/** Scripts that need a key of another type (lists). */
const WRONG_TYPE: Record<string, string> = {
  'wrong type': `
    rpush l a
    get l
    set l v get
    set l v ex 10 get
    set l v ex abc get
    getset l x
    getdel l
    getex l
    getex l ex abc
    getex l foo
    append l x
    strlen l
    getrange l 0 1
    getrange l x 1
    setrange l 0 x
    setrange l 0 ""
    setrange l -1 x
    incr l
    incrby l 2
    incrby l x
    decr l
    decrby l 1
    incrbyfloat l 1
    incrbyfloat l x
    mget l
    lcs l missing
    lcs missing l foo
    setnx l x
    msetnx l 1 z 2
    exists z
    setex l 100 x
    type l
    get l
    rpush l2 a
    set l2 v
    get l2
  `,
};

describe('differential: strings', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));
  for (const proto of ['2', '3']) {
    scriptCases(() => d, SCRIPTS, proto);
    scriptCases(() => d, WRONG_TYPE, proto, { skip: !hasCommand('rpush') && 'list commands not registered' });
    it(`LCS table limit and long strings (RESP${proto})`, async () => {
      await d.both('flushall');
      await d.both('hello', proto);
      const cmds: Array<Array<string | number>> = [
        ['config', 'set', 'proto-max-bulk-len', '1048576'],
        ['set', 'a', 'x'.repeat(511)],
        ['set', 'b', 'x'.repeat(511)],
        ['lcs', 'a', 'b', 'len'],
        ['append', 'a', 'x'],
        ['append', 'b', 'x'],
        ['lcs', 'a', 'b', 'len'],
        ['lcs', 'a', 'b', 'idx'],
        ['config', 'set', 'proto-max-bulk-len', '536870912'],
        ['set', 'p', 'The quick brown fox jumps over the lazy dog'.repeat(20)],
        ['set', 'q', 'Pack my box with five dozen liquor jugs, the lazy dog said'.repeat(15)],
        ['lcs', 'p', 'q'],
        ['lcs', 'p', 'q', 'idx', 'minmatchlen', '3', 'withmatchlen'],
        ['lcs', 'q', 'p', 'idx'],
      ];
      assert.equal(await d.run(cmds), null);
    });
  }
});
