/**
 * Tests for the RDB format layer (src/persistence/rdb-format.ts and its codecs).
 *
 * Two kinds of evidence. Round trips through our own writer and reader cover every value shape with
 * binary-safe data (all 256 byte values, empty strings, integer-encoding boundaries, LZF, many elements) and
 * show that truncated or corrupted files fail with RdbError. Interop with the real redis-server shows the
 * format is Redis's and not merely self-consistent: (a) Redis writes, we read, and what we read equals what
 * Redis serves over the wire; (b) we write, Redis loads, and Redis serves exactly our data and TTLs; (c) a file
 * hand-built with the legacy encodings (ziplist, zipmap, quicklist v1, string-double zsets, second-precision
 * expiry) is read the same by us and by Redis. Interop tests skip when redis-server is not on PATH; each
 * starts its own server on a free port in a temp dir and removes both when done.
 */

import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc64 } from '../../src/persistence/crc64';
import { decodeIntset, encodeIntset } from '../../src/persistence/intset';
import { decodeListpack, encodeListpack, ListpackBuilder, listpackEntrySize } from '../../src/persistence/listpack';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf';
import {
  parseDoubleText,
  RDB_OPCODE,
  RDB_TYPE,
  RdbError,
  readRdb,
  RdbWriter,
  type RdbValue,
  type RdbWriterOptions,
} from '../../src/persistence/rdb-format';

// ---------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

function randomLatin1(len: number, seed: number): string {
  // xorshift: deterministic, incompressible-looking bytes.
  let x = seed | 1;
  let s = '';
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += String.fromCharCode(x & 0xff);
  }
  return s;
}

interface KeyRecord {
  db: number;
  key: string;
  value: RdbValue;
  expireAtMs: number;
}

interface FileContents {
  keys: KeyRecord[];
  types: Map<string, number>; // `${db}\0${key}` -> RDB type byte
  meta: Map<string, { idleSec: number; freq: number }>;
  aux: Map<string, string>;
  functions: string[];
  dbs: number[];
  resize: Array<[number, number]>;
  modules: bigint[];
}

function readAll(buf: Buffer, verifyChecksum = true): FileContents {
  const out: FileContents = {
    keys: [],
    types: new Map(),
    meta: new Map(),
    aux: new Map(),
    functions: [],
    dbs: [],
    resize: [],
    modules: [],
  };
  readRdb(
    buf,
    {
      onAux: (k, v) => out.aux.set(k, v),
      onSelectDb: (db) => out.dbs.push(db),
      onResizeDb: (a, b) => out.resize.push([a, b]),
      onFunction: (code) => out.functions.push(code),
      onModuleAux: (id) => out.modules.push(id),
      onKey: (db, key, value, expireAtMs, meta) => {
        out.keys.push({ db, key, value, expireAtMs });
        out.types.set(`${db}\0${key}`, meta.rdbType);
        out.meta.set(`${db}\0${key}`, { idleSec: meta.idleSec, freq: meta.freq });
      },
    },
    { verifyChecksum },
  );
  return out;
}

/** Order-insensitive form for comparison: keys sorted; set members, hash fields and zset members sorted. */
function normalize(records: readonly KeyRecord[]): KeyRecord[] {
  const byStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return records
    .map((r): KeyRecord => {
      const v = r.value;
      let value: RdbValue;
      switch (v.type) {
        case 'set':
          value = { type: 'set', members: [...v.members].sort(byStr) };
          break;
        case 'hash':
          value = { type: 'hash', entries: [...v.entries].sort((a, b) => byStr(a[0], b[0])) };
          break;
        case 'zset':
          value = { type: 'zset', entries: [...v.entries].sort((a, b) => byStr(a[0], b[0])) };
          break;
        default:
          value = v;
      }
      return { db: r.db, key: r.key, value, expireAtMs: r.expireAtMs };
    })
    .sort((a, b) => a.db - b.db || byStr(a.key, b.key));
}

/** Compares key by key so a failure names the key instead of dumping megabytes. */
function assertSameKeys(actual: readonly KeyRecord[], expected: readonly KeyRecord[], what: string): void {
  const a = normalize(actual);
  const e = normalize(expected);
  assert.deepEqual(
    a.map((r) => `${r.db}:${JSON.stringify(r.key)}`),
    e.map((r) => `${r.db}:${JSON.stringify(r.key)}`),
    `${what}: key sets differ`,
  );
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(a[i], e[i], `${what}: key ${a[i].db}:${JSON.stringify(a[i].key).slice(0, 80)} differs`);
  }
}

function writeFile(records: readonly KeyRecord[], options: RdbWriterOptions = {}, functions: string[] = []): Buffer {
  const w = new RdbWriter(options);
  for (const f of functions) w.functionLibrary(f);
  const dbs = [...new Set(records.map((r) => r.db))].sort((a, b) => a - b);
  for (const db of dbs) {
    const inDb = records.filter((r) => r.db === db);
    w.selectDb(db);
    w.resizeDb(inDb.length, inDb.filter((r) => r.expireAtMs >= 0).length);
    for (const r of inDb) w.writeKey(r.key, r.value, r.expireAtMs);
  }
  return w.finish();
}

const INT_BOUNDARIES = [
  '0', '1', '-1', '12', '13', '127', '128', '-128', '-129', '4095', '4096', '-4096', '-4097', '32767', '32768',
  '-32768', '-32769', '8388607', '8388608', '-8388608', '-8388609', '2147483647', '2147483648', '-2147483648',
  '-2147483649', '9007199254740991', '9007199254740993', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '-9223372036854775809', '18446744073709551616',
  // Not canonical integers: must stay byte-exact strings.
  '007', '-0', '+1', ' 1', '1 ', '1.0', '0x10', '',
];

/** A dataset exercising every value shape, valid for Redis too (no empty collections, no NaN scores). */
function sampleDataset(expireBase: number): KeyRecord[] {
  const recs: KeyRecord[] = [];
  const add = (db: number, key: string, value: RdbValue, expireAtMs = -1): void => {
    recs.push({ db, key, value, expireAtMs });
  };
  // Strings.
  add(0, 'str:empty', { type: 'string', value: '' });
  add(0, 'str:short', { type: 'string', value: 'hello' });
  add(0, 'str:bin', { type: 'string', value: ALL_BYTES });
  add(0, ALL_BYTES, { type: 'string', value: 'binary key' });
  add(0, '', { type: 'string', value: 'empty key' });
  INT_BOUNDARIES.forEach((n, i) => add(0, `str:int:${i}`, { type: 'string', value: n }));
  add(0, 'str:random', { type: 'string', value: randomLatin1(3000, 7) });
  add(0, 'str:compressible', { type: 'string', value: 'abc'.repeat(5000) + ALL_BYTES });
  add(0, 'str:big', { type: 'string', value: ('0123456789' + ALL_BYTES).repeat(4000) });
  add(0, 'str:21', { type: 'string', value: 'a'.repeat(21) });
  add(0, 'str:ttl', { type: 'string', value: 'expiring' }, expireBase + 12345);
  // Lists.
  add(0, 'list:small', { type: 'list', items: ['a', '', '1', '-1', ALL_BYTES, ...INT_BOUNDARIES] });
  add(0, 'list:many', { type: 'list', items: Array.from({ length: 20000 }, (_, i) => (i % 3 ? String(i * 7919 - 50000) : `item:${i}`)) });
  add(0, 'list:large-items', {
    type: 'list',
    items: ['small', 'x'.repeat(10000), randomLatin1(9000, 3), 'tail', 'y'.repeat(5000), '', 'z'.repeat(70000)],
  });
  add(0, 'list:ttl', { type: 'list', items: ['q'] }, expireBase + 999);
  // Sets.
  add(0, 'set:intset16', { type: 'set', members: ['1', '-2', '3', '32767', '-32768'] });
  add(0, 'set:intset32', { type: 'set', members: ['1', '2147483647', '-2147483648', '40000'] });
  add(0, 'set:intset64', { type: 'set', members: ['9223372036854775807', '-9223372036854775808', '0', '5'] });
  add(0, 'set:ints512', { type: 'set', members: Array.from({ length: 512 }, (_, i) => String(i * 3 - 700)) });
  add(0, 'set:ints513', { type: 'set', members: Array.from({ length: 513 }, (_, i) => String(i * 3 - 700)) });
  add(0, 'set:mixed', { type: 'set', members: ['1', '2', '007', ALL_BYTES, ''] });
  add(0, 'set:big', { type: 'set', members: Array.from({ length: 3000 }, (_, i) => `m${i}`) });
  add(0, 'set:ttl', { type: 'set', members: ['a', 'b'] }, expireBase + 5000);
  // Sorted sets.
  add(0, 'zset:small', {
    type: 'zset',
    entries: [
      ['a', 1.5],
      ['b', -2],
      ['c', Infinity],
      ['d', -Infinity],
      ['e', 0],
      ['f', 1e-300],
      ['g', 123456789012345680000],
      ['h', 0.1],
      ['', 4],
      ['12', 5],
    ],
  });
  add(0, 'zset:big', { type: 'zset', entries: [...Array.from({ length: 2000 }, (_, i): [string, number] => [`m${i}`, i / 7]), [ALL_BYTES, 3]] });
  // Hashes.
  add(0, 'hash:small', {
    type: 'hash',
    entries: [
      ['f', 'v'],
      ['n', '123'],
      ['', ''],
      ['\x00\xff\r\n', '\x80'],
      ['big', '-9223372036854775808'],
    ],
  });
  add(0, 'hash:big', {
    type: 'hash',
    entries: [...Array.from({ length: 1500 }, (_, i): [string, string] => [`f${i}`, String(i)]), [ALL_BYTES, ALL_BYTES]],
  });
  add(0, 'hash:longval', { type: 'hash', entries: [['k', 'v'.repeat(20000)]] }, expireBase + 77);
  // Other databases.
  add(1, 'same-name', { type: 'string', value: 'db1' });
  add(5, 'same-name', { type: 'string', value: 'db5' }, expireBase + 1);
  add(5, 'list', { type: 'list', items: ['1', '2', '3'] });
  return recs;
}

// ---------------------------------------------------------------------------------------------------------
// Codecs
// ---------------------------------------------------------------------------------------------------------

test('crc64 matches Redis (Jones, reflected) check value and is chunking-independent', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  const data = Buffer.from(randomLatin1(10007, 11), 'latin1');
  assert.equal(crc64(data, 0, 5000) !== crc64(data), true);
  assert.equal(crc64(Buffer.alloc(0)), 0n);
});

test('lzf round-trips and rejects corrupt streams', () => {
  const inputs = [
    'a'.repeat(1000),
    'abc'.repeat(3000) + ALL_BYTES,
    randomLatin1(5000, 5) + randomLatin1(5000, 5),
    ALL_BYTES.repeat(40),
    'x'.repeat(100000),
  ];
  for (const s of inputs) {
    const src = Buffer.from(s, 'latin1');
    const out = Buffer.alloc(src.length);
    const clen = lzfCompress(src, 0, src.length, out, src.length - 4);
    assert.ok(clen > 0 && clen < src.length, 'compressible input compresses');
    assert.deepEqual(lzfDecompress(out, 0, clen, src.length), src);
    assert.throws(() => lzfDecompress(out, 0, clen, src.length + 1));
    assert.throws(() => lzfDecompress(out, 0, clen - 1, src.length));
  }
  const rnd = Buffer.from(randomLatin1(100, 9), 'latin1');
  assert.equal(lzfCompress(rnd, 0, rnd.length, Buffer.alloc(100), 96), 0, 'incompressible input reports 0');
  // Back-reference before the start of output.
  assert.throws(() => lzfDecompress(Buffer.from([0x20, 0x05]), 0, 2, 3), /back-reference/);
});

test('listpack encodes every integer width and string length class and decodes back exactly', () => {
  const items = [
    ...INT_BOUNDARIES,
    'a'.repeat(63),
    'a'.repeat(64),
    'b'.repeat(4095),
    'b'.repeat(4096),
    'c'.repeat(70000),
    ALL_BYTES,
  ];
  const lp = encodeListpack(items);
  assert.deepEqual(decodeListpack(lp, 0, lp.length), items);
  const b = new ListpackBuilder();
  let predicted = 7;
  for (const s of items) {
    b.append(s);
    predicted += listpackEntrySize(s);
    assert.equal(b.size, predicted, `entry size of ${JSON.stringify(s.slice(0, 20))}`);
  }
  // Corruption: wrong size header, missing terminator, bad count.
  const bad = Buffer.from(lp);
  bad.writeUInt32LE(lp.length + 1, 0);
  assert.throws(() => decodeListpack(bad, 0, bad.length), /Corrupt listpack/);
  const cut = Buffer.from(lp.subarray(0, lp.length - 1));
  cut.writeUInt32LE(cut.length, 0);
  assert.throws(() => decodeListpack(cut, 0, cut.length), /Corrupt listpack/);
  const cnt = Buffer.from(lp);
  cnt.writeUInt16LE(items.length + 1, 4);
  assert.throws(() => decodeListpack(cnt, 0, cnt.length), /count/);
});

test('intset picks the narrowest width and sorts', () => {
  const a = encodeIntset([3, -1, 2]);
  assert.equal(a.readUInt32LE(0), 2);
  assert.deepEqual(decodeIntset(a, 0, a.length), ['-1', '2', '3']);
  const b = encodeIntset([70000, 1]);
  assert.equal(b.readUInt32LE(0), 4);
  const c = encodeIntset([BigInt('9223372036854775807'), -5]);
  assert.equal(c.readUInt32LE(0), 8);
  assert.deepEqual(decodeIntset(c, 0, c.length), ['-5', '9223372036854775807']);
  assert.throws(() => decodeIntset(c, 0, c.length - 1), /Corrupt intset/);
});

test('parseDoubleText handles the spellings Redis writes', () => {
  assert.equal(parseDoubleText('inf'), Infinity);
  assert.equal(parseDoubleText('-inf'), -Infinity);
  assert.ok(Number.isNaN(parseDoubleText('nan')));
  assert.equal(parseDoubleText('1.5'), 1.5);
  assert.equal(parseDoubleText('1e-300'), 1e-300);
  assert.equal(parseDoubleText('0.10000000000000001'), 0.1);
  assert.equal(parseDoubleText('abc'), null);
});

// ---------------------------------------------------------------------------------------------------------
// Writer <-> reader round trips
// ---------------------------------------------------------------------------------------------------------

test('round trip: every type, binary data, int boundaries, LZF, TTLs, several databases', () => {
  const recs = sampleDataset(Date.now() + 86400000);
  // Shapes only our own reader needs to survive (Redis would refuse or drop them).
  recs.push({ db: 2, key: 'zset:odd-scores', value: { type: 'zset', entries: [['nan', NaN], ['negzero', -0]] }, expireAtMs: 0 });
  for (const compression of [true, false]) {
    const buf = writeFile(recs, { compression }, ['#!lua name=lib\nredis.register_function("f", function() return 1 end)']);
    const got = readAll(buf);
    assertSameKeys(got.keys, recs, `compression=${compression}`);
    assert.equal(got.aux.get('redis-ver'), '7.0.15');
    assert.equal(got.aux.get('redis-bits'), '64');
    assert.equal(got.aux.get('aof-base'), '0');
    assert.ok(Number(got.aux.get('ctime')) > 1.6e9);
    assert.deepEqual(got.dbs, [0, 1, 2, 5]);
    assert.equal(got.functions.length, 1);
    assert.equal(buf.latin1Slice(0, 9), 'REDIS0010');
    // The chosen encodings.
    const t = (k: string): number | undefined => got.types.get(`0\0${k}`);
    assert.equal(t('str:short'), RDB_TYPE.STRING);
    assert.equal(t('list:many'), RDB_TYPE.LIST_QUICKLIST_2);
    assert.equal(t('set:ints512'), RDB_TYPE.SET_INTSET);
    assert.equal(t('set:intset64'), RDB_TYPE.SET_INTSET);
    assert.equal(t('set:ints513'), RDB_TYPE.SET);
    assert.equal(t('set:mixed'), RDB_TYPE.SET);
    assert.equal(t('zset:small'), RDB_TYPE.ZSET_2);
    assert.equal(t('hash:small'), RDB_TYPE.HASH);
  }
  const small = writeFile(recs, { compression: true }).length;
  const large = writeFile(recs, { compression: false }).length;
  assert.ok(small < large * 0.8, `LZF shrinks the file (${small} vs ${large})`);
});

test('round trip: integer-encoded strings use the 1/2/4-byte forms exactly at the int8/16/32 boundaries', () => {
  const cases: Array<[string, number]> = [
    ['127', 2], ['-128', 2], ['128', 3], ['-129', 3], ['32767', 3], ['-32768', 3], ['32768', 5], ['-32769', 5],
    ['2147483647', 5], ['-2147483648', 5], ['2147483648', 11], ['-2147483649', 12], ['007', 4], ['-0', 3],
  ];
  for (const [text, encodedSize] of cases) {
    const w = new RdbWriter({ ctimeSec: 1, usedMem: 1 });
    const before = w.bytesWritten;
    w.writeKey('k', { type: 'string', value: text });
    const keyAndType = 1 + 2;
    assert.equal(w.bytesWritten - before - keyAndType, encodedSize, `encoded size of ${text}`);
    const got = readAll(w.finish());
    assert.deepEqual(got.keys[0].value, { type: 'string', value: text });
  }
});

test('round trip: quicklist nodes stay within 8 KiB and plain nodes hold large elements', () => {
  const items = Array.from({ length: 50000 }, (_, i) => `element-${i}`);
  items.splice(100, 0, 'P'.repeat(20000));
  const recs: KeyRecord[] = [{ db: 0, key: 'l', value: { type: 'list', items }, expireAtMs: -1 }];
  for (const listPlainThreshold of [2 ** 30, 10000]) {
    const buf = writeFile(recs, { compression: false, listPlainThreshold });
    assertSameKeys(readAll(buf).keys, recs, `plain threshold ${listPlainThreshold}`);
  }
  // Node count: with ~14-byte entries in 8 KiB listpacks, 50000 items need roughly 90 nodes.
  const buf = writeFile(recs, { compression: false, listPlainThreshold: 10000 });
  const keyAt = buf.indexOf(Buffer.from([RDB_TYPE.LIST_QUICKLIST_2, 1, 'l'.charCodeAt(0)]));
  const nodes = buf.readUInt16BE(keyAt + 3) & 0x3fff;
  assert.ok(nodes > 80 && nodes < 110, `node count ${nodes}`);
  assert.equal(buf[keyAt + 5], 2, 'first node is PACKED');
});

test('round trip: many elements and many keys, through a sink', () => {
  const recs: KeyRecord[] = [];
  for (let i = 0; i < 20000; i++) recs.push({ db: 0, key: `key:${i}`, value: { type: 'string', value: String(i) }, expireAtMs: i % 2 ? 1e12 + i : -1 });
  recs.push({ db: 0, key: 'h', value: { type: 'hash', entries: Array.from({ length: 100000 }, (_, i): [string, string] => [`f${i}`, `v${i}`]) }, expireAtMs: -1 });
  recs.push({ db: 0, key: 'z', value: { type: 'zset', entries: Array.from({ length: 100000 }, (_, i): [string, number] => [`m${i}`, i * 1.25]) }, expireAtMs: -1 });
  const chunks: Buffer[] = [];
  const opts = { ctimeSec: 1700000000, usedMem: 1000, chunkSize: 4096 };
  const w = new RdbWriter({ ...opts, sink: (c) => chunks.push(c) });
  w.selectDb(0);
  for (const r of recs) w.writeKey(r.key, r.value, r.expireAtMs);
  assert.equal(w.finish().length, 0);
  const streamed = Buffer.concat(chunks);
  assert.ok(chunks.length > 100);
  const whole = new RdbWriter(opts);
  whole.selectDb(0);
  for (const r of recs) whole.writeKey(r.key, r.value, r.expireAtMs);
  assert.deepEqual(streamed, whole.finish(), 'sink output equals the single-buffer output');
  assertSameKeys(readAll(streamed).keys, recs, 'sink');
});

test('1,000,000 small keys save and load in seconds', () => {
  const n = 1_000_000;
  const t0 = Date.now();
  const w = new RdbWriter();
  w.selectDb(0);
  w.resizeDb(n, 0);
  for (let i = 0; i < n; i++) w.writeKey(`key:${i}`, { type: 'string', value: `value:${i}` });
  const buf = w.finish();
  const t1 = Date.now();
  let count = 0;
  readRdb(buf, { onKey: () => void count++ });
  const t2 = Date.now();
  assert.equal(count, n);
  assert.ok(t1 - t0 < 15000 && t2 - t1 < 15000, `save ${t1 - t0} ms, load ${t2 - t1} ms`);
});

// ---------------------------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------------------------

test('every truncation of a file raises RdbError', () => {
  const recs = sampleDataset(1e12).filter((r) => !r.key.startsWith('list:many') && !r.key.startsWith('str:big'));
  const buf = writeFile(recs.slice(0, 30), { ctimeSec: 1, usedMem: 1 });
  for (let len = 0; len < buf.length; len++) {
    assert.throws(() => readRdb(buf.subarray(0, len), { onKey() {} }), RdbError, `truncated at ${len}`);
  }
});

test('corrupted bytes raise RdbError or decode, never anything else', () => {
  const recs = sampleDataset(1e12).filter((r) => !['list:many', 'str:big', 'list:large-items', 'hash:longval'].includes(r.key));
  const buf = writeFile(recs, { ctimeSec: 1, usedMem: 1 });
  let x = 12345;
  let failures = 0;
  for (let round = 0; round < 2000; round++) {
    const bad = Buffer.from(buf);
    const flips = 1 + (round % 4);
    for (let f = 0; f < flips; f++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const at = 9 + (x % (bad.length - 9));
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      bad[at] = x & 0xff;
    }
    try {
      readRdb(bad, { onKey() {} }, { verifyChecksum: round % 2 === 0 });
    } catch (e) {
      assert.ok(e instanceof RdbError, `round ${round}: ${(e as Error).stack}`);
      failures++;
    }
  }
  assert.ok(failures > 500, `${failures} of 2000 corrupted files were refused`);
});

test('checksum: mismatch is detected, zero means disabled, verification can be skipped', () => {
  const buf = writeFile([{ db: 0, key: 'k', value: { type: 'string', value: 'v' }, expireAtMs: -1 }]);
  const bad = Buffer.from(buf);
  bad[bad.length - 1] ^= 1;
  assert.throws(() => readRdb(bad, { onKey() {} }), /Wrong RDB checksum/);
  assert.equal(readRdb(bad, { onKey() {} }, { verifyChecksum: false }).keys, 1);
  const off = writeFile([{ db: 0, key: 'k', value: { type: 'string', value: 'v' }, expireAtMs: -1 }], { checksum: false });
  assert.deepEqual(off.subarray(off.length - 8), Buffer.alloc(8));
  assert.equal(readRdb(off, { onKey() {} }).keys, 1);
});

test('bad signature, unsupported versions, streams and modules are refused clearly', () => {
  assert.throws(() => readRdb(Buffer.from('RADIS0010\xff', 'latin1'), { onKey() {} }), /Wrong signature/);
  assert.throws(() => readRdb(Buffer.from('REDIS0011\xff', 'latin1'), { onKey() {} }), /Can't handle RDB format version 0011/);
  for (const type of [6, 7, 15, 19]) {
    const f = new RawRdb(10).byte(type).str('k').byte(0).finish();
    assert.throws(
      () => readRdb(f, { onKey() {} }),
      (e: unknown) => e instanceof RdbError && e.message.startsWith(`Unsupported RDB type ${type} (streams/modules are not supported yet)`),
    );
  }
  assert.throws(() => readRdb(new RawRdb(10).byte(30).str('k').finish(), { onKey() {} }), /Unknown RDB type 30/);
  assert.throws(() => readRdb(new RawRdb(10).byte(RDB_OPCODE.FUNCTION_PRE_GA).finish(), { onKey() {} }), /Pre-release function/);
});

// ---------------------------------------------------------------------------------------------------------
// Legacy encodings, hand-built
// ---------------------------------------------------------------------------------------------------------

/** Builds RDB bytes by hand, for encodings our writer never produces. */
class RawRdb {
  private parts: Buffer[] = [];
  constructor(version: number) {
    this.parts.push(Buffer.from(`REDIS${String(version).padStart(4, '0')}`, 'latin1'));
  }
  byte(...b: number[]): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  bytes(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  len(n: number | bigint): this {
    if (typeof n === 'bigint' || n > 0xffffffff) {
      const b = Buffer.alloc(9);
      b[0] = 0x81;
      b.writeBigUInt64BE(BigInt(n), 1);
      return this.bytes(b);
    }
    if (n < 64) return this.byte(n);
    if (n < 16384) return this.byte(0x40 | (n >> 8), n & 0xff);
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return this.bytes(b);
  }
  /** A string stored raw (no integer or LZF encoding). */
  str(s: string): this {
    return this.len(s.length).bytes(Buffer.from(s, 'latin1'));
  }
  /** A string stored LZF-compressed (must be compressible). */
  lzfStr(data: Buffer): this {
    const out = Buffer.alloc(data.length);
    const clen = lzfCompress(data, 0, data.length, out, data.length - 4);
    assert.ok(clen > 0);
    return this.byte(0xc3).len(clen).len(data.length).bytes(out.subarray(0, clen));
  }
  blob(b: Buffer): this {
    return this.len(b.length).bytes(b);
  }
  finish(checksum = true): Buffer {
    const body = Buffer.concat([...this.parts, Buffer.from([RDB_OPCODE.EOF])]);
    const trailer = Buffer.alloc(8);
    if (checksum) trailer.writeBigUInt64LE(crc64(body));
    return Buffer.concat([body, trailer]);
  }
}

/** Ziplist encoder (ziplist.c rules: integers when the text is a canonical int64, else strings). */
function encodeZiplist(items: readonly string[]): Buffer {
  const entries: Buffer[] = [];
  let prevlen = 0;
  for (const s of items) {
    const prev = prevlen < 254 ? Buffer.from([prevlen]) : Buffer.concat([Buffer.from([0xfe]), u32le(prevlen)]);
    let body: Buffer;
    const isInt = s.length > 0 && s.length <= 20 && /^(?:0|-?[1-9][0-9]*)$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
    if (isInt) {
      const v = BigInt(s);
      if (v >= 0n && v <= 12n) body = Buffer.from([0xf1 + Number(v)]);
      else if (v >= -128n && v <= 127n) body = Buffer.from([0xfe, Number(v) & 0xff]);
      else if (v >= -32768n && v <= 32767n) {
        body = Buffer.alloc(3);
        body[0] = 0xc0;
        body.writeInt16LE(Number(v), 1);
      } else if (v >= -8388608n && v <= 8388607n) {
        body = Buffer.alloc(4);
        body[0] = 0xf0;
        body.writeIntLE(Number(v), 1, 3);
      } else if (v >= -2147483648n && v <= 2147483647n) {
        body = Buffer.alloc(5);
        body[0] = 0xd0;
        body.writeInt32LE(Number(v), 1);
      } else {
        body = Buffer.alloc(9);
        body[0] = 0xe0;
        body.writeBigInt64LE(v, 1);
      }
    } else {
      const data = Buffer.from(s, 'latin1');
      let hdr: Buffer;
      if (data.length <= 63) hdr = Buffer.from([data.length]);
      else if (data.length <= 16383) hdr = Buffer.from([0x40 | (data.length >> 8), data.length & 0xff]);
      else {
        hdr = Buffer.alloc(5);
        hdr[0] = 0x80;
        hdr.writeUInt32BE(data.length, 1);
      }
      body = Buffer.concat([hdr, data]);
    }
    const entry = Buffer.concat([prev, body]);
    entries.push(entry);
    prevlen = entry.length;
  }
  const content = Buffer.concat(entries);
  const header = Buffer.alloc(10);
  const total = 10 + content.length + 1;
  header.writeUInt32LE(total, 0);
  header.writeUInt32LE(entries.length ? 10 + content.length - entries[entries.length - 1].length : 10, 4);
  header.writeUInt16LE(Math.min(entries.length, 65535), 8);
  return Buffer.concat([header, content, Buffer.from([0xff])]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** Zipmap encoder; the second pair gets 2 bytes of "free" padding, as zipmap updates leave behind. */
function encodeZipmap(pairs: ReadonlyArray<[string, string]>): Buffer {
  const len = (n: number): Buffer => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([254]), u32le(n)]));
  const parts: Buffer[] = [Buffer.from([Math.min(pairs.length, 254)])];
  pairs.forEach(([k, v], i) => {
    const free = i === 1 ? 2 : 0;
    parts.push(len(k.length), Buffer.from(k, 'latin1'), len(v.length), Buffer.from([free]), Buffer.from(v, 'latin1'), Buffer.alloc(free));
  });
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** An RDB v9 file using only pre-7.0 encodings, plus what we expect to read from it. */
function legacyFile(expireSec: number): { file: Buffer; expected: KeyRecord[] } {
  const f = new RawRdb(9);
  const expected: KeyRecord[] = [];
  f.byte(RDB_OPCODE.AUX).str('redis-ver').str('6.2.14');
  f.byte(RDB_OPCODE.SELECTDB).len(0).byte(RDB_OPCODE.RESIZEDB).len(10).len(1);

  const plainList = ['a', '', ALL_BYTES, '12345', 'x'.repeat(300)];
  f.byte(RDB_TYPE.LIST).str('legacy:list').len(plainList.length);
  plainList.forEach((s) => f.str(s));
  expected.push({ db: 0, key: 'legacy:list', value: { type: 'list', items: plainList }, expireAtMs: -1 });

  const zl = ['1', '12', '13', '-1', '200', '-30000', '100000', '-5000000', '3000000000', '-9223372036854775808', 'str', '', ALL_BYTES, 'y'.repeat(500)];
  f.byte(RDB_TYPE.LIST_ZIPLIST).str('legacy:ziplist').blob(encodeZiplist(zl));
  expected.push({ db: 0, key: 'legacy:ziplist', value: { type: 'list', items: zl }, expireAtMs: -1 });

  const node1 = Array.from({ length: 300 }, (_, i) => (i % 2 ? `n1-${i}` : String(i * 1000 - 70000)));
  const node2 = Array.from({ length: 300 }, (_, i) => `compressible-${i % 10}`);
  f.byte(RDB_TYPE.LIST_QUICKLIST).str('legacy:quicklist').len(2).blob(encodeZiplist(node1)).lzfStr(encodeZiplist(node2));
  expected.push({ db: 0, key: 'legacy:quicklist', value: { type: 'list', items: [...node1, ...node2] }, expireAtMs: -1 });

  const zsetOld: Array<[string, number]> = [['a', 1.5], ['b', Infinity], ['c', -Infinity], ['d', -0.25], ['e', 1e-300]];
  f.byte(RDB_TYPE.ZSET).str('legacy:zset').len(zsetOld.length);
  for (const [m, s] of zsetOld) {
    f.str(m);
    if (s === Infinity) f.byte(254);
    else if (s === -Infinity) f.byte(255);
    else f.str(String(s));
  }
  expected.push({ db: 0, key: 'legacy:zset', value: { type: 'zset', entries: zsetOld }, expireAtMs: -1 });

  const zz: Array<[string, number]> = [['m1', 1], ['m2', 2.5], ['m3', -7], [ALL_BYTES, 1e100]];
  f.byte(RDB_TYPE.ZSET_ZIPLIST).str('legacy:zset-ziplist').blob(encodeZiplist(zz.flatMap(([m, s]) => [m, String(s)])));
  expected.push({ db: 0, key: 'legacy:zset-ziplist', value: { type: 'zset', entries: zz }, expireAtMs: -1 });

  const hz: Array<[string, string]> = [['f1', 'v1'], ['f2', '2'], [ALL_BYTES, ''], ['n', '-100000']];
  f.byte(RDB_TYPE.HASH_ZIPLIST).str('legacy:hash-ziplist').blob(encodeZiplist(hz.flat()));
  expected.push({ db: 0, key: 'legacy:hash-ziplist', value: { type: 'hash', entries: hz }, expireAtMs: -1 });

  const zm: Array<[string, string]> = [['name', 'value'], ['other', 'x'.repeat(300)], ['k'.repeat(260), '1']];
  f.byte(RDB_TYPE.HASH_ZIPMAP).str('legacy:zipmap').blob(encodeZipmap(zm));
  expected.push({ db: 0, key: 'legacy:zipmap', value: { type: 'hash', entries: zm }, expireAtMs: -1 });

  f.byte(RDB_TYPE.SET_INTSET).str('legacy:intset').blob(encodeIntset([5, -3, 100000]));
  expected.push({ db: 0, key: 'legacy:intset', value: { type: 'set', members: ['-3', '5', '100000'] }, expireAtMs: -1 });

  // Second-precision expiry, and integer-encoded / LZF strings written by hand.
  const b = Buffer.alloc(5);
  b[0] = RDB_OPCODE.EXPIRETIME;
  b.writeInt32LE(expireSec, 1);
  f.bytes(b).byte(RDB_TYPE.STRING).str('legacy:ttl-seconds').byte(0xc1, 0x39, 0x30);
  expected.push({ db: 0, key: 'legacy:ttl-seconds', value: { type: 'string', value: '12345' }, expireAtMs: expireSec * 1000 });

  f.byte(RDB_OPCODE.IDLE).len(1000).byte(RDB_OPCODE.FREQ, 7).byte(RDB_TYPE.STRING).str('legacy:lzf').lzfStr(Buffer.from('hello '.repeat(100), 'latin1'));
  expected.push({ db: 0, key: 'legacy:lzf', value: { type: 'string', value: 'hello '.repeat(100) }, expireAtMs: -1 });

  // An empty container, which Redis skips on load.
  f.byte(RDB_TYPE.LIST_ZIPLIST).str('legacy:empty').blob(encodeZiplist([]));
  return { file: f.finish(), expected };
}

test('legacy encodings: ziplist, zipmap, quicklist v1, string doubles, EXPIRETIME seconds, IDLE/FREQ', () => {
  const { file, expected } = legacyFile(2000000000);
  const got = readAll(file);
  assertSameKeys(got.keys, expected, 'legacy');
  assert.equal(got.aux.get('redis-ver'), '6.2.14');
  assert.deepEqual(got.meta.get('0\0legacy:lzf'), { idleSec: 1000, freq: 7 });
  assert.deepEqual(got.meta.get('0\0legacy:list'), { idleSec: -1, freq: -1 });
  assert.equal(readRdb(file, { onKey() {} }).emptyKeysSkipped, 1);
  // Collections keep the file's order.
  const inFileOrder = expected.find((k) => k.key === 'legacy:zset')!.value;
  assert.deepEqual(got.keys.find((k) => k.key === 'legacy:zset')!.value, inFileOrder);
});

test('MODULE_AUX payloads are skipped and reported', () => {
  const f = new RawRdb(10);
  const id = 0x1234567890abcdefn;
  f.byte(RDB_OPCODE.MODULE_AUX).len(id).len(2).len(2);
  f.len(1).len(42n).len(5).str('payload').len(4).bytes(Buffer.alloc(8)).len(3).bytes(Buffer.alloc(4)).len(2).len(2n ** 63n).len(0);
  f.byte(RDB_TYPE.STRING).str('k').str('v');
  const got = readAll(f.finish());
  assert.deepEqual(got.modules, [id]);
  assert.deepEqual(got.keys, [{ db: 0, key: 'k', value: { type: 'string', value: 'v' }, expireAtMs: -1 }]);
});

// ---------------------------------------------------------------------------------------------------------
// Interop with redis-server
// ---------------------------------------------------------------------------------------------------------

const HAVE_REDIS = !spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error;

type Reply = string | number | null | Reply[] | RespError;

class RespError extends Error {}

/** A minimal binary-safe RESP2 client: pipelined calls, replies as latin1 strings. */
class RespConn {
  private buf = Buffer.alloc(0);
  private waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      for (;;) {
        const parsed = parseReply(this.buf, 0);
        if (parsed === null) break;
        this.buf = this.buf.subarray(parsed[1]);
        this.waiting.shift()?.resolve(parsed[0]);
      }
    });
    socket.on('error', (e) => {
      this.failure = e;
    });
    // A server that dies mid-test must fail the pending calls, not leave the test waiting forever.
    socket.on('close', () => {
      this.failure ??= new Error('connection closed');
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    });
  }

  static connect(port: number): Promise<RespConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.removeListener('error', reject);
        resolve(new RespConn(s));
      });
      s.once('error', reject);
    });
  }

  call(...args: string[]): Promise<Reply> {
    return this.pipeline([args]).then((r) => r[0]);
  }

  pipeline(cmds: string[][]): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    const parts: Buffer[] = [];
    const replies = cmds.map(() => new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject })));
    for (const args of cmds) {
      parts.push(Buffer.from(`*${args.length}\r\n`, 'latin1'));
      for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n${a}\r\n`, 'latin1'));
    }
    this.socket.write(Buffer.concat(parts));
    return Promise.all(replies);
  }

  async ok(...args: string[]): Promise<Reply> {
    const r = await this.call(...args);
    if (r instanceof RespError) throw new Error(`${args.slice(0, 3).join(' ')}: ${r.message}`);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

function parseReply(b: Buffer, p: number): [Reply, number] | null {
  const eol = b.indexOf('\r\n', p);
  if (eol < 0) return null;
  const line = b.latin1Slice(p + 1, eol);
  const next = eol + 2;
  switch (b[p]) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RespError(line), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      // $
      const n = Number(line);
      if (n < 0) return [null, next];
      if (b.length < next + n + 2) return null;
      return [b.latin1Slice(next, next + n), next + n + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let q = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(b, q);
        if (r === null) return null;
        items.push(r[0]);
        q = r[1];
      }
      return [items, q];
    }
    default:
      throw new Error(`bad RESP reply byte ${b[p]}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface RedisInstance {
  port: number;
  conn: RespConn;
  stop(): Promise<void>;
}

/** Starts redis-server on `dir/dbfilename` (loading it if it exists); rejects with its log if it dies. */
async function startRedis(dir: string, dbfilename: string, extraArgs: string[] = []): Promise<RedisInstance> {
  const port = await freePort();
  const logfile = path.join(dir, `redis-${port}.log`);
  const proc: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', dbfilename, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--logfile', logfile, ...extraArgs],
    { stdio: 'ignore' },
  );
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (!exited) proc.kill('SIGKILL');
    await exitedPromise;
  };
  const log = (): string => (fs.existsSync(logfile) ? fs.readFileSync(logfile, 'latin1') : '(no log)');
  const deadline = Date.now() + 15000;
  for (;;) {
    if (exited) throw new Error(`redis-server exited during startup:\n${log()}`);
    try {
      const conn = await RespConn.connect(port);
      const pong = await conn.call('PING');
      if (pong === 'PONG') return { port, conn, stop: async () => (conn.close(), stop()) };
      conn.close(); // LOADING: try again
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not come up:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything in the given databases, fetched over the wire, in the reader's record shape. */
async function dumpRedis(c: RespConn, dbs: readonly number[]): Promise<KeyRecord[]> {
  const out: KeyRecord[] = [];
  for (const db of dbs) {
    await c.ok('SELECT', String(db));
    const keys = (await c.ok('KEYS', '*')) as string[];
    for (const key of keys) {
      const [type, pexp] = (await c.pipeline([['TYPE', key], ['PEXPIRETIME', key]])) as [string, number];
      let value: RdbValue;
      if (type === 'string') value = { type, value: (await c.ok('GET', key)) as string };
      else if (type === 'list') value = { type, items: (await c.ok('LRANGE', key, '0', '-1')) as string[] };
      else if (type === 'set') value = { type, members: (await c.ok('SMEMBERS', key)) as string[] };
      else if (type === 'hash') {
        const flat = (await c.ok('HGETALL', key)) as string[];
        const entries: Array<[string, string]> = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], flat[i + 1]]);
        value = { type, entries };
      } else if (type === 'zset') {
        const flat = (await c.ok('ZRANGE', key, '0', '-1', 'WITHSCORES')) as string[];
        const entries: Array<[string, number]> = [];
        for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], parseDoubleText(flat[i + 1])!]);
        value = { type, entries };
      } else throw new Error(`unexpected type ${type}`);
      out.push({ db, key, value, expireAtMs: pexp });
    }
  }
  return out;
}

/** Loads records into Redis with ordinary commands (batched so big collections need few round trips). */
async function populate(c: RespConn, records: readonly KeyRecord[]): Promise<void> {
  const batch = <T>(xs: readonly T[], n: number): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
    return out;
  };
  for (const r of records) {
    await c.ok('SELECT', String(r.db));
    const v = r.value;
    if (v.type === 'string') await c.ok('SET', r.key, v.value);
    else if (v.type === 'list') for (const b of batch(v.items, 1000)) await c.ok('RPUSH', r.key, ...b);
    else if (v.type === 'set') for (const b of batch(v.members, 1000)) await c.ok('SADD', r.key, ...b);
    else if (v.type === 'hash') for (const b of batch(v.entries, 1000)) await c.ok('HSET', r.key, ...b.flat());
    else for (const b of batch(v.entries, 1000)) await c.ok('ZADD', r.key, ...b.flatMap(([m, s]) => [String(s), m]));
    if (r.expireAtMs >= 0) await c.ok('PEXPIREAT', r.key, String(r.expireAtMs));
  }
}

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cinnabar-rdb-'));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

test('interop (a): files written by redis-server read back exactly as Redis serves them', async (t) => {
  if (!HAVE_REDIS) {
    t.skip('redis-server not on PATH');
    return;
  }
  await withTempDir(async (dir) => {
    const redis = await startRedis(dir, 'dump.rdb');
    try {
      const c = redis.conn;
      const expireBase = Date.now() + 3600_000;
      const recs = sampleDataset(expireBase);
      await populate(c, recs);
      await c.ok('SELECT', '0');
      // A list whose inner quicklist nodes are kept LZF-compressed in memory and saved as such.
      await c.ok('CONFIG', 'SET', 'list-compress-depth', '1');
      await c.ok('RPUSH', 'list:compressed', ...Array.from({ length: 6000 }, (_, i) => `compressed-item-${i % 50}`));
      // PLAIN quicklist nodes: elements at or over the packed threshold get a node of their own.
      await c.ok('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1000');
      await c.ok('RPUSH', 'list:plain', 'small', 'P'.repeat(10000), 'mid', randomLatin1(5000, 99), '42');
      await c.ok('FUNCTION', 'LOAD', "#!lua name=cinnabartest\nredis.register_function('one', function() return 1 end)");
      // The encodings Redis chose, so we know which RDB types the file exercises.
      const enc = async (k: string): Promise<Reply> => c.ok('OBJECT', 'ENCODING', k);
      assert.equal(await enc('hash:small'), 'listpack');
      assert.equal(await enc('hash:big'), 'hashtable');
      assert.equal(await enc('hash:longval'), 'hashtable');
      assert.equal(await enc('set:intset64'), 'intset');
      assert.equal(await enc('set:ints513'), 'hashtable');
      assert.equal(await enc('zset:small'), 'listpack');
      assert.equal(await enc('zset:big'), 'skiplist');
      assert.equal(await enc('list:many'), 'quicklist');
      assert.equal(await enc('str:int:3'), 'int');

      const dbs = [0, 1, 5];
      const inRedis = await dumpRedis(c, dbs);
      assert.equal(inRedis.length, recs.length + 2);

      // Three files: default settings; then, from a second server that loaded the first file (rdbchecksum is
      // immutable at runtime), no compression and no checksum with LRU idle times; then LFU frequencies.
      // dbfilename is protected too, so each SAVE's dump.rdb is renamed.
      const saveAs = async (conn: RespConn, name: string): Promise<void> => {
        await conn.ok('SAVE');
        fs.renameSync(path.join(dir, 'dump.rdb'), path.join(dir, name));
      };
      await saveAs(c, 'default.rdb');
      fs.copyFileSync(path.join(dir, 'default.rdb'), path.join(dir, 'dump.rdb'));
      const second = await startRedis(dir, 'dump.rdb', [
        '--rdbchecksum', 'no', '--rdbcompression', 'no', '--maxmemory-policy', 'allkeys-lru', '--list-compress-depth', '1',
      ]);
      try {
        assertSameKeys(await dumpRedis(second.conn, dbs), inRedis, 'second server loaded what the first saved');
        await second.conn.ok('SELECT', '0');
        await second.conn.ok('OBJECT', 'FREQ', 'str:short').then(
          () => assert.fail('OBJECT FREQ needs an LFU policy'),
          () => undefined,
        );
        await saveAs(second.conn, 'plain.rdb');
        await second.conn.ok('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
        await saveAs(second.conn, 'lfu.rdb');
      } finally {
        await second.stop();
      }

      for (const name of ['default.rdb', 'plain.rdb', 'lfu.rdb']) {
        const buf = fs.readFileSync(path.join(dir, name));
        const got = readAll(buf);
        assertSameKeys(got.keys, inRedis, name);
        assert.deepEqual(got.functions, ["#!lua name=cinnabartest\nredis.register_function('one', function() return 1 end)"]);
        assert.equal(got.aux.get('redis-ver'), '7.0.15');
        const t = (k: string): number | undefined => got.types.get(`0\0${k}`);
        assert.equal(t('hash:small'), RDB_TYPE.HASH_LISTPACK, name);
        assert.equal(t('hash:big'), RDB_TYPE.HASH);
        assert.equal(t('set:intset64'), RDB_TYPE.SET_INTSET);
        assert.equal(t('set:big'), RDB_TYPE.SET);
        assert.equal(t('zset:small'), RDB_TYPE.ZSET_LISTPACK);
        assert.equal(t('zset:big'), RDB_TYPE.ZSET_2);
        assert.equal(t('list:plain'), RDB_TYPE.LIST_QUICKLIST_2);
        if (name === 'plain.rdb') {
          assert.deepEqual(buf.subarray(buf.length - 8), Buffer.alloc(8), 'rdbchecksum no writes a zero trailer');
          assert.ok(buf.length > fs.statSync(path.join(dir, 'default.rdb')).size, 'rdbcompression no makes a bigger file');
          assert.ok(got.meta.get('0\0str:short')!.idleSec >= 0, 'IDLE opcode present');
        }
        if (name === 'lfu.rdb') assert.deepEqual(buf.subarray(buf.length - 8), Buffer.alloc(8));
        if (name === 'lfu.rdb') assert.ok(got.meta.get('0\0str:short')!.freq >= 0, 'FREQ opcode present');
      }
    } finally {
      await redis.stop();
    }
  });
});

test('interop (b): files written by RdbWriter load into redis-server with every key, value and TTL', async (t) => {
  if (!HAVE_REDIS) {
    t.skip('redis-server not on PATH');
    return;
  }
  await withTempDir(async (dir) => {
    const recs = sampleDataset(Date.now() + 3600_000);
    const fn = "#!lua name=fromcinnabar\nredis.register_function('two', function() return 2 end)";
    const variants: Array<[string, RdbWriterOptions]> = [
      ['compressed.rdb', { compression: true, listPlainThreshold: 8000 }],
      ['uncompressed.rdb', { compression: false, checksum: false }],
    ];
    for (const [name, options] of variants) {
      fs.writeFileSync(path.join(dir, name), writeFile(recs, options, [fn]));
      const redis = await startRedis(dir, name);
      try {
        const c = redis.conn;
        const inRedis = await dumpRedis(c, [0, 1, 5]);
        assertSameKeys(inRedis, recs, name);
        const fns = (await c.ok('FUNCTION', 'LIST')) as Reply[][];
        assert.equal(fns.length, 1);
        assert.equal(fns[0][1], 'fromcinnabar');
        // Redis converted our plain hashtable types to its compact encodings where they fit.
        await c.ok('SELECT', '0');
        assert.equal(await c.ok('OBJECT', 'ENCODING', 'hash:small'), 'listpack');
        assert.equal(await c.ok('OBJECT', 'ENCODING', 'set:intset16'), 'intset');
        assert.equal(await c.ok('OBJECT', 'ENCODING', 'zset:small'), 'listpack');
        assert.equal(await c.ok('OBJECT', 'ENCODING', 'zset:big'), 'skiplist');
        // And Redis saving it again gives a file we read identically.
        await c.ok('SAVE');
        assertSameKeys(readAll(fs.readFileSync(path.join(dir, name))).keys, recs, `${name} re-saved by Redis`);
      } finally {
        await redis.stop();
      }
    }
  });
});

test('interop (c): legacy encodings are read the same by us and by redis-server', async (t) => {
  if (!HAVE_REDIS) {
    t.skip('redis-server not on PATH');
    return;
  }
  await withTempDir(async (dir) => {
    const expireSec = Math.floor(Date.now() / 1000) + 86400;
    const { file, expected } = legacyFile(expireSec);
    fs.writeFileSync(path.join(dir, 'legacy.rdb'), file);
    const redis = await startRedis(dir, 'legacy.rdb');
    try {
      const inRedis = await dumpRedis(redis.conn, [0]);
      assertSameKeys(inRedis, expected, 'Redis view of the legacy file');
      assertSameKeys(readAll(file).keys, inRedis, 'our view of the legacy file');
    } finally {
      await redis.stop();
    }
  });
});
