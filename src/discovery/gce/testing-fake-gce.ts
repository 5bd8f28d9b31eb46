/**
 * Test support: a fake Google Cloud on 127.0.0.1 (port 0), serving as documented:
 *
 * - the OAuth 2.0 token endpoint (`POST /token`): the JWT bearer grant, whose RS256
 *   assertion is verified with the service account's public key (issuer, audience, scope,
 *   expiry), and the refresh token grant;
 * - the metadata server's token (`/computeMetadata/v1/instance/service-accounts/default/token`,
 *   `Metadata-Flavor: Google` required);
 * - Compute Engine `instances.list` (`/compute/v1/projects/<p>/zones/<z>/instances`) with
 *   `filter` (`field = value` / `field != value` terms, `*` wildcards, joined by spaces or
 *   AND), `maxResults`/`pageToken` paging, resource URLs as the API writes them, and the
 *   API's error JSON (401 without a valid token, 404 for an unknown project or zone, 400 for
 *   a bad filter).
 *
 * `credentialsFile()` writes a service account key whose `token_uri` is the fake's.
 * Not part of the component's API.
 */
import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export interface FakeGCEInstance {
  id: string;
  name: string;
  zone: string;
  status?: string;
  machineType?: string;
  nics: { name: string; network: string; subnetwork?: string; ip: string; natIP?: string; accessType?: string }[];
  tags?: string[];
  /** A missing value is sent without a value field. */
  metadata?: { key: string; value?: string }[];
  labels?: Record<string, string>;
}

const API = 'https://www.googleapis.com/compute/v1';

export class FakeGCE extends FakeHttpServer {
  readonly project: string;
  readonly zones = new Set<string>();
  instances: FakeGCEInstance[] = [];
  /** Items per page when the client sets no maxResults lower. */
  pageSize = 500;
  readonly clientEmail = 'discovery@test-project.iam.gserviceaccount.com';
  readonly requests: { method: string; path: string; query: string; userAgent: string }[] = [];
  refreshTokens = new Set<string>();
  metadataEnabled = false;
  readonly #key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly #tokens = new Set<string>();
  #failure: number | null = null;

  constructor(o: { project?: string; zones?: string[] } = {}) {
    super();
    this.project = o.project ?? 'test-project';
    for (const z of o.zones ?? ['us-central1-a']) this.zones.add(z);
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  /** The Compute API base URL. */
  get endpoint(): string { return `${this.url}/compute/v1/`; }

  failWith(status: number | null): void { this.#failure = status; }

  revokeTokens(): void { this.#tokens.clear(); }

  /** Writes a service account key file for this fake. */
  credentialsFile(path: string): void {
    writeFileSync(path, JSON.stringify({
      type: 'service_account', project_id: this.project, private_key_id: 'key-1',
      private_key: this.#key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: this.clientEmail, client_id: '1234567890', auth_uri: `${this.url}/auth`, token_uri: `${this.url}/token`,
      auth_provider_x509_cert_url: `${this.url}/certs`, client_x509_cert_url: `${this.url}/certs/key-1`,
    }));
  }


  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  }

  #apiError(res: ServerResponse, code: number, message: string, reason: string, status: string): void {
    this.#json(res, code, { error: { code, message, errors: [{ message, domain: 'global', reason }], status } });
  }

  #issue(): Record<string, unknown> {
    const t = `ya29.${randomBytes(24).toString('base64url')}`;
    this.#tokens.add(t);
    return { access_token: t, expires_in: 3599, token_type: 'Bearer' };
  }

  #verifyAssertion(jwt: string): string | null {
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'malformed assertion';
    const ok = createVerify('RSA-SHA256').update(`${parts[0]!}.${parts[1]!}`).verify(this.#key.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) return 'Invalid JWT Signature.';
    const c = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Date.now() / 1000;
    if (c['iss'] !== this.clientEmail) return 'Invalid issuer';
    if (c['aud'] !== `${this.url}/token`) return 'Invalid JWT: audience';
    if (typeof c['exp'] !== 'number' || c['exp'] < now || typeof c['iat'] !== 'number' || c['iat'] > now + 300) return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
    if (typeof c['scope'] !== 'string' || !c['scope'].split(' ').some((s) => s.startsWith('https://www.googleapis.com/auth/compute') || s === 'https://www.googleapis.com/auth/cloud-platform')) return 'Invalid OAuth scope or ID token audience provided.';
    return null;
  }

  /** Handles one request (exported for the TLS proxy of the acceptance test). */
  handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.search, userAgent: req.headers['user-agent'] ?? '' });
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        const err = this.#verifyAssertion(form.get('assertion') ?? '');
        if (err !== null) { this.#json(res, 400, { error: 'invalid_grant', error_description: err }); return; }
        this.#json(res, 200, this.#issue());
        return;
      }
      if (form.get('grant_type') === 'refresh_token' && this.refreshTokens.has(form.get('refresh_token') ?? '')) { this.#json(res, 200, this.#issue()); return; }
      this.#json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
      return;
    }
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      if (req.headers['metadata-flavor'] !== 'Google') { res.writeHead(403).end('Missing Metadata-Flavor:Google header.'); return; }
      if (!this.metadataEnabled) { res.writeHead(404).end('Not Found'); return; }
      this.#json(res, 200, this.#issue());
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !this.#tokens.has(auth.slice(7))) {
      this.#apiError(res, 401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'required', 'UNAUTHENTICATED');
      return;
    }
    if (this.#failure !== null) { this.#apiError(res, this.#failure, 'Internal error. Please try again.', 'backendError', 'INTERNAL'); return; }
    const m = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances$/.exec(url.pathname);
    if (req.method !== 'GET' || m === null) { this.#apiError(res, 404, 'Not Found', 'notFound', 'NOT_FOUND'); return; }
    const [project, zone] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    if (project !== this.project || !this.zones.has(zone)) { this.#apiError(res, 404, `The resource 'projects/${project}/zones/${zone}' was not found`, 'notFound', 'NOT_FOUND'); return; }
    let list = this.instances.filter((i) => i.zone === zone);
    const filter = url.searchParams.get('filter') ?? '';
    if (filter !== '') {
      const terms = parseFilter(filter);
      if (terms === null) { this.#apiError(res, 400, `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`, 'invalid', 'INVALID_ARGUMENT'); return; }
      list = list.filter((i) => terms.every((t) => matches(this.#fieldOf(i, t.field), t.value) === (t.op === '=')));
    }
    const max = Math.min(this.pageSize, Number(url.searchParams.get('maxResults') ?? '500'));
    const start = Number(url.searchParams.get('pageToken') ?? '0');
    const page = list.slice(start, start + max);
    const next = start + max < list.length ? String(start + max) : undefined;
    this.#json(res, 200, {
      kind: 'compute#instanceList', id: `projects/${project}/zones/${zone}/instances`, items: page.map((i) => this.#instanceJSON(i)),
      selfLink: `${API}/projects/${project}/zones/${zone}/instances`, ...(next !== undefined ? { nextPageToken: next } : {}),
    });
  }

  #fieldOf(i: FakeGCEInstance, field: string): string | undefined {
    if (field.startsWith('labels.')) return i.labels?.[field.slice(7)];
    switch (field) {
      case 'name': return i.name;
      case 'status': return i.status ?? 'RUNNING';
      case 'id': return i.id;
      case 'machineType': return `${API}/projects/${this.project}/zones/${i.zone}/machineTypes/${i.machineType ?? 'e2-medium'}`;
      default: return undefined;
    }
  }

  #instanceJSON(i: FakeGCEInstance): unknown {
    const p = `${API}/projects/${this.project}`;
    return {
      kind: 'compute#instance', id: i.id, creationTimestamp: '2024-01-02T03:04:05.000-07:00', name: i.name,
      tags: { ...(i.tags !== undefined && i.tags.length > 0 ? { items: i.tags } : {}), fingerprint: '42WmSpB8rSM=' },
      machineType: `${p}/zones/${i.zone}/machineTypes/${i.machineType ?? 'e2-medium'}`, status: i.status ?? 'RUNNING', zone: `${p}/zones/${i.zone}`,
      canIpForward: false,
      networkInterfaces: i.nics.map((n) => ({
        kind: 'compute#networkInterface', network: `${p}/global/networks/${n.network}`, ...(n.subnetwork !== undefined ? { subnetwork: `${p}/regions/us-central1/subnetworks/${n.subnetwork}` } : {}),
        networkIP: n.ip, name: n.name, fingerprint: 'abc=', stackType: 'IPV4_ONLY',
        ...(n.natIP !== undefined ? { accessConfigs: [{ kind: 'compute#accessConfig', type: n.accessType ?? 'ONE_TO_ONE_NAT', name: 'External NAT', natIP: n.natIP, networkTier: 'PREMIUM' }] } : {}),
      })),
      metadata: { kind: 'compute#metadata', fingerprint: 'xyz=', ...(i.metadata !== undefined ? { items: i.metadata.map((x) => (x.value !== undefined ? { key: x.key, value: x.value } : { key: x.key })) } : {}) },
      ...(i.labels !== undefined ? { labels: i.labels } : {}),
      selfLink: `${p}/zones/${i.zone}/instances/${i.name}`, cpuPlatform: 'Intel Broadwell', labelFingerprint: '42WmSpB8rSM=',
    };
  }
}

interface Term { field: string; op: '=' | '!='; value: string }

function parseFilter(f: string): Term[] | null {
  const out: Term[] = [];
  const re = /\s*\(?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|[^\s()]+)\s*\)?\s*(?:AND\s+)?/y;
  let i = 0;
  while (i < f.length) {
    re.lastIndex = i;
    const m = re.exec(f);
    if (m === null || re.lastIndex === i) return null;
    const raw = m[3]!;
    out.push({ field: m[1]!, op: m[2] as '=' | '!=', value: raw.startsWith('"') ? JSON.parse(raw) as string : raw });
    i = re.lastIndex;
  }
  return out;
}

function matches(v: string | undefined, pattern: string): boolean {
  if (v === undefined) return false;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(v);
}
