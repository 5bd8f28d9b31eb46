/**
 * OAuth 2.0 client-credentials flow, as Prometheus's `oauth2` HTTP client setting performs it:
 * a token is fetched from `token_url` with the client id and secret, cached until 10 s
 * before it expires, and fetched again after; a changed `client_secret_file` drops the
 * cached token. The token endpoint is reached with the oauth2 block's own TLS and proxy
 * settings. Client authentication is detected as Go's oauth2 library does: HTTP Basic
 * first, and on failure the credentials in the form body; what worked is remembered.
 *
 * With `grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523) the client instead
 * signs a JWT assertion (RS256/384/512) with `client_certificate_key(_file)` and posts it.
 */
import { randomUUID, sign } from 'node:crypto';
import { URLSearchParams } from 'node:url';
import type { OAuth2 } from '../config/types.js';
import { HTTPClientError, classifyTransportError } from './errors.js';
import { readBody } from './body.js';
import { readSecret, secretSource, type SecretSource } from './secret.js';
import { Transport } from './transport.js';

/** Tokens are refreshed this long before they expire. */
const EXPIRY_DELTA_MS = 10_000;
/** Token responses larger than this are cut, as Go's oauth2 library reads at most 1 MiB. */
const MAX_TOKEN_RESPONSE = 1 << 20;

interface Token {
  header: string;
  /** Epoch ms, or 0 when the server gave no lifetime (never expires). */
  expiry: number;
}

type AuthStyle = 'unknown' | 'header' | 'params';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** JWT assertions are valid this long. */
const JWT_LIFETIME_S = 600;

export class OAuth2TokenSource {
  readonly #cfg: OAuth2;
  readonly #secret: SecretSource | null;
  readonly #transport: Transport;
  #lastSecret: string | null = null;
  #token: Token | null = null;
  #style: AuthStyle = 'unknown';
  #inflight: Promise<Token> | null = null;

  constructor(cfg: OAuth2) {
    this.#cfg = cfg;
    this.#secret = cfg.grant_type === JWT_BEARER_GRANT
      ? secretSource(cfg.client_certificate_key ?? '', cfg.client_certificate_key_file ?? '')
      : secretSource(cfg.client_secret, cfg.client_secret_file);
    this.#transport = new Transport({
      tls: cfg.tls_config,
      proxy: cfg,
      http2: false,
      connections: 1,
    });
  }

  /** The Authorization header value to send (`Bearer <token>`). */
  async authorization(userAgent: string, signal: AbortSignal): Promise<string> {
    let secret: string;
    try {
      secret = await readSecret(this.#secret);
    } catch (e) {
      throw new HTTPClientError('auth', `unable to read oauth2 client secret: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (secret !== this.#lastSecret) {
      this.#lastSecret = secret;
      this.#token = null;
    }
    const t = this.#token;
    if (t !== null && (t.expiry === 0 || t.expiry - EXPIRY_DELTA_MS > Date.now())) return t.header;
    // Requests waiting for a token share one fetch.
    this.#inflight ??= this.#fetch(secret, userAgent, signal).finally(() => { this.#inflight = null; });
    const nt = await this.#inflight;
    if (secret === this.#lastSecret) this.#token = nt;
    return nt.header;
  }

  async #fetch(secret: string, userAgent: string, signal: AbortSignal): Promise<Token> {
    if (this.#cfg.grant_type === JWT_BEARER_GRANT) return this.#retrieve(secret, 'jwt', userAgent, signal);
    if (this.#style !== 'unknown') return this.#retrieve(secret, this.#style, userAgent, signal);
    try {
      const t = await this.#retrieve(secret, 'header', userAgent, signal);
      this.#style = 'header';
      return t;
    } catch (e) {
      if (signal.aborted) throw e;
      const t = await this.#retrieve(secret, 'params', userAgent, signal);
      this.#style = 'params';
      return t;
    }
  }

  async #retrieve(secret: string, style: 'header' | 'params' | 'jwt', userAgent: string, signal: AbortSignal): Promise<Token> {
    const c = this.#cfg;
    const form = new URLSearchParams();
    if (style === 'jwt') {
      form.set('grant_type', JWT_BEARER_GRANT);
      form.set('assertion', jwtAssertion(c, secret));
    } else {
      form.set('grant_type', 'client_credentials');
    }
    if (c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
    for (const [k, v] of Object.entries(c.endpoint_params)) {
      if (form.has(k) && k !== 'grant_type') throw new HTTPClientError('auth', `oauth2: cannot overwrite parameter ${JSON.stringify(k)}`);
      form.set(k, v);
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (userAgent !== '') headers['user-agent'] = userAgent;
    if (style === 'header') {
      const user = queryEscape(c.client_id);
      const pass = queryEscape(secret);
      headers['authorization'] = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    } else if (style === 'params') {
      form.set('client_id', c.client_id);
      if (secret !== '') form.set('client_secret', secret);
    }
    form.sort();
    const u = new URL(c.token_url);
    let status: number, statusText: string, ctype: string, body: Buffer;
    try {
      const d = await this.#transport.dispatcherFor(u);
      const r = await d.request({
        origin: u.origin, path: u.pathname + u.search, method: 'POST', headers, body: form.toString(), signal,
      });
      status = r.statusCode;
      statusText = r.statusText;
      const ct = r.headers['content-type'];
      ctype = Array.isArray(ct) ? (ct[0] ?? '') : (ct ?? '');
      body = await readBody(r.body, 'identity', Infinity).catch(() => Buffer.alloc(0));
      if (body.length > MAX_TOKEN_RESPONSE) body = body.subarray(0, MAX_TOKEN_RESPONSE);
    } catch (e) {
      const ce = classifyTransportError(e, u.host);
      throw new HTTPClientError(ce.kind, `oauth2: cannot fetch token: Post ${JSON.stringify(c.token_url)}: ${ce.message}`, { cause: e });
    }
    if (status < 200 || status > 299) {
      throw new HTTPClientError('auth', `oauth2: cannot fetch token: ${status} ${statusText}\nResponse: ${body.toString('utf8')}`);
    }
    return parseToken(body.toString('utf8'), ctype);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}

/** Parses a token response: JSON, or a form when the server says so (as GitHub once did). */
function parseToken(text: string, contentType: string): Token {
  const mt = contentType.split(';')[0]!.trim().toLowerCase();
  let access = '', type = '', expiresIn = 0;
  if (mt === 'application/x-www-form-urlencoded' || mt === 'text/plain') {
    const f = new URLSearchParams(text);
    access = f.get('access_token') ?? '';
    type = f.get('token_type') ?? '';
    expiresIn = Number(f.get('expires_in') ?? 0) || 0;
  } else {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      throw new HTTPClientError('auth', `oauth2: cannot parse json: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (typeof j === 'object' && j !== null) {
      const o = j as Record<string, unknown>;
      if (typeof o['access_token'] === 'string') access = o['access_token'];
      if (typeof o['token_type'] === 'string') type = o['token_type'];
      const ei = o['expires_in'];
      if (typeof ei === 'number') expiresIn = ei;
      else if (typeof ei === 'string') expiresIn = Number(ei) || 0;
    }
  }
  if (access === '') throw new HTTPClientError('auth', 'oauth2: server response missing access_token');
  return { header: `${tokenType(type)} ${access}`, expiry: expiresIn > 0 ? Date.now() + expiresIn * 1000 : 0 };
}

/** The token type as the Authorization scheme: known types in their canonical case, Bearer by default. */
function tokenType(t: string): string {
  switch (t.toLowerCase()) {
    case '':
    case 'bearer': return 'Bearer';
    case 'mac': return 'MAC';
    case 'basic': return 'Basic';
    default: return t;
  }
}

/** Go's `url.QueryEscape`: everything but `A-Za-z0-9-_.~` escaped, space as `+`. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

function base64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** A signed JWT assertion for the jwt-bearer grant, with the claims Prometheus puts in it. */
function jwtAssertion(c: OAuth2, privateKey: string): string {
  const alg = c.signature_algorithm === 'RS384' || c.signature_algorithm === 'RS512' ? c.signature_algorithm : 'RS256';
  const header: Record<string, string> = { alg, typ: 'JWT' };
  if (c.client_certificate_key_id !== undefined && c.client_certificate_key_id !== '') header['kid'] = c.client_certificate_key_id;
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: c.iss !== undefined && c.iss !== '' ? c.iss : c.client_id,
    sub: c.client_id,
    jti: randomUUID(),
    aud: c.audience !== undefined && c.audience !== '' ? c.audience : c.token_url,
    iat: now,
    exp: now + JWT_LIFETIME_S,
  };
  if (c.scopes.length > 0) claims['scope'] = c.scopes.join(' ');
  if (c.claims !== undefined) Object.assign(claims, c.claims);
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let sig: Buffer;
  try {
    sig = sign(`sha${alg.slice(2)}`, Buffer.from(input), privateKey);
  } catch (e) {
    throw new HTTPClientError('auth', `oauth2: cannot sign the JWT assertion: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return `${input}.${base64url(sig)}`;
}
