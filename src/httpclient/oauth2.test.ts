import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OAuth2, Secret } from '../config/types.js';
import { defaultHTTPClientConfig, defaultTLSConfig, newHTTPClient } from './index.js';
import { listen } from './test-server.js';

interface TokenRequest { auth: string | undefined; form: URLSearchParams; ua: string | undefined }

function oauth2(o: Partial<OAuth2>): OAuth2 {
  return {
    client_id: 'id', client_secret: 'se cret' as Secret, client_secret_file: '', client_secret_ref: '', scopes: [], token_url: '',
    endpoint_params: {}, tls_config: defaultTLSConfig(), proxy_url: '', no_proxy: '', proxy_from_environment: false, proxy_connect_header: {},
    ...o,
  };
}

test('oauth2: client credentials with scopes and endpoint params; token cached until near expiry; secret file rotation', async () => {
  const tokenReqs: TokenRequest[] = [];
  let n = 0;
  let expiresIn = 3600;
  let acceptBasic = true;
  const tokens = await listen((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      tokenReqs.push({ auth: req.headers['authorization'], form, ua: req.headers['user-agent'] });
      if (!acceptBasic && req.headers['authorization'] !== undefined) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      n++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `tok${n}`, token_type: 'bearer', expires_in: expiresIn }));
    });
  });
  const seen: (string | undefined)[] = [];
  const api = await listen((req, res) => { seen.push(req.headers['authorization']); res.end('ok'); });
  const dir = mkdtempSync(join(tmpdir(), 'wf-oauth-'));
  try {
    const c = newHTTPClient(defaultHTTPClientConfig({
      oauth2: oauth2({ token_url: tokens.url + '/token', scopes: ['read', 'write'], endpoint_params: { audience: 'aud' } }),
    }), 'o', { userAgent: 'Watchfire/test' });
    await c.request({ url: api.url, timeoutMs: 5000 });
    await c.request({ url: api.url, timeoutMs: 5000 });
    assert.deepEqual(seen, ['Bearer tok1', 'Bearer tok1']);
    assert.equal(tokenReqs.length, 1, 'the token is cached');
    const tr = tokenReqs[0]!;
    assert.equal(tr.auth, 'Basic ' + Buffer.from('id:se+cret').toString('base64'));
    assert.equal(tr.form.get('grant_type'), 'client_credentials');
    assert.equal(tr.form.get('scope'), 'read write');
    assert.equal(tr.form.get('audience'), 'aud');
    assert.equal(tr.ua, 'Watchfire/test');
    await c.close();

    // A token that expires within the 10 s safety margin is fetched again for every request.
    expiresIn = 5;
    seen.length = 0;
    tokenReqs.length = 0;
    const c2 = newHTTPClient(defaultHTTPClientConfig({ oauth2: oauth2({ token_url: tokens.url + '/token' }) }), 'o');
    await c2.request({ url: api.url, timeoutMs: 5000 });
    await c2.request({ url: api.url, timeoutMs: 5000 });
    assert.deepEqual(seen, ['Bearer tok2', 'Bearer tok3']);
    assert.equal(tokenReqs.length, 2);
    await c2.close();

    // A server that refuses HTTP Basic client authentication gets the credentials in the form.
    expiresIn = 3600;
    acceptBasic = false;
    tokenReqs.length = 0;
    seen.length = 0;
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 's1\n');
    const c3 = newHTTPClient(defaultHTTPClientConfig({ oauth2: oauth2({ token_url: tokens.url + '/token', client_secret: '', client_secret_file: secretFile }) }), 'o');
    await c3.request({ url: api.url, timeoutMs: 5000 });
    assert.equal(tokenReqs.length, 2);
    assert.equal(tokenReqs[1]!.auth, undefined);
    assert.equal(tokenReqs[1]!.form.get('client_id'), 'id');
    assert.equal(tokenReqs[1]!.form.get('client_secret'), 's1');
    await c3.request({ url: api.url, timeoutMs: 5000 });
    assert.equal(tokenReqs.length, 2, 'cached, and the working style remembered');
    writeFileSync(secretFile, 's2');
    await c3.request({ url: api.url, timeoutMs: 5000 });
    assert.equal(tokenReqs.length, 3, 'a rotated secret drops the token');
    assert.equal(tokenReqs[2]!.form.get('client_secret'), 's2');
    assert.deepEqual(seen, ['Bearer tok4', 'Bearer tok4', 'Bearer tok5']);
    await c3.close();

    // Token endpoint failures fail the request, worded as Go's oauth2 library does.
    const bad = newHTTPClient(defaultHTTPClientConfig({ oauth2: oauth2({ token_url: api.url.replace(/:\d+$/, ':1') + '/token' }) }), 'o');
    await assert.rejects(bad.request({ url: api.url + '/m', timeoutMs: 5000 }),
      /^HTTPClientError: Get "http:\/\/127\.0\.0\.1:\d+\/m": oauth2: cannot fetch token: Post "http:\/\/127\.0\.0\.1:1\/token": dial tcp 127\.0\.0\.1:1: connect: connection refused$/);
    await bad.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await tokens.close();
    await api.close();
  }
});

test('oauth2: a non-2xx token response is an error with the response text', async () => {
  const tokens = await listen((_req, res) => { res.writeHead(400).end('bad request body'); });
  const c = newHTTPClient(defaultHTTPClientConfig({ oauth2: oauth2({ token_url: tokens.url }) }), 'o');
  try {
    await assert.rejects(c.request({ url: tokens.url + '/api', timeoutMs: 5000 }), (e: Error) => {
      assert.match(e.message, /oauth2: cannot fetch token: 400 Bad Request\nResponse: bad request body$/);
      return true;
    });
  } finally {
    await c.close();
    await tokens.close();
  }
});

test('oauth2: jwt-bearer grant posts an RS256-signed assertion', async () => {
  const { generateKeyPairSync, verify } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let form = new URLSearchParams();
  const tokens = await listen((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      form = new URLSearchParams(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"jwt-tok","expires_in":3600}');
    });
  });
  const api = await listen((req, res) => { res.end(req.headers['authorization'] ?? ''); });
  const c = newHTTPClient(defaultHTTPClientConfig({
    oauth2: oauth2({
      client_secret: '', token_url: tokens.url + '/token', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      client_certificate_key: pem as Secret, client_certificate_key_id: 'k1', audience: 'aud-x', scopes: ['s1'], claims: { tenant: 't' },
    }),
  }), 'jwt');
  try {
    assert.equal((await c.request({ url: api.url, timeoutMs: 5000 })).body.toString(), 'Bearer jwt-tok');
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.equal(form.get('scope'), 's1');
    const [h, p, sig] = form.get('assertion')!.split('.') as [string, string, string];
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig, 'base64url')), 'signature verifies');
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'RS256', typ: 'JWT', kid: 'k1' });
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims['iss'], 'id');
    assert.equal(claims['sub'], 'id');
    assert.equal(claims['aud'], 'aud-x');
    assert.equal(claims['scope'], 's1');
    assert.equal(claims['tenant'], 't');
    assert.equal((claims['exp'] as number) - (claims['iat'] as number), 600);
  } finally {
    await c.close();
    await tokens.close();
    await api.close();
  }
});
