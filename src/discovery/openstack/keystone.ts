/**
 * Keystone v3 authentication and the service catalog, as Prometheus's OpenStack client
 * (gophercloud) does it:
 *
 * - an identity endpoint ending in `/v3` is used as is; any other is asked for its versions
 *   (`GET <endpoint>`) and the v3 link is taken;
 * - `POST <v3>/auth/tokens` with a password identity (user by id, or by name with a domain)
 *   scoped to a project (by id, or by name with a domain), or with an application credential
 *   (by id, or by name with its user); the token comes back in `X-Subject-Token`;
 * - service endpoints are looked up in the token's catalog by type, region (name or id) and
 *   interface (the `availability`).
 *
 * HTTP errors read like gophercloud's: `Expected HTTP response code [201] when accessing
 * [POST <url>], but got 401 instead: <body>`.
 */
import type { HTTPClient, HTTPResponse } from '../../httpclient/index.js';

export interface AuthOptions {
  identityEndpoint: string;
  username: string;
  userID: string;
  password: string;
  projectName: string;
  projectID: string;
  domainName: string;
  domainID: string;
  applicationCredentialName: string;
  applicationCredentialID: string;
  applicationCredentialSecret: string;
}

export interface CatalogEndpoint {
  interface: string;
  region: string;
  regionID: string;
  url: string;
}

export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

export interface Token {
  id: string;
  catalog: CatalogEntry[];
}

export class UnexpectedResponseError extends Error {
  constructor(readonly expected: readonly number[], readonly method: string, readonly url: string, readonly status: number, readonly body: string) {
    super(`Expected HTTP response code [${expected.join(' ')}] when accessing [${method} ${url}], but got ${status} instead: ${body}`);
    this.name = 'UnexpectedResponseError';
  }
}

/** Requires one of the expected statuses, else throws gophercloud's error. */
export function expectStatus(res: HTTPResponse, expected: readonly number[], method: string, url: string): void {
  if (!expected.includes(res.status)) throw new UnexpectedResponseError(expected, method, url, res.status, res.body.toString('utf8'));
}

/** The OpenStack settings from `OS_*` environment variables, used when no identity endpoint is configured. */
export function authOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AuthOptions {
  const get = (...names: string[]): string => {
    for (const n of names) { const v = env[n]; if (v !== undefined && v !== '') return v; }
    return '';
  };
  const o: AuthOptions = {
    identityEndpoint: get('OS_AUTH_URL'), username: get('OS_USERNAME'), userID: get('OS_USERID'), password: get('OS_PASSWORD'),
    projectID: get('OS_TENANT_ID', 'OS_PROJECT_ID'), projectName: get('OS_TENANT_NAME', 'OS_PROJECT_NAME'),
    domainID: get('OS_DOMAIN_ID', 'OS_USER_DOMAIN_ID'), domainName: get('OS_DOMAIN_NAME', 'OS_USER_DOMAIN_NAME'),
    applicationCredentialID: get('OS_APPLICATION_CREDENTIAL_ID'), applicationCredentialName: get('OS_APPLICATION_CREDENTIAL_NAME'),
    applicationCredentialSecret: get('OS_APPLICATION_CREDENTIAL_SECRET'),
  };
  if (o.identityEndpoint === '') throw new Error('Missing environment variable [OS_AUTH_URL]');
  return o;
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

function domain(id: string, name: string): Record<string, string> | undefined {
  if (id !== '') return { id };
  if (name !== '') return { name };
  return undefined;
}

/** The JSON body of a v3 token request. Throws on incomplete options, as gophercloud does. */
export function tokenRequestBody(o: AuthOptions): Record<string, unknown> {
  const userDomain = domain(o.domainID, o.domainName);
  if (o.applicationCredentialID !== '' || o.applicationCredentialName !== '') {
    if (o.applicationCredentialSecret === '') throw new Error('You must provide a value for the ApplicationCredentialSecret');
    let ac: Record<string, unknown>;
    if (o.applicationCredentialID !== '') {
      ac = { id: o.applicationCredentialID, secret: o.applicationCredentialSecret };
    } else {
      let user: Record<string, unknown>;
      if (o.userID !== '') user = { id: o.userID };
      else if (o.username !== '' && userDomain !== undefined) user = { name: o.username, domain: userDomain };
      else throw new Error('You must provide exactly one of DomainID or DomainName to authenticate by Username');
      ac = { name: o.applicationCredentialName, user, secret: o.applicationCredentialSecret };
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: ac } } };
  }
  let user: Record<string, unknown>;
  if (o.userID !== '') {
    user = { id: o.userID, password: o.password };
  } else {
    if (o.username === '') throw new Error('You must provide a username or user ID');
    if (userDomain === undefined) throw new Error('You must provide exactly one of DomainID or DomainName to authenticate by Username');
    user = { name: o.username, domain: userDomain, password: o.password };
  }
  const body: Record<string, unknown> = { identity: { methods: ['password'], password: { user } } };
  if (o.projectID !== '') {
    body['scope'] = { project: { id: o.projectID } };
  } else if (o.projectName !== '') {
    const d = domain(o.domainID, o.domainName);
    if (d === undefined) throw new Error('You must provide exactly one of DomainID or DomainName in a Scope with ProjectName');
    body['scope'] = { project: { name: o.projectName, domain: d } };
  }
  return { auth: body };
}

/** The v3 base URL of an identity endpoint, discovering it when the endpoint names no version. */
export async function identityV3(http: HTTPClient, endpoint: string, signal: AbortSignal, timeoutMs: number): Promise<string> {
  const base = withSlash(endpoint);
  if (/\/v3\/$/.test(base)) return base;
  if (/\/v2\.0\/$/.test(base)) throw new Error('Keystone v2.0 is not supported; configure a v3 identity endpoint');
  const res = await http.request({ url: base, signal, timeoutMs, headers: { Accept: 'application/json' } });
  expectStatus(res, [200, 300], 'GET', base);
  const doc = JSON.parse(res.body.toString('utf8')) as { versions?: { values?: { id?: string; status?: string; links?: { href?: string; rel?: string }[] }[] } };
  for (const v of doc.versions?.values ?? []) {
    if (!(v.id ?? '').startsWith('v3')) continue;
    const href = (v.links ?? []).find((l) => l.rel === 'self')?.href;
    if (href !== undefined) return withSlash(href);
  }
  throw new Error(`Unable to find a version supported by both client and server at ${base}`);
}

/** Authenticates and returns the token with its catalog. */
export async function authenticate(http: HTTPClient, o: AuthOptions, signal: AbortSignal, timeoutMs: number): Promise<Token> {
  const body = JSON.stringify(tokenRequestBody(o));
  const url = `${await identityV3(http, o.identityEndpoint, signal, timeoutMs)}auth/tokens`;
  const res = await http.request({ method: 'POST', url, body, signal, timeoutMs, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
  expectStatus(res, [201], 'POST', url);
  const id = res.headers['x-subject-token'] ?? '';
  const doc = JSON.parse(res.body.toString('utf8')) as { token?: { catalog?: { type?: string; name?: string; endpoints?: { interface?: string; region?: string; region_id?: string; url?: string }[] }[] } };
  const catalog: CatalogEntry[] = (doc.token?.catalog ?? []).map((e) => ({
    type: e.type ?? '', name: e.name ?? '',
    endpoints: (e.endpoints ?? []).map((p) => ({ interface: p.interface ?? '', region: p.region ?? '', regionID: p.region_id ?? '', url: p.url ?? '' })),
  }));
  return { id, catalog };
}

/** The URL (with a trailing slash) of a service in the catalog. */
export function endpointFor(token: Token, type: string, region: string, availability: string): string {
  for (const e of token.catalog) {
    if (e.type !== type) continue;
    for (const p of e.endpoints) {
      if ((region === '' || p.region === region || p.regionID === region) && p.interface === availability) return withSlash(p.url);
    }
  }
  throw new Error('No suitable endpoint could be found in the service catalog.');
}
