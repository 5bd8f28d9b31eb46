/**
 * `POST /api/v1/write` over real HTTP: header negotiation answered as Prometheus answers it
 * (status and exact text), method and size limits, the route when the receiver is disabled,
 * and the captured requests of real senders stored sample for sample.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Registry } from '../../../instrument/index.js';
import { nopLogger } from '../../../util/log.js';
import { MemoryStorage } from '../../../storage/memory/index.js';
import { MESSAGE_V1, RemoteWriteReceiver } from '../../../storage/remote/index.js';
import { CAPTURED_WRITES, assertStoredEqual, expectedStorage, readCaptured } from '../../../storage/remote/captured.js';
import { encodeV1, snappy } from '../../../storage/remote/test-encoder.js';
import { dumpStorage } from '../../../storage/remote/test-support.js';
import { WebServer } from '../../server.js';
import { registerRemoteWrite } from './write.js';

const LIMIT = 64 * 1024;

async function startServer(receiver: RemoteWriteReceiver | null): Promise<{ base: string; web: WebServer }> {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 5000, maxConnections: 20, logger: nopLogger, registry: new Registry() });
  registerRemoteWrite(web.router, receiver);
  const [addr] = await web.listen();
  web.setReady(true);
  return { base: `http://${addr!}`, web };
}

const GOOD = snappy(encodeV1([{ labels: [['__name__', 'x']], samples: [{ t: 1795746500000, v: 1 }] }]));

describe('POST /api/v1/write', () => {
  let storage: MemoryStorage;
  let srv: { base: string; web: WebServer };
  let v1only: { base: string; web: WebServer };
  before(async () => {
    storage = new MemoryStorage({ gcIntervalMs: 0 });
    srv = await startServer(new RemoteWriteReceiver({ appendable: storage, logger: nopLogger, now: () => 1795746500000, maxBodyBytes: LIMIT }));
    v1only = await startServer(new RemoteWriteReceiver({ appendable: new MemoryStorage(), logger: nopLogger, acceptedMessages: [MESSAGE_V1] }));
  });
  after(async () => {
    await srv.web.close();
    await v1only.web.close();
  });

  const CORRUPT = Uint8Array.of(0x05, 0x00, 0x61);
  const cases: { name: string; headers: Record<string, string>; body?: Uint8Array; v1only?: boolean; status: number; text: string }[] = [
    { name: 'gzip encoding', headers: { 'Content-Encoding': 'gzip' }, status: 415, text: 'gzip encoding (compression) is not accepted by this server; only snappy is acceptable' },
    { name: 'deflate encoding', headers: { 'Content-Encoding': 'deflate' }, status: 415, text: 'deflate encoding (compression) is not accepted by this server; only snappy is acceptable' },
    { name: 'JSON content type (corrupt body too)', headers: { 'Content-Type': 'application/json' }, body: CORRUPT, status: 415, text: 'expected application/x-protobuf as the first (media) part, got application/json content-type' },
    { name: 'image/png', headers: { 'Content-Type': 'image/png' }, status: 415, text: 'expected application/x-protobuf as the first (media) part, got image/png content-type' },
    {
      name: 'unknown proto message', headers: { 'Content-Type': 'application/x-protobuf;proto=prometheus.ReadRequest' }, status: 415,
      text: 'got application/x-protobuf;proto=prometheus.ReadRequest content type; unknown type for remote write protobuf message prometheus.ReadRequest, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request',
    },
    {
      name: 'parameter without a value', headers: { 'Content-Type': 'application/x-protobuf;charset' }, status: 415,
      text: 'as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be key-values, got charset in application/x-protobuf;charset content-type',
    },
    {
      name: 'a message the server is not configured to accept', v1only: true, headers: { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }, status: 415,
      text: 'io.prometheus.write.v2.Request protobuf message is not accepted by this server; only accepts prometheus.WriteRequest',
    },
    { name: 'corrupt snappy', headers: {}, body: CORRUPT, status: 400, text: 's2: corrupt input' },
    { name: 'no Content-Type or Content-Encoding: 1.0 and snappy', headers: {}, status: 204, text: '' },
    { name: '1.0 named explicitly', headers: { 'Content-Type': 'application/x-protobuf;proto=prometheus.WriteRequest', 'Content-Encoding': 'snappy' }, status: 204, text: '' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await fetch(`${(c.v1only === true ? v1only : srv).base}/api/v1/write`, { method: 'POST', headers: c.headers, body: c.body ?? GOOD });
      assert.equal(r.status, c.status);
      assert.equal(await r.text(), c.text === '' ? '' : c.text + '\n');
      if (c.status !== 204) assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    });
  }

  it('2.0 answers carry the written counts', async () => {
    const r = await fetch(`${srv.base}/api/v1/write`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'Content-Encoding': 'snappy' }, body: snappy(Uint8Array.of()) });
    assert.equal(r.status, 204);
    assert.deepEqual(['samples', 'histograms', 'exemplars'].map((k) => r.headers.get(`x-prometheus-remote-write-${k}-written`)), ['0', '0', '0']);
  });

  it('other methods: 405', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await fetch(`${srv.base}/api/v1/write`, { method });
      assert.equal(r.status, 405, method);
      await r.body?.cancel();
    }
  });

  for (const [name, chunked] of [['declared Content-Length', false], ['chunked', true]] as const) {
    it(`a body over the limit (${name}): 413, the rest unread, connection closed`, async () => {
      const { status, text, conn } = await new Promise<{ status: number; text: string; conn: string }>((resolve, reject) => {
        const req = request(`${srv.base}/api/v1/write`, { method: 'POST', headers: chunked ? {} : { 'Content-Length': String(4 * LIMIT) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { text += d; });
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, text, conn: String(res.headers.connection) }); });
        });
        req.on('error', reject);
        // Written in pieces; the server answers before the last one and may close first.
        const piece = new Uint8Array(LIMIT / 2);
        let sent = 0;
        const pump = (): void => {
          if (sent >= 4 * LIMIT || req.destroyed) { req.end(); return; }
          sent += piece.length;
          req.write(piece, () => { setImmediate(pump); });
        };
        pump();
      }).catch((e: unknown) => ({ status: -1, text: String(e), conn: '' }));
      assert.deepEqual({ status, text, conn }, { status: 413, text: `request body exceeds the ${LIMIT} bytes limit\n`, conn: 'close' });
      // The server still serves other requests.
      assert.equal((await fetch(`${srv.base}/api/v1/write`, { method: 'POST', body: GOOD })).status, 204);
    });
  }

  it('captured requests of real senders, posted with their headers, are stored sample for sample', async () => {
    for (const name of CAPTURED_WRITES) {
      const c = readCaptured(name);
      const own = new MemoryStorage({ gcIntervalMs: 0 });
      const s = await startServer(new RemoteWriteReceiver({ appendable: own, logger: nopLogger, now: () => 1795746500000 }));
      try {
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'content-encoding', 'user-agent', 'x-prometheus-remote-write-version']) if (c.headers[h] !== undefined) headers[h] = c.headers[h];
        const r = await fetch(`${s.base}/api/v1/write`, { method: 'POST', headers, body: c.body });
        assert.equal(r.status, 204, `${name}: ${await r.text()}`);
        assertStoredEqual(await dumpStorage(own), expectedStorage(c.decoded));
      } finally {
        await s.web.close();
      }
    }
  });

  it('disabled receiver: 404 with the flag to set', async () => {
    const s = await startServer(null);
    try {
      const r = await fetch(`${s.base}/api/v1/write`, { method: 'POST', body: GOOD });
      assert.equal(r.status, 404);
      assert.equal(await r.text(), 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n');
      assert.equal((await fetch(`${s.base}/api/v1/write`)).status, 405);
    } finally {
      await s.web.close();
    }
  });

  it('stores what the good requests carried', async () => {
    const got = await dumpStorage(storage);
    assert.deepEqual([...got.keys()], ['{__name__="x"}']);
  });
});
