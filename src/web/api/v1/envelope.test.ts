import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { respondRawData } from './envelope.js';

/** A GET answered by `respondRawData(json)`; the raw body (still compressed) and headers. */
async function answer(json: string, acceptEncoding: string | undefined): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const srv = createServer((req, res) => { respondRawData(res, json, { acceptEncoding: req.headers['accept-encoding'] }); });
  await new Promise<void>((resolve) => { srv.listen(0, '127.0.0.1', resolve); });
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const headers: Record<string, string> = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
      const req = request({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => { resolve({ headers: res.headers, body: Buffer.concat(chunks) }); });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise((resolve) => { srv.close(resolve); });
  }
}

test('respondRawData: gzip when accepted and over 1 KiB, in place or in the thread pool; same JSON either way', async () => {
  const big = (n: number): string => '[' + Array.from({ length: n }, (_v, i) => `{"i":${i},"s":"${'é'.repeat(i % 7)}"}`).join(',') + ']';
  // [case, data JSON, Accept-Encoding, gzipped]
  const cases: [string, string, string | undefined, boolean][] = [
    ['small, gzip accepted', '[1,2,3]', 'gzip', false],
    ['2 KiB, no Accept-Encoding', big(100), undefined, false],
    ['2 KiB, gzip accepted (in place)', big(100), 'gzip, deflate, br', true],
    ['2 KiB, only br accepted', big(100), 'br', false],
    ['over 64 KiB, gzip accepted (thread pool)', big(10_000), 'gzip', true],
  ];
  for (const [what, data, enc, gzipped] of cases) {
    const r = await answer(data, enc);
    assert.equal(r.headers['content-type'], 'application/json', what);
    assert.equal(r.headers['content-encoding'], gzipped ? 'gzip' : undefined, what);
    assert.equal(Number(r.headers['content-length']), r.body.length, what);
    const text = (gzipped ? gunzipSync(r.body) : r.body).toString('utf8');
    assert.equal(text, `{"status":"success","data":${data}}`, what);
  }
});
