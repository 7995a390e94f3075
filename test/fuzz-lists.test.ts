/**
 * Seeded random differential fuzzer for lists: a few thousand random list commands (valid and invalid
 * arguments, a string key for WRONGTYPE, binary and empty elements, extreme indexes) against Cinnabar and
 * redis-server, every reply compared byte for byte, in RESP2 and RESP3. Blocking commands are only sent when
 * one of their keys is non-empty or of the wrong type (checked with LLEN first), so they never block.
 *
 * Replay a failure with FUZZ_SEED=<seed printed in the assertion message>.
 */

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Differential, hasRedis, rng } from './helpers';

const KEYS = ['l1', 'l2', 'l3', 'str'];
const ELEMENTS = ['a', 'b', 'c', 'a', '1', '-1', '', 'x\x00y', '\xff\xfe', 'bb'];
const EXTREMES = ['9223372036854775807', '-9223372036854775808', '9223372036854775808', 'abc', '1.5', ''];

class Gen {
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  key(): string {
    return this.pick(KEYS);
  }
  listKey(): string {
    return this.chance(0.93) ? this.pick(KEYS.slice(0, 3)) : 'str';
  }
  element(): string {
    if (this.chance(0.03)) return 'long'.repeat(this.int(10, 40));
    return this.pick(ELEMENTS);
  }
  index(): string {
    if (this.chance(0.04)) return this.pick(EXTREMES);
    return String(this.int(-9, 9));
  }
  count(): string {
    if (this.chance(0.05)) return this.pick(EXTREMES);
    if (this.chance(0.05)) return String(this.int(-3, -1));
    return String(this.int(0, 6));
  }
  side(): string {
    if (this.chance(0.02)) return 'middle';
    return this.pick(['left', 'right', 'LEFT', 'Right']);
  }
  elements(): string[] {
    const out: string[] = [];
    const n = this.int(1, 4);
    for (let i = 0; i < n; i++) out.push(this.element());
    return out;
  }
}

/** One random command; `blocking` commands come back with the keys whose emptiness must be checked first. */
function randomCommand(g: Gen): { cmd: string[]; guardKeys?: string[] } {
  switch (g.int(0, 27)) {
    case 0:
    case 1:
      return { cmd: ['rpush', g.listKey(), ...g.elements()] };
    case 2:
    case 3:
      return { cmd: ['lpush', g.listKey(), ...g.elements()] };
    case 4:
      return { cmd: [g.pick(['lpushx', 'rpushx']), g.listKey(), ...g.elements()] };
    case 5:
      return { cmd: g.chance(0.5) ? [g.pick(['lpop', 'rpop']), g.listKey()] : [g.pick(['lpop', 'rpop']), g.listKey(), g.count()] };
    case 6:
      return { cmd: ['llen', g.key()] };
    case 7:
    case 8:
      return { cmd: ['lrange', g.key(), g.index(), g.index()] };
    case 9:
      return { cmd: ['lindex', g.key(), g.index()] };
    case 10:
      return { cmd: ['lset', g.key(), g.index(), g.element()] };
    case 11:
      return { cmd: ['linsert', g.key(), g.chance(0.97) ? g.pick(['before', 'AFTER']) : 'middle', g.element(), g.element()] };
    case 12:
      return { cmd: ['lrem', g.key(), g.index(), g.element()] };
    case 13:
      return { cmd: ['ltrim', g.key(), g.index(), g.index()] };
    case 14: {
      const cmd = ['lpos', g.key(), g.element()];
      const opts = g.int(0, 3);
      for (let i = 0; i < opts; i++) {
        const o = g.pick(['rank', 'count', 'maxlen', 'RANK', 'bogus']);
        cmd.push(o, o.toLowerCase() === 'rank' ? (g.chance(0.1) ? '0' : g.index()) : g.count());
      }
      return { cmd };
    }
    case 15:
      return { cmd: ['lmove', g.key(), g.key(), g.side(), g.side()] };
    case 16:
      return { cmd: ['rpoplpush', g.key(), g.key()] };
    case 17: {
      const n = g.int(1, 3);
      const keys = Array.from({ length: n }, () => g.key());
      const cmd = ['lmpop', g.chance(0.05) ? g.pick(['0', '-1', 'abc', '5']) : String(n), ...keys, g.side()];
      if (g.chance(0.5)) cmd.push('count', g.count());
      return { cmd };
    }
    case 18: {
      const keys = [g.key(), ...(g.chance(0.4) ? [g.key()] : [])];
      return { cmd: [g.pick(['blpop', 'brpop']), ...keys, g.pick(['0', '0.5', '1', '-1', 'abc'])], guardKeys: keys };
    }
    case 19: {
      const src = g.key();
      return { cmd: ['blmove', src, g.key(), g.side(), g.side(), g.pick(['0', '1', '-1'])], guardKeys: [src] };
    }
    case 20: {
      const src = g.key();
      return { cmd: ['brpoplpush', src, g.key(), g.pick(['0', '2'])], guardKeys: [src] };
    }
    case 21: {
      const n = g.int(1, 2);
      const keys = Array.from({ length: n }, () => g.key());
      const cmd = ['blmpop', g.pick(['0', '1']), String(n), ...keys, g.side()];
      if (g.chance(0.5)) cmd.push('count', g.count());
      return { cmd, guardKeys: keys };
    }
    case 22:
      return { cmd: ['del', g.key()] };
    case 23:
      return { cmd: ['set', 'str', g.element()] };
    case 24:
      return { cmd: ['exists', ...KEYS] };
    case 25:
      return { cmd: ['lrange', g.key(), '0', '-1'] };
    case 26:
      return { cmd: ['lpop', g.listKey(), String(g.int(1, 4))] };
    default:
      return { cmd: ['rpop', g.listKey(), String(g.int(1, 4))] };
  }
}

async function fuzz(d: Differential, seed: number, steps: number, proto: string): Promise<void> {
  const g = new Gen(rng(seed));
  await d.both('flushall');
  await d.both('hello', proto);
  const log: string[] = [];
  let blockingSent = 0;
  for (let step = 0; step < steps; step++) {
    const { cmd, guardKeys } = randomCommand(g);
    if (guardKeys !== undefined) {
      // Never let a blocking command block: it needs a key that is non-empty or not a list.
      let servable = false;
      for (const k of guardKeys) {
        const [x, y] = await d.both('llen', k);
        assert.equal(x, y, `seed ${seed} step ${step}: llen ${k}`);
        if (x !== ':0\r\n') servable = true;
      }
      const timeoutBad = cmd[0] !== 'blmpop' && (cmd[cmd.length - 1] === '-1' || cmd[cmd.length - 1] === 'abc');
      if (!servable && !timeoutBad) continue;
      blockingSent++;
    }
    log.push(JSON.stringify(cmd));
    const diff = await d.run([cmd]);
    if (diff !== null) assert.fail(`seed ${seed} (FUZZ_SEED=${seed}), RESP${proto}, step ${step}:\n${diff}\nlast commands:\n${log.slice(-15).join('\n')}`);
  }
  // Guard against a generator that stopped exercising anything.
  assert.ok(log.length > steps * 0.8 && blockingSent > steps / 50, `only ${log.length} commands, ${blockingSent} blocking`);
  for (const k of KEYS) {
    const diff = await d.run([['lrange', k, '0', '-1']]);
    if (diff !== null) assert.fail(`seed ${seed}: final state differs:\n${diff}`);
  }
}

describe('fuzz: lists', { skip: !hasRedis && 'redis-server not installed' }, () => {
  let d: Differential;
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 1_000_000_007;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.stop();
  });
  it(`random list commands, RESP2 (seed ${seed})`, async () => {
    await fuzz(d, seed, 3000, '2');
  });
  it(`random list commands, RESP3 (seed ${seed + 1})`, async () => {
    await fuzz(d, seed + 1, 1500, '3');
  });
});
