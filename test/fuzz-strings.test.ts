/**
 * Seeded random differential fuzzer over the string and generic keyspace commands: a few thousand random
 * commands (valid ones mostly, with wrong types, bad numbers, bad options and wrong arities mixed in) run
 * against Cinnabar and redis-server, every reply compared byte for byte, in RESP2 and RESP3.
 *
 * The key and value pools are small so commands collide on the same keys (overwrites, WRONGTYPE, RENAME onto
 * an existing key, encodings changing from int to embstr to raw). Nothing is time-sensitive by construction:
 * relative TTLs are at least 1000 s and absolute ones are either far in the future or long past, so no key
 * expires on its own during a run. What is still not deterministic is compared structurally: TTL-like replies
 * within a tolerance (the two servers read their clocks a few ms apart), KEYS and full SCAN iterations as
 * sets, RANDOMKEY as "a key exists in both or in neither".
 *
 * Replay a failure with FUZZ_SEED=<seed> (printed in the assertion message).
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, rng, useDifferential } from './helpers';
import { decode, hasCommand, scanAll } from './keys-support';

const hasLists = hasCommand('rpush');

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', ''];
const VALUES = ['', 'a', 'hello', 'x\x00y\xff', '0', '1', '-1', '42', '9999', '10000', '007', '-0', '3.5', '1e3', '0x10', ' 7', '9223372036854775807', '-9223372036854775808', 'abcabcXYZabc', 'The quick brown fox jumps over the lazy dog!!', '12345678901234567890'];
const INTS = ['0', '1', '-1', '5', '-7', '100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'x', '1.5', '', '01'];
const FLOATS = ['0', '1', '-1', '0.1', '1.5', '-0.25', '1e3', '3', '5e-1', '1e308', 'inf', 'nan', 'abc', '', ' 1', '0x1p3'];
const OFFSETS = ['0', '1', '3', '10', '-1', '-5', '100', 'x', '9223372036854775807', '-9223372036854775808'];

type Cmd = Array<string | number>;

/** One random command. `pick`/`int` draw from the seeded generator. */
function randomCommand(r: () => number): Cmd {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const key = (): string => pick(KEYS);
  const value = (): string => pick(VALUES);
  // Relative TTLs are drawn from a wide range: re-applying the same one with GT/LT within the same
  // millisecond would compare equal on one server and not on the other.
  const ttlSeconds = (): string => (r() < 0.8 ? String(1000 + Math.floor(r() * 1e7)) : pick(['0', '-5', 'x', '9223372036854775807']));
  const ttlMs = (): string => (r() < 0.8 ? String(1000000 + Math.floor(r() * 1e10)) : pick(['0', '-5', 'x']));
  const absSeconds = (): string => pick(['4000000000', '4000000500', '1000', '1', '0', '-1']);
  const absMs = (): string => pick(['4000000000000', '4000000000777', '1000', '1']);
  const setOptions = (): string[] => {
    const o: string[] = [];
    const n = Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      switch (Math.floor(r() * 10)) {
        case 0: o.push('nx'); break;
        case 1: o.push('xx'); break;
        case 2: o.push('get'); break;
        case 3: o.push('keepttl'); break;
        case 4: o.push('ex', ttlSeconds()); break;
        case 5: o.push('px', ttlMs()); break;
        // SET with a past absolute time leaves a logically expired key that each server's active cycle reclaims
        // at its own moment (DBSIZE would differ), so SET only gets future ones (or invalid ones).
        case 6: o.push('exat', pick(['4000000000', '4000000500', '0', '-1'])); break;
        case 7: o.push('pxat', pick(['4000000000000', '4000000000777', '0'])); break;
        case 8: o.push(pick(['EX', 'Nx', 'bogus'])); break;
        default: o.push('get');
      }
    }
    return o;
  };
  const expireOptions = (): string[] => {
    const n = r() < 0.6 ? 0 : Math.floor(r() * 3);
    const o: string[] = [];
    for (let i = 0; i < n; i++) o.push(pick(['nx', 'xx', 'gt', 'lt', 'GT', 'bad']));
    return o;
  };
  const x = r();
  const roll = Math.floor(x * 56);
  switch (roll) {
    case 0: case 1: return ['get', key()];
    case 2: case 3: return ['set', key(), value(), ...setOptions()];
    case 4: return ['setnx', key(), value()];
    case 5: return ['setex', key(), ttlSeconds(), value()];
    case 6: return ['psetex', key(), ttlMs(), value()];
    case 7: return ['getset', key(), value()];
    case 8: return ['getdel', key()];
    case 9: {
      const o = pick([[], ['persist'], ['ex', ttlSeconds()], ['px', ttlMs()], ['exat', absSeconds()], ['pxat', absMs()], ['ex', '10', 'px', '10'], ['foo']]);
      return ['getex', key(), ...o];
    }
    case 10: case 11: return ['append', key(), value()];
    case 12: return ['strlen', key()];
    case 13: return [pick(['getrange', 'substr']), key(), pick(OFFSETS), pick(OFFSETS)];
    case 14: return ['setrange', key(), pick(['0', '1', '5', '20', '-1', 'x']), pick(['', 'Z', 'abc', '\x00\x01'])];
    case 15: return [pick(['incr', 'decr']), key()];
    case 16: return [pick(['incrby', 'decrby']), key(), pick(INTS)];
    case 17: return ['incrbyfloat', key(), pick(FLOATS)];
    case 18: return ['mget', key(), key(), key()];
    case 19: return ['mset', key(), value(), key(), value()];
    case 20: return ['msetnx', key(), value(), key(), value()];
    case 21: {
      const o = pick([[], ['len'], ['idx'], ['idx', 'withmatchlen'], ['idx', 'minmatchlen', pick(['0', '2', '-1', 'x'])], ['len', 'idx'], ['bad']]);
      return ['lcs', key(), key(), ...o];
    }
    case 22: return [pick(['del', 'unlink']), key(), key()];
    case 23: return ['exists', key(), key(), key()];
    case 24: return ['touch', key(), key()];
    case 25: return ['type', key()];
    case 26: case 27: return ['expire', key(), ttlSeconds(), ...expireOptions()];
    case 28: return ['pexpire', key(), ttlMs(), ...expireOptions()];
    case 29: return ['expireat', key(), absSeconds(), ...expireOptions()];
    case 30: return ['pexpireat', key(), absMs(), ...expireOptions()];
    case 31: case 32: return [pick(['ttl', 'pttl']), key()];
    case 33: return [pick(['expiretime', 'pexpiretime']), key()];
    case 34: return ['persist', key()];
    case 35: case 36: return [pick(['rename', 'renamenx']), key(), key()];
    case 37: {
      const o = pick([[], ['replace'], ['db', '1'], ['db', '1', 'replace'], ['db', '0'], ['db', '16'], ['db', 'x'], ['bad']]);
      return ['copy', key(), key(), ...o];
    }
    case 38: return ['move', key(), pick(['1', '1', '0', '16', 'x'])];
    case 39: return ['swapdb', '0', pick(['1', '1', '0', '16'])];
    case 40: case 41: return ['object', pick(['encoding', 'encoding', 'refcount']), key()];
    case 42: return ['dbsize'];
    case 43: return ['randomkey'];
    case 44: return ['keys', pick(['*', 'k*', 'k[0-3]', '?', ''])];
    case 45: return ['scan-all', ...pick([[], ['match', 'k[1-4]'], ['count', '2'], ['type', 'string'], ['type', 'list']])];
    case 46: return ['select', pick(['0', '0', '0', '1'])];
    case 47: return hasLists ? ['rpush', key(), value()] : ['get', key()];
    case 48: return ['flushdb'];
    case 49: return ['object', 'freq', key()];
    default: {
      // A valid command with its last argument dropped (arity errors) or a random garbage argument.
      const c = randomCommand(r);
      if (c[0] === 'scan-all') return ['scan', 'bogus'];
      if (r() < 0.5) return c.slice(0, Math.max(1, c.length - 1));
      const i = 1 + Math.floor(r() * Math.max(1, c.length - 1));
      const copy = c.slice();
      copy[i] = pick(['', 'x', '-1', '99999999999999999999', 'nx']);
      return copy;
    }
  }
}

/** TTL-like replies: both integers, equal or within `tol` (servers read their clocks at different moments). */
const TOLERANCE: Record<string, number> = { ttl: 2, expiretime: 2, pttl: 2000, pexpiretime: 2000 };

describe('fuzz: strings and keys', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  useDifferential((x) => (d = x));

  for (const [proto, count] of [
    ['2', 2500],
    ['3', 1500],
  ] as const) {
    it(`random commands (RESP${proto})`, async () => {
      const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
      const r = rng(seed);
      await d.both('hello', proto);
      await d.both('select', '0');
      await d.both('flushall');
      const history: string[] = [];
      const fail = (msg: string): never => assert.fail(`seed ${seed} (FUZZ_SEED=${seed}), RESP${proto}\nlast commands:\n  ${history.slice(-15).join('\n  ')}\n${msg}`);
      for (let n = 0; n < count; n++) {
        const cmd = randomCommand(r);
        history.push(JSON.stringify(cmd.map(String)));
        const name = String(cmd[0]).toLowerCase();
        if (name === 'scan-all') {
          const [x, y] = [await scanAll(d.a, cmd.slice(1)), await scanAll(d.b, cmd.slice(1))];
          if (JSON.stringify(x) !== JSON.stringify(y)) fail(`SCAN sets differ\n  cinnabar: ${JSON.stringify(x)}\n  redis:    ${JSON.stringify(y)}`);
          continue;
        }
        const [x, y] = await d.both(...cmd);
        if (x === y) continue;
        const dx = decode(x);
        const dy = decode(y);
        if (name === 'keys' && Array.isArray(dx) && Array.isArray(dy)) {
          if (JSON.stringify([...dx].sort()) === JSON.stringify([...dy].sort())) continue;
        } else if (name === 'scan') {
          // A mutated SCAN with a valid cursor: a partial iteration, not comparable (full ones are, above).
          if (Array.isArray(dx) && Array.isArray(dy)) continue;
        } else if (name === 'randomkey' && cmd.length === 1) {
          if (typeof dx === 'string' && typeof dy === 'string') continue;
        } else if (name in TOLERANCE && typeof dx === 'number' && typeof dy === 'number' && dx >= 0 && dy >= 0) {
          if (Math.abs(dx - dy) <= TOLERANCE[name]) continue;
        }
        fail(`${JSON.stringify(cmd.map(String))}\n  cinnabar: ${JSON.stringify(x)}\n  redis:    ${JSON.stringify(y)}`);
      }
      // The final state must agree too.
      for (const db of ['0', '1']) {
        await d.both('select', db);
        assert.deepEqual(await scanAll(d.a), await scanAll(d.b), `seed ${seed}: keys of db ${db}`);
        const [x, y] = await d.both('mget', ...KEYS);
        assert.equal(x, y, `seed ${seed}: values of db ${db}`);
      }
      await d.both('select', '0');
    });
  }
});
