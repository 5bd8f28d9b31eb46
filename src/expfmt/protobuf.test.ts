import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FMT_PROTO_COMPACT, FMT_PROTO_DELIM, FMT_PROTO_TEXT, encodeFamilies, newEncoder, type MetricFamily } from './index.js';
import { ProtoWriter } from './proto-writer.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

test('ProtoWriter: varints of 64-bit values, negatives as two\'s complement, zigzag', () => {
  const cases: readonly (readonly [number, string])[] = [
    [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'],
    [2 ** 32, '8080808010'], [2 ** 53 - 1, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'], [-2, 'feffffffffffffffff01'], [-(2 ** 32), '80808080f0ffffffff01'],
  ];
  for (const [v, want] of cases) {
    const w = new ProtoWriter(1);
    w.varint(v);
    assert.equal(hex(w.bytes()), want, String(v));
  }
  const zz: readonly (readonly [number, string])[] = [[0, '00'], [-1, '01'], [1, '02'], [-2, '03'], [-64, '7f'], [64, '8001'], [-53, '69']];
  for (const [v, want] of zz) {
    const w = new ProtoWriter(1);
    w.zigzag(v);
    assert.equal(hex(w.bytes()), want, `zigzag ${v}`);
  }
});

test('ProtoWriter: sub-messages longer than 127 bytes get multi-byte lengths; strings of any size', () => {
  for (const n of [0, 1, 127, 128, 200, 16383, 16384, 70000]) {
    const w = new ProtoWriter(8);
    const m = w.begin(1);
    for (let i = 0; i < n; i++) w.double(i);
    w.end(m);
    const b = w.bytes();
    // tag, varint length, body
    assert.equal(b[0], 0x0a);
    let len = 0, shift = 1, p = 1;
    for (;;) {
      const x = b[p++]!;
      len += (x & 0x7f) * shift;
      shift *= 128;
      if (x < 0x80) break;
    }
    assert.equal(len, n * 8, `length for ${n}`);
    assert.equal(b.length, p + n * 8);
    const dv = new DataView(b.buffer, b.byteOffset + p);
    if (n > 0) assert.equal(dv.getFloat64((n - 1) * 8, true), n - 1);
  }
  for (const s of ['', 'a', 'ä'.repeat(42), 'x'.repeat(43), '😱'.repeat(100)]) {
    const w = new ProtoWriter(4);
    w.stringField(2, s);
    const b = Buffer.from(w.bytes());
    const utf8 = Buffer.from(s, 'utf8');
    assert.equal(b[0], 0x12);
    assert.ok(b.subarray(b.length - utf8.length).equals(utf8), `string of ${s.length}`);
  }
});

test('protobuf encoder: bytes as Go writes them (field-number order, presence)', () => {
  const f: MetricFamily = { name: 'a', type: 'untyped', metrics: [{ labels: [], value: { kind: 'untyped', value: 1 } }] };
  // len 18 | name "a" | type 3 | metric{ untyped{ value 1.0 } }
  assert.equal(hex(encodeFamilies(FMT_PROTO_DELIM, [f])), '12' + '0a0161' + '1803' + '220b' + '2a09' + '09000000000000f03f');
  const g: MetricFamily = {
    name: 'b', help: '', type: 'counter', unit: 's',
    metrics: [{ labels: [{ name: 'l', value: '' }], timestampMs: -1, value: { kind: 'counter', value: 0 } }],
  };
  // help present though empty; type COUNTER (0) written; label value present though empty;
  // timestamp -1 as ten bytes; unit last.
  assert.equal(hex(encodeFamilies(FMT_PROTO_DELIM, [g])),
    '29' + '0a0162' + '1200' + '1800' + '221d' + '0a050a016c1200' + '1a09090000000000000000' + '30ffffffffffffffffff01' + '2a0173');
  // Two families are two length-prefixed messages.
  assert.equal(hex(encodeFamilies(FMT_PROTO_DELIM, [f, f])), ('12' + '0a0161' + '1803' + '220b' + '2a09' + '09000000000000f03f').repeat(2));
});

test('protobuf text encodings: field names in declaration order', () => {
  const f: MetricFamily = {
    name: 'h', type: 'histogram', metrics: [{
      labels: [{ name: 'a', value: 'q"\n\t\u0001' }], timestampMs: 1500,
      value: { kind: 'histogram', sampleCountFloat: 3, sampleSum: 1.5, schema: -1, zeroThreshold: 0, positiveSpans: [{ offset: -2, length: 1 }], positiveCounts: [3] },
    }],
  };
  const enc = newEncoder(FMT_PROTO_COMPACT);
  enc.encode(f);
  assert.equal(Buffer.from(enc.take()).toString(),
    'name:"h" type:HISTOGRAM metric:{label:{name:"a" value:"q\\"\\n\\t\\x01"} histogram:{sample_count_float:3 sample_sum:1.5 schema:-1 zero_threshold:0 positive_span:{offset:-2 length:1} positive_count:3} timestamp_ms:1500}\n');
  const multi = Buffer.from(encodeFamilies(FMT_PROTO_TEXT, [{ name: 'g', type: 'gauge', metrics: [{ labels: [], value: { kind: 'gauge', value: NaN } }] }])).toString();
  assert.equal(multi, 'name: "g"\ntype: GAUGE\nmetric: {\n  gauge: {\n    value: nan\n  }\n}\n');
});
