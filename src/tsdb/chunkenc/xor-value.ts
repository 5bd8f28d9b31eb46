/**
 * Gorilla's XOR value compression, as Prometheus's chunks use it for float samples and for
 * the float fields of histogram samples: a value equal to the previous one costs one bit;
 * otherwise the XOR of the two is written either inside the previous window of meaningful
 * bits ("10" + bits) or with a new window ("11" + 5-bit leading zeros + 6-bit length + bits).
 * Leading zeros are clamped to 31 so that they fit 5 bits; a length of 64 is written as 0.
 */
import type { BitReader, BitWriter } from './bstream.js';
import { wordsFloat } from './words.js';

/** Leading-zero count meaning "no window yet" on the writing side. */
export const NO_WINDOW = 0xff;

/**
 * The state one XOR-compressed field carries from sample to sample: the previous value's
 * bits and the current window. `value` mirrors the bits as a number on the reading side.
 */
export class XorState {
  hi = 0;
  lo = 0;
  leading = 0;
  trailing = 0;
  value = 0;

  reset(leading: number): void {
    this.hi = 0;
    this.lo = 0;
    this.leading = leading;
    this.trailing = 0;
    this.value = 0;
  }

  copyFrom(o: XorState): void {
    this.hi = o.hi;
    this.lo = o.lo;
    this.leading = o.leading;
    this.trailing = o.trailing;
    this.value = o.value;
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Writes the value with bits (hi, lo) relative to the state's previous value, and advances the state. */
export function xorWrite(w: BitWriter, st: XorState, hi: number, lo: number): void {
  const dhi = (hi ^ st.hi) | 0;
  const dlo = (lo ^ st.lo) | 0;
  st.hi = hi | 0;
  st.lo = lo | 0;
  if (dhi === 0 && dlo === 0) {
    w.writeBit(0);
    return;
  }
  let leading = dhi !== 0 ? Math.clz32(dhi) : 32 + Math.clz32(dlo);
  const trailing = dlo !== 0 ? ctz32(dlo) : 32 + ctz32(dhi);
  if (leading >= 32) leading = 31;
  if (st.leading !== NO_WINDOW && leading >= st.leading && trailing >= st.trailing) {
    w.writeBits(0b10, 2);
    writeSignificant(w, dhi, dlo, st.leading, st.trailing);
    return;
  }
  st.leading = leading;
  st.trailing = trailing;
  const sig = 64 - leading - trailing;
  // "11", 5 bits of leading zeros, 6 bits of length (64 wraps to 0).
  w.writeBits((0b11 << 11) | (leading << 6) | (sig & 63), 13);
  writeSignificant(w, dhi, dlo, leading, trailing);
}

/** Writes bits [trailing, 64 - leading) of the 64-bit XOR, most significant first. leading < 32. */
function writeSignificant(w: BitWriter, dhi: number, dlo: number, leading: number, trailing: number): void {
  if (trailing >= 32) {
    w.writeBits(dhi >>> (trailing - 32), 64 - leading - trailing);
    return;
  }
  w.writeBits(dhi, 32 - leading);
  w.writeBits(dlo >>> trailing, 32 - trailing);
}

/**
 * Reads one XOR-compressed value into the state. Returns 1 when the value changed, 0 when it
 * is unchanged, -1 on a malformed window (the reader's eof flag reports short data).
 */
export function xorRead(r: BitReader, st: XorState): number {
  let leading: number;
  let trailing: number;
  let reuse: boolean;
  const valid = r.valid;
  if (valid >= 2) {
    // Both control bits are at hand: no per-bit calls.
    const top = (r.cur >>> (valid - 2)) & 3;
    if (top < 2) {
      r.valid = valid - 1;
      return 0;
    }
    r.valid = valid - 2;
    reuse = top === 2;
  } else {
    if (r.readBit() === 0) return 0;
    reuse = r.readBit() === 0;
  }
  if (reuse) {
    leading = st.leading;
    trailing = st.trailing;
  } else {
    leading = r.readBits(5);
    let sig = r.readBits(6);
    if (sig === 0) sig = 64;
    trailing = 64 - leading - sig;
    if (trailing < 0) return -1;
    st.leading = leading;
    st.trailing = trailing;
  }
  if (trailing >= 32) {
    const n = 64 - leading - trailing;
    if (n > 0) st.hi = (st.hi ^ (r.readBits(n) << (trailing - 32))) | 0;
  } else {
    if (leading < 32) st.hi = (st.hi ^ r.readBits(32 - leading)) | 0;
    st.lo = (st.lo ^ (r.readBits(32 - trailing) << trailing)) | 0;
  }
  st.value = wordsFloat(st.hi, st.lo);
  return 1;
}
