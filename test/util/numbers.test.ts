/*
 * Unit tests for src/util/numbers.ts.
 *
 * Expected values marked "Redis 7.0.15" were observed on a real Redis 7.0.15
 * server (INCRBY, ZADD/ZSCORE, ZCOUNT, INCRBYFLOAT); those marked "glibc" come
 * from a small C program calling glibc strtod/strtold/printf on the same
 * machine, which is what Redis itself calls. Tables keep each case on one line
 * so a failure names the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../helpers';
import {
  LongDouble,
  addLongDouble,
  formatDouble,
  formatInt,
  formatDoubleHuman,
  formatLongDoubleHuman,
  longDoubleFromBigInt,
  longDoubleFromNumber,
  longDoubleToNumber,
  mulLongDouble,
  parseDouble,
  parseDoubleLenient,
  parseI64,
  parseLongDouble,
  parseSafeInt,
  strtod,
  strtold,
  truncLongDouble,
} from '../../src/util/numbers';

// Redis 7.0.15: INCRBY k <s> accepted (value) or "value is not an integer or out of range" (null).
const INTEGER_CASES: [string, bigint | null][] = [
  ['0', 0n],
  ['1', 1n],
  ['-1', -1n],
  ['99', 99n],
  ['-99', -99n],
  ['9007199254740991', 9007199254740991n],
  ['-9007199254740991', -9007199254740991n],
  ['9007199254740992', 9007199254740992n],
  ['-9007199254740992', -9007199254740992n],
  ['9999999999999999', 9999999999999999n],
  ['10000000000000000', 10000000000000000n],
  ['9223372036854775807', 9223372036854775807n],
  ['-9223372036854775808', -9223372036854775808n],
  ['9223372036854775808', null],
  ['-9223372036854775809', null],
  ['18446744073709551616', null],
  ['99999999999999999999', null],
  ['-0', null],
  ['+1', null],
  ['01', null],
  ['00', null],
  ['-01', null],
  [' 1', null],
  ['1 ', null],
  ['', null],
  ['-', null],
  ['1a', null],
  ['1.0', null],
  ['1e3', null],
  ['0x10', null],
  ['000000000000000000001', null],
  ['\u0661', null], // a non-ASCII digit
  ['1\0', null],
];

test('parseI64 follows string2ll exactly (Redis 7.0.15 INCRBY)', () => {
  for (const [s, want] of INTEGER_CASES) assert.equal(parseI64(s), want, JSON.stringify(s));
});

test('parseSafeInt agrees with parseI64 inside the safe range and is null outside', () => {
  for (const [s, want] of INTEGER_CASES) {
    const expected =
      want !== null && want <= BigInt(Number.MAX_SAFE_INTEGER) && want >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(want)
        : null;
    assert.equal(parseSafeInt(s), expected, JSON.stringify(s));
  }
  for (let i = -2000; i <= 2000; i++) assert.equal(parseSafeInt(String(i)), i);
  assert.equal(Object.is(parseSafeInt('0'), 0), true);
});

test('parseSafeInt and parseI64 agree on random numbers', () => {
  for (let i = 0; i < 2000; i++) {
    const digits = 1 + Math.floor(Math.random() * 20);
    let s = Math.random() < 0.5 ? '-' : '';
    for (let k = 0; k < digits; k++) s += String(Math.floor(Math.random() * 10));
    const big = parseI64(s);
    const safe = parseSafeInt(s);
    if (safe !== null) assert.equal(BigInt(safe), big, s);
    else if (big !== null) assert.ok(big > 9007199254740991n || big < -9007199254740991n, s);
    const valid = /^(0|-?[1-9][0-9]*)$/.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;
    assert.equal(big === null ? null : big, valid ? BigInt(s) : null, s);
  }
});

// Redis 7.0.15: ZADD z <s> m; ZSCORE z m (skiplist encoding for "-0"); null = "value is not a valid float".
const DOUBLE_CASES: [string, string | null][] = [
  ['0x10', '16'],
  ['0X1p3', '8'],
  ['0x1.8p1', '3'],
  ['0x.8', '0.5'],
  ['0x', null],
  ['0x1p', null],
  ['0xg', null],
  ['1e400', null],
  ['-1e400', null],
  ['1e-400', null],
  ['1e-310', '9.9999999999999694e-311'],
  ['4.9e-324', '4.9406564584124654e-324'],
  ['2e-324', null],
  ['2.5e-324', '4.9406564584124654e-324'],
  ['inf', 'inf'],
  ['+inf', 'inf'],
  ['-inf', '-inf'],
  ['Inf', 'inf'],
  ['INFINITY', 'inf'],
  ['-Infinity', '-inf'],
  ['infin', null],
  ['nan', null],
  ['NaN', null],
  ['-nan', null],
  ['nan(123)', null],
  ['', null],
  [' 1', null],
  ['1 ', null],
  ['\t1', null],
  ['1\0', null],
  ['1.', '1'],
  ['.5', '0.5'],
  ['.', null],
  ['+.5e+3', '500'],
  ['1e', null],
  ['1e+', null],
  ['1e5', '100000'],
  ['+0', '0'],
  ['-0', '-0'],
  ['0.1', '0.10000000000000001'],
  ['1.1', '1.1000000000000001'],
  ['1e20', '1e+20'],
  ['1e17', '1e+17'],
  ['1e16', '10000000000000000'],
  ['123456789012345678', '1.2345678901234568e+17'],
  ['0.5', '0.5'],
  ['2.98023223876953125e-8', '2.9802322387695312e-08'],
  ['1e-5', '1.0000000000000001e-05'],
  ['0.0001', '0.0001'],
  ['0x1p-1074', '4.9406564584124654e-324'],
  ['0x1p-1075', null],
  ['0x1.00000000000008p0', '1'],
  ['0x1.000000000000081p0', '1.0000000000000002'],
  ['0x1.fffffffffffff8p1023', null],
  ['0x1.fffffffffffff7ffp1023', '1.7976931348623157e+308'],
  ['1.7976931348623158e308', '1.7976931348623157e+308'],
  ['1.7976931348623159e308', null],
  ['1e0000000000000000000000001', '10'],
  ['0e99999', '0'],
  ['0e-99999', '0'],
  ['00012', '12'],
  ['1_0', null],
  ['1,5', null],
  ['3.14abc', null],
  ['1.' + '0'.repeat(6000), '1'], // no length limit for doubles
];

test('parseDouble + formatDouble match ZADD/ZSCORE (Redis 7.0.15)', () => {
  for (const [s, want] of DOUBLE_CASES) {
    const d = parseDouble(s);
    assert.equal(d === null ? null : formatDouble(d), want, JSON.stringify(s));
  }
});

// Redis 7.0.15 ZSCAN / ZSCORE output for these scores.
test('formatDouble is printf %.17g', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1, '-1'],
    [100, '100'],
    [0.5, '0.5'],
    [1.5, '1.5'],
    [123, '123'],
    [0.1, '0.10000000000000001'],
    [-0.1, '-0.10000000000000001'],
    [1e20, '1e+20'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [1e16, '10000000000000000'],
    [4503599627370495, '4503599627370495'],
    [4503599627370496, '4503599627370496'],
    [4503599627370497, '4503599627370497'],
    [-4503599627370495, '-4503599627370495'],
    [9007199254740992, '9007199254740992'],
    [9007199254740994, '9007199254740994'],
    [28255005218165928, '28255005218165928'], // String() would print ...930
    [-45774502907266144, '-45774502907266144'],
    [1e17, '1e+17'],
    [123456789012345680, '1.2345678901234568e+17'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [1.5e-5, '1.5e-05'],
    [1e-300, '1e-300'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [2 ** -25, '2.9802322387695312e-08'], // exact tie: glibc rounds half to even
    [-(2 ** -25), '-2.9802322387695312e-08'],
    [3 * 2 ** -26, '4.4703483581542969e-08'],
    [0.3, '0.29999999999999999'],
    [2 / 3, '0.66666666666666663'],
    [12345.678, '12345.678'],
    [1234567.125, '1234567.125'],
    [99999999999999999999, '1e+20'],
  ];
  for (const [d, want] of cases) assert.equal(formatDouble(d), want, String(d));
});

test('formatDouble round-trips through parseDouble', () => {
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 5000; i++) {
    view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
    view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
    const d = view.getFloat64(0);
    if (Number.isNaN(d)) continue;
    assert.ok(Object.is(parseDouble(formatDouble(d)), d), String(d));
  }
});

test('formatDouble agrees with toPrecision(17) except on exact ties', () => {
  for (let i = 0; i < 5000; i++) {
    const d = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 30 - 15);
    const js = d.toPrecision(17);
    // Same digits whatever the layout: compare numerically.
    assert.equal(Number(formatDouble(d)), Number(js), String(d));
  }
});

// Redis 7.0.15: ZCOUNT z <s> +inf over scores -inf,-1,0,1.5,2,3,inf; null = "min or max is not a float".
test('parseDoubleLenient follows zslParseRange (Redis 7.0.15 ZCOUNT)', () => {
  const cases: [string, number | null][] = [
    ['', 0], // so "(" alone is the bound "greater than 0"
    [' ', null], // nothing converted: strtod leaves end at the space
    ['  1.5', 1.5],
    ['\t2', 2],
    ['\n2', 2],
    ['\v2', 2],
    ['\f2', 2],
    ['1 ', null],
    ['nan', null],
    [' nan', null],
    ['-nan', null],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['  -inf', -Infinity],
    ['infinity', Infinity],
    ['infinit', null],
    ['nan(1)', null],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['1e-400', 0],
    ['0x1p0', 1],
    ['0x', null],
    ['5\0x', 5],
    ['5\0', 5],
    ['\0', 0],
    ['abc', null],
    ['1e', null],
    ['+', null],
    ['-', null],
    ['.', null],
    ['(', null], // what "((" leaves after the caller strips one '('
    ['+ 1', null],
    ['-0.5', -0.5],
    ['1,5', null],
    ['0x1p-1075', 0],
  ];
  for (const [s, want] of cases) assert.equal(parseDoubleLenient(s), want, JSON.stringify(s));
});

// glibc strtod: value (as %.17g), characters consumed, errno == ERANGE.
test('strtod reports value, end and ERANGE like glibc', () => {
  const cases: [string, string, number, boolean][] = [
    ['2.2250738585072012e-308', '2.2250738585072014e-308', 23, true], // tiny before it rounded up
    ['2.2250738585072014e-308', '2.2250738585072014e-308', 23, false],
    ['1e-310', '9.9999999999999694e-311', 6, true],
    ['0x1p-1074', '4.9406564584124654e-324', 9, false], // exact subnormal: no ERANGE
    ['0x1.8p-1074', '9.8813129168249309e-324', 11, true],
    ['1e400', 'inf', 5, true],
    ['  -0x1.8p1z', '-3', 10, false],
    ['+', '0', 0, false],
    ['0x', '0', 1, false],
    ['-.e5', '0', 0, false],
    ['1e+', '1', 1, false],
    ['infinityx', 'inf', 8, false],
    ['nan(abc)d', 'nan', 8, false],
    ['nan(a-b)', 'nan', 3, false],
    ['12abc', '12', 2, false],
  ];
  for (const [s, value, end, erange] of cases) {
    const r = strtod(s);
    assert.deepEqual([formatDouble(r.value), r.end, r.erange], [value, end, erange], JSON.stringify(s));
  }
  assert.equal(strtod('xx 42 yy', 2).end, 5);
  assert.equal(strtod('xx 42 yy', 2).value, 42);
});

/** (init or null for a missing key, increment, reply) observed on Redis 7.0.15. */
const E_FLOAT = { err: 'value is not a valid float' };
const E_NANINF = { err: 'increment would produce NaN or Infinity' };
const INCRBYFLOAT_1E300 =
  '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144';
const INCRBYFLOAT_CASES: [string | null, string, string | { err: string }][] = [
  ['0.1', '0.2', '0.3'],
  [null, '1e300', INCRBYFLOAT_1E300],
  ['10.5', '0.1', '10.6'],
  [null, '5.0e3', '5000'],
  [null, '1e20', '100000000000000000000'],
  [null, '1e-20', '0'],
  [null, '-1e-20', '0'],
  [null, '-0', '0'],
  ['-0', '0', '0'],
  ['-0', '-0', '0'],
  [null, '-5.5', '-5.5'],
  [null, 'inf', E_NANINF],
  [null, '-inf', E_NANINF],
  [null, 'Infinity', E_NANINF],
  ['1e4932', '1e4932', E_NANINF],
  [null, '1e4933', E_FLOAT],
  [null, '1e-4951', E_FLOAT],
  [null, '1e-5000', E_FLOAT],
  [null, 'nan', E_FLOAT],
  ['abc', '1', E_FLOAT],
  [null, 'abc', E_FLOAT],
  [null, ' 1', E_FLOAT],
  [null, '1 ', E_FLOAT],
  [null, '1\0', E_FLOAT],
  [null, '0x1p3', '8'],
  [null, '0x1.8p-2', '0.375'],
  ['1', '0.1', '1.1'],
  ['0.3', '-0.1', '0.2'],
  [null, '123456789012345678901234567890', '123456789012345678899921813504'],
  [null, '18446744073709551617', '18446744073709551616'],
  [null, '0.12345678901234567890123', '0.12345678901234568'],
  ['1', '-1', '0'],
  [null, '', E_FLOAT],
  [null, '0x1p-16445', '0'],
  [null, '0x1p-16446', E_FLOAT],
  [null, '5e-18', '0'],
  [null, '5.1e-18', '0.00000000000000001'],
  [null, '2.5e-17', '0.00000000000000002'],
  [null, '1.5e-17', '0.00000000000000002'],
  [null, '1'.repeat(5119), E_FLOAT], // overflows
  [null, '1.' + '0'.repeat(5117), '1'], // 5119 bytes: accepted
  [null, '1.' + '0'.repeat(5118), E_FLOAT], // 5120 bytes: too long for string2ld
  ['9223372036854775807', '1', '9223372036854775808'],
  ['-9223372036854775808', '-1', '-9223372036854775809'],
  ['3', '0x', E_FLOAT],
  [null, '1e', E_FLOAT],
  [null, '.', E_FLOAT],
  [null, '+.5', '0.5'],
  ['3.0', '1.0e-2', '3.01'],
  ['1.1', '2.2', '3.3'],
  ['100', '-0.01', '99.99'],
  ['0.1', '0.7', '0.8'],
  ['1e16', '1', '10000000000000001'],
  ['1e17', '1', '100000000000000001'],
  ['1e19', '1', '10000000000000000001'],
  ['1e20', '1', '100000000000000000000'],
  ['123.456', '-123.456', '0'],
  ['2.5', '2.5', '5'],
  ['-1', '0.99999999999999999', '-0.00000000000000001'],
  ['0.00000000000000001', '0.000000000000000005', '0.00000000000000002'],
  ['1e-17', '-1e-17', '0'],
];

/** INCRBYFLOAT as Redis computes it, in terms of this module. */
function incrByFloat(init: string | null, incr: string): string | { err: string } {
  const cur = init === null ? LongDouble.ZERO : parseLongDouble(init);
  const inc = parseLongDouble(incr);
  if (cur === null || inc === null) return E_FLOAT;
  const sum = addLongDouble(cur, inc);
  if (!sum.isFinite()) return E_NANINF;
  return formatLongDoubleHuman(sum);
}

test('INCRBYFLOAT arithmetic and formatting match Redis 7.0.15', () => {
  for (const [init, incr, want] of INCRBYFLOAT_CASES) {
    assert.deepEqual(incrByFloat(init, incr), want, JSON.stringify([init, incr.slice(0, 40)]));
  }
});

test('INCRBYFLOAT of 1e4932 prints all 4933 digits', () => {
  // Redis 7.0.15 reply starts and ends like this and has 4933 characters.
  const r = incrByFloat(null, '1e4932');
  assert.equal(typeof r, 'string');
  const s = r as string;
  assert.equal(s.length, 4933);
  assert.ok(s.startsWith('1000000000000000000006018949387963891323837774254533114773785041352533'));
  assert.ok(s.endsWith('163141086538418113791886622720'));
});

/** A finite long double as [sign, 64-bit normalised mantissa, exponent] (glibc frexpl form). */
function ldParts(x: LongDouble): string {
  let m = x.mant;
  let e = x.exp;
  if (m === 0n) e = -64;
  else {
    while (m < 1n << 63n) {
      m <<= 1n;
      e--;
    }
  }
  return `${x.neg ? '-' : ''}${m} ${e}`;
}

// glibc strtold: mantissa*2^exp, characters consumed, ERANGE.
test('strtold is correctly rounded to the x87 format like glibc', () => {
  const cases: [string, string, number, boolean][] = [
    ['0.1', '14757395258967641293 -67', 3, false],
    ['1e4932', '15504964057600816845 16320', 6, false],
    ['3.6e-4951', '9223372036854775808 -16508', 9, true],
    ['0x1p-16445', '9223372036854775808 -16508', 10, false],
    ['18446744073709551617', '9223372036854775808 1', 20, false], // tie to even
    ['18446744073709551619', '9223372036854775810 1', 20, false],
    ['1e-4951', '0 -64', 7, true],
    ['0x1.fffffffffffffffep16383', '18446744073709551615 16320', 26, false],
    [' -12.5e1xyz', '-18014398509481984000 -57', 8, false],
    ['0x', '0 -64', 1, false],
  ];
  for (const [s, parts, end, erange] of cases) {
    const r = strtold(s);
    assert.deepEqual([ldParts(r.value), r.end, r.erange], [parts, end, erange], JSON.stringify(s));
  }
  const inf = strtold('0x1.ffffffffffffffffp16383');
  assert.deepEqual([inf.value.kind, inf.end, inf.erange], [1, 26, true]);
  assert.equal(strtold('infinityx').value, LongDouble.INFINITY);
  assert.equal(strtold('infinityx').end, 8);
  assert.ok(strtold('nan(abc)d').value.isNaN());
});

test('parseLongDouble acceptance matches string2ld', () => {
  assert.equal(parseLongDouble(''), null);
  assert.equal(parseLongDouble(' 1'), null);
  assert.equal(parseLongDouble('1 '), null);
  assert.equal(parseLongDouble('nan'), null);
  assert.equal(parseLongDouble('1e5000'), null);
  assert.equal(parseLongDouble('1e-5000'), null);
  assert.equal(parseLongDouble('inf'), LongDouble.INFINITY);
  assert.equal(parseLongDouble('-INF'), LongDouble.NEG_INFINITY);
  assert.ok(parseLongDouble('0e-5000')!.isZero());
  assert.ok(parseLongDouble('-0')!.neg);
  assert.equal(formatLongDoubleHuman(parseLongDouble('3.6e-4951')!), '0'); // subnormal: accepted
});

// glibc printf("%.17Lf") of (long double)d, trimmed as ld2string(LD_STR_HUMAN) does.
test('formatDoubleHuman prints the exact double with 17 decimals', () => {
  const cases: [number, string][] = [
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [-(2 ** -25), '-0.00000002980232239'],
    [1e22, '10000000000000000000000'],
    [13.361389338970184, '13.36138933897018433'],
    [5e-324, '0'],
    [-5e-324, '0'],
    [-0, '0'],
    [0, '0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ];
  for (const [d, want] of cases) assert.equal(formatDoubleHuman(d), want, String(d));
  assert.equal(
    formatDoubleHuman(1.7976931348623157e308),
    '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368',
  );
});

test('%.17Lf rounds exact ties to even', () => {
  // k / 2^18 has exactly 18 decimals, so the 18th is a 5: a true tie.
  assert.equal(formatLongDoubleHuman(longDoubleFromNumber(2 ** -18)), '0.00000381469726562');
  assert.equal(formatLongDoubleHuman(longDoubleFromNumber(3 * 2 ** -18)), '0.00001144409179688');
  assert.equal(formatLongDoubleHuman(longDoubleFromNumber(-(2 ** -18))), '-0.00000381469726562');
});

test('long double arithmetic edge cases', () => {
  const one = longDoubleFromBigInt(1n);
  const tiny = parseLongDouble('0x1p-16445')!;
  assert.equal(formatLongDoubleHuman(addLongDouble(one, tiny)), '1');
  assert.ok(addLongDouble(LongDouble.INFINITY, LongDouble.NEG_INFINITY).isNaN());
  assert.equal(addLongDouble(LongDouble.INFINITY, one), LongDouble.INFINITY);
  assert.ok(addLongDouble(LongDouble.NAN, one).isNaN());
  assert.equal(addLongDouble(LongDouble.NEG_ZERO, LongDouble.NEG_ZERO), LongDouble.NEG_ZERO);
  assert.equal(addLongDouble(LongDouble.NEG_ZERO, LongDouble.ZERO), LongDouble.ZERO);
  assert.equal(addLongDouble(one, longDoubleFromBigInt(-1n)), LongDouble.ZERO);
  const max = parseLongDouble('0x1.fffffffffffffffep16383')!;
  assert.equal(addLongDouble(max, max), LongDouble.INFINITY);
  assert.deepEqual(addLongDouble(max, one), max);
  // 2^64 + 1 is not representable: ties to even gives 2^64.
  assert.equal(formatLongDoubleHuman(addLongDouble(longDoubleFromBigInt(2n ** 64n), one)), '18446744073709551616');
  assert.equal(formatLongDoubleHuman(longDoubleFromBigInt(2n ** 64n + 3n)), '18446744073709551620');
  // glibc: 0.1L * 1000 = 100 (within 17 decimals), 1.5 * 1000 = 1500.
  const thousand = longDoubleFromBigInt(1000n);
  assert.equal(formatLongDoubleHuman(mulLongDouble(parseLongDouble('0.1')!, thousand)), '100');
  assert.equal(truncLongDouble(mulLongDouble(parseLongDouble('1.5')!, thousand)), 1500n);
  assert.equal(truncLongDouble(parseLongDouble('-2.9')!), -2n);
  assert.ok(mulLongDouble(LongDouble.INFINITY, LongDouble.ZERO).isNaN());
  assert.equal(mulLongDouble(LongDouble.NEG_INFINITY, one), LongDouble.NEG_INFINITY);
  assert.equal(mulLongDouble(LongDouble.ZERO, longDoubleFromBigInt(-5n)), LongDouble.NEG_ZERO);
});

test('longDoubleToNumber and longDoubleFromNumber round-trip doubles', () => {
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 3000; i++) {
    view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
    view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
    const d = view.getFloat64(0);
    const back = longDoubleToNumber(longDoubleFromNumber(d));
    assert.ok(Object.is(back, d) || (Number.isNaN(d) && Number.isNaN(back)), String(d));
  }
  assert.equal(longDoubleToNumber(parseLongDouble('0.1')!), 0.1);
  assert.equal(longDoubleToNumber(parseLongDouble('1e4000')!), Infinity);
  assert.equal(longDoubleToNumber(parseLongDouble('1e-4000')!), 0);
  // 0.1L + 0.2L rounds to the double nearest 0.3, unlike 0.1 + 0.2 in doubles.
  assert.equal(longDoubleToNumber(addLongDouble(parseLongDouble('0.1')!, parseLongDouble('0.2')!)), 0.3);
});

test('parseLongDouble agrees with parseDouble on values doubles can hold exactly', () => {
  for (let i = 0; i < 2000; i++) {
    const n = Math.floor(Math.random() * 2 ** 40) - 2 ** 39;
    const scale = 2 ** Math.floor(Math.random() * 40 - 20);
    const d = n * scale;
    const s = formatDouble(d);
    assert.equal(longDoubleToNumber(parseLongDouble(s)!), parseDouble(s), s);
  }
});

test('formatInt writes every safe integer as String(n) does', () => {
  const r = rng(11);
  const values = [0, 1, -1, 9, 10, -10, 99, 100, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  for (let i = 0; i < 5000; i++) {
    const magnitude = 10 ** Math.floor(r() * 16);
    values.push(Math.floor((r() - 0.5) * 2 * magnitude));
  }
  for (const v of values) assert.equal(formatInt(v), String(v), `value ${v}`);
});

test('parseDouble reads plain integers (its fast path) exactly as strtod does', () => {
  const r = rng(12);
  const cases = ['0', '-0', '007', '-007', '1', '-1', '999999999999999', '-999999999999999', '9999999999999999', '12345678901234567', '-', '1-', '--1'];
  for (let i = 0; i < 3000; i++) {
    const digits = 1 + Math.floor(r() * 17);
    let t = r() < 0.5 ? '-' : '';
    for (let k = 0; k < digits; k++) t += String(Math.floor(r() * 10));
    cases.push(t);
  }
  for (const t of cases) {
    const lenient = /^-?\d+$/.test(t) ? parseDoubleLenient(t) : null;
    assert.ok(Object.is(parseDouble(t), lenient), `${t}: ${parseDouble(t)} vs ${lenient}`);
  }
});
