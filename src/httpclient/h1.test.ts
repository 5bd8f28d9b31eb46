import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { newHTTPClient } from './client.js';
import { defaultHTTPClientConfig } from './defaults.js';
import { HTTPClientError } from './errors.js';

/**
 * A raw TCP server: for each request head it receives, `answer` returns the bytes to send
 * (pieces written apart, so that the client sees them in separate reads), and whether to
 * close the connection afterwards.
 */
interface RawServer {
  url: string;
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** `drop`: destroy the connection without answering (a server closing an idle connection). */
type Answer = { pieces: (string | Buffer)[]; close?: boolean; drop?: boolean };

/** `k` counts the requests on the connection, from 1. */
async function rawServer(answer: (head: string, k: number) => Answer): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const st: RawServer = { url: '', port: 0, connections: 0, requests: [], close: () => Promise.resolve() };
  const server: Server = createServer((sock) => {
    st.connections++;
    sockets.add(sock);
    sock.on('close', () => { sockets.delete(sock); });
    sock.on('error', () => undefined);
    let buf = '';
    let k = 0;
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, i + 4);
        buf = buf.slice(i + 4);
        st.requests.push(head);
        const a = answer(head, ++k);
        if (a.drop === true) {
          sock.destroy();
          return;
        }
        void (async () => {
          for (const [k, p] of a.pieces.entries()) {
            if (k > 0) await new Promise((r) => setTimeout(r, 5));
            if (!sock.destroyed) sock.write(p);
          }
          if (a.close === true) sock.end();
        })();
      }
    });
  });
  await new Promise<void>((r) => { server.listen(0, '127.0.0.1', r); });
  st.port = (server.address() as AddressInfo).port;
  st.url = `http://127.0.0.1:${st.port}`;
  st.close = () => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => { r(); });
  });
  return st;
}

const cases: { name: string; pieces: (string | Buffer)[]; close?: boolean; method?: string; status?: number; statusText?: string; headers?: Record<string, string>; body?: string; err?: RegExp; reused?: boolean }[] = [
  { name: 'content-length', pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello'], status: 200, statusText: 'OK', headers: { 'content-type': 'text/plain' }, body: 'hello', reused: true },
  { name: 'content-length across reads', pieces: ['HTTP/1.1 200 OK\r\nConte', 'nt-Length: 11\r\n\r', '\nhello', ' world'], body: 'hello world', reused: true },
  { name: 'chunked with extension and trailer', pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n'], body: 'hello world', reused: true },
  { name: 'chunked split everywhere', pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'a', '\r\n0123', '456789\r', '\n0\r', '\n\r\n'], body: '0123456789', reused: true },
  { name: 'HTTP/1.0 body until close', pieces: ['HTTP/1.0 200 OK\r\n\r\nabc', 'def'], close: true, body: 'abcdef', reused: false },
  { name: 'keep-alive refused by Connection: close', pieces: ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'], body: 'ok', reused: false },
  { name: 'bare LF line ends', pieces: ['HTTP/1.1 200 OK\nContent-Length: 2\n\nhi'], body: 'hi', reused: true },
  { name: '100 Continue skipped', pieces: ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx'], status: 201, statusText: 'Created', body: 'x', reused: true },
  { name: '204 has no body', pieces: ['HTTP/1.1 204 No Content\r\n\r\n'], status: 204, body: '', reused: true },
  { name: 'HEAD has no body', method: 'HEAD', pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'], body: '', reused: true },
  { name: 'repeated headers joined', pieces: ['HTTP/1.1 404 Not Found\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n'], status: 404, statusText: 'Not Found', headers: { 'x-a': '1, 2' }, body: '' },
  { name: 'malformed status line', pieces: ['FOO 200 OK\r\n\r\n'], err: /^Get "[^"]+": net\/http: HTTP\/1\.x transport connection broken: malformed HTTP response "FOO 200 OK"$/ },
  { name: 'malformed status code', pieces: ['HTTP/1.1 2x0 OK\r\n\r\n'], err: /malformed HTTP status code "2x0"$/ },
  { name: 'bad content-length', pieces: ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'], err: /bad Content-Length "-1"$/ },
  { name: 'unsupported transfer encoding', pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'], err: /unsupported transfer encoding: "gzip"$/ },
  { name: 'header line without colon', pieces: ['HTTP/1.1 200 OK\r\nnocolon\r\n\r\n'], err: /malformed MIME header line: nocolon$/ },
  { name: 'truncated body', pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], close: true, err: /^unexpected EOF$/ },
  { name: 'truncated chunked body', pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'], close: true, err: /^unexpected EOF$/ },
  { name: 'bad chunk size', pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], err: /^invalid byte in chunk length$/ },
  { name: 'closed without an answer', pieces: [], close: true, err: /^Get "[^"]+": EOF$/ },
];

test('built-in HTTP/1.1 transport: response framing, keep-alive and errors as Go reads them', async () => {
  for (const c of cases) {
    const srv = await rawServer(() => ({ pieces: c.pieces, close: c.close ?? false }));
    const client = newHTTPClient(defaultHTTPClientConfig(), 'test', { fastHTTP1: true });
    try {
      const req = { url: `${srv.url}/metrics?x=1`, method: c.method ?? 'GET', timeoutMs: 2000 };
      if (c.err !== undefined) {
        await assert.rejects(client.request(req), (e: unknown) => e instanceof HTTPClientError && c.err!.test(e.message), c.name);
        continue;
      }
      const r = await client.request(req);
      if (c.status !== undefined) assert.equal(r.status, c.status, c.name);
      if (c.statusText !== undefined) assert.equal(r.statusText, c.statusText, c.name);
      for (const [k, v] of Object.entries(c.headers ?? {})) assert.equal(r.headers[k], v, c.name);
      assert.equal(r.body.toString(), c.body, c.name);
      assert.match(srv.requests[0]!, new RegExp(`^${req.method} /metrics\\?x=1 HTTP/1\\.1\\r\\nhost: 127\\.0\\.0\\.1:${srv.port}\\r\\n`), c.name);
      if (c.reused !== undefined) {
        const r2 = await client.request(req);
        assert.equal(r2.body.toString(), c.body, `${c.name}: second request`);
        assert.equal(srv.connections, c.reused ? 1 : 2, `${c.name}: connections`);
      }
    } finally {
      await client.close();
      await srv.close();
    }
  }
});

test('built-in HTTP/1.1 transport: a request on a reused connection the server dropped is sent again on a new one', async () => {
  // Every connection answers its first request and is dropped at the second, as a server
  // closing an idle connection just as the request arrives.
  const srv = await rawServer((_h, k) => (k === 1 ? { pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'] } : { pieces: [], drop: true }));
  const client = newHTTPClient(defaultHTTPClientConfig(), 'test', { fastHTTP1: true });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await client.request({ url: srv.url, timeoutMs: 2000 })).body.toString(), 'ok');
    assert.equal(srv.connections, 3);
    assert.equal(srv.requests.length, 5, 'each reused connection got the request once before it was dropped');
  } finally {
    await client.close();
    await srv.close();
  }
});

test('built-in HTTP/1.1 transport: a body sink that throws aborts the exchange and the connection is not reused', async () => {
  const srv = await rawServer(() => ({ pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc', 'def'] }));
  const client = newHTTPClient(defaultHTTPClientConfig(), 'test', { fastHTTP1: true });
  try {
    await assert.rejects(
      client.request({ url: srv.url, timeoutMs: 2000, streamBody: () => () => { throw new Error('sink full'); } }),
      (e: unknown) => e instanceof HTTPClientError && /sink full/.test(e.message),
    );
    assert.equal((await client.request({ url: srv.url, timeoutMs: 2000 })).body.toString(), 'abcdef');
    assert.equal(srv.connections, 2);
  } finally {
    await client.close();
    await srv.close();
  }
});

test('built-in HTTP/1.1 transport: header values that would split the request are refused', async () => {
  const srv = await rawServer(() => ({ pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'] }));
  const client = newHTTPClient(defaultHTTPClientConfig(), 'test', { fastHTTP1: true });
  try {
    await assert.rejects(
      client.request({ url: srv.url, headers: { 'X-Evil': 'a\r\nInjected: 1' }, timeoutMs: 2000 }),
      (e: unknown) => e instanceof HTTPClientError && /net\/http: invalid header field value for "x-evil"$/.test(e.message),
    );
    await assert.rejects(
      client.request({ url: srv.url, headers: { 'Bad Name': 'v' }, timeoutMs: 2000 }),
      (e: unknown) => e instanceof HTTPClientError && /net\/http: invalid header field name "bad name"$/.test(e.message),
    );
    assert.equal(srv.requests.length, 0);
  } finally {
    await client.close();
    await srv.close();
  }
});

test('built-in HTTP/1.1 transport: the cached request head carries the client User-Agent and follows the caller headers object', async () => {
  const srv = await rawServer(() => ({ pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'] }));
  const client = newHTTPClient(defaultHTTPClientConfig(), 'test', { fastHTTP1: true, userAgent: 'UA/1' });
  try {
    const h1 = { Accept: 'text/plain' };
    await client.request({ url: `${srv.url}/m`, headers: h1, timeoutMs: 2000 });
    await client.request({ url: `${srv.url}/m`, headers: h1, timeoutMs: 2000 });
    await client.request({ url: `${srv.url}/m`, headers: { Accept: 'other', 'User-Agent': 'mine' }, timeoutMs: 2000 });
    assert.equal(srv.requests.length, 3);
    assert.equal(srv.requests[0], `GET /m HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\naccept: text/plain\r\nuser-agent: UA/1\r\n\r\n`);
    assert.equal(srv.requests[1], srv.requests[0]);
    assert.equal(srv.requests[2], `GET /m HTTP/1.1\r\nhost: 127.0.0.1:${srv.port}\r\naccept: other\r\nuser-agent: mine\r\n\r\n`);
  } finally {
    await client.close();
    await srv.close();
  }
});
