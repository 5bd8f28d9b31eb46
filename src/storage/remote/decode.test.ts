/**
 * Malformed bodies: snappy and protobuf errors answered 400 with the texts Prometheus sends
 * (klauspost/s2's and gogo-protobuf's), size limits, and the wire-format leniencies a
 * protobuf decoder must have (unknown fields, packed and unpacked repeated fields).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nopLogger } from '../../util/log.js';
import { MemoryStorage } from '../memory/index.js';
import { RemoteWriteReceiver } from './receiver.js';
import { PB, encodeV1, snappy } from './test-encoder.js';
import { V2_CT, dumpStorage, post } from './test-support.js';

function receiver(maxBodyBytes?: number): { rx: RemoteWriteReceiver; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  return { storage, rx: new RemoteWriteReceiver({ appendable: storage, logger: nopLogger, now: () => 1e12, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) }) };
}

const label = (n: string, v: string): Uint8Array => new PB().string(1, n).string(2, v).done();
const NAME = label('__name__', 'x');
const TEN_FF = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];

describe('protobuf errors (400, gogo-protobuf texts)', () => {
  const v1: [string, Uint8Array, string][] = [
    ['tag 0', Uint8Array.of(0x00), 'proto: WriteRequest: illegal tag 0 (wire type 0)'],
    ['end group', Uint8Array.of(0x0c), 'proto: WriteRequest: wiretype end group for non-group'],
    ['wrong wire type', Uint8Array.of(0x08, 0x01), 'proto: wrong wireType = 0 for field Timeseries'],
    ['truncated message', Uint8Array.of(0x0a, 0x05, 0x00), 'unexpected EOF'],
    ['truncated varint', Uint8Array.of(0x0a, 0x80), 'unexpected EOF'],
    ['varint over 64 bits', Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 'proto: integer overflow'],
    ['negative length', Uint8Array.of(0x0a, ...TEN_FF), 'proto: negative length found during unmarshaling'],
    ['nested illegal tag', new PB().bytes(1, Uint8Array.of(0x00)).done(), 'proto: TimeSeries: illegal tag 0 (wire type 0)'],
    ['label name not bytes', new PB().bytes(1, new PB().bytes(1, Uint8Array.of(0x08, 0x01)).done()).done(), 'proto: wrong wireType = 0 for field Name'],
    ['sample value not fixed64', new PB().bytes(1, new PB().bytes(1, NAME).bytes(2, Uint8Array.of(0x08, 0x01)).done()).done(), 'proto: wrong wireType = 0 for field Value'],
    ['sample value cut short', new PB().bytes(1, new PB().bytes(2, Uint8Array.of(0x09, 0x00, 0x00)).done()).done(), 'unexpected EOF'],
    ['sample timestamp not varint', new PB().bytes(1, new PB().bytes(2, Uint8Array.of(0x11, 0, 0, 0, 0, 0, 0, 0, 0)).done()).done(), 'proto: wrong wireType = 1 for field Timestamp'],
    ['histogram schema not varint', new PB().bytes(1, new PB().bytes(4, Uint8Array.of(0x21, 0, 0, 0, 0, 0, 0, 0, 0)).done()).done(), 'proto: wrong wireType = 1 for field Schema'],
    ['bucket span', new PB().bytes(1, new PB().bytes(4, new PB().bytes(11, Uint8Array.of(0x00)).done()).done()).done(), 'proto: BucketSpan: illegal tag 0 (wire type 0)'],
    ['metadata type', new PB().bytes(3, Uint8Array.of(0x0a, 0x00)).done(), 'proto: wrong wireType = 2 for field Type'],
  ];
  for (const [name, body, msg] of v1) {
    it(`1.0: ${name}`, async () => {
      const { rx, storage } = receiver();
      const r = await post(rx, body);
      assert.deepEqual([r.status, r.body], [400, msg + '\n']);
      assert.equal(r.headers['X-Prometheus-Remote-Write-Samples-Written'], undefined);
      assert.equal((await dumpStorage(storage)).size, 0);
    });
  }

  const v2: [string, Uint8Array, string][] = [
    ['tag 0', Uint8Array.of(0x00), 'proto: Request: illegal tag 0 (wire type 0)'],
    ['symbols not bytes', Uint8Array.of(0x20, 0x01), 'proto: wrong wireType = 0 for field Symbols'],
    ['labels_refs as fixed64', new PB().bytes(5, Uint8Array.of(0x09, 0, 0, 0, 0, 0, 0, 0, 0)).done(), 'proto: wrong wireType = 1 for field LabelsRefs'],
    ['metadata help_ref', new PB().bytes(5, new PB().bytes(5, Uint8Array.of(0x1a, 0x00)).done()).done(), 'proto: wrong wireType = 2 for field HelpRef'],
    ['start timestamp', new PB().bytes(5, new PB().bytes(2, Uint8Array.of(0x1a, 0x00)).done()).done(), 'proto: wrong wireType = 2 for field StartTimestamp'],
    ['exemplar in truncated series', Uint8Array.of(0x2a, 0x03, 0x22, 0x05, 0x00), 'unexpected EOF'],
  ];
  for (const [name, body, msg] of v2) {
    it(`2.0: ${name} (with zero counts)`, async () => {
      const { rx } = receiver();
      const r = await post(rx, body, { contentType: V2_CT });
      assert.deepEqual([r.status, r.body, r.headers['X-Prometheus-Remote-Write-Samples-Written']], [400, msg + '\n', '0']);
    });
  }

  it('unknown and reserved fields are skipped, groups included; repeated fields may be packed or not', async () => {
    const { rx, storage } = receiver();
    const ts = new PB().bytes(1, NAME).tag(99, 0).varint(5).tag(98, 3).tag(1, 0).varint(1).tag(98, 4)
      .bytes(2, new PB().double(1, 2).tag(2, 0).varint(7).tag(9, 5).raw([1, 2, 3, 4]).done()).done();
    const body = new PB().bytes(1, ts).tag(2, 2).varint(0).done();
    assert.equal((await post(rx, body)).status, 204);
    const sym = new PB().string(4, '').string(4, '__name__').string(4, 'y');
    const series = new PB().tag(1, 0).varint(1).tag(1, 0).varint(2).bytes(2, new PB().double(1, 3).tag(2, 0).varint(8).done());
    const r = await post(rx, sym.bytes(5, series.done()).tag(1, 0).varint(3).done(), { contentType: V2_CT });
    assert.deepEqual([r.status, r.headers['X-Prometheus-Remote-Write-Samples-Written']], [204, '1']);
    assert.deepEqual(Object.fromEntries(await dumpStorage(storage)), { '{__name__="x"}': [[7, 2]], '{__name__="y"}': [[8, 3]] });
  });
});

describe('snappy and size limits', () => {
  const ok = encodeV1([{ labels: [['__name__', 'x']], samples: [{ t: 1, v: 1 }] }]);
  const cases: [string, Uint8Array, number, string][] = [
    ['empty body', new Uint8Array(0), 400, 's2: corrupt input'],
    ['length preamble cut short', Uint8Array.of(0x80), 400, 's2: corrupt input'],
    ['length preamble longer than 5 bytes', Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 400, 's2: corrupt input'],
    ['data shorter than announced', Uint8Array.of(0x05, 0x00, 0x61), 400, 's2: corrupt input'],
    ['copy before the start', Uint8Array.of(0x08, 0x00, 0x61, 0x11, 0x05), 400, 's2: corrupt input'],
    ['framed (stream) format', Uint8Array.of(0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59), 400, 's2: corrupt input'],
    ['announced length over the limit (never allocated)', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00), 400, 'decoded size exceeds the 4096 bytes limit'],
    ['body over the limit', new Uint8Array(4097), 413, 'request body exceeds the 4096 bytes limit'],
  ];
  for (const [name, body, status, msg] of cases) {
    it(name, async () => {
      const { rx } = receiver(4096);
      const r = await post(rx, body, { compress: false });
      assert.deepEqual([r.status, r.body], [status, msg + '\n']);
      assert.equal(r.headers['X-Content-Type-Options'], 'nosniff');
    });
  }

  it('a body at the limit, and an all-literal encoding, are fine', async () => {
    const { rx } = receiver(4096);
    const lit = new Uint8Array(2 + ok.length);
    lit[0] = ok.length;
    lit[1] = (ok.length - 1) << 2;
    lit.set(ok, 2);
    assert.equal((await post(rx, lit, { compress: false })).status, 204);
    assert.equal((await post(rx, snappy(ok), { compress: false })).status, 204);
  });
});
