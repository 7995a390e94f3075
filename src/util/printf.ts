/**
 * printf("%.<n>f") as glibc prints a double: the exact binary value rounded half to even. JavaScript's
 * toFixed rounds ties away from zero (1.125 → "1.13" where C prints "1.12"), which shows in INFO ratios,
 * usec_per_call, latency percentiles and the percentile list of latency-tracking-info-percentiles.
 */

export function printfFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : '-nan';
  const neg = x < 0 || Object.is(x, -0);
  // |x| = mant * 2^exp exactly.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (bexp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = bexp - 1075;
  }
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) {
    q = (mant << BigInt(exp)) * scale;
  } else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return neg ? '-' + s : s;
}

/** "%f" with the trailing zeros and a trailing '.' removed (Redis's trimDoubleString). */
export function printfTrimmed(x: number): string {
  let s = printfFixed(x, 6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}
