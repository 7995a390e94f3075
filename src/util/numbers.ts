/*
 * Number parsing and formatting with Redis 7.0's exact semantics.
 *
 * Redis never uses JavaScript's rules: it uses its own string2ll for integers,
 * glibc's strtod/strtold for floats (wrapped in string2d/string2ld checks), and
 * printf("%.17g") / printf("%.17Lf") for output. Every function here mirrors one
 * of those so that command handlers can promise byte-identical replies.
 *
 *   Integers (string2ll; INCRBY, EXPIRE, LRANGE indexes, ...): no '+', no
 *   leading zeros except "0" itself, no "-0", no spaces, signed 64-bit range.
 *   parseSafeInt is the hot path (a charCodeAt loop returning a JS number) and
 *   returns null both for invalid input and for valid integers beyond
 *   +-(2^53-1); parseI64 is the exact bigint version for the rare big values.
 *
 *   Doubles (string2d; ZADD, ZINCRBY, GEOADD ...): glibc strtod syntax -
 *   optional sign, decimal ("1.", ".5", "1e5"), hex floats ("0x10", "0x1.8p1",
 *   "0x.8"), "inf"/"infinity" in any case - and then Redis rejects: the empty
 *   string, a leading space, any unconsumed byte (trailing space, embedded NUL),
 *   NaN in any spelling, overflow ("1e400") and underflow to zero ("1e-400",
 *   "2e-324", "0x1p-1075"). Subnormals ("1e-310", "2.5e-324") are accepted.
 *   "0e99999" is plain zero, "00012" is 12, "1e0000000000000000000000001" is 10.
 *   All of this was checked against Redis 7.0.15 with ZADD/ZSCORE.
 *
 *   Score-range bounds (zslParseRange; ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE,
 *   after the optional '(') call strtod directly and are looser: leading
 *   whitespace is skipped, "" is 0 (so the bound "(" means "> 0"), overflow
 *   gives +-inf, and parsing may stop at an embedded NUL ("5\0x" is 5). Blank
 *   text (" "), trailing spaces and NaN are still rejected. See
 *   parseDoubleLenient. SORT BY has yet other rules; the C-level
 *   strtod() primitive below (value, end, erange) lets a caller build them.
 *
 *   Long doubles (string2ld; INCRBYFLOAT, HINCRBYFLOAT, blocking timeouts): the
 *   same syntax parsed by strtold into an x87 80-bit value (64-bit mantissa,
 *   15-bit exponent), inputs of 5120 bytes or more rejected. Arithmetic is done
 *   in that precision and printed with "%.17Lf" with trailing zeros and a
 *   trailing '.' removed, and "-0" turned into "0". That is why
 *   SET k 0.1; INCRBYFLOAT k 0.2 gives "0.3" (not 0.30000000000000004), 1e20
 *   prints as "100000000000000000000", 1e-20 and -1e-20 print as "0", and
 *   1e300 prints as all 301 digits of the long double nearest to 1e300.
 *   "inf" parses, so INCRBYFLOAT k inf fails later with "increment would
 *   produce NaN or Infinity"; "1e5000" fails to parse ("value is not a valid
 *   float"). LongDouble emulates that format exactly with BigInt
 *   (value = mant * 2^exp), correctly rounded, ties to even, like the FPU.
 *
 * Double output ("%.17g", used by ZSCORE, ZINCRBY, ZRANGE WITHSCORES, ZSCAN):
 * glibc rounds the exact binary value half-to-even, JavaScript's toPrecision
 * rounds exact ties up; they differ on values such as 2^-25, where Redis prints
 * 2.9802322387695312e-08. formatDouble handles those ties.
 */

import { latin1 } from '../resp/latin1';

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

const CH_0 = 48;
const CH_9 = 57;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_DOT = 46;

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

const digitScratch = Buffer.alloc(24);

/**
 * The decimal text of a safe integer, as String(n) writes it. Counters (INCR, HINCRBY) go through this rather
 * than String(n): V8 keeps every String(n) result in its number-to-string cache, so each counter value stayed
 * alive for thousands of later commands, survived young-generation collections and was promoted, which made
 * each collection copy the cache's strings and slowly filled the old generation.
 */
export function formatInt(n: number): string {
  const buf = digitScratch;
  let v = n < 0 ? -n : n;
  let p = buf.length;
  do {
    const q = Math.floor(v / 10);
    buf[--p] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
  if (n < 0) buf[--p] = 45; /* '-' */
  return latin1(buf, p, buf.length - p);
}

/**
 * Redis string2ll restricted to the JS safe-integer range: returns the value
 * when `s` is a valid Redis integer with |value| <= 2^53-1, null otherwise
 * (invalid, or valid but too big for a number: fall back to parseI64).
 */
export function parseSafeInt(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 17) return null;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === CH_MINUS) {
    if (len === 1) return null;
    neg = true;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c < 49 || c > CH_9) {
    // Only "0" itself may start with a zero.
    return len === 1 && c === CH_0 ? 0 : null;
  }
  let v = c - CH_0;
  for (i++; i < len; i++) {
    c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return null;
    v = v * 10 + (c - CH_0);
  }
  // With at most 16 digits v is exact or already >= 2^53, so this is exact.
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** Redis string2ll exactly: any valid signed 64-bit integer, else null. */
export function parseI64(s: string): bigint | null {
  const len = s.length;
  if (len <= 16) {
    // Short texts are mostly safe integers; 16 digits may still exceed 2^53 (slow path below).
    const n = parseSafeInt(s);
    if (n !== null) return BigInt(n);
  }
  if (len > 20 || len === 0) return null;
  let i = s.charCodeAt(0) === CH_MINUS ? 1 : 0;
  const first = s.charCodeAt(i);
  if (!(first >= 49 && first <= CH_9)) return null; // also NaN past the end ("-")
  for (i++; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return null;
  }
  const v = BigInt(s);
  return v > I64_MAX || v < I64_MIN ? null : v;
}

// ---------------------------------------------------------------------------
// Binary floating-point formats and exact rounding
// ---------------------------------------------------------------------------

/** An IEEE-style binary format: p significand bits, normal exponents emin..emax. */
interface BinaryFormat {
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  /** Decimal exponents beyond which a decimal input surely overflows / underflows. */
  readonly decOverflow: number;
  readonly decUnderflow: number;
}

const LOG10_2 = 0.3010299956639812;

function makeFormat(p: number, emin: number, emax: number): BinaryFormat {
  return {
    p,
    emin,
    emax,
    decOverflow: Math.ceil((emax + 1) * LOG10_2) + 2,
    decUnderflow: Math.floor((emin - p - 1) * LOG10_2) - 2,
  };
}

const BINARY64 = makeFormat(53, -1022, 1023);
const X87_EXTENDED = makeFormat(64, -16382, 16383);

const R_FINITE = 0;
const R_INF = 1;

/** Result of rounding an exact value into a format. */
interface Rounded {
  kind: typeof R_FINITE | typeof R_INF;
  /** value = mant * 2^exp; mant === 0n means zero. */
  mant: bigint;
  exp: number;
  inexact: boolean;
  /** Underflow as glibc reports it: inexact and tiny (after rounding). */
  tiny: boolean;
}

function bitLength(n: bigint): number {
  // n > 0. toString(16) is linear and avoids a loop over bits.
  const hex = n.toString(16);
  const d = parseInt(hex[0]!, 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(d));
}

/**
 * Rounds (n + sticky) * 2^e, n > 0, to the nearest value of `fmt`, ties to
 * even; `sticky` says there are nonzero bits below n's last bit. Callers that
 * set sticky must give n at least p+2 bits so the rounding point lies inside n.
 */
function roundBinary(n: bigint, e: number, sticky: boolean, fmt: BinaryFormat): Rounded {
  const len = bitLength(n);
  const top = e + len - 1;
  const minLsb = fmt.emin - (fmt.p - 1);
  let lsb = top - (fmt.p - 1);
  if (lsb < minLsb) lsb = minLsb;
  let mant = n;
  let exp = e;
  let inexact = sticky;
  if (lsb > e) {
    const shift = BigInt(lsb - e);
    let q = n >> shift;
    const r = n - (q << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (sticky || (q & 1n) === 1n))) q += 1n;
    inexact = sticky || r !== 0n;
    mant = q;
    exp = lsb;
    if (q === 1n << BigInt(fmt.p)) {
      // Rounding carried into a new bit: keep the mantissa within p bits.
      mant = q >> 1n;
      exp++;
    }
  }
  if (mant !== 0n && exp + bitLength(mant) - 1 > fmt.emax) {
    return { kind: R_INF, mant: 0n, exp: 0, inexact: true, tiny: false };
  }
  let tiny = false;
  if (inexact && top < fmt.emin) {
    // Tininess after rounding (x86): tiny unless rounding to p bits with an
    // unbounded exponent would reach 2^emin.
    tiny = true;
    if (top === fmt.emin - 1 && len > fmt.p) {
      const shift = BigInt(len - fmt.p);
      let q = n >> shift;
      const r = n - (q << shift);
      const half = 1n << (shift - 1n);
      if (r > half || (r === half && (sticky || (q & 1n) === 1n))) q += 1n;
      if (bitLength(q) > fmt.p) tiny = false;
    }
  }
  return { kind: R_FINITE, mant, exp, inexact, tiny };
}

/** Converts digits * 10^decExp (digits: decimal string without leading zeros, nonempty). */
function decimalToBinary(digits: string, decExp: number, fmt: BinaryFormat): Rounded {
  const magnitude = digits.length + decExp; // value < 10^magnitude
  if (magnitude - 1 > fmt.decOverflow) {
    return { kind: R_INF, mant: 0n, exp: 0, inexact: true, tiny: false };
  }
  if (magnitude < fmt.decUnderflow) {
    return { kind: R_FINITE, mant: 0n, exp: 0, inexact: true, tiny: true };
  }
  const d = BigInt(digits);
  if (decExp >= 0) return roundBinary(d * 10n ** BigInt(decExp), 0, false, fmt);
  const den = 10n ** BigInt(-decExp);
  // Scale so that the quotient has at least p+3 bits; the rest becomes sticky.
  let s = fmt.p + 3 + bitLength(den) - bitLength(d);
  if (s < 0) s = 0;
  const num = d << BigInt(s);
  const q = num / den;
  return roundBinary(q, -s, q * den !== num, fmt);
}

function hexToBinary(hexDigits: string, binExp: number, fmt: BinaryFormat): Rounded {
  const n = BigInt('0x' + hexDigits);
  const top = binExp + bitLength(n) - 1;
  if (top > fmt.emax + 1) return { kind: R_INF, mant: 0n, exp: 0, inexact: true, tiny: false };
  if (top < fmt.emin - fmt.p - 2) return { kind: R_FINITE, mant: 0n, exp: 0, inexact: true, tiny: true };
  return roundBinary(n, binExp, false, fmt);
}

/** mant * 2^exp as a double; exact because mant/exp came from BINARY64 rounding. */
function scaleToNumber(mant: bigint, exp: number): number {
  let x = Number(mant);
  while (exp > 0) {
    const step = exp > 1000 ? 1000 : exp;
    x *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = exp < -1000 ? -1000 : exp;
    x *= 2 ** step;
    exp -= step;
  }
  return x;
}

// ---------------------------------------------------------------------------
// strtod / strtold syntax scanner
// ---------------------------------------------------------------------------

const K_NONE = 0;
const K_DEC = 1;
const K_HEX = 2;
const K_INF = 3;
const K_NAN = 4;

/** What a strtod-style scan found; reused to avoid allocating per call. */
interface Scan {
  kind: number;
  neg: boolean;
  /** Index just past the consumed text (== start when nothing was converted). */
  end: number;
  /** Significant digits (leading zeros stripped; "" when the value is zero). */
  digits: string;
  /** value = digits * base^scale where base is 10 (K_DEC) or 2 (K_HEX). */
  scale: number;
  /** K_DEC only: where the integer and fraction digits are (digits stays ""
   * until decimalDigitsOf, so the fast path builds no strings). */
  intStart: number;
  intEnd: number;
  fracStart: number;
  fracEnd: number;
}

const scanScratch: Scan = {
  kind: K_NONE,
  neg: false,
  end: 0,
  digits: '',
  scale: 0,
  intStart: 0,
  intEnd: 0,
  fracStart: 0,
  fracEnd: 0,
};

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexVal(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Case-insensitive match of lowercase ASCII `word` at s[i]. */
function matchWord(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 32) !== word.charCodeAt(k)) return false;
  }
  return true;
}

const EXP_CLAMP = 1e9;

/** Where the exponent read by the last scanExponent ended (a module variable avoids allocating a result). */
let expEnd = 0;

/**
 * strtod's optional exponent at s[j]: `letter` (e or p, any case), an optional sign and at least one digit.
 * Returns the exponent (0 when absent or malformed, which then is not consumed) and sets expEnd.
 */
function scanExponent(s: string, j: number, letter: number): number {
  expEnd = j;
  if ((s.charCodeAt(j) | 32) !== letter) return 0;
  const len = s.length;
  let k = j + 1;
  let eneg = false;
  const sc = s.charCodeAt(k);
  if (sc === CH_MINUS || sc === CH_PLUS) {
    eneg = sc === CH_MINUS;
    k++;
  }
  const eStart = k;
  let e = 0;
  while (k < len) {
    const d = s.charCodeAt(k);
    if (d < CH_0 || d > CH_9) break;
    if (e < EXP_CLAMP) e = e * 10 + (d - CH_0);
    k++;
  }
  if (k === eStart) return 0;
  expEnd = k;
  return eneg ? -e : e;
}

/**
 * Scans the longest prefix of s[start..] that glibc strtod/strtold would
 * convert in the C locale (after optional leading isspace characters).
 * Fills and returns the shared scratch object.
 */
function scanStrtod(s: string, start: number, out: Scan): Scan {
  const len = s.length;
  let i = start;
  while (i < len && isCSpace(s.charCodeAt(i))) i++;
  out.kind = K_NONE;
  out.neg = false;
  out.end = start;
  out.digits = '';
  out.scale = 0;
  let c = s.charCodeAt(i);
  if (c === CH_MINUS || c === CH_PLUS) {
    out.neg = c === CH_MINUS;
    i++;
    c = s.charCodeAt(i);
  }
  const lc = c | 32;
  if (lc === 105 /* i */) {
    if (matchWord(s, i, 'inf')) {
      out.kind = K_INF;
      out.end = matchWord(s, i, 'infinity') ? i + 8 : i + 3;
    }
    return out;
  }
  if (lc === 110 /* n */) {
    if (matchWord(s, i, 'nan')) {
      out.kind = K_NAN;
      let j = i + 3;
      out.end = j;
      if (s.charCodeAt(j) === 40 /* ( */) {
        j++;
        for (;;) {
          const d = s.charCodeAt(j);
          const dl = d | 32;
          if ((d >= CH_0 && d <= CH_9) || (dl >= 97 && dl <= 122) || d === 95) j++;
          else break;
        }
        if (s.charCodeAt(j) === 41 /* ) */) out.end = j + 1;
      }
    }
    return out;
  }
  if (c === CH_0 && (s.charCodeAt(i + 1) | 32) === 120 /* x */) {
    // Hex float: needs at least one hex digit, else only the "0" converts.
    let j = i + 2;
    const intStart = j;
    while (hexVal(s.charCodeAt(j)) >= 0) j++;
    const intEnd = j;
    let fracStart = j;
    let fracEnd = j;
    if (s.charCodeAt(j) === CH_DOT) {
      fracStart = j + 1;
      fracEnd = fracStart;
      while (hexVal(s.charCodeAt(fracEnd)) >= 0) fracEnd++;
    }
    if (intEnd > intStart || fracEnd > fracStart) {
      j = fracEnd;
      const e = scanExponent(s, j, 112 /* p */);
      j = expEnd;
      out.kind = K_HEX;
      out.end = j;
      out.digits = stripLeadingZeros(s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd));
      out.scale = e - 4 * (fracEnd - fracStart);
      return out;
    }
    // Fall through: "0x" with no digits converts just the "0".
  }
  // Decimal.
  let j = i;
  const intStart = j;
  while (j < len) {
    const d = s.charCodeAt(j);
    if (d < CH_0 || d > CH_9) break;
    j++;
  }
  const intEnd = j;
  let fracStart = j;
  let fracEnd = j;
  if (s.charCodeAt(j) === CH_DOT) {
    fracStart = j + 1;
    fracEnd = fracStart;
    while (fracEnd < len) {
      const d = s.charCodeAt(fracEnd);
      if (d < CH_0 || d > CH_9) break;
      fracEnd++;
    }
  }
  if (intEnd === intStart && fracEnd === fracStart) return out; // no digits at all
  j = fracEnd;
  const e = scanExponent(s, j, 101 /* e */);
  j = expEnd;
  out.kind = K_DEC;
  out.end = j;
  out.scale = e;
  out.intStart = intStart;
  out.intEnd = intEnd;
  out.fracStart = fracStart;
  out.fracEnd = fracEnd;
  return out;
}

/** Fills digits/scale of a K_DEC scan of `s` (value = digits * 10^scale). */
function decimalDigitsOf(s: string, scan: Scan): void {
  scan.digits = stripLeadingZeros(
    s.slice(scan.intStart, scan.intEnd) + s.slice(scan.fracStart, scan.fracEnd),
  );
  scan.scale -= scan.fracEnd - scan.fracStart;
}

function stripLeadingZeros(digits: string): string {
  let z = 0;
  while (z < digits.length && digits.charCodeAt(z) === CH_0) z++;
  return z === 0 ? digits : digits.slice(z);
}

// ---------------------------------------------------------------------------
// Doubles
// ---------------------------------------------------------------------------

/** Result of strtod(): the value, where conversion stopped, and errno==ERANGE. */
export interface StrtodResult {
  value: number;
  /** Index just past the converted text; equals `start` if nothing converted. */
  end: number;
  /** glibc's ERANGE: overflow, or an inexact result that is tiny (incl. zero). */
  erange: boolean;
}

/**
 * glibc strtod(s + start) in the C locale: skips leading isspace, converts the
 * longest valid prefix, correctly rounded. A scan of nothing gives value 0 and
 * end === start, like C.
 */
export function strtod(s: string, start = 0): StrtodResult {
  const scan = scanStrtod(s, start, scanScratch);
  const r: StrtodResult = { value: 0, end: scan.end, erange: false };
  convertScanToDouble(s, scan, r);
  return r;
}

function convertScanToDouble(s: string, scan: Scan, r: StrtodResult): void {
  const sign = scan.neg ? -1 : 1;
  switch (scan.kind) {
    case K_NONE:
      r.value = 0;
      return;
    case K_INF:
      r.value = sign * Infinity;
      return;
    case K_NAN:
      r.value = NaN;
      return;
    case K_HEX: {
      if (scan.digits === '') {
        r.value = sign * 0;
        return;
      }
      applyRounded(hexToBinary(scan.digits, scan.scale, BINARY64), sign, r);
      return;
    }
    default: {
      // Decimal: JS Number() is correctly rounded too; only its syntax differs,
      // and the text between the positions is already known to be valid.
      const v = Number(s.slice(scan.intStart, scan.end));
      if (v === Infinity) {
        r.value = sign * Infinity;
        r.erange = true;
      } else if (v > 2.2250738585072014e-308) {
        r.value = sign * v;
      } else {
        // Zero, subnormal, or DBL_MIN (maybe rounded up from below): find out
        // exactly whether it is a true zero and whether it underflowed
        // (glibc's ERANGE).
        decimalDigitsOf(s, scan);
        if (scan.digits === '') {
          r.value = sign * 0;
          return;
        }
        applyRounded(decimalToBinary(scan.digits, scan.scale, BINARY64), sign, r);
      }
    }
  }
}

function applyRounded(rd: Rounded, sign: number, r: StrtodResult): void {
  if (rd.kind === R_INF) {
    r.value = sign * Infinity;
    r.erange = true;
    return;
  }
  r.value = rd.mant === 0n ? sign * 0 : sign * scaleToNumber(rd.mant, rd.exp);
  r.erange = rd.tiny;
}

const strtodScratch: StrtodResult = { value: 0, end: 0, erange: false };

/**
 * Redis string2d / getDoubleFromObject: the float syntax ZADD, ZINCRBY,
 * GEOADD and friends accept (see the header). Returns null when Redis replies
 * "value is not a valid float".
 */
export function parseDouble(s: string): number | null {
  const len = s.length;
  // Fast path for the common score: an optional '-' and at most 15 decimal digits, which strtod reads exactly.
  const neg = len > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (len > neg && len - neg <= 15) {
    let v = 0;
    let i = neg;
    for (; i < len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === len) return neg === 1 ? -v : v;
  }
  if (len === 0 || isCSpace(s.charCodeAt(0))) return null;
  const scan = scanStrtod(s, 0, scanScratch);
  if (scan.end !== len || scan.kind === K_NAN || scan.kind === K_NONE) return null;
  const r = strtodScratch;
  r.erange = false;
  convertScanToDouble(s, scan, r);
  if (r.erange && (r.value === 0 || !Number.isFinite(r.value))) return null;
  return r.value;
}

/**
 * The acceptance of zslParseRange (ZRANGEBYSCORE/ZCOUNT/ZREMRANGEBYSCORE/
 * ZRANGE BYSCORE bounds, `s` being the text after any '('): plain strtod, so
 * leading whitespace is skipped, "" is 0, overflow gives +-inf, and parsing
 * may end at an embedded NUL; anything else left over, or NaN, is rejected.
 * Returns null where Redis replies "min or max is not a float".
 */
export function parseDoubleLenient(s: string): number | null {
  const scan = scanStrtod(s, 0, scanScratch);
  if (scan.kind === K_NAN) return null;
  if (scan.end !== s.length && s.charCodeAt(scan.end) !== 0) return null;
  const r = strtodScratch;
  r.erange = false;
  convertScanToDouble(s, scan, r);
  return r.value;
}

/**
 * C printf("%.17g", d), which Redis 7.0 uses for every double reply (ZSCORE,
 * ZINCRBY, ZRANGE WITHSCORES, ZSCAN): "inf", "-inf", "-0", "0.5",
 * "1.1000000000000001", "1e+20", "2.9802322387695312e-08" (ties to even).
 */
export function formatDouble(d: number): string {
  if (Number.isInteger(d)) {
    // Safe integers have at most 16 digits and String() prints them exactly,
    // as %.17g does. (Larger ones: String() picks the shortest round-trip
    // digits, which is not what printf does.)
    if (d <= 9007199254740992 && d >= -9007199254740992) {
      return d === 0 && 1 / d < 0 ? '-0' : String(d);
    }
  } else if (d !== d) {
    return 'nan';
  }
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const neg = d < 0;
  const a = neg ? -d : d;
  const e = a.toExponential(16); // "d.dddddddddddddddde+X": exact, but ties round up
  const ePos = e.indexOf('e');
  let digits = e[0]! + e.slice(2, ePos);
  const x = +e.slice(ePos + 1);
  // An exact tie needs an expansion of exactly 18 significant digits ending
  // in 5: a value with exactly k fractional bits has k fractional decimals,
  // so that is k = 17 - x with x in -8..16 (k <= 25: 5^26 alone has 19
  // digits). If the tie carried into a new digit, x is one higher, but then
  // rounding up was right anyway (the 17th digit was a 9).
  if (x >= -8 && x <= 16) {
    const k = 17 - x;
    if (Number.isInteger(a * 2 ** k) && !Number.isInteger(a * 2 ** (k - 1))) {
      const last = digits.charCodeAt(16) - CH_0;
      // toExponential rounded the tie up to an odd digit: glibc keeps the even one.
      if (last % 2 === 1) digits = digits.slice(0, 16) + String.fromCharCode(CH_0 + last - 1);
    }
  }
  return (neg ? '-' : '') + formatG17(digits, x);
}

/** Lays out 17 significant digits with decimal exponent x as %.17g does. */
function formatG17(digits: string, x: number): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === CH_0) end--;
  const sig = digits.slice(0, end);
  if (x < -4 || x >= 17) {
    const ax = x < 0 ? -x : x;
    return (
      sig[0]! +
      (sig.length > 1 ? '.' + sig.slice(1) : '') +
      (x < 0 ? 'e-' : 'e+') +
      (ax < 10 ? '0' + ax : String(ax))
    );
  }
  if (x < 0) return '0.' + '0'.repeat(-x - 1) + sig;
  if (sig.length <= x + 1) return sig + '0'.repeat(x + 1 - sig.length);
  return sig.slice(0, x + 1) + '.' + sig.slice(x + 1);
}

/**
 * ld2string(LD_STR_HUMAN) applied to a double (Redis's addReplyHumanLongDouble
 * of a double, e.g. GEOPOS coordinates): "%.17Lf" of the exact value with
 * trailing zeros trimmed.
 */
export function formatDoubleHuman(d: number): string {
  return formatLongDoubleHuman(longDoubleFromNumber(d));
}

// ---------------------------------------------------------------------------
// x87 long double
// ---------------------------------------------------------------------------

const LD_FINITE = 0;
const LD_INF = 1;
const LD_NAN = 2;

/**
 * An x87 80-bit extended value: neg, and for finite values mant * 2^exp with
 * mant < 2^64 (not normalised). Immutable. Zero is mant === 0n (with sign).
 */
export class LongDouble {
  private constructor(
    readonly neg: boolean,
    readonly mant: bigint,
    readonly exp: number,
    /** 0 finite, 1 infinite, 2 NaN. */
    readonly kind: 0 | 1 | 2,
  ) {}

  static readonly ZERO = new LongDouble(false, 0n, 0, LD_FINITE);
  static readonly NEG_ZERO = new LongDouble(true, 0n, 0, LD_FINITE);
  static readonly INFINITY = new LongDouble(false, 0n, 0, LD_INF);
  static readonly NEG_INFINITY = new LongDouble(true, 0n, 0, LD_INF);
  static readonly NAN = new LongDouble(false, 0n, 0, LD_NAN);

  /** Internal: builds from a rounding result (no validation). */
  static fromParts(neg: boolean, mant: bigint, exp: number): LongDouble {
    if (mant === 0n) return neg ? LongDouble.NEG_ZERO : LongDouble.ZERO;
    return new LongDouble(neg, mant, exp, LD_FINITE);
  }

  isFinite(): boolean {
    return this.kind === LD_FINITE;
  }

  isNaN(): boolean {
    return this.kind === LD_NAN;
  }

  isZero(): boolean {
    return this.kind === LD_FINITE && this.mant === 0n;
  }
}

function ldFromRounded(rd: Rounded, neg: boolean): LongDouble {
  if (rd.kind === R_INF) return neg ? LongDouble.NEG_INFINITY : LongDouble.INFINITY;
  return LongDouble.fromParts(neg, rd.mant, rd.exp);
}

/** Result of strtold(): see StrtodResult. */
export interface StrtoldResult {
  value: LongDouble;
  end: number;
  erange: boolean;
}

/** glibc strtold(s + start) for the x87 format; same syntax as strtod. */
export function strtold(s: string, start = 0): StrtoldResult {
  const scan = scanStrtod(s, start, scanScratch);
  const neg = scan.neg;
  switch (scan.kind) {
    case K_NONE:
      return { value: LongDouble.ZERO, end: scan.end, erange: false };
    case K_INF:
      return { value: neg ? LongDouble.NEG_INFINITY : LongDouble.INFINITY, end: scan.end, erange: false };
    case K_NAN:
      return { value: LongDouble.NAN, end: scan.end, erange: false };
    default: {
      if (scan.kind === K_DEC) decimalDigitsOf(s, scan);
      if (scan.digits === '') {
        return { value: neg ? LongDouble.NEG_ZERO : LongDouble.ZERO, end: scan.end, erange: false };
      }
      const rd =
        scan.kind === K_DEC
          ? decimalToBinary(scan.digits, scan.scale, X87_EXTENDED)
          : hexToBinary(scan.digits, scan.scale, X87_EXTENDED);
      return { value: ldFromRounded(rd, neg), end: scan.end, erange: rd.kind === R_INF || rd.tiny };
    }
  }
}

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs this long or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * Redis string2ld / getLongDoubleFromObject (INCRBYFLOAT, HINCRBYFLOAT,
 * timeouts): null where Redis replies "value is not a valid float" (or the
 * caller's own message). "inf" is accepted; the caller checks the result.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const len = s.length;
  if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS || isCSpace(s.charCodeAt(0))) return null;
  const r = strtold(s, 0);
  if (r.end !== len || r.value.kind === LD_NAN) return null;
  if (r.erange && (r.value.kind === LD_INF || r.value.mant === 0n)) return null;
  return r.value;
}

/** Exact conversion of a double (every double is a long double). */
export function longDoubleFromNumber(d: number): LongDouble {
  if (d !== d) return LongDouble.NAN;
  if (d === Infinity) return LongDouble.INFINITY;
  if (d === -Infinity) return LongDouble.NEG_INFINITY;
  if (d === 0) return 1 / d < 0 ? LongDouble.NEG_ZERO : LongDouble.ZERO;
  const neg = d < 0;
  let a = neg ? -d : d;
  // Scale fractions up to an integer (exact: only the exponent changes).
  let exp = 0;
  while (!Number.isInteger(a)) {
    a *= 2 ** 32;
    exp -= 32;
  }
  return LongDouble.fromParts(neg, BigInt(a), exp);
}

/** Exact conversion of an integer (|n| < 2^64 is exact, larger rounds). */
export function longDoubleFromBigInt(n: bigint): LongDouble {
  if (n === 0n) return LongDouble.ZERO;
  const neg = n < 0n;
  return ldFromRounded(roundBinary(neg ? -n : n, 0, false, X87_EXTENDED), neg);
}

/** The double nearest to x (ties to even), as a C (double) cast does. */
export function longDoubleToNumber(x: LongDouble): number {
  if (x.kind === LD_NAN) return NaN;
  const sign = x.neg ? -1 : 1;
  if (x.kind === LD_INF) return sign * Infinity;
  if (x.mant === 0n) return sign * 0;
  const rd = roundBinary(x.mant, x.exp, false, BINARY64);
  if (rd.kind === R_INF) return sign * Infinity;
  return rd.mant === 0n ? sign * 0 : sign * scaleToNumber(rd.mant, rd.exp);
}

/** a + b in x87 extended precision, round to nearest even (C `a + b`). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === LD_NAN || b.kind === LD_NAN) return LongDouble.NAN;
  if (a.kind === LD_INF || b.kind === LD_INF) {
    if (a.kind === LD_INF && b.kind === LD_INF && a.neg !== b.neg) return LongDouble.NAN;
    return a.kind === LD_INF ? a : b;
  }
  if (a.mant === 0n) {
    if (b.mant === 0n) return a.neg && b.neg ? LongDouble.NEG_ZERO : LongDouble.ZERO;
    return b;
  }
  if (b.mant === 0n) return a;
  const e = a.exp < b.exp ? a.exp : b.exp;
  const ma = a.mant << BigInt(a.exp - e);
  const mb = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -ma : ma) + (b.neg ? -mb : mb);
  if (sum === 0n) return LongDouble.ZERO; // x + (-x) is +0 when rounding to nearest
  const neg = sum < 0n;
  return ldFromRounded(roundBinary(neg ? -sum : sum, e, false, X87_EXTENDED), neg);
}

/** a * b in x87 extended precision (e.g. a timeout in seconds times 1000). */
export function mulLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  const neg = a.neg !== b.neg;
  if (a.kind === LD_NAN || b.kind === LD_NAN) return LongDouble.NAN;
  if (a.kind === LD_INF || b.kind === LD_INF) {
    if (a.isZero() || b.isZero()) return LongDouble.NAN;
    return neg ? LongDouble.NEG_INFINITY : LongDouble.INFINITY;
  }
  if (a.mant === 0n || b.mant === 0n) return neg ? LongDouble.NEG_ZERO : LongDouble.ZERO;
  return ldFromRounded(roundBinary(a.mant * b.mant, a.exp + b.exp, false, X87_EXTENDED), neg);
}

/** Integer part of x toward zero, like a C cast (caller checks range/finiteness). */
export function truncLongDouble(x: LongDouble): bigint {
  if (x.kind !== LD_FINITE || x.mant === 0n) return 0n;
  const m = x.exp >= 0 ? x.mant << BigInt(x.exp) : x.mant >> BigInt(-x.exp);
  return x.neg ? -m : m;
}

const TEN_POW_17 = 10n ** 17n;

/**
 * Redis ld2string(..., LD_STR_HUMAN): printf("%.17Lf") of the exact value
 * (ties to even), then trailing zeros and a trailing '.' removed, and "-0"
 * becomes "0". Non-finite values print "inf", "-inf", "nan". This is the
 * INCRBYFLOAT/HINCRBYFLOAT reply and the value they store.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === LD_INF) return x.neg ? '-inf' : 'inf';
  if (x.kind === LD_NAN) return 'nan';
  let scaled: bigint; // round(|x| * 10^17)
  if (x.exp >= 0) {
    scaled = (x.mant << BigInt(x.exp)) * TEN_POW_17;
  } else {
    const shift = BigInt(-x.exp);
    const num = x.mant * TEN_POW_17;
    scaled = num >> shift;
    const r = num - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  if (scaled === 0n) return '0';
  let digits = scaled.toString();
  if (digits.length < 18) digits = '0'.repeat(18 - digits.length) + digits;
  const intPart = digits.slice(0, digits.length - 17);
  let frac = digits.slice(digits.length - 17);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === CH_0) end--;
  frac = frac.slice(0, end);
  return (x.neg ? '-' : '') + intPart + (frac.length > 0 ? '.' + frac : '');
}
