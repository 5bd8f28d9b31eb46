/**
 * Requests captured from real senders (Prometheus 2.42 samples and metadata, vmagent 1.79,
 * vmalert 1.79): our snappy and protobuf decoding give exactly what `@bufbuild/protobuf`
 * decoded, and the receiver stores exactly those series and samples.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nopLogger } from '../../util/log.js';
import { SnappyBuffer, snappyDecompress } from '../../util/snappy.js';
import { MemoryStorage } from '../memory/index.js';
import { CAPTURED_WRITES, assertStoredEqual, expectedStorage, readCaptured, toProtoJSON } from './captured.js';
import { V1Decoder } from './decode-v1.js';
import { V1Request } from './decoded.js';
import { RemoteWriteReceiver } from './receiver.js';
import { dumpStorage } from './test-support.js';

describe('captured requests', () => {
  for (const name of CAPTURED_WRITES) {
    it(`${name}: decodes as the reference decoder did`, () => {
      const c = readCaptured(name);
      const req = new V1Request();
      new V1Decoder().decode(snappyDecompress(c.body, new SnappyBuffer()), req);
      assert.deepEqual(toProtoJSON(req), c.decoded);
    });

    it(`${name}: the receiver stores what it carries`, async () => {
      const c = readCaptured(name);
      const storage = new MemoryStorage({ gcIntervalMs: 0 });
      // The captures are from one day; the receiver's clock is set to their time.
      const rx = new RemoteWriteReceiver({ appendable: storage, logger: nopLogger, now: () => 1795746500000 });
      const chk = rx.checkHeaders(c.headers['content-type'], c.headers['content-encoding']);
      assert.ok('msg' in chk);
      const r = await rx.write(chk.msg, c.body);
      assert.deepEqual(r, { status: 204, headers: {}, body: '' });
      const want = expectedStorage(c.decoded);
      assertStoredEqual(await dumpStorage(storage), want);
      if (name.includes('metadata')) assert.equal(want.size, 0);
      else assert.ok(want.size > 0);
    });
  }
});
