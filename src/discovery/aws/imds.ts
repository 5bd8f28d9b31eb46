/**
 * The EC2 instance metadata service (IMDSv2), for the region and the instance role's
 * credentials when nothing else provides them: a session token is obtained with
 * `PUT /latest/api/token` and sent with every `GET`. The endpoint is
 * `http://169.254.169.254` unless `AWS_EC2_METADATA_SERVICE_ENDPOINT` says otherwise;
 * `AWS_EC2_METADATA_DISABLED=true` turns the service off.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import type { AWSEnv } from './shared-config.js';
import type { AWSCredentials } from './sigv4.js';

const TOKEN_TTL_SECONDS = 21600;
const TIMEOUT_MS = 5000;

export class IMDSClient {
  readonly #http: HTTPClient;
  readonly #endpoint: string;
  readonly #disabled: boolean;

  constructor(http: HTTPClient, env: AWSEnv) {
    this.#http = http;
    this.#endpoint = (env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] ?? 'http://169.254.169.254').replace(/\/+$/, '');
    this.#disabled = (env['AWS_EC2_METADATA_DISABLED'] ?? '').toLowerCase() === 'true';
  }

  async #token(signal: AbortSignal): Promise<string> {
    const res = await this.#http.request({
      method: 'PUT', url: `${this.#endpoint}/latest/api/token`, signal, timeoutMs: TIMEOUT_MS,
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) },
    });
    if (res.status !== 200) throw new Error(`operation error ec2imds: getToken, http response error StatusCode: ${res.status}`);
    return res.body.toString('utf8');
  }

  /** GETs a metadata path (`/latest/meta-data/...`) and returns the body. */
  async get(path: string, operation: string, signal: AbortSignal): Promise<string> {
    if (this.#disabled) throw new Error(`operation error ec2imds: ${operation}, access disabled to EC2 IMDS via client option, or "AWS_EC2_METADATA_DISABLED" environment variable`);
    const token = await this.#token(signal);
    const res = await this.#http.request({ url: `${this.#endpoint}${path}`, signal, timeoutMs: TIMEOUT_MS, headers: { 'X-aws-ec2-metadata-token': token } });
    if (res.status !== 200) throw new Error(`operation error ec2imds: ${operation}, http response error StatusCode: ${res.status}, request to EC2 IMDS failed`);
    return res.body.toString('utf8');
  }

  async region(signal: AbortSignal): Promise<string> {
    return (await this.get('/latest/meta-data/placement/region', 'GetRegion', signal)).trim();
  }

  /** The credentials of the instance's IAM role. */
  async roleCredentials(signal: AbortSignal): Promise<AWSCredentials> {
    const roles = (await this.get('/latest/meta-data/iam/security-credentials/', 'GetMetadata', signal)).split('\n').map((s) => s.trim()).filter((s) => s !== '');
    const role = roles[0];
    if (role === undefined) throw new Error('failed to retrieve credentials, EC2 IMDS has no instance role');
    const doc = JSON.parse(await this.get(`/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`, 'GetMetadata', signal)) as Record<string, unknown>;
    if (doc['Code'] !== undefined && doc['Code'] !== 'Success') throw new Error(`failed to retrieve credentials, EC2 IMDS answered ${JSON.stringify(doc['Code'])}: ${JSON.stringify(doc['Message'] ?? '')}`);
    return credentialsFromJSON(doc, 'EC2RoleProvider');
  }
}

/** Credentials from the JSON shape IMDS and the container endpoint share. */
export function credentialsFromJSON(doc: Record<string, unknown>, source: string): AWSCredentials {
  const id = doc['AccessKeyId'], secret = doc['SecretAccessKey'], token = doc['Token'], exp = doc['Expiration'];
  if (typeof id !== 'string' || typeof secret !== 'string' || id === '' || secret === '') throw new Error(`failed to retrieve credentials from ${source}: missing AccessKeyId or SecretAccessKey`);
  const c: AWSCredentials = { accessKeyId: id, secretAccessKey: secret, source };
  if (typeof token === 'string' && token !== '') c.sessionToken = token;
  if (typeof exp === 'string') {
    const t = Date.parse(exp);
    if (Number.isFinite(t)) c.expiresAt = t;
  }
  return c;
}
