/**
 * CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones" polynomial 0xad93d23594c935a9,
 * reflected input and output, initial value 0, no final xor (check value of "123456789" is 0xe9c6d914c4b8d9ca).
 *
 * JS has no fast 64-bit integer, and BigInt per byte would make checksumming a large file the slowest part of
 * a save, so the register is kept as two uint32 halves and the reflected algorithm is run "slicing by 8":
 * eight 256-entry tables (each split into hi/lo Uint32Arrays) fold eight input bytes per step. The running
 * state is exposed (`Crc64`) so a writer can checksum chunk by chunk as it streams them out.
 */

/** The polynomial 0xad93d23594c935a9 bit-reflected, as the reflected (LSB-first) algorithm uses it. */
const POLY_REFLECTED_HI = 0x95ac9329;
const POLY_REFLECTED_LO = 0xac4bc9b5;

const TABLES = 8;
const tabLo = new Uint32Array(256 * TABLES);
const tabHi = new Uint32Array(256 * TABLES);

(function buildTables(): void {
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ POLY_REFLECTED_LO) >>> 0;
        hi = (hi ^ POLY_REFLECTED_HI) >>> 0;
      }
    }
    tabLo[n] = lo;
    tabHi[n] = hi;
  }
  // Table t maps a byte to its CRC contribution when followed by t zero bytes.
  for (let t = 1; t < TABLES; t++) {
    for (let n = 0; n < 256; n++) {
      const plo = tabLo[(t - 1) * 256 + n];
      const phi = tabHi[(t - 1) * 256 + n];
      const idx = plo & 0xff;
      tabLo[t * 256 + n] = (tabLo[idx] ^ ((plo >>> 8) | ((phi & 0xff) << 24))) >>> 0;
      tabHi[t * 256 + n] = (tabHi[idx] ^ (phi >>> 8)) >>> 0;
    }
  }
})();

/** An incremental CRC-64 (Jones) computation. */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  /** Folds buf[start, end) into the checksum. */
  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    // Eight bytes at a time: xor them into the register, then look each byte up in the table for its distance
    // from the end of the group.
    while (end - i >= 8) {
      const a = (lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))) >>> 0;
      const b = (hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24))) >>> 0;
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = tabLo[i7] ^ tabLo[i6] ^ tabLo[i5] ^ tabLo[i4] ^ tabLo[i3] ^ tabLo[i2] ^ tabLo[i1] ^ tabLo[i0];
      hi = tabHi[i7] ^ tabHi[i6] ^ tabHi[i5] ^ tabHi[i4] ^ tabHi[i3] ^ tabHi[i2] ^ tabHi[i1] ^ tabHi[i0];
      i += 8;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      const nlo = (lo >>> 8) | ((hi & 0xff) << 24);
      lo = tabLo[idx] ^ nlo;
      hi = tabHi[idx] ^ (hi >>> 8);
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** The checksum so far as an unsigned 64-bit BigInt. */
  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Writes the checksum as 8 little-endian bytes, the way RDB files store it. */
  writeLE(out: Uint8Array, offset: number): void {
    const { lo, hi } = this;
    out[offset] = lo & 0xff;
    out[offset + 1] = (lo >>> 8) & 0xff;
    out[offset + 2] = (lo >>> 16) & 0xff;
    out[offset + 3] = lo >>> 24;
    out[offset + 4] = hi & 0xff;
    out[offset + 5] = (hi >>> 8) & 0xff;
    out[offset + 6] = (hi >>> 16) & 0xff;
    out[offset + 7] = hi >>> 24;
  }
}

/** CRC-64 (Jones) of buf[start, end) as an unsigned 64-bit BigInt. */
export function crc64(buf: Uint8Array, start = 0, end = buf.length): bigint {
  return new Crc64().update(buf, start, end).digest();
}
