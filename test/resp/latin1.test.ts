/**
 * Unit test of latin1() (src/resp/latin1.ts): the JavaScript fast path for short strings must give exactly
 * the string Buffer#toString('latin1') gives, for every length it handles, every byte value and any offset.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latin1 } from '../../src/resp/latin1';
import { rng } from '../helpers';

describe('latin1', () => {
  it('matches Buffer#toString("latin1") for lengths 0..40, all byte values, any offset', () => {
    const r = rng(5);
    const buf = Buffer.alloc(300);
    for (let i = 0; i < buf.length; i++) buf[i] = i & 255;
    for (let n = 0; n <= 40; n++) {
      for (let trial = 0; trial < 50; trial++) {
        const p = Math.floor(r() * (buf.length - n));
        assert.equal(latin1(buf, p, n), buf.toString('latin1', p, p + n), `length ${n} at ${p}`);
      }
    }
    // Every byte value at every position of a 32-byte string (the longest made in JavaScript).
    for (let v = 0; v < 256; v++) {
      const b = Buffer.alloc(32, v);
      assert.equal(latin1(b, 0, 32), String.fromCharCode(v).repeat(32));
    }
  });
});
