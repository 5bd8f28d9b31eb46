import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TLSConfig } from '../config/types.js';
import { defaultHTTPClientConfig, defaultTLSConfig, HTTPClientError, newHTTPClient } from './index.js';
import { makeTestPKI, type TestPKI } from './test-certs.js';
import { listen, type TestServer } from './test-server.js';

let pki: TestPKI;
let srv: TestServer;
let mtls: TestServer;

before(async () => {
  pki = makeTestPKI();
  srv = await listen((req, res) => { res.end(`hello ${req.url ?? ''}`); }, { cert: pki.serverCert, key: pki.serverKey });
  mtls = await listen((req, res) => {
    const sock: unknown = req.socket;
    const peer = sock instanceof TLSSocket ? sock.getPeerCertificate() : null;
    res.end(`client ${String(peer?.subject.CN)}`);
  }, { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
});

after(async () => {
  await srv.close();
  await mtls.close();
  pki.cleanup();
});

function tlsCfg(o: Partial<TLSConfig>): TLSConfig {
  return { ...defaultTLSConfig(), ...o };
}

async function get(tls: TLSConfig, url: string): Promise<string> {
  const c = newHTTPClient(defaultHTTPClientConfig({ tls_config: tls }), 'tls-test');
  try {
    return (await c.request({ url, timeoutMs: 5000 })).body.toString();
  } catch (e) {
    return e instanceof HTTPClientError ? `error(${e.kind}): ${e.message}` : String(e);
  } finally {
    await c.close();
  }
}

test('tls: verification against ca/ca_file, insecure_skip_verify, server_name, versions', async () => {
  const cases: { name: string; tls: Partial<TLSConfig>; url?: string; want: RegExp }[] = [
    { name: 'ca_file', tls: { ca_file: pki.caFile }, want: /^hello \/$/ },
    { name: 'inline ca', tls: { ca: pki.ca }, want: /^hello \/$/ },
    { name: 'unknown authority', tls: {}, want: /^error\(tls\): Get "https:\/\/127\.0\.0\.1:\d+\/": tls: failed to verify certificate: x509: certificate signed by unknown authority$/ },
    { name: 'wrong ca', tls: { ca_file: pki.otherCaFile }, want: /^error\(tls\): .*certificate signed by unknown authority$/ },
    { name: 'insecure_skip_verify', tls: { insecure_skip_verify: true }, want: /^hello \/$/ },
    { name: 'server_name in the certificate', tls: { ca_file: pki.caFile, server_name: 'target.example' }, want: /^hello \/$/ },
    { name: 'server_name not in the certificate', tls: { ca_file: pki.caFile, server_name: 'other.example' }, want: /^error\(tls\): .*tls: failed to verify certificate: x509: .*other\.example/ },
    { name: 'localhost by name', tls: { ca_file: pki.caFile }, url: `https://localhost:${srv.port}/`, want: /^hello \/$/ },
    { name: 'min TLS13', tls: { ca_file: pki.caFile, min_version: 'TLS13' }, want: /^hello \/$/ },
  ];
  for (const c of cases) {
    assert.match(await get(tlsCfg(c.tls), c.url ?? srv.url + '/'), c.want, c.name);
  }
  assert.throws(() => newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ min_version: 'TLS13', max_version: 'TLS12' }) }), 'x'),
    /tls_config.max_version must be greater than or equal to tls_config.min_version/);
  assert.throws(() => newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ ca_file: join(pki.dir, 'nope.crt') }) }), 'x'),
    /^Error: unable to read CA cert: unable to read file .*nope\.crt/);
  assert.throws(() => newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ ca: 'garbage' }) }), 'x'),
    /unable to use specified CA cert inline/);
});

test('tls: client certificate from files (mTLS)', async () => {
  assert.equal(await get(tlsCfg({ ca_file: pki.caFile, cert_file: pki.clientCertFile, key_file: pki.clientKeyFile }), mtls.url), 'client cli');
  assert.match(await get(tlsCfg({ ca_file: pki.caFile }), mtls.url), /^error/);
  assert.throws(() => newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ cert_file: pki.clientCertFile, key_file: pki.caFile }) }), 'x'),
    /unable to use specified client cert \(file .*cli\.crt\) & key \(file .*ca\.crt\)/);
});

test('tls: a rotated ca_file takes effect without a new client', async () => {
  const file = join(pki.dir, 'rotating.crt');
  copyFileSync(pki.otherCaFile, file);
  const c = newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ ca_file: file }) }), 'rotate');
  try {
    await assert.rejects(c.request({ url: srv.url, timeoutMs: 5000 }), /unknown authority/);
    writeFileSync(file, pki.ca + '\n');
    assert.equal((await c.request({ url: srv.url + '/x', timeoutMs: 5000 })).body.toString(), 'hello /x');
  } finally {
    await c.close();
  }
});

test('tls: enable_http2 speaks HTTP/2 to an h2-only server', async () => {
  const h2 = createSecureServer({ cert: pki.serverCert, key: pki.serverKey, allowHTTP1: false }, (req, res) => {
    res.end(`proto ${req.httpVersion}`);
  });
  await new Promise<void>((r) => { h2.listen(0, '127.0.0.1', r); });
  const port = (h2.address() as AddressInfo).port;
  try {
    const c = newHTTPClient(defaultHTTPClientConfig({ tls_config: tlsCfg({ ca_file: pki.caFile }), enable_http2: true }), 'h2');
    assert.equal((await c.request({ url: `https://127.0.0.1:${port}/`, timeoutMs: 5000 })).body.toString(), 'proto 2.0');
    await c.close();
  } finally {
    await new Promise<void>((r) => { h2.close(() => { r(); }); });
  }
});
