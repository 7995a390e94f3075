/**
 * LZF compression, byte-compatible with liblzf 3.6 as bundled in Redis (lzf_c.c / lzf_d.c), used for RDB
 * strings when `rdbcompression yes` and for compressed quicklist nodes.
 *
 * The stream is a sequence of runs: a control byte < 32 means "copy ctrl+1 literal bytes"; otherwise the top
 * three bits are a back-reference length (7 means "add the next byte"), the low five bits plus the following
 * byte an offset of up to 8 KiB back into the output. The compressor mirrors liblzf's VERY_FAST variant: a 64K
 * hash of 3-byte prefixes to their last position. The hash table is reused across calls and never cleared:
 * like liblzf without INIT_HTAB, every candidate is re-checked against the current input, so stale slots only
 * cost a missed match, never a wrong one.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

const htab = new Int32Array(HSIZE);

function idx(h: number): number {
  return ((((h ^ (h << 5)) >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1)) >>> 0;
}

/**
 * Compresses input[inStart, inEnd) into out[0, outLen). Returns the compressed length, or 0 when the result
 * would not fit in outLen bytes (the caller then stores the data uncompressed, as Redis does with outLen =
 * len - 4).
 */
export function lzfCompress(input: Uint8Array, inStart: number, inEnd: number, out: Uint8Array, outLen: number): number {
  const inLen = inEnd - inStart;
  if (inLen === 0 || outLen === 0) return 0;
  const outEnd = Math.min(outLen, out.length);
  let ip = inStart;
  let op = 0;
  let lit = 0;
  op++; // start run

  let hval = (input[ip] << 8) | input[ip + 1];
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
    const slot = idx(hval);
    const ref = htab[slot] - 1; // slots hold position+1 so the zero-filled table means "nothing"
    htab[slot] = ip + 1;
    const off = ip - ref - 1;
    if (
      ref > inStart &&
      off >= 0 &&
      off < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      }
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      // liblzf first compares up to 16 bytes unrolled, without looking at maxlen, then continues with the
      // do/while below, which always adds one. Redis writes what that produces, so the same steps are kept.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return 0; // at most 3 bytes can be missing here
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return op;
}

/**
 * Decompresses input[inStart, inEnd) into a new Buffer that must come out exactly outLen bytes long. Throws
 * on any malformed stream (back-reference before the start, overrun, wrong final length) instead of reading
 * or writing out of bounds.
 */
export function lzfDecompress(input: Uint8Array, inStart: number, inEnd: number, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = inStart;
  let op = 0;
  while (ip < inEnd) {
    let ctrl = input[ip++];
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen) throw new Error('LZF data overruns its declared length');
      if (ip + ctrl > inEnd) throw new Error('LZF data truncated');
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >>> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= inEnd) throw new Error('LZF data truncated');
        len += input[ip++];
      }
      if (ip >= inEnd) throw new Error('LZF data truncated');
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen) throw new Error('LZF data overruns its declared length');
      if (ref < 0) throw new Error('LZF back-reference before start of data');
      // Byte by byte: the source may overlap the bytes being written (run-length style references).
      for (let k = 0; k < len; k++) out[op++] = out[ref++];
    }
  }
  if (op !== outLen) throw new Error('LZF data shorter than its declared length');
  return out;
}
