/**
 * Access tokens for Azure Resource Manager, by `authentication_method`, as Prometheus's
 * Azure SDK credentials obtain them:
 *
 * - `OAuth`: the client credentials grant (`client_id`, `client_secret`) at
 *   `<authority><tenant_id>/oauth2/v2.0/token` with the scope `<audience>/.default`;
 * - `ManagedIdentity`: the App Service identity endpoint (`IDENTITY_ENDPOINT` with
 *   `IDENTITY_HEADER`) when present, else the instance metadata service
 *   (`http://169.254.169.254/metadata/identity/oauth2/token`, `Metadata: true`), for the
 *   user-assigned identity `client_id` if set;
 * - `WorkloadIdentity`: the federated token in `AZURE_FEDERATED_TOKEN_FILE` exchanged as a
 *   client assertion for `AZURE_CLIENT_ID` in `AZURE_TENANT_ID` (authority
 *   `AZURE_AUTHORITY_HOST` when set);
 * - `SDK`: the first of environment client secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
 *   `AZURE_CLIENT_SECRET`), workload identity and managed identity that is configured
 *   (the Azure CLI and developer credentials are not supported).
 *
 * Tokens are reused until five minutes before they expire. Errors name the credential,
 * as azidentity's do (`ClientSecretCredential: authentication failed: ...`).
 */
import { readFile } from 'node:fs/promises';
import type { HTTPClient, HTTPResponse } from '../../httpclient/index.js';
import type { CloudConfig } from './environments.js';

export type AzureEnv = Readonly<Record<string, string | undefined>>;

export interface TokenCredential {
  /** A bearer token for Resource Manager. */
  token(signal: AbortSignal): Promise<string>;
}

export interface CredentialSettings {
  method: 'OAuth' | 'ManagedIdentity' | 'SDK' | 'WorkloadIdentity';
  tenantID: string;
  clientID: string;
  clientSecret: string;
}

const REFRESH_BEFORE_MS = 5 * 60_000;
const IMDS = 'http://169.254.169.254/metadata/identity/oauth2/token';

function describe(res: HTTPResponse, method: string, url: string): string {
  let detail = res.body.toString('utf8');
  try {
    const d = JSON.parse(detail) as Record<string, unknown>;
    if (typeof d['error'] === 'string') detail = `${d['error']}: ${typeof d['error_description'] === 'string' ? d['error_description'] : ''}`.trim();
  } catch {
    // Not JSON: the body as it is.
  }
  return `${method} ${url}: RESPONSE ${res.status}: ${detail}`;
}

function tokenFrom(res: HTTPResponse, name: string, method: string, url: string, now: number): { token: string; expiresAt: number } {
  if (res.status !== 200) throw new Error(`${name}: authentication failed: ${describe(res, method, url)}`);
  const d = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  const token = d['access_token'];
  if (typeof token !== 'string' || token === '') throw new Error(`${name}: authentication failed: no access_token in the answer of ${url}`);
  // expires_in and expires_on may be numbers or numeric strings.
  const inSec = Number(d['expires_in']), onSec = Number(d['expires_on']);
  const expiresAt = Number.isFinite(onSec) && onSec > 0 ? onSec * 1000 : now + (Number.isFinite(inSec) ? inSec : 3600) * 1000;
  return { token, expiresAt };
}

/** Caches a token until shortly before it expires. */
abstract class CachedCredential implements TokenCredential {
  #cached: { token: string; expiresAt: number } | null = null;

  constructor(protected readonly http: HTTPClient, protected readonly cloud: CloudConfig, protected readonly now: () => number = Date.now) {}

  protected abstract fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }>;

  async token(signal: AbortSignal): Promise<string> {
    const c = this.#cached;
    if (c !== null && c.expiresAt - REFRESH_BEFORE_MS > this.now()) return c.token;
    this.#cached = await this.fetch(signal);
    return this.#cached.token;
  }

  protected scope(): string {
    return `${this.cloud.audience.replace(/\/+$/, '')}/.default`;
  }

  protected resource(): string {
    return this.cloud.audience;
  }
}

export class ClientSecretCredential extends CachedCredential {
  constructor(http: HTTPClient, cloud: CloudConfig, private readonly s: { tenantID: string; clientID: string; clientSecret: string }, private readonly name = 'ClientSecretCredential') {
    super(http, cloud);
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const url = `${this.cloud.activeDirectoryEndpoint}${encodeURIComponent(this.s.tenantID)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.s.clientID, client_secret: this.s.clientSecret, scope: this.scope() }).toString();
    const res = await this.http.request({ method: 'POST', url, body, signal, timeoutMs: 30_000, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } });
    return tokenFrom(res, this.name, 'POST', url, this.now());
  }
}

export class WorkloadIdentityCredential extends CachedCredential {
  constructor(http: HTTPClient, cloud: CloudConfig, private readonly s: { tenantID: string; clientID: string; tokenFile: string }) {
    super(http, cloud);
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const assertion = (await readFile(this.s.tokenFile, 'utf8')).trim();
    const url = `${this.cloud.activeDirectoryEndpoint}${encodeURIComponent(this.s.tenantID)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials', client_id: this.s.clientID, scope: this.scope(),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    }).toString();
    const res = await this.http.request({ method: 'POST', url, body, signal, timeoutMs: 30_000, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } });
    return tokenFrom(res, 'WorkloadIdentityCredential', 'POST', url, this.now());
  }
}

export class ManagedIdentityCredential extends CachedCredential {
  constructor(http: HTTPClient, cloud: CloudConfig, private readonly clientID: string, private readonly env: AzureEnv) {
    super(http, cloud);
  }

  protected async fetch(signal: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    const appService = this.env['IDENTITY_ENDPOINT'] ?? '', header = this.env['IDENTITY_HEADER'] ?? '';
    const u = new URL(appService !== '' && header !== '' ? appService : (this.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] !== undefined ? `${this.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'].replace(/\/+$/, '')}/metadata/identity/oauth2/token` : IMDS));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (appService !== '' && header !== '') {
      u.searchParams.set('api-version', '2019-08-01');
      headers['X-IDENTITY-HEADER'] = header;
    } else {
      u.searchParams.set('api-version', '2018-02-01');
      headers['Metadata'] = 'true';
    }
    u.searchParams.set('resource', this.resource());
    if (this.clientID !== '') u.searchParams.set('client_id', this.clientID);
    const res = await this.http.request({ url: u.href, signal, timeoutMs: 30_000, headers });
    return tokenFrom(res, 'ManagedIdentityCredential', 'GET', u.href, this.now());
  }
}

/** The credential `authentication_method` calls for. Throws when required settings are missing. */
export function newCredential(s: CredentialSettings, http: HTTPClient, cloud: CloudConfig, env: AzureEnv): TokenCredential {
  const authority = (): CloudConfig => {
    const host = env['AZURE_AUTHORITY_HOST'] ?? '';
    return host === '' ? cloud : { ...cloud, activeDirectoryEndpoint: host.endsWith('/') ? host : `${host}/` };
  };
  const workload = (): TokenCredential | null => {
    const file = env['AZURE_FEDERATED_TOKEN_FILE'] ?? '', client = env['AZURE_CLIENT_ID'] ?? '', tenant = env['AZURE_TENANT_ID'] ?? s.tenantID;
    if (file === '' || client === '' || tenant === '') return null;
    return new WorkloadIdentityCredential(http, authority(), { tenantID: tenant, clientID: client, tokenFile: file });
  };
  switch (s.method) {
    case 'OAuth':
      return new ClientSecretCredential(http, cloud, s);
    case 'ManagedIdentity':
      return new ManagedIdentityCredential(http, cloud, s.clientID, env);
    case 'WorkloadIdentity': {
      const w = workload();
      if (w === null) throw new Error('WorkloadIdentityCredential: no client ID, tenant ID or token file specified; set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE');
      return w;
    }
    case 'SDK': {
      const tenant = s.tenantID !== '' ? s.tenantID : (env['AZURE_TENANT_ID'] ?? '');
      const client = env['AZURE_CLIENT_ID'] ?? '', secret = env['AZURE_CLIENT_SECRET'] ?? '';
      if (tenant !== '' && client !== '' && secret !== '') return new ClientSecretCredential(http, authority(), { tenantID: tenant, clientID: client, clientSecret: secret }, 'EnvironmentCredential');
      return workload() ?? new ManagedIdentityCredential(http, cloud, client, env);
    }
    default: {
      const never: never = s.method;
      throw new Error(`unknown authentication_type ${String(never)}`);
    }
  }
}
