/**
 * Google Application Default Credentials for the Compute API (scope
 * `https://www.googleapis.com/auth/compute.readonly`), found as Prometheus's Google client
 * finds them:
 *
 * 1. the JSON file named by `GOOGLE_APPLICATION_CREDENTIALS`;
 * 2. gcloud's `application_default_credentials.json` (in `$CLOUDSDK_CONFIG`, else
 *    `~/.config/gcloud`);
 * 3. the metadata server of the instance (`metadata.google.internal`, or
 *    `GCE_METADATA_HOST`), asked for the default service account's token.
 *
 * A `service_account` file is exchanged for tokens with an RS256-signed JWT assertion at its
 * `token_uri`; an `authorized_user` file with its refresh token. Tokens are reused until a
 * minute before they expire. Errors read like Go's oauth2 package
 * (`oauth2: cannot fetch token: 400 Bad Request`).
 */
import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HTTPClient, HTTPResponse } from '../../httpclient/index.js';

export const COMPUTE_READONLY_SCOPE = 'https://www.googleapis.com/auth/compute.readonly';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const EXPIRY_DELTA_MS = 60_000;

export type GCEEnv = Readonly<Record<string, string | undefined>>;

export interface TokenSource {
  token(signal: AbortSignal): Promise<string>;
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** An RS256 JWT for the service account's token exchange. */
export function signJWT(claims: Record<string, unknown>, privateKeyPEM: string, keyID: string): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(keyID !== '' ? { kid: keyID } : {}) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createSign('RSA-SHA256').update(input).sign(privateKeyPEM);
  return `${input}.${b64url(sig)}`;
}

function tokenError(res: HTTPResponse): Error {
  const status = `${res.status} ${res.statusText}`.trim();
  return new Error(`oauth2: cannot fetch token: ${status}\nResponse: ${res.body.toString('utf8')}`);
}

function parseToken(res: HTTPResponse, now: number): { token: string; expiresAt: number } {
  if (res.status < 200 || res.status > 299) throw tokenError(res);
  const d = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  if (typeof d['access_token'] !== 'string' || d['access_token'] === '') throw new Error('oauth2: server response missing access_token');
  const exp = Number(d['expires_in']);
  return { token: d['access_token'], expiresAt: now + (Number.isFinite(exp) && exp > 0 ? exp * 1000 : 3600_000) };
}

abstract class Cached implements TokenSource {
  #cached: { token: string; expiresAt: number } | null = null;
  protected abstract fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }>;

  async token(signal: AbortSignal): Promise<string> {
    const c = this.#cached;
    if (c !== null && c.expiresAt - EXPIRY_DELTA_MS > Date.now()) return c.token;
    this.#cached = await this.fetch(signal);
    return this.#cached.token;
  }
}

export class ServiceAccountSource extends Cached {
  constructor(private readonly http: HTTPClient, private readonly key: { clientEmail: string; privateKey: string; privateKeyID: string; tokenURI: string }, private readonly scope: string) {
    super();
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const assertion = signJWT({ iss: this.key.clientEmail, scope: this.scope, aud: this.key.tokenURI, iat, exp: iat + 3600 }, this.key.privateKey, this.key.privateKeyID);
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    const res = await this.http.request({ method: 'POST', url: this.key.tokenURI, body, signal, timeoutMs: 30_000, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    return parseToken(res, Date.now());
  }
}

export class AuthorizedUserSource extends Cached {
  constructor(private readonly http: HTTPClient, private readonly u: { clientID: string; clientSecret: string; refreshToken: string; tokenURI: string }) {
    super();
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: this.u.clientID, client_secret: this.u.clientSecret, refresh_token: this.u.refreshToken }).toString();
    const res = await this.http.request({ method: 'POST', url: this.u.tokenURI, body, signal, timeoutMs: 30_000, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    return parseToken(res, Date.now());
  }
}

export class MetadataSource extends Cached {
  constructor(private readonly http: HTTPClient, private readonly host: string, private readonly scope: string) {
    super();
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const url = `http://${this.host}/computeMetadata/v1/instance/service-accounts/default/token?scopes=${encodeURIComponent(this.scope)}`;
    const res = await this.http.request({ url, signal, timeoutMs: 10_000, headers: { 'Metadata-Flavor': 'Google' } });
    if (res.status !== 200) throw new Error(`compute: Received ${res.status} \`${res.body.toString('utf8').trim()}\``);
    return parseToken(res, Date.now());
  }
}

/** A token source from a credentials JSON document (service_account or authorized_user). */
export function sourceFromJSON(http: HTTPClient, json: string, scope: string): TokenSource {
  const d = JSON.parse(json) as Record<string, unknown>;
  const s = (k: string): string => (typeof d[k] === 'string' ? d[k] : '');
  switch (s('type')) {
    case 'service_account':
      if (s('private_key') === '' || s('client_email') === '') throw new Error('google: missing private_key or client_email in service account credentials');
      return new ServiceAccountSource(http, { clientEmail: s('client_email'), privateKey: s('private_key'), privateKeyID: s('private_key_id'), tokenURI: s('token_uri') !== '' ? s('token_uri') : DEFAULT_TOKEN_URI }, scope);
    case 'authorized_user':
      return new AuthorizedUserSource(http, { clientID: s('client_id'), clientSecret: s('client_secret'), refreshToken: s('refresh_token'), tokenURI: s('token_uri') !== '' ? s('token_uri') : DEFAULT_TOKEN_URI });
    case '':
      throw new Error('google: missing \'type\' field in credentials');
    default:
      throw new Error(`google: unsupported credential type ${JSON.stringify(s('type'))} (Watchfire reads service_account and authorized_user files)`);
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Application Default Credentials, in the order of the file comment. */
export async function defaultTokenSource(http: HTTPClient, env: GCEEnv, scope = COMPUTE_READONLY_SCOPE): Promise<TokenSource> {
  const explicit = env['GOOGLE_APPLICATION_CREDENTIALS'] ?? '';
  if (explicit !== '') {
    let json: string;
    try {
      json = await readFile(explicit, 'utf8');
    } catch (e) {
      throw new Error(`google: error getting credentials using GOOGLE_APPLICATION_CREDENTIALS environment variable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return sourceFromJSON(http, json, scope);
  }
  const gcloudDir = env['CLOUDSDK_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.config', 'gcloud');
  const wellKnown = await readIfExists(join(gcloudDir, 'application_default_credentials.json'));
  if (wellKnown !== null) return sourceFromJSON(http, wellKnown, scope);
  return new MetadataSource(http, env['GCE_METADATA_HOST'] ?? 'metadata.google.internal', scope);
}
