/*
 * Tests for src/keyspace/packed.ts (PackedStrings, the byte store of short strings without a TTL), against a
 * Map model: seeded random mixes of insert, replaceValue (same and new lengths), removeAt and find over binary
 * keys (every byte value, the empty key, 255-byte keys and values), driven through growth, shrinking (index
 * rebuilds) and arena compaction; the SCAN guarantee (a key present for the whole scan is returned) while keys
 * come and go between steps and the index grows and shrinks; randomSlot and forEach. Each case runs with the
 * real hash and with a clustered one (low bits all zero) that makes long probe runs and shared home buckets.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PackedStrings, PACKED_MAX_LEN } from '../../src/keyspace/packed';
import { hashKey } from '../../src/types/dict';
import { rng } from '../helpers';

type Hash = (key: string) => number;

const HASHES: Array<[string, Hash]> = [
  ['real hash', hashKey],
  // Home buckets are multiples of 16: runs of neighbours, wrap-around and many equal hashes.
  ['clustered hash', (k) => hashKey(k) & ~15],
];

interface Rec {
  value: string;
  lru: number;
}

/** Random bytes as a latin1 string; lengths favour the short and the extremes (0 and 255). */
function bytes(r: () => number, max = PACKED_MAX_LEN): string {
  const x = r();
  const n = x < 0.05 ? 0 : x < 0.1 ? max : x < 0.7 ? 1 + Math.floor(r() * 16) : Math.floor(r() * (max + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

/** A value of exactly n random bytes. */
function bytesOfLength(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

/** The live slots, as forEach reports them (asserting each is visited once). */
function liveSlots(p: PackedStrings): Set<number> {
  const seen = new Set<number>();
  p.forEach((slot) => {
    assert.ok(!seen.has(slot), `forEach visits slot ${slot} once`);
    seen.add(slot);
  });
  return seen;
}

/** The store holds exactly the model: size, forEach, find, keyAt/valueAt/lruAt, valueBytes, index shape. */
function verify(p: PackedStrings, model: Map<string, Rec>, h: Hash): void {
  assert.equal(p.size, model.size);
  const cap = p.buckets;
  assert.ok(cap >= 16 && (cap & (cap - 1)) === 0, `capacity ${cap} is a power of two >= 16`);
  assert.ok(p.size * 4 <= cap * 3, `load ${p.size}/${cap} at most 3/4`);
  const keys = new Set<string>();
  for (const slot of liveSlots(p)) {
    const k = p.keyAt(slot);
    assert.ok(!keys.has(k), 'forEach visits each key once');
    keys.add(k);
    const rec = model.get(k);
    assert.ok(rec !== undefined, `forEach found a key the model does not have: ${JSON.stringify(k)}`);
    assert.equal(p.valueAt(slot), rec.value);
    assert.equal(p.lruAt(slot), rec.lru);
  }
  assert.equal(keys.size, model.size);
  const ref = { buf: Buffer.alloc(0), offset: 0, length: 0 };
  for (const [k, rec] of model) {
    const slot = p.find(k, h(k));
    assert.ok(slot >= 0, `find ${JSON.stringify(k)}`);
    assert.equal(p.keyAt(slot), k);
    p.valueBytes(slot, ref);
    assert.equal(Buffer.from(ref.buf.buffer, ref.buf.byteOffset + ref.offset, ref.length).toString('latin1'), rec.value);
  }
}

/** A key the model does not hold. */
function freshKey(r: () => number, model: Map<string, Rec>, max = PACKED_MAX_LEN): string {
  for (;;) {
    const k = bytes(r, max);
    if (!model.has(k)) return k;
  }
}

function randomKeyOf<T>(r: () => number, keys: T[]): T {
  return keys[Math.floor(r() * keys.length)];
}

/** Remove a random element from `keys` (the last one takes its place) and return it. */
function takeRandomKey<T>(r: () => number, keys: T[]): T {
  const i = Math.floor(r() * keys.length);
  const k = keys[i];
  keys[i] = keys[keys.length - 1];
  keys.pop();
  return k;
}

describe('PackedStrings against a Map model', () => {
  for (const [name, h] of HASHES) {
    it(`random insert/replace/remove/find through growth and shrinking (${name})`, () => {
      const seed = 0x9ac4ed + name.length;
      const r = rng(seed);
      const p = new PackedStrings();
      const model = new Map<string, Rec>();
      let keys: string[] = [];
      // Walk the size to each target in turn: up (growth), nearly empty (shrink rebuilds), up again, empty.
      const targets = [2500, 20, 1200, 0, 400];
      let maxCap = 0;
      let shrunk = false;
      let ops = 0;
      let cacheHits = 0;
      const insert = (k: string) => {
        const rec = { value: bytes(r), lru: Math.floor(r() * 0x1000000) };
        assert.ok(p.fits(k, rec.value));
        p.insert(k, h(k), rec.value, rec.lru);
        model.set(k, rec);
        keys.push(k);
      };
      for (const target of targets) {
        while (model.size !== target) {
          ops++;
          // The one-key cache (cachedSlot) never names a slot that holds another key or none.
          const probe = keys.length > 0 && r() < 0.5 ? randomKeyOf(r, keys) : freshKey(r, model);
          const cs = p.cachedSlot(probe);
          if (cs >= 0) assert.equal(p.keyAt(cs), probe, 'cachedSlot names the slot of its key');
          if (ops % 64 === 0) {
            for (const k of keys) {
              const c = p.cachedSlot(k);
              if (c < 0) continue;
              assert.equal(p.keyAt(c), k, 'cachedSlot names the slot of its key');
              cacheHits++;
            }
          }
          const x = r();
          const growing = model.size < target;
          if (x < 0.45) {
            if (growing) insert(freshKey(r, model));
            else {
              const k = takeRandomKey(r, keys);
              const slot = p.find(k, h(k));
              assert.ok(slot >= 0);
              p.removeAt(slot);
              model.delete(k);
              assert.equal(p.find(k, h(k)), -1, 'a removed key is gone');
            }
          } else if (x < 0.55) {
            // The other direction now and then, so growth and shrinking interleave with tombstones.
            if (!growing) insert(freshKey(r, model));
            else if (keys.length > 0) {
              const k = takeRandomKey(r, keys);
              p.removeAt(p.find(k, h(k)));
              model.delete(k);
            }
          } else if (x < 0.75 && keys.length > 0) {
            // replaceValue with a value of the same length: rewritten in place.
            const k = randomKeyOf(r, keys);
            const rec = model.get(k)!;
            const value = bytesOfLength(r, rec.value.length);
            const lru = Math.floor(r() * 0x1000000);
            p.replaceValue(p.find(k, h(k)), k, value, lru);
            model.set(k, { value, lru });
          } else if (x < 0.9 && keys.length > 0) {
            // replaceValue with a new length: a new record, the old one to its free list.
            const k = randomKeyOf(r, keys);
            let value = bytes(r);
            if (value.length === model.get(k)!.value.length) value = value.length === 0 ? 'x' : value.slice(1);
            const lru = Math.floor(r() * 0x1000000);
            p.replaceValue(p.find(k, h(k)), k, value, lru);
            model.set(k, { value, lru });
          } else {
            const k = freshKey(r, model);
            assert.equal(p.find(k, h(k)), -1, `find of an absent key ${JSON.stringify(k)}`);
            if (keys.length > 0) {
              const k2 = randomKeyOf(r, keys);
              assert.equal(p.keyAt(p.find(k2, h(k2))), k2);
            }
          }
          if (p.buckets < maxCap) shrunk = true;
          maxCap = Math.max(maxCap, p.buckets);
          if (ops % 400 === 0) verify(p, model, h);
        }
        verify(p, model, h);
        keys = [...model.keys()];
      }
      assert.ok(maxCap >= 4096, `the index grew (to ${maxCap})`);
      assert.ok(shrunk, 'the index shrank');
      assert.ok(cacheHits > 0, 'the one-key cache was exercised');
      assert.equal(p.randomSlot() >= 0, model.size > 0);
    });
  }

  it('binary keys and values: every byte value, the empty key, 255 bytes, one byte too many does not fit', () => {
    const p = new PackedStrings();
    const model = new Map<string, Rec>();
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const cases: Array<[string, string]> = [
      ['', ''],
      ['', 'value of the empty key'],
      [all.slice(0, 255), all.slice(1, 256)],
      [all.slice(1, 256), all.slice(0, 255)],
      ['\0', '\0'],
      ['\xff', '\xff\xfe'],
      ['\r\n', '\r\n'],
      ['k'.repeat(255), ''],
    ];
    for (let i = 0; i < 256; i++) cases.push([String.fromCharCode(i) + 'key', String.fromCharCode(255 - i).repeat(i % 40)]);
    for (const [k, v] of cases) {
      const h = hashKey(k);
      const slot = p.find(k, h);
      const lru = (k.length * 7919) & 0xffffff;
      if (slot >= 0) p.replaceValue(slot, k, v, lru);
      else p.insert(k, h, v, lru);
      model.set(k, { value: v, lru });
    }
    verify(p, model, hashKey);
    assert.ok(p.fits('k'.repeat(255), 'v'.repeat(255)));
    assert.ok(!p.fits('k'.repeat(256), 'v'));
    assert.ok(!p.fits('k', 'v'.repeat(256)));
    // A key of 256 bytes is never found (its length byte could not hold it), even beside its 255-byte prefix.
    assert.equal(p.find('k'.repeat(256), hashKey('k'.repeat(256))), -1);
    // The 24-bit LRU word keeps all its bits; setLru changes nothing else.
    const k = all.slice(0, 255);
    const slot = p.find(k, hashKey(k));
    for (const lru of [0, 1, 0xff, 0x100, 0xabcdef, 0xffffff]) {
      p.setLru(slot, lru);
      assert.equal(p.lruAt(slot), lru);
    }
    model.get(k)!.lru = 0xffffff;
    verify(p, model, hashKey);
  });

  it('freed records are reused by records of the same size; deleting most keys compacts the arena', () => {
    const r = rng(77);
    let p = new PackedStrings();
    const model = new Map<string, Rec>();
    // Same-size churn stays in one chunk.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 500; i++) {
        const k = `churn:${i}`;
        p.insert(k, hashKey(k), 'v'.repeat(100), 1);
      }
      for (let i = 0; i < 500; i++) {
        const k = `churn:${i}`;
        p.removeAt(p.find(k, hashKey(k)));
      }
    }
    assert.equal(p.size, 0);
    assert.equal(p.allocatedBytes - p.buckets * 8, 1 << 20, 'one chunk serves all the rounds');

    // 12000 records of 515 bytes fill 6 chunks; deleting 11000 frees > 4 MiB and more than stays live.
    p = new PackedStrings();
    const keys: string[] = [];
    for (let i = 0; i < 12000; i++) {
      const k = bytesOfLength(r, 249) + String(100000 + i);
      const rec = { value: bytesOfLength(r, 255), lru: i };
      p.insert(k, hashKey(k), rec.value, rec.lru);
      model.set(k, rec);
      keys.push(k);
    }
    verify(p, model, hashKey);
    const arenaBefore = p.allocatedBytes - p.buckets * 8;
    assert.equal(arenaBefore, 6 << 20);
    for (let i = 0; i < 11000; i++) {
      const k = takeRandomKey(r, keys);
      p.removeAt(p.find(k, hashKey(k)));
      model.delete(k);
      if (i % 1000 === 0) verify(p, model, hashKey);
    }
    verify(p, model, hashKey);
    const arenaAfter = p.allocatedBytes - p.buckets * 8;
    assert.ok(arenaAfter <= 2 << 20, `compaction shrank the arena from ${arenaBefore} to ${arenaAfter} bytes`);
    assert.ok(p.buckets <= 4096, `the index shrank to ${p.buckets} slots`);
    // The store keeps working after compaction: new records, replacements of both kinds, removals.
    for (let i = 0; i < 3000; i++) {
      const k = freshKey(r, model);
      const rec = { value: bytes(r), lru: i };
      p.insert(k, hashKey(k), rec.value, rec.lru);
      model.set(k, rec);
    }
    for (const [k, rec] of model) {
      if (r() < 0.5) {
        rec.value = r() < 0.5 ? bytesOfLength(r, rec.value.length) : bytes(r);
        p.replaceValue(p.find(k, hashKey(k)), k, rec.value, rec.lru);
      }
    }
    verify(p, model, hashKey);
  });

  it(
    'a workload that only replaces values (new lengths, no deletes) compacts too',
    () => {
      const p = new PackedStrings();
      const keys = Array.from({ length: 200 }, (_, i) => `key:${String(i).padStart(16, '0')}`);
      for (const k of keys) p.insert(k, hashKey(k), '', 0);
      for (let n = 1; n <= 255; n++) for (const k of keys) p.replaceValue(p.find(k, hashKey(k)), k, 'v'.repeat(n), 0);
      const arena = p.allocatedBytes - p.buckets * 8;
      assert.ok(arena <= 2 << 20, `arena of ${arena} bytes for ${keys.length} records of ${5 + 20 + 255} bytes`);
    },
  );
});

describe('PackedStrings scan', () => {
  for (const [name, h] of HASHES) {
    it(`returns every key present for the whole scan while keys come and go, the index grows and shrinks (${name})`, () => {
      for (const seed of [1, 2, 3]) {
        const r = rng(seed * 1000 + name.length);
        const p = new PackedStrings();
        const model = new Map<string, Rec>();
        const stable: string[] = [];
        for (let i = 0; i < 300; i++) {
          const k = `stable:${i}:` + bytes(r, 40);
          if (model.has(k)) continue;
          p.insert(k, h(k), 'v', 0);
          model.set(k, { value: 'v', lru: 0 });
          stable.push(k);
        }
        let churn: string[] = [];
        const ever = new Set(model.keys());
        const returned = new Set<string>();
        let cursor = 0;
        let steps = 0;
        let maxCap = p.buckets;
        let minCapAfterMax = Infinity;
        do {
          cursor = p.scan(cursor, (slot) => {
            const k = p.keyAt(slot);
            assert.ok(model.has(k), 'scan returns only live keys');
            returned.add(k);
          });
          steps++;
          assert.ok(steps < 200000, 'the scan ends');
          // Churn between steps: 0-59 grow by ~25 a step, 60-119 remove the churn keys, then mixed.
          const phase = steps < 60 ? 0 : steps < 120 ? 1 : 2;
          const adds = phase === 0 ? 25 + Math.floor(r() * 10) : phase === 1 ? 0 : Math.floor(r() * 4);
          const dels = phase === 0 ? Math.floor(r() * 5) : phase === 1 ? 40 : Math.floor(r() * 4);
          for (let i = 0; i < adds; i++) {
            const k = freshKey(r, model, 40);
            p.insert(k, h(k), 'x', 0);
            model.set(k, { value: 'x', lru: 0 });
            churn.push(k);
            ever.add(k);
          }
          for (let i = 0; i < dels && churn.length > 0; i++) {
            const j = Math.floor(r() * churn.length);
            const k = churn[j];
            churn[j] = churn[churn.length - 1];
            churn.pop();
            p.removeAt(p.find(k, h(k)));
            model.delete(k);
          }
          // Replacements with new lengths move records in the arena, not in the index.
          if (churn.length > 0 && r() < 0.5) {
            const k = randomKeyOf(r, churn);
            p.replaceValue(p.find(k, h(k)), k, 'y'.repeat(1 + Math.floor(r() * 50)), 0);
          }
          if (p.buckets > maxCap) maxCap = p.buckets;
          else if (p.buckets < maxCap) minCapAfterMax = Math.min(minCapAfterMax, p.buckets);
        } while (cursor !== 0);
        churn = [];
        for (const k of stable) assert.ok(returned.has(k), `seed ${seed}: stable key ${JSON.stringify(k)} was returned`);
        for (const k of returned) assert.ok(ever.has(k));
        assert.ok(maxCap >= 2048, `seed ${seed}: the index grew during the scan (to ${maxCap})`);
        assert.ok(minCapAfterMax < maxCap, `seed ${seed}: the index shrank during the scan`);
      }
    });
  }

  it('a scan of a quiet store returns each key exactly once, and 0 on an empty store', () => {
    const p = new PackedStrings();
    assert.equal(p.scan(0, () => assert.fail('nothing to visit')), 0);
    for (let i = 0; i < 1000; i++) p.insert(`k${i}`, hashKey(`k${i}`), '', 0);
    for (let i = 0; i < 1000; i += 3) p.removeAt(p.find(`k${i}`, hashKey(`k${i}`)));
    const counts = new Map<string, number>();
    let cursor = 0;
    do cursor = p.scan(cursor, (slot) => counts.set(p.keyAt(slot), (counts.get(p.keyAt(slot)) ?? 0) + 1));
    while (cursor !== 0);
    assert.equal(counts.size, p.size);
    for (const [k, n] of counts) assert.equal(n, 1, `${k} returned once`);
  });
});

describe('PackedStrings randomSlot and forEach', () => {
  it('randomSlot returns only live slots (tombstones around), reaches every key, and -1 when empty', () => {
    const p = new PackedStrings();
    assert.equal(p.randomSlot(), -1);
    // 12 keys then 8 removed in a 16-slot index: too many to shrink, so 8 tombstones stay.
    for (let i = 0; i < 12; i++) p.insert(`k${i}`, hashKey(`k${i}`), `v${i}`, 0);
    for (let i = 0; i < 8; i++) p.removeAt(p.find(`k${i}`, hashKey(`k${i}`)));
    assert.equal(p.buckets, 16);
    const live = liveSlots(p);
    assert.equal(live.size, 4);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const slot = p.randomSlot();
      assert.ok(live.has(slot), `slot ${slot} is live`);
      seen.add(p.keyAt(slot));
    }
    assert.deepEqual([...seen].sort(), ['k10', 'k11', 'k8', 'k9']);
    for (let i = 8; i < 12; i++) p.removeAt(p.find(`k${i}`, hashKey(`k${i}`)));
    assert.equal(p.randomSlot(), -1);
  });

  it('randomSlot and forEach under a random mix', () => {
    const r = rng(4242);
    const p = new PackedStrings();
    const model = new Map<string, Rec>();
    for (let round = 0; round < 30; round++) {
      const n = Math.floor(r() * 400);
      for (let i = 0; i < n; i++) {
        const k = freshKey(r, model, 30);
        p.insert(k, hashKey(k), 'v', 0);
        model.set(k, { value: 'v', lru: 0 });
      }
      for (const k of [...model.keys()]) {
        if (r() < 0.6) {
          p.removeAt(p.find(k, hashKey(k)));
          model.delete(k);
        }
      }
      verify(p, model, hashKey);
      const live = liveSlots(p);
      for (let i = 0; i < 100; i++) {
        const slot = p.randomSlot();
        if (model.size === 0) assert.equal(slot, -1);
        else assert.ok(live.has(slot) && model.has(p.keyAt(slot)));
      }
    }
  });
});
