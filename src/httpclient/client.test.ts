import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import type { HTTPClientConfig, Secret } from '../config/types.js';
import { Cancel, defaultHTTPClientConfig, HTTPClientError, newHTTPClient } from './index.js';
import type { HTTPClientOptions } from './client.js';

/** Runs a test once over undici and once over the built-in HTTP/1.1 transport. */
function both(name: string, fn: (o: HTTPClientOptions) => Promise<void>): void {
  for (const [tr, o] of [['undici', {}], ['h1', { fastHTTP1: true }]] as const) test(`${name} [${tr}]`, () => fn(o));
}

import { listen } from './test-server.js';

const secret = (s: string): Secret => s as Secret;

function tmp(): { dir: string; file(name: string, content: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wf-http-'));
  return {
    dir,
    file: (name, content) => { const p = join(dir, name); writeFileSync(p, content); return p; },
    cleanup: () => { rmSync(dir, { recursive: true, force: true }); },
  };
}

async function rejects(p: Promise<unknown>): Promise<HTTPClientError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof HTTPClientError, `expected HTTPClientError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

both('auth headers: basic, authorization, bearer, http_headers; files re-read per request', async (o) => {
  const seen: Record<string, string | string[] | undefined>[] = [];
  const srv = await listen((req, res) => { seen.push({ ...req.headers }); res.end('ok'); });
  const t = tmp();
  try {
    const pw = t.file('pw', 'first\n');
    const cred = t.file('cred', ' tok1 ');
    const hf = t.file('hdr', 'from-file\n');
    const cases: { name: string; cfg: Partial<HTTPClientConfig>; rotate?: () => void; want: string[] }[] = [
      { name: 'basic inline', cfg: { basic_auth: { username: 'u', username_file: '', username_ref: '', password: secret('p w'), password_file: '', password_ref: '' } },
        want: ['Basic ' + Buffer.from('u:p w').toString('base64')] },
      { name: 'basic password_file', cfg: { basic_auth: { username: 'u', username_file: '', username_ref: '', password: '', password_file: pw, password_ref: '' } },
        rotate: () => { writeFileSync(pw, 'second'); },
        want: ['Basic ' + Buffer.from('u:first').toString('base64'), 'Basic ' + Buffer.from('u:second').toString('base64')] },
      { name: 'authorization default type, credentials_file', cfg: { authorization: { type: '', credentials: '', credentials_file: cred, credentials_ref: '' } },
        rotate: () => { writeFileSync(cred, 'tok2'); },
        want: ['Bearer tok1', 'Bearer tok2'] },
      { name: 'authorization custom type', cfg: { authorization: { type: 'Token', credentials: secret('abc'), credentials_file: '', credentials_ref: '' } },
        want: ['Token abc'] },
      { name: 'bearer_token', cfg: { bearer_token: secret('xyz') }, want: ['Bearer xyz'] },
    ];
    for (const c of cases) {
      const client = newHTTPClient(defaultHTTPClientConfig(c.cfg), 'test', o);
      for (let i = 0; i < c.want.length; i++) {
        seen.length = 0;
        const r = await client.request({ url: srv.url + '/m', timeoutMs: 5000 });
        assert.equal(r.status, 200, c.name);
        assert.equal(seen[0]!['authorization'], c.want[i], c.name);
        c.rotate?.();
      }
      await client.close();
    }

    const client = newHTTPClient(defaultHTTPClientConfig({
      http_headers: { 'X-Multi': { values: ['a', 'b'], secrets: [secret('s')], files: [hf] } },
    }), 'test', { ...o, userAgent: 'Watchfire/test' });
    seen.length = 0;
    await client.request({ url: srv.url, timeoutMs: 5000 });
    assert.equal(seen[0]!['x-multi'], 'a, b, s, from-file');
    assert.equal(seen[0]!['user-agent'], 'Watchfire/test');
    seen.length = 0;
    await client.request({ url: srv.url, timeoutMs: 5000, headers: { 'User-Agent': 'mine' } });
    assert.equal(seen[0]!['user-agent'], 'mine');
    await client.close();

    // A missing credentials file fails the request with Prometheus's wording.
    const bad = newHTTPClient(defaultHTTPClientConfig({ bearer_token_file: join(t.dir, 'missing') }), 'test', o);
    const e = await rejects(bad.request({ url: srv.url + '/x', timeoutMs: 5000 }));
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /^Get "http:\/\/127\.0\.0\.1:\d+\/x": unable to read authorization credentials: unable to read file .*missing/);
    await bad.close();
  } finally {
    t.cleanup();
    await srv.close();
  }
});

both('redirects: followed with credentials on the same host, credentials dropped across hosts, limit of 10, or not followed', async (o) => {
  const auths: (string | undefined)[] = [];
  let loops = 0;
  const srv = await listen((req, res) => {
    auths.push(req.headers['authorization']);
    const port = (req.socket.localPort ?? 0);
    switch (req.url) {
      case '/same': res.writeHead(302, { location: '/final' }).end(); return;
      case '/cross': res.writeHead(301, { location: `http://localhost:${port}/final` }).end(); return;
      case '/loop': loops++; res.writeHead(307, { location: '/loop' }).end(); return;
      default: res.end('final');
    }
  });
  try {
    const cfg = defaultHTTPClientConfig({ bearer_token: secret('t') });
    const c = newHTTPClient(cfg, 'test', o);
    let r = await c.request({ url: srv.url + '/same', timeoutMs: 5000 });
    assert.equal(r.body.toString(), 'final');
    assert.deepEqual(auths, ['Bearer t', 'Bearer t']);
    auths.length = 0;
    r = await c.request({ url: srv.url + '/cross', timeoutMs: 5000, headers: { Cookie: 'c=1' } });
    assert.equal(r.body.toString(), 'final');
    assert.deepEqual(auths, ['Bearer t', undefined]);
    const e = await rejects(c.request({ url: srv.url + '/loop', timeoutMs: 5000 }));
    assert.equal(e.kind, 'redirect');
    assert.match(e.message, /^Get "http:\/\/127\.0\.0\.1:\d+\/loop": stopped after 10 redirects$/);
    assert.equal(loops, 11);
    await c.close();

    const nf = newHTTPClient(defaultHTTPClientConfig({ follow_redirects: false }), 'test', o);
    r = await nf.request({ url: srv.url + '/same', timeoutMs: 5000 });
    assert.equal(r.status, 302);
    assert.equal(r.statusText, 'Found');
    assert.equal(r.headers['location'], '/final');
    await nf.close();
  } finally {
    await srv.close();
  }
});

both('timeouts and cancellation are worded like Go contexts', async (o) => {
  const srv = await listen(() => { /* never answers */ });
  const c = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  try {
    let e = await rejects(c.request({ url: srv.url + '/metrics', timeoutMs: 100 }));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.message, `Get "${srv.url}/metrics": context deadline exceeded`);
    const ac = new AbortController();
    setTimeout(() => { ac.abort(); }, 50);
    e = await rejects(c.request({ url: srv.url + '/metrics', signal: ac.signal, timeoutMs: 5000 }));
    assert.equal(e.kind, 'canceled');
    assert.match(e.message, /context canceled$/);
    // The same through a Cancel, mid-request and before it starts.
    const cancel = new Cancel();
    setTimeout(() => { cancel.abort(); }, 50);
    e = await rejects(c.request({ url: srv.url + '/metrics', cancel, timeoutMs: 5000 }));
    assert.equal(e.kind, 'canceled');
    assert.equal(e.message, `Get "${srv.url}/metrics": context canceled`);
    e = await rejects(c.request({ url: srv.url + '/metrics', cancel, timeoutMs: 5000 }));
    assert.equal(e.kind, 'canceled');
  } finally {
    await c.close();
    await srv.close();
  }
  // Nothing listens on the port any more.
  const c2 = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  const e = await rejects(c2.request({ url: srv.url + '/metrics', timeoutMs: 5000 }));
  assert.equal(e.kind, 'connect');
  assert.equal(e.message, `Get "${srv.url}/metrics": dial tcp 127.0.0.1:${srv.port}: connect: connection refused`);
  await c2.close();
});

both('timeout also covers a body that trickles', async (o) => {
  const srv = await listen((_req, res) => {
    res.writeHead(200);
    const iv = setInterval(() => { res.write('x'); }, 20);
    res.on('close', () => { clearInterval(iv); });
  });
  const c = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  try {
    const e = await rejects(c.request({ url: srv.url, timeoutMs: 150 }));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.message, 'context deadline exceeded');
  } finally {
    await c.close();
    await srv.close();
  }
});

both('body limits: identity, gzip and deflate bodies limited by decoded size; endless bodies cut short', async (o) => {
  const big = Buffer.alloc(4 << 20, 0x61); // 4 MiB of 'a'
  const bomb = gzipSync(big);
  let endlessClosed = false;
  const srv = await listen((req, res) => {
    switch (req.url) {
      case '/exact': res.end(Buffer.alloc(1000, 0x62)); return;
      case '/gzip': res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.from('hello gzip'))); return;
      case '/deflate': res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync(Buffer.from('hello deflate'))); return;
      case '/bomb': res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb); return;
      case '/badgzip': res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'); return;
      case '/endless': {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 << 10, 0x63);
        const pump = (): void => { while (res.write(chunk)) { /* fill */ } };
        res.on('drain', pump);
        res.on('close', () => { endlessClosed = true; });
        pump();
        return;
      }
      default: res.end();
    }
  });
  const c = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  try {
    assert.equal((await c.request({ url: srv.url + '/exact', maxBodyBytes: 1000, timeoutMs: 5000 })).body.length, 1000);
    let e = await rejects(c.request({ url: srv.url + '/exact', maxBodyBytes: 999, timeoutMs: 5000 }));
    assert.equal(e.kind, 'body_limit');
    assert.equal((await c.request({ url: srv.url + '/gzip', timeoutMs: 5000 })).body.toString(), 'hello gzip');
    assert.equal((await c.request({ url: srv.url + '/deflate', timeoutMs: 5000 })).body.toString(), 'hello deflate');
    const raw = await c.request({ url: srv.url + '/gzip', timeoutMs: 5000, decompress: false });
    assert.notEqual(raw.body.toString(), 'hello gzip');
    assert.ok(bomb.length < 64 << 10, 'the bomb is small on the wire');
    e = await rejects(c.request({ url: srv.url + '/bomb', maxBodyBytes: 1 << 20, timeoutMs: 5000 }));
    assert.equal(e.kind, 'body_limit');
    assert.equal((await c.request({ url: srv.url + '/bomb', maxBodyBytes: 4 << 20, timeoutMs: 5000 })).body.length, 4 << 20);
    e = await rejects(c.request({ url: srv.url + '/badgzip', timeoutMs: 5000 }));
    assert.equal(e.kind, 'body');
    assert.match(e.message, /^gzip: /);
    e = await rejects(c.request({ url: srv.url + '/endless', maxBodyBytes: 1 << 20, timeoutMs: 5000 }));
    assert.equal(e.kind, 'body_limit');
    for (let i = 0; i < 100 && !endlessClosed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(endlessClosed, 'the connection of an over-long body is closed');
  } finally {
    await c.close();
    await srv.close();
  }
});

both('http status and headers are returned as they come', async (o) => {
  const srv = await listen((_req, res) => { res.writeHead(404, { 'content-type': 'text/plain', 'x-a': ['1', '2'] }).end('nope'); });
  const c = newHTTPClient(defaultHTTPClientConfig(), 'test', o);
  try {
    const r = await c.request({ url: srv.url, timeoutMs: 5000 });
    assert.equal(r.status, 404);
    assert.equal(r.statusText, 'Not Found');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['x-a'], '1, 2');
    assert.equal(r.body.toString(), 'nope');
  } finally {
    await c.close();
    await srv.close();
  }
});
