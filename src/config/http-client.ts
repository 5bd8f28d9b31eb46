/**
 * Prometheus's common HTTP client settings (TLS, basic auth, authorization, OAuth2, proxy,
 * extra headers), shared by scraping, discovery, alerting and remote storage. The keys sit
 * inline in their parent's YAML; the parent calls `validateHTTPClient` where Prometheus does.
 */
import { anyValue, bool, enumOf, file, secret, string, url } from './scalars.js';
import { dict, list, nullableDict, ptr, struct } from './schema.js';
import type { DecodeContext, Kind, StructKind } from './schema.js';
import type { Authorization, BasicAuth, HTTPClientConfig, HTTPHeader, OAuth2, Secret, TLSConfig } from './types.js';

type TLSVersionName = TLSConfig['min_version'];
const tlsVersion = enumOf<TLSVersionName>('config.TLSVersion', ['TLS10', 'TLS11', 'TLS12', 'TLS13'], (s) => `unknown TLS version: ${s}`);

const count = (...xs: boolean[]): number => xs.filter(Boolean).length;

export const tlsConfig: StructKind<TLSConfig> = struct<TLSConfig>('config.TLSConfig', {
  ca: { kind: string, omitempty: true },
  cert: { kind: string, omitempty: true },
  key: { kind: secret, omitempty: true },
  ca_file: { kind: file, omitempty: true },
  cert_file: { kind: file, omitempty: true },
  key_file: { kind: file, omitempty: true },
  ca_ref: { kind: string, omitempty: true },
  cert_ref: { kind: string, omitempty: true },
  key_ref: { kind: string, omitempty: true },
  server_name: { kind: string, omitempty: true },
  insecure_skip_verify: { kind: bool },
  min_version: { kind: tlsVersion, omitempty: true },
  max_version: { kind: tlsVersion, omitempty: true },
}, { validate: validateTLS });

/** TLS settings checks, as Prometheus applies them when a tls_config is read. */
export function validateTLS(c: TLSConfig, d: DecodeContext): void {
  if (count(c.ca !== '', c.ca_file !== '', c.ca_ref !== '') > 1) d.fail(c, 'at most one of ca, ca_file & ca_ref must be configured');
  if (count(c.cert !== '', c.cert_file !== '', c.cert_ref !== '') > 1) d.fail(c, 'at most one of cert, cert_file & cert_ref must be configured');
  if (count(c.key !== '', c.key_file !== '', c.key_ref !== '') > 1) d.fail(c, 'at most one of key and key_file must be configured');
  const usingCert = c.cert !== '' || c.cert_file !== '' || c.cert_ref !== '';
  const usingKey = c.key !== '' || c.key_file !== '' || c.key_ref !== '';
  if (usingCert && !usingKey) d.fail(c, 'exactly one of key or key_file must be configured when a client certificate is configured');
  if (usingKey && !usingCert) d.fail(c, 'exactly one of cert or cert_file must be configured when a client key is configured');
}

const basicAuth = struct<BasicAuth>('config.BasicAuth', {
  username: { kind: string, omitempty: true },
  username_file: { kind: file, omitempty: true },
  username_ref: { kind: string, omitempty: true },
  password: { kind: secret, omitempty: true },
  password_file: { kind: file, omitempty: true },
  password_ref: { kind: string, omitempty: true },
});

const authorization = struct<Authorization>('config.Authorization', {
  type: { kind: string, omitempty: true },
  credentials: { kind: secret, omitempty: true },
  credentials_file: { kind: file, omitempty: true },
  credentials_ref: { kind: string, omitempty: true },
});

/** `proxy_connect_header`: header name → secret values. */
const proxyHeader: Kind<Record<string, Secret[]>> = dict(list(secret as Kind<Secret>), 'config.ProxyHeader');

const oauth2 = struct<OAuth2>('config.OAuth2', {
  client_id: { kind: string, omitempty: true },
  client_secret: { kind: secret, omitempty: true },
  client_secret_file: { kind: file, omitempty: true },
  client_secret_ref: { kind: string, omitempty: true },
  client_certificate_key_id: { kind: string, omitempty: true },
  client_certificate_key: { kind: secret, omitempty: true },
  // Prometheus leaves this one relative to the working directory.
  client_certificate_key_file: { kind: string, omitempty: true },
  client_certificate_key_ref: { kind: string, omitempty: true },
  grant_type: { kind: string, omitempty: true },
  signature_algorithm: { kind: string, omitempty: true },
  iss: { kind: string, omitempty: true },
  audience: { kind: string, omitempty: true },
  claims: { kind: dict(anyValue, 'map[string]interface {}'), omitempty: true },
  scopes: { kind: list(string), omitempty: true },
  token_url: { kind: string, omitempty: true },
  endpoint_params: { kind: dict(string), omitempty: true },
  tls_config: { kind: tlsConfig, omitempty: true },
  proxy_url: { kind: url, omitempty: true },
  no_proxy: { kind: string, omitempty: true },
  proxy_from_environment: { kind: bool, omitempty: true },
  proxy_connect_header: { kind: proxyHeader, omitempty: true },
}, { validate: (o, d) => { validateProxy(o, d); } });

const header = struct<HTTPHeader>('config.Header', {
  values: { kind: list(string), omitempty: true },
  secrets: { kind: list(secret as Kind<Secret>), omitempty: true },
  files: { kind: list(file), omitempty: true },
});

/** Headers Prometheus sets itself; configuring them is an error. Canonical form. */
const RESERVED_HEADERS = new Set([
  'Authorization', 'Host', 'Content-Encoding', 'Content-Length', 'Content-Type', 'User-Agent',
  'Connection', 'Keep-Alive', 'Proxy-Authenticate', 'Proxy-Authorization', 'Www-Authenticate',
  'Accept-Encoding', 'X-Prometheus-Remote-Write-Version', 'X-Prometheus-Remote-Read-Version',
  'X-Prometheus-Scrape-Timeout-Seconds', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256',
]);

/** Go's http.CanonicalHeaderKey: `x-foo-bar` → `X-Foo-Bar` (unchanged when it has invalid characters). */
export function canonicalHeaderKey(s: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s)) return s;
  let upper = true;
  let out = '';
  for (const ch of s) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

const httpHeaders = nullableDict(dict(header, 'config.Headers'));

export const httpClientFields = {
  basic_auth: { kind: ptr(basicAuth), omitempty: true },
  authorization: { kind: ptr(authorization), omitempty: true },
  oauth2: { kind: ptr(oauth2), omitempty: true },
  bearer_token: { kind: secret, omitempty: true },
  bearer_token_file: { kind: file, omitempty: true },
  tls_config: { kind: tlsConfig, omitempty: true },
  follow_redirects: { kind: bool, default: () => true },
  enable_http2: { kind: bool, default: () => true },
  proxy_url: { kind: url, omitempty: true },
  no_proxy: { kind: string, omitempty: true },
  proxy_from_environment: { kind: bool, omitempty: true },
  proxy_connect_header: { kind: proxyHeader, omitempty: true },
  http_headers: { kind: httpHeaders, omitempty: true },
} as const;

/** The HTTP client settings with Prometheus's defaults (follow redirects, HTTP/2 on). */
export const httpClient: StructKind<HTTPClientConfig> = struct<HTTPClientConfig>('config.HTTPClientConfig', httpClientFields);

/** Remote write's variant: HTTP/2 off by default. */
export const remoteWriteHTTPClient: StructKind<HTTPClientConfig> = struct<HTTPClientConfig>('config.HTTPClientConfig', {
  ...httpClientFields,
  enable_http2: { kind: bool, default: () => false },
});

/** The inline field of a parent struct that carries the HTTP client settings. */
export const inlineHTTPClient = { kind: httpClient, inline: true } as const;

interface ProxyFields {
  proxy_url: string;
  no_proxy: string;
  proxy_from_environment: boolean;
  proxy_connect_header: Record<string, Secret[]>;
}

function validateProxy(c: ProxyFields, d: DecodeContext): void {
  if (Object.keys(c.proxy_connect_header).length > 0 && !c.proxy_from_environment && c.proxy_url === '') {
    d.fail(c, 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
  }
  if (c.proxy_from_environment && c.proxy_url !== '') d.fail(c, 'if proxy_from_environment is configured, proxy_url must not be configured');
  if (c.proxy_from_environment && c.no_proxy !== '') d.fail(c, 'if proxy_from_environment is configured, no_proxy must not be configured');
  if (c.proxy_url === '' && c.no_proxy !== '') d.fail(c, 'if no_proxy is configured, proxy_url must also be configured');
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Prometheus's HTTPClientConfig.Validate: mutually exclusive auth settings, and the legacy
 * `bearer_token`/`bearer_token_file` turned into an `authorization` of type Bearer.
 */
export function validateHTTPClient(c: HTTPClientConfig, d: DecodeContext): void {
  if (c.bearer_token !== '' && c.bearer_token_file !== '') d.fail(c, 'at most one of bearer_token & bearer_token_file must be configured');
  if ((c.basic_auth !== null || c.oauth2 !== null) && (c.bearer_token !== '' || c.bearer_token_file !== '')) {
    d.fail(c, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }
  const ba = c.basic_auth;
  if (ba !== null && count(ba.username !== '', ba.username_file !== '', ba.username_ref !== '') > 1) {
    d.fail(c, 'at most one of basic_auth username, username_file & username_ref must be configured');
  }
  if (ba !== null && count(ba.password !== '', ba.password_file !== '', ba.password_ref !== '') > 1) {
    d.fail(c, 'at most one of basic_auth password, password_file & password_ref must be configured');
  }
  const az = c.authorization;
  if (az !== null) {
    if (c.bearer_token !== '' || c.bearer_token_file !== '') d.fail(c, 'authorization is not compatible with bearer_token & bearer_token_file');
    if (count(az.credentials !== '', az.credentials_file !== '', az.credentials_ref !== '') > 1) {
      d.fail(c, 'at most one of authorization credentials & credentials_file must be configured');
    }
    az.type = az.type.trim();
    if (az.type === '') az.type = 'Bearer';
    if (az.type.toLowerCase() === 'basic') d.fail(c, 'authorization type cannot be set to "basic", use "basic_auth" instead');
    if (c.basic_auth !== null || c.oauth2 !== null) d.fail(c, 'at most one of basic_auth, oauth2 & authorization must be configured');
  } else {
    if (c.bearer_token !== '') {
      c.authorization = { type: 'Bearer', credentials: c.bearer_token, credentials_file: '', credentials_ref: '' };
      c.bearer_token = '';
    }
    if (c.bearer_token_file !== '') {
      c.authorization = { type: 'Bearer', credentials: '', credentials_file: c.bearer_token_file, credentials_ref: '' };
      c.bearer_token_file = '';
    }
  }
  const o = c.oauth2;
  if (o !== null) {
    if (c.basic_auth !== null) d.fail(c, 'at most one of basic_auth, oauth2 & authorization must be configured');
    if (o.client_id === '') d.fail(c, 'oauth2 client_id must be configured');
    if (o.token_url === '') d.fail(c, 'oauth2 token_url must be configured');
    if (o.grant_type === JWT_BEARER) {
      if (count(o.client_certificate_key !== '', o.client_certificate_key_file !== '', o.client_certificate_key_ref !== '') > 1) {
        d.fail(c, 'at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer');
      }
      if (o.signature_algorithm !== '' && !['RS256', 'RS384', 'RS512'].includes(o.signature_algorithm ?? '')) {
        d.fail(c, 'valid signature algorithms are RS256, RS384 and RS512');
      }
    } else if (count(o.client_secret !== '', o.client_secret_file !== '', o.client_secret_ref !== '') > 1) {
      d.fail(c, 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials');
    }
  }
  validateProxy(c, d);
  if (c.http_headers !== null) {
    for (const name of Object.keys(c.http_headers)) {
      const canon = canonicalHeaderKey(name);
      if (RESERVED_HEADERS.has(canon)) d.fail(c, `setting header ${JSON.stringify(canon)} is not allowed`);
    }
  }
}

/** True when `c` differs from Prometheus's default HTTP client settings. */
export function isCustomHTTPClient(c: HTTPClientConfig): boolean {
  if (!c.follow_redirects || !c.enable_http2) return true;
  const specs = httpClientFields as Record<string, { kind: Kind<unknown> }>;
  const rec = c as unknown as Record<string, unknown>;
  for (const k of Object.keys(specs)) {
    if (k === 'follow_redirects' || k === 'enable_http2') continue;
    if (!specs[k]!.kind.isZero(rec[k])) return true;
  }
  return false;
}
