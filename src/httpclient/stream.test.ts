import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { newHTTPClient } from './client.js';
import { defaultHTTPClientConfig } from './defaults.js';
import { HTTPClientError } from './errors.js';
import { listen } from './test-server.js';
import type { HTTPClientOptions } from './client.js';

/** Runs a test once over undici and once over the built-in HTTP/1.1 transport. */
function both(name: string, fn: (o: HTTPClientOptions) => Promise<void>): void {
  for (const [tr, o] of [['undici', {}], ['h1', { fastHTTP1: true }]] as const) test(`${name} [${tr}]`, () => fn(o));
}


both('streamBody: chunks arrive before the body ends; error statuses are buffered; gzip decoded; a throwing sink aborts', async (o) => {
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => { release = r; });
  const srv = await listen((req, res) => {
    switch (req.url) {
      case '/stream':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":1}\n');
        void released.then(() => { res.end('{"a":2}\n'); });
        return;
      case '/gone':
        res.writeHead(410, { 'content-type': 'application/json' });
        res.end('{"code":410}');
        return;
      case '/gzip':
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync('line one\nline two\n'));
        return;
      default:
        res.writeHead(200);
        res.write('x');
        res.write('y');
        res.end();
    }
  });
  const c = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  try {
    const got: string[] = [];
    const p = c.request({
      url: `${srv.url}/stream`,
      streamBody: (status) => status === 200 ? (b) => { got.push(b.toString()); if (got.length === 1) release(); } : undefined,
    });
    const res = await p;
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.deepEqual(got.join(''), '{"a":1}\n{"a":2}\n');
    assert.equal(got[0], '{"a":1}\n', 'the first chunk came before the server finished');

    const gone = await c.request({ url: `${srv.url}/gone`, streamBody: (status) => status === 200 ? () => { assert.fail('streamed'); } : undefined });
    assert.equal(gone.status, 410);
    assert.equal(gone.body.toString(), '{"code":410}');

    const gz: string[] = [];
    await c.request({ url: `${srv.url}/gzip`, streamBody: () => (b) => { gz.push(b.toString()); } });
    assert.equal(gz.join(''), 'line one\nline two\n');

    await assert.rejects(
      c.request({ url: `${srv.url}/other`, streamBody: () => () => { throw new Error('bad line'); } }),
      (e: unknown) => e instanceof HTTPClientError && e.message.includes('bad line'),
    );
  } finally {
    await c.close();
    await srv.close();
  }
});
