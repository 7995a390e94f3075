/**
 * Differential tests for the string commands: each script runs against Cinnabar and a real redis-server,
 * and every reply must match byte for byte, in RESP2 and in RESP3.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, script } from './helpers';

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
    set k v ex 10 ex 20
    set k v ex 10 px 20
    set k v keepttl ex 10
    set k v foo
    set
    set k
    get a b
  `,
  'incr family': `
    incr n
    incr n
    incrby n 10
    decrby n 3
    decr n
    incrby n abc
    incrby n 9223372036854775807
    set big 9223372036854775807
    incr big
    set small -9223372036854775808
    decr small
    decrby small -9223372036854775808
    set f 1.5
    incr f
    set sp " 1"
    incr sp
    set lz 01
    incr lz
    set neg0 -0
    incr neg0
    lpush l a
    incr l
  `,
  'mset and mget': `
    mset a 1 b 2 c 3
    mget a b c d
    mset a
    mset a 1 b
    msetnx a 1 x 2
    msetnx x 1 y 2
    mget x y
  `,
};

describe('differential: strings', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.stop();
  });
  for (const proto of ['2', '3']) {
    for (const [name, text] of Object.entries(SCRIPTS)) {
      it(`${name} (RESP${proto})`, async () => {
        await d.both('flushall');
        await d.both('hello', proto);
        assert.equal(await d.run(script(text)), null);
      });
    }
  }
});
