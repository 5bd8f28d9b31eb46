import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Secret } from '../config/types.js';
import { defaultHTTPClientConfig, defaultTLSConfig, newHTTPClient } from './index.js';
import { ProxySelector, type ProxyFields } from './proxy.js';
import { makeTestPKI } from './test-certs.js';
import { listen } from './test-server.js';

function fields(o: Partial<ProxyFields>): ProxyFields {
  return { proxy_url: '', no_proxy: '', proxy_from_environment: false, proxy_connect_header: {}, ...o };
}

test('proxy selection: fixed proxy, no_proxy exceptions and the environment, as Go decides', () => {
  const P = 'http://proxy:3128/';
  const cases: { name: string; f: Partial<ProxyFields>; env?: NodeJS.ProcessEnv; url: string; want: string | null }[] = [
    { name: 'none', f: {}, url: 'http://a.example/', want: null },
    { name: 'fixed proxies everything, loopback too', f: { proxy_url: 'http://proxy:3128' }, url: 'http://127.0.0.1:9090/', want: P },
    { name: 'no_proxy domain', f: { proxy_url: 'http://proxy:3128', no_proxy: 'example.com' }, url: 'http://a.example.com/', want: null },
    { name: 'no_proxy domain exact', f: { proxy_url: 'http://proxy:3128', no_proxy: 'example.com' }, url: 'http://example.com/', want: null },
    { name: 'no_proxy leading dot is suffix only', f: { proxy_url: 'http://proxy:3128', no_proxy: '.example.com' }, url: 'http://example.com/', want: P },
    { name: 'no_proxy wildcard subdomain', f: { proxy_url: 'http://proxy:3128', no_proxy: '*.example.com' }, url: 'http://x.example.com/', want: null },
    { name: 'no_proxy not matching', f: { proxy_url: 'http://proxy:3128', no_proxy: 'example.com' }, url: 'http://notexample.com/', want: P },
    { name: 'no_proxy with port', f: { proxy_url: 'http://proxy:3128', no_proxy: 'example.com:8080' }, url: 'http://example.com:8080/', want: null },
    { name: 'no_proxy other port', f: { proxy_url: 'http://proxy:3128', no_proxy: 'example.com:8080' }, url: 'http://example.com/', want: P },
    { name: 'no_proxy cidr', f: { proxy_url: 'http://proxy:3128', no_proxy: '10.0.0.0/8' }, url: 'http://10.1.2.3/', want: null },
    { name: 'no_proxy ip', f: { proxy_url: 'http://proxy:3128', no_proxy: '10.1.2.3' }, url: 'http://10.1.2.4/', want: P },
    { name: 'no_proxy star', f: { proxy_url: 'http://proxy:3128', no_proxy: 'x, *' }, url: 'http://a.b/', want: null },
    { name: 'filtered mode skips loopback', f: { proxy_url: 'http://proxy:3128', no_proxy: 'x' }, url: 'http://127.0.0.1/', want: null },
    { name: 'filtered mode skips localhost', f: { proxy_url: 'http://proxy:3128', no_proxy: 'x' }, url: 'http://localhost:80/', want: null },
    { name: 'env http', f: { proxy_from_environment: true }, env: { HTTP_PROXY: 'proxy:3128' }, url: 'http://a.example/', want: P },
    { name: 'env https only from HTTPS_PROXY', f: { proxy_from_environment: true }, env: { HTTP_PROXY: 'proxy:3128' }, url: 'https://a.example/', want: null },
    { name: 'env lower case', f: { proxy_from_environment: true }, env: { https_proxy: 'http://proxy:3128' }, url: 'https://a.example/', want: P },
    { name: 'env NO_PROXY', f: { proxy_from_environment: true }, env: { HTTP_PROXY: 'proxy:3128', NO_PROXY: 'a.example' }, url: 'http://a.example/', want: null },
  ];
  for (const c of cases) {
    const s = new ProxySelector(fields(c.f), c.env ?? {});
    assert.equal(s.proxyFor(new URL(c.url)), c.want, c.name);
  }
});

test('proxy: http through an absolute-form proxy, https through CONNECT with proxy_connect_header', async () => {
  const pki = makeTestPKI();
  const target = await listen((req, res) => { res.end(`target saw ${req.headers.host ?? ''}${req.url ?? ''}`); });
  const tlsTarget = await listen((req, res) => { res.end(`tls target ${req.url ?? ''}`); }, { cert: pki.serverCert, key: pki.serverKey });
  const forwarded: string[] = [];
  const connects: { host: string; headers: IncomingHttpHeaders }[] = [];
  const proxy = await listen((req, res) => {
    // Forward whatever host was asked for to the local target: the proxy is the only way there.
    forwarded.push(req.url ?? '');
    const u = new URL(req.url ?? '');
    const out = httpRequest({ host: '127.0.0.1', port: target.port, path: u.pathname, headers: { host: u.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    out.end();
  });
  proxy.server.on('connect', (req, sock, head) => {
    connects.push({ host: req.url ?? '', headers: req.headers });
    const up = connect(tlsTarget.port, '127.0.0.1', () => {
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', () => { sock.destroy(); });
    sock.on('error', () => { up.destroy(); });
  });
  try {
    const c = newHTTPClient(defaultHTTPClientConfig({
      proxy_url: proxy.url,
      proxy_connect_header: { 'X-Proxy-Token': ['secret' as Secret] },
      tls_config: { ...defaultTLSConfig(), ca_file: pki.caFile, server_name: 'target.example' },
    }), 'p');
    const r = await c.request({ url: 'http://target.example/metrics', timeoutMs: 5000 });
    assert.equal(r.body.toString(), 'target saw target.example/metrics');
    assert.deepEqual(forwarded, ['http://target.example/metrics']);
    const r2 = await c.request({ url: 'https://target.example:443/secure', timeoutMs: 5000 });
    assert.equal(r2.body.toString(), 'tls target /secure');
    assert.equal(connects.length, 1);
    assert.equal(connects[0]!.host, 'target.example:443');
    assert.equal(connects[0]!.headers['x-proxy-token'], 'secret');
    await c.close();

    // With no_proxy, loopback targets bypass the proxy, other hosts still use it.
    forwarded.length = 0;
    const c2 = newHTTPClient(defaultHTTPClientConfig({ proxy_url: proxy.url, no_proxy: 'other.example' }), 'p');
    assert.equal((await c2.request({ url: target.url + '/direct', timeoutMs: 5000 })).body.toString(), `target saw 127.0.0.1:${target.port}/direct`);
    assert.equal((await c2.request({ url: 'http://target.example/via', timeoutMs: 5000 })).body.toString(), 'target saw target.example/via');
    assert.deepEqual(forwarded, ['http://target.example/via']);
    await c2.close();
  } finally {
    await proxy.close();
    await target.close();
    await tlsTarget.close();
    pki.cleanup();
  }
});
