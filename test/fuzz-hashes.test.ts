/**
 * Seeded random differential fuzzer for hashes: a few thousand random hash commands (valid and invalid,
 * over a handful of keys, fields that cross the listpack limits, values that are and are not numbers, and
 * CONFIG SET of the thresholds mid-run) go to Cinnabar and to a real redis-server, and every reply must be
 * byte-identical, except the order of a hashtable-encoded hash, which is compared as a set (a listpack's
 * order must match exactly). After every write, the encodings of the touched keys must match too.
 * Set FUZZ_SEED to replay a failure; the seed is printed in the assertion message.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, rng, useDifferential } from './helpers';
import { canonical, encodingOf, fullScan, fuzzFailure, fuzzSeed } from './collection-helpers';

const COMMANDS = 2500;
const KEYS = ['h0', 'h1', 'h2', 'str'];
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', '1', '2', '-3', '', 'field-longer-than-16'];
const VALUES = ['1', '0', '-7', '42', '9223372036854775807', '-9223372036854775808', '1.5', '-0', '1e3', ' 1', '012', 'abc', '', 'v'.repeat(20), 'inf', '0.1'];
const INCRS = ['1', '-1', '100', '0', '9223372036854775807', '-9223372036854775808', '9007199254740993', 'x', '1.5', '+1'];
const FLOAT_INCRS = ['0.1', '-1.5', '1e10', '3', '-0', 'inf', 'abc', '1e-5', '0x10', '5e-324'];
const PATTERNS = ['*', 'a*', '?', '[a-c]', '*e*', '-*', ''];
const WRITES = new Set(['hset', 'hmset', 'hsetnx', 'hdel', 'hincrby', 'hincrbyfloat', 'del', 'set']);
const ORDERED = new Set(['hgetall', 'hkeys', 'hvals', 'hrandfield']);

function generator(seed: number): () => string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const int = (n: number): number => Math.floor(r() * n);
  const key = (): string => (r() < 0.04 ? 'str' : pick(KEYS.slice(0, 3)));
  const pairs = (max: number): string[] => {
    const out: string[] = [];
    for (let i = 1 + int(max); i > 0; i--) out.push(pick(FIELDS), pick(VALUES));
    return out;
  };
  return () => {
    const x = r();
    if (x < 0.2) return ['hset', key(), ...pairs(3)];
    if (x < 0.24) return ['hmset', key(), ...pairs(2)];
    if (x < 0.27) return ['hsetnx', key(), pick(FIELDS), pick(VALUES)];
    if (x < 0.35) return ['hget', key(), pick(FIELDS)];
    if (x < 0.38) return ['hmget', key(), pick(FIELDS), pick(FIELDS)];
    if (x < 0.41) return ['hlen', key()];
    if (x < 0.44) return ['hexists', key(), pick(FIELDS)];
    if (x < 0.46) return ['hstrlen', key(), pick(FIELDS)];
    if (x < 0.54) return ['hdel', key(), ...Array.from({ length: 1 + int(3) }, () => pick(FIELDS))];
    if (x < 0.6) return ['hincrby', key(), pick(FIELDS), pick(INCRS)];
    if (x < 0.65) return ['hincrbyfloat', key(), pick(FIELDS), pick(FLOAT_INCRS)];
    if (x < 0.7) return [pick(['hgetall', 'hkeys', 'hvals']), key()];
    if (x < 0.74) {
      const cmd = ['hrandfield', key(), pick(['100', '0', '50'])];
      if (r() < 0.5) cmd.push('withvalues');
      return cmd;
    }
    if (x < 0.8) {
      const cmd = ['hscan', key(), '0'];
      if (r() < 0.5) cmd.push('match', pick(PATTERNS));
      if (r() < 0.3) cmd.push('count', pick(['1', '5', '100']));
      return cmd;
    }
    if (x < 0.83) return ['del', key()];
    if (x < 0.85) return ['exists', key()];
    if (x < 0.86) return ['set', 'str', 'text'];
    if (x < 0.88) return ['config', 'set', pick(['hash-max-listpack-entries', 'hash-max-listpack-value']), String(2 + int(10))];
    return ['hset', key(), pick(FIELDS), pick(VALUES)];
  };
}

describe('fuzz: hashes', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  for (const proto of ['2', '3']) {
    it(`random hash commands match Redis (RESP${proto})`, async () => {
      const seed = fuzzSeed();
      const next = generator(seed + Number(proto));
      await d.both('flushall');
      await d.both('hello', proto);
      await d.both('config', 'set', 'hash-max-listpack-entries', '6');
      await d.both('config', 'set', 'hash-max-listpack-value', '16');
      const log: string[] = [];
      for (let i = 0; i < COMMANDS; i++) {
        const cmd = next();
        log.push(cmd.join(' '));
        const fail = (x: string, y: string): string => fuzzFailure(seed, proto, i, cmd, log, x, y);
        let [x, y] = await d.both(...cmd);
        const name = cmd[0];
        if (x !== y && (ORDERED.has(name) || name === 'hscan') && (await encodingOf(d.b, cmd[1])) === 'hashtable') {
          if (name === 'hscan') {
            x = await fullScan(d.a, 'hscan', cmd[1], cmd.slice(3));
            y = await fullScan(d.b, 'hscan', cmd[1], cmd.slice(3));
          } else {
            const pairs = name === 'hgetall' || (name === 'hrandfield' && cmd.length === 4 && proto === '2');
            x = canonical(x, pairs);
            y = canonical(y, pairs);
          }
        }
        assert.equal(x, y, fail(x, y));
        if (WRITES.has(name)) {
          const ex = await encodingOf(d.a, cmd[1]);
          const ey = await encodingOf(d.b, cmd[1]);
          assert.equal(ex, ey, fail(`encoding ${ex}`, `encoding ${ey}`));
        }
      }
    });
  }
});
