import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BitReader, BitWriter } from './bstream.js';
import { putVarbitInt, putVarbitUint, readVarbitInt, readVarbitUint } from './varbit.js';
import { W, readUvarintWords, readVarintWords, wordsInt, wordsUint, writeUvarintWords, writeVarint, intWords } from './words.js';
import { seededRandom } from '../../util/bench.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

describe('bit stream', () => {
  it('writes most significant bit first with zero padding', () => {
    const w = BitWriter.withHeader(0);
    w.writeBit(1);
    w.writeBits(0b01, 2);
    w.writeBits(0xabc, 12);
    assert.equal(w.bitLength(), 15);
    // 1 01 101010111100 + one padding bit
    assert.equal(hex(w.bytes()), 'b578');
    const r = new BitReader(w.bytes(), 0);
    assert.equal(r.readBit(), 1);
    assert.equal(r.readBits(2), 1);
    assert.equal(r.readBits(12), 0xabc);
    assert.equal(r.eof, false);
  });

  it('round-trips random widths 1..32 across word boundaries', () => {
    const rnd = seededRandom(7);
    const items: [number, number][] = [];
    const w = BitWriter.withHeader(3);
    for (let i = 0; i < 5000; i++) {
      const n = 1 + Math.floor(rnd() * 32);
      const v = Math.floor(rnd() * 2 ** n);
      items.push([v, n]);
      w.writeBits(v, n);
    }
    const r = new BitReader(w.bytes(), 3);
    for (const [v, n] of items) assert.equal(r.readBits(n), v);
    assert.equal(r.eof, false);
  });

  it('sets eof when reading past the end', () => {
    const r = new BitReader(new Uint8Array([0xff, 0x01]), 0);
    assert.equal(r.readBits(12), 0xff0);
    assert.equal(r.eof, false);
    r.readBits(8);
    assert.equal(r.eof, true);
  });

  it('continues a copied stream in its last partial byte', () => {
    const w = BitWriter.withHeader(0);
    w.writeBits(0b101, 3);
    const c = BitWriter.copyOf(w.bytes(), 5);
    c.writeBits(0b11111, 5);
    assert.equal(hex(c.bytes()), 'bf');
    assert.equal(hex(w.bytes()), 'a0'); // the source is untouched
  });
});

describe('varints', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '02'], [-1, '01'], [63, '7e'], [-64, '7f'], [64, '8001'], [300, 'd804'],
    [1_700_000_000_000, '80a0abfef962'], [-1_700_000_000_000, 'ff9fabfef962'], [2 ** 52, '8080808080808010'],
  ];
  for (const [v, want] of cases) {
    it(`zigzag varint ${v}`, () => {
      const w = BitWriter.withHeader(0);
      writeVarint(w, v);
      assert.equal(hex(w.bytes()), want);
      const r = new BitReader(w.bytes(), 0);
      assert.ok(readVarintWords(r));
      assert.equal(wordsInt(W.hi, W.lo), v);
    });
  }

  it('uvarint of a negative int64 takes 10 bytes and reads back', () => {
    const w = BitWriter.withHeader(0);
    intWords(-5);
    writeUvarintWords(w, W.hi, W.lo);
    assert.equal(hex(w.bytes()), 'fbffffffffffffffff01');
    const r = new BitReader(w.bytes(), 0);
    assert.ok(readUvarintWords(r));
    assert.equal(wordsInt(W.hi, W.lo), -5);
    assert.equal(wordsUint(W.hi, W.lo), 2 ** 64 - 5);
  });
});

describe('varbit integers', () => {
  // value, bits used: each bucket's edges and the first values beyond them.
  const signed: [number, number][] = [
    [0, 1], [1, 5], [-3, 5], [4, 5], [-4, 9], [5, 9], [-31, 9], [32, 9], [33, 13], [-255, 13], [256, 13],
    [257, 17], [-2047, 17], [2048, 17], [2049, 24], [-131071, 24], [131072, 24], [131073, 32],
    [-16777215, 32], [16777216, 32], [16777217, 64], [-(2 ** 40), 64], [2 ** 53 - 1, 64], [-(2 ** 53 - 1), 64],
  ];
  for (const [v, bits] of signed) {
    it(`signed ${v} takes ${bits} bits`, () => {
      const w = BitWriter.withHeader(0);
      putVarbitInt(w, v);
      assert.equal(w.bitLength(), bits);
      assert.equal(readVarbitInt(new BitReader(w.bytes(), 0)), v);
    });
  }
  const unsigned: [number, number][] = [
    [0, 1], [7, 5], [8, 9], [63, 9], [64, 13], [511, 13], [512, 17], [4095, 17], [4096, 24], [262143, 24],
    [262144, 32], [33554431, 32], [33554432, 64], [2 ** 53 - 1, 64],
  ];
  for (const [v, bits] of unsigned) {
    it(`unsigned ${v} takes ${bits} bits`, () => {
      const w = BitWriter.withHeader(0);
      putVarbitUint(w, v);
      assert.equal(w.bitLength(), bits);
      assert.equal(readVarbitUint(new BitReader(w.bytes(), 0)), v);
    });
  }
});
