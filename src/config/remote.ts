/**
 * `remote_write` and `remote_read`: endpoints, queue and metadata settings, write relabeling,
 * headers that may not be set, and the exclusive authentication methods (HTTP client auth,
 * SigV4, Azure AD, Google IAM), with Prometheus's defaults and error texts.
 */
import { asMillis } from '../model/index.js';
import type { Millis } from '../model/index.js';
import { DecodeError } from './errors.js';
import { httpClient, remoteWriteHTTPClient, validateHTTPClient } from './http-client.js';
import { relabelList, validateRelabelConfig } from './relabel.js';
import { bool, duration, int, secret, string, uint64, url } from './scalars.js';
import { dict, list, ptr, resetting, struct } from './schema.js';
import type { DecodeContext, Kind } from './schema.js';
import { labelSet } from './sd/static-file.js';
import type {
  AzureADConfig, GoogleIAMConfig, MetadataConfig, NameValidationScheme, QueueConfig, RemoteReadConfig, RemoteWriteConfig,
  RemoteWriteProtobufMessage, SigV4Config,
} from './types.js';
import { splitURL } from './url.js';

export const sigV4 = struct<SigV4Config>('sigv4.SigV4Config', {
  region: { kind: string, omitempty: true },
  access_key: { kind: string, omitempty: true },
  secret_key: { kind: secret, omitempty: true },
  profile: { kind: string, omitempty: true },
  role_arn: { kind: string, omitempty: true },
  external_id: { kind: string, omitempty: true },
  use_fips_sts_endpoint: { kind: bool, omitempty: true },
  service_name: { kind: string, omitempty: true },
}, {
  validate(c, d) {
    if ((c.access_key === '') !== (c.secret_key === '')) {
      d.fail(c, 'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config');
    }
    if (c.external_id !== '' && c.role_arn === '') d.fail(c, 'external_id can only be used with role_arn');
  },
});

const UUID = /^(urn:uuid:)?\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/;

const azureAD = struct<AzureADConfig>('azuread.AzureADConfig', {
  managed_identity: { kind: ptr(struct<{ client_id: string }>('azuread.ManagedIdentityConfig', { client_id: { kind: string, omitempty: true } })), omitempty: true },
  workload_identity: {
    kind: ptr(struct<NonNullable<AzureADConfig['workload_identity']>>('azuread.WorkloadIdentityConfig', {
      client_id: { kind: string, omitempty: true },
      tenant_id: { kind: string, omitempty: true },
      token_file_path: { kind: string, omitempty: true },
    })),
    omitempty: true,
  },
  oauth: {
    kind: ptr(struct<NonNullable<AzureADConfig['oauth']>>('azuread.OAuthConfig', {
      client_id: { kind: string, omitempty: true },
      client_secret: { kind: secret, omitempty: true },
      tenant_id: { kind: string, omitempty: true },
    })),
    omitempty: true,
  },
  sdk: { kind: ptr(struct<{ tenant_id: string }>('azuread.SDKConfig', { tenant_id: { kind: string, omitempty: true } })), omitempty: true },
  certificate: {
    kind: ptr(struct<NonNullable<AzureADConfig['certificate']>>('azuread.CertificateConfig', {
      client_id: { kind: string, omitempty: true },
      tenant_id: { kind: string, omitempty: true },
      certificate_path: { kind: string, omitempty: true },
      certificate_key_path: { kind: string, omitempty: true },
      certificate_password: { kind: secret, omitempty: true },
      send_certificate_chain: { kind: bool, omitempty: true },
    })),
    omitempty: true,
  },
  cloud: { kind: string, omitempty: true },
  scope: { kind: string, omitempty: true },
}, { validate: validateAzureAD });

function validateAzureAD(c: AzureADConfig, d: DecodeContext): void {
  if (c.cloud === '') c.cloud = 'AzurePublic';
  if (!['AzureChina', 'AzureGovernment', 'AzurePublic'].includes(c.cloud)) d.fail(c, 'must provide a cloud in the Azure AD config', 'cloud');
  const n = [c.managed_identity, c.workload_identity, c.oauth, c.sdk, c.certificate].filter((x) => x !== null).length;
  if (n === 0) d.fail(c, 'must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK in the Azure AD config');
  if (n > 1) d.fail(c, 'cannot provide multiple authentication methods in the Azure AD config');
  const mi = c.managed_identity;
  if (mi !== null && mi.client_id !== '' && !UUID.test(mi.client_id)) d.fail(c, 'the provided Azure Managed Identity client_id is invalid');
  const wi = c.workload_identity;
  if (wi !== null) {
    if (wi.client_id === '') d.fail(c, 'must provide an Azure Workload Identity client_id in the Azure AD config');
    if (wi.tenant_id === '') d.fail(c, 'must provide an Azure Workload Identity tenant_id in the Azure AD config');
    if (!UUID.test(wi.client_id)) d.fail(c, 'the provided Azure Workload Identity client_id is invalid');
    if (!UUID.test(wi.tenant_id)) d.fail(c, 'the provided Azure Workload Identity tenant_id is invalid');
    if (wi.token_file_path === '') wi.token_file_path = process.env['AZURE_FEDERATED_TOKEN_FILE'] || '/var/run/secrets/azure/tokens/azure-identity-token';
  }
  const oa = c.oauth;
  if (oa !== null) {
    if (oa.client_id === '') d.fail(c, 'must provide an Azure OAuth client_id in the Azure AD config');
    if (oa.client_secret === '') d.fail(c, 'must provide an Azure OAuth client_secret in the Azure AD config');
    if (oa.tenant_id === '') d.fail(c, 'must provide an Azure OAuth tenant_id in the Azure AD config');
    if (!UUID.test(oa.client_id)) d.fail(c, 'the provided Azure OAuth client_id is invalid');
  }
  const ce = c.certificate;
  if (ce !== null) {
    if (ce.client_id === '') d.fail(c, 'must provide an Azure Certificate client_id in the Azure AD config');
    if (ce.tenant_id === '') d.fail(c, 'must provide an Azure Certificate tenant_id in the Azure AD config');
    if (ce.certificate_path === '') d.fail(c, 'must provide an Azure Certificate certificate_path in the Azure AD config');
    if (!UUID.test(ce.client_id)) d.fail(c, 'the provided Azure Certificate client_id is invalid');
  }
  if (c.scope !== '' && !/^[\w\s:/.-]+$/.test(c.scope)) d.fail(c, 'the provided scope contains invalid characters', 'scope');
}

const googleIAM = struct<GoogleIAMConfig>('googleiam.Config', {
  credentials_file: { kind: string, omitempty: true },
});

const sec = (n: number): () => Millis => () => asMillis(n * 1000);

const queueConfig = struct<QueueConfig>('config.QueueConfig', {
  capacity: { kind: int, default: () => 10000, omitempty: true },
  max_shards: { kind: int, default: () => 50, omitempty: true },
  min_shards: { kind: int, default: () => 1, omitempty: true },
  max_samples_per_send: { kind: int, default: () => 2000, omitempty: true },
  batch_send_deadline: { kind: duration, default: sec(5), omitempty: true },
  min_backoff: { kind: duration, default: () => asMillis(30), omitempty: true },
  max_backoff: { kind: duration, default: sec(5), omitempty: true },
  retry_on_http_429: { kind: bool, omitempty: true },
  sample_age_limit: { kind: duration, omitempty: true },
});

const metadataConfig = struct<MetadataConfig>('config.MetadataConfig', {
  send: { kind: bool, default: () => true },
  send_interval: { kind: duration, default: sec(60) },
  max_samples_per_send: { kind: int, default: () => 2000, omitempty: true },
});

const PROTOBUF_MESSAGES: readonly RemoteWriteProtobufMessage[] = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'];

/** Headers remote write/read and tracing set themselves (lower-case). */
const RESERVED = new Set([
  'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection', 'keep-alive',
  'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding',
  'x-prometheus-remote-write-version', 'x-prometheus-remote-read-version', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
]);

/** Prometheus's remote-storage header check; `authMsg` is the message for an Authorization header. */
export function checkHeaders(headers: Record<string, string>, authMsg: string): string | null {
  for (const h of Object.keys(headers)) {
    if (h.toLowerCase() === 'authorization') return authMsg;
    if (RESERVED.has(h.toLowerCase())) return `${h} is a reserved header. It must not be changed`;
  }
  return null;
}

/** A URL that must be given (`url: ` for remote storage), checked as Go's url.Parse checks it. */
const remoteURL: Kind<string> = {
  ...url,
  decode(n, d, path) {
    const s = url.decode(n, d, path, '');
    const p = splitURL(s);
    if (typeof p === 'string') throw new DecodeError(n.line, path, p);
    return s;
  },
};

export const remoteWriteConfig = resetting(struct<RemoteWriteConfig>('config.RemoteWriteConfig', {
  url: { kind: remoteURL },
  remote_timeout: { kind: duration, default: sec(30), omitempty: true },
  headers: { kind: dict(string), omitempty: true },
  write_relabel_configs: { kind: relabelList('empty or null relabeling rule in remote write config'), omitempty: true },
  name: { kind: string, omitempty: true },
  send_exemplars: { kind: bool, omitempty: true },
  send_native_histograms: { kind: bool, omitempty: true },
  round_robin_dns: { kind: bool, omitempty: true },
  protobuf_message: { kind: string as Kind<RemoteWriteProtobufMessage>, default: () => 'prometheus.WriteRequest', omitempty: true },
  failed_request_logging: { kind: bool, omitempty: true },
  http_client: { kind: remoteWriteHTTPClient, inline: true },
  queue_config: { kind: queueConfig, omitempty: true },
  metadata_config: { kind: metadataConfig, omitempty: true },
  sigv4: { kind: ptr(sigV4), omitempty: true },
  azuread: { kind: ptr(azureAD), omitempty: true },
  google_iam: { kind: ptr(googleIAM), omitempty: true },
}, {
  validate(c, d) {
    if (!d.has(c, 'url') || c.url === '') d.fail(c, 'url for remote_write is empty');
    const he = checkHeaders(c.headers, 'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter');
    if (he !== null) d.fail(c, he, 'headers');
    if (!(PROTOBUF_MESSAGES as readonly string[]).includes(c.protobuf_message)) {
      d.fail(c, `invalid protobuf_message value: unknown type for remote write protobuf message ${c.protobuf_message}, supported: ${PROTOBUF_MESSAGES.join(', ')}`, 'protobuf_message');
    }
    validateHTTPClient(c.http_client, d);
    const q = c.queue_config;
    if (q.max_shards <= 0) d.fail(c, 'remote write queue max_shards must be positive', 'queue_config');
    if (q.min_shards <= 0) d.fail(c, 'remote write queue min_shards must be positive', 'queue_config');
    if (q.min_shards > q.max_shards) d.fail(c, 'remote write queue min_shards must not be greater than max_shards', 'queue_config');
    if (q.max_samples_per_send <= 0) d.fail(c, 'remote write queue max_samples_per_send must be positive', 'queue_config');
    if (q.capacity <= 0) d.fail(c, 'remote write queue capacity must be positive', 'queue_config');
    if (q.max_backoff < q.min_backoff) d.fail(c, 'remote write queue max_backoff must not be less than min_backoff', 'queue_config');
    const auth: string[] = [];
    if (c.http_client.basic_auth !== null) auth.push('basic_auth');
    if (c.http_client.authorization !== null) auth.push('authorization');
    if (c.http_client.oauth2 !== null) auth.push('oauth2');
    if (c.sigv4 !== null) auth.push('sigv4');
    if (c.azuread !== null) auth.push('azuread');
    if (c.google_iam !== null) auth.push('google_iam');
    if (auth.length > 1) {
      d.fail(c, `at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [${auth.join(' ')}]`);
    }
  },
}));

export const remoteReadConfig = resetting(struct<RemoteReadConfig>('config.RemoteReadConfig', {
  url: { kind: remoteURL },
  remote_timeout: { kind: duration, default: sec(60), omitempty: true },
  chunked_read_limit: { kind: uint64, default: () => 50_000_000, omitempty: true },
  headers: { kind: dict(string), omitempty: true },
  read_recent: { kind: bool, omitempty: true },
  name: { kind: string, omitempty: true },
  http_client: { kind: httpClient, inline: true },
  required_matchers: { kind: labelSet, omitempty: true },
  // Written even when false (Prometheus omits false, which reads back as the default true).
  filter_external_labels: { kind: bool, default: () => true },
}, {
  validate(c, d) {
    if (!d.has(c, 'url') || c.url === '') d.fail(c, 'url for remote_read is empty');
    const he = checkHeaders(c.headers, 'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter');
    if (he !== null) d.fail(c, he, 'headers');
    validateHTTPClient(c.http_client, d);
  },
}));

export const remoteWriteList = list(remoteWriteConfig, { nullItem: 'empty or null remote write config section' });
export const remoteReadList = list(remoteReadConfig, { nullItem: 'empty or null remote read config section' });

/** Names unique across remote write (and, separately, remote read) configs; relabel checks. */
export function validateRemote(rw: RemoteWriteConfig[], rr: RemoteReadConfig[], scheme: NameValidationScheme, d: DecodeContext): void {
  const wn = new Set<string>();
  for (const c of rw) {
    if (c.name !== '' && wn.has(c.name)) d.fail(c, `found multiple remote write configs with job name ${JSON.stringify(c.name)}`, 'name');
    for (const rc of c.write_relabel_configs) validateRelabelConfig(rc, scheme, d);
    wn.add(c.name);
  }
  const rn = new Set<string>();
  for (const c of rr) {
    if (c.name !== '' && rn.has(c.name)) d.fail(c, `found multiple remote read configs with job name ${JSON.stringify(c.name)}`, 'name');
    rn.add(c.name);
  }
}
