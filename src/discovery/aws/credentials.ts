/**
 * AWS credentials for discovery, resolved as Prometheus's AWS SDK resolves them:
 *
 * 1. `access_key` and `secret_key` of the config, when both are set;
 * 2. else, when a profile is named (`profile`, or `AWS_PROFILE`), that profile of the shared
 *    files: its static keys, `role_arn` with `source_profile` or `credential_source`
 *    (assumed through STS), or `role_arn` with `web_identity_token_file`; a profile without
 *    any of them falls back to the container and instance providers;
 * 3. else the environment's `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (`AWS_ACCESS_KEY`/
 *    `AWS_SECRET_KEY`), with `AWS_SESSION_TOKEN`;
 * 4. else `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` (EKS service accounts);
 * 5. else the "default" profile as in 2, whose fallback is the ECS container endpoint
 *    (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`/`_FULL_URI`) or the EC2 instance role (IMDS).
 *
 * With the config's `role_arn`, the credentials found are used to assume that role (with
 * `external_id`). Temporary credentials are cached until a minute before they expire.
 * `credential_process` and SSO profiles are not supported and fail with a clear error.
 */
import { readFile } from 'node:fs/promises';
import type { HTTPClient } from '../../httpclient/index.js';
import { child, childText } from '../refresh/index.js';
import { credentialsFromJSON, IMDSClient } from './imds.js';
import { queryCall, resolveEndpoint, type RetryPolicy } from './query-client.js';
import { envProfile, SharedConfig, type AWSEnv, type Profile } from './shared-config.js';
import type { AWSCredentials } from './sigv4.js';

export interface CredentialsProvider {
  /** Resolves usable credentials, refreshing temporary ones as needed. */
  retrieve(signal: AbortSignal): Promise<AWSCredentials>;
}

const EXPIRY_WINDOW_MS = 60_000;

/** Keeps credentials until shortly before they expire. */
export class CachedProvider implements CredentialsProvider {
  #cached: AWSCredentials | null = null;

  constructor(private readonly inner: CredentialsProvider, private readonly now: () => number = Date.now) {}

  async retrieve(signal: AbortSignal): Promise<AWSCredentials> {
    const c = this.#cached;
    if (c !== null && (c.expiresAt === undefined || c.expiresAt - EXPIRY_WINDOW_MS > this.now())) return c;
    const fresh = await this.inner.retrieve(signal);
    this.#cached = fresh;
    return fresh;
  }

  invalidate(): void { this.#cached = null; }
}

export class StaticProvider implements CredentialsProvider {
  constructor(private readonly creds: AWSCredentials) {}
  retrieve(): Promise<AWSCredentials> { return Promise.resolve(this.creds); }
}

/** The ECS (and EKS Pod Identity) container credentials endpoint. */
export class ContainerProvider implements CredentialsProvider {
  constructor(private readonly http: HTTPClient, private readonly env: AWSEnv) {}

  async retrieve(signal: AbortSignal): Promise<AWSCredentials> {
    const rel = this.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
    const url = rel !== undefined && rel !== '' ? `http://169.254.170.2${rel}` : (this.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '');
    const headers: Record<string, string> = {};
    const tokenFile = this.env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];
    const token = tokenFile !== undefined && tokenFile !== '' ? (await readFile(tokenFile, 'utf8')).trim() : this.env['AWS_CONTAINER_AUTHORIZATION_TOKEN'];
    if (token !== undefined && token !== '') headers['Authorization'] = token;
    const res = await this.http.request({ url, headers, signal, timeoutMs: 5000 });
    if (res.status !== 200) throw new Error(`failed to load credentials, container endpoint answered HTTP ${res.status}`);
    return credentialsFromJSON(JSON.parse(res.body.toString('utf8')) as Record<string, unknown>, 'CredentialsEndpointProvider');
  }
}

export class IMDSProvider implements CredentialsProvider {
  constructor(private readonly imds: IMDSClient) {}
  retrieve(signal: AbortSignal): Promise<AWSCredentials> { return this.imds.roleCredentials(signal); }
}

/** Common settings of the STS-backed providers. */
export interface STSOptions {
  http: HTTPClient;
  region: string;
  env: AWSEnv;
  retry?: RetryPolicy;
}

function stsCredentials(root: ReturnType<typeof child>, result: string, source: string): AWSCredentials {
  const c = child(child(root, result), 'Credentials');
  const id = childText(c, 'AccessKeyId') ?? '', secret = childText(c, 'SecretAccessKey') ?? '';
  if (id === '' || secret === '') throw new Error(`${source}: the STS answer has no credentials`);
  const out: AWSCredentials = { accessKeyId: id, secretAccessKey: secret, source };
  const token = childText(c, 'SessionToken');
  if (token !== undefined && token !== '') out.sessionToken = token;
  const exp = Date.parse(childText(c, 'Expiration') ?? '');
  if (Number.isFinite(exp)) out.expiresAt = exp;
  return out;
}

function defaultSessionName(): string {
  return `aws-go-sdk-${Date.now()}000000`;
}

/** STS AssumeRole with base credentials. */
export class AssumeRoleProvider implements CredentialsProvider {
  constructor(
    private readonly o: STSOptions & { base: CredentialsProvider; roleArn: string; externalId?: string; sessionName?: string; durationSeconds?: number },
  ) {}

  async retrieve(signal: AbortSignal): Promise<AWSCredentials> {
    const base = await this.o.base.retrieve(signal);
    const params: [string, string][] = [
      ['DurationSeconds', String(this.o.durationSeconds ?? 900)], ['RoleArn', this.o.roleArn], ['RoleSessionName', this.o.sessionName ?? defaultSessionName()],
    ];
    if (this.o.externalId !== undefined && this.o.externalId !== '') params.push(['ExternalId', this.o.externalId]);
    const root = await queryCall({
      http: this.o.http, endpoint: resolveEndpoint('', 'sts', this.o.region, this.o.env), region: this.o.region, service: 'sts', serviceId: 'STS',
      action: 'AssumeRole', version: '2011-06-15', params, credentials: base, signal, ...(this.o.retry !== undefined ? { retry: this.o.retry } : {}),
    });
    return stsCredentials(root, 'AssumeRoleResult', 'AssumeRoleProvider');
  }
}

/** STS AssumeRoleWithWebIdentity with a token read from a file at each call. */
export class WebIdentityProvider implements CredentialsProvider {
  constructor(private readonly o: STSOptions & { tokenFile: string; roleArn: string; sessionName?: string }) {}

  async retrieve(signal: AbortSignal): Promise<AWSCredentials> {
    let token: string;
    try {
      token = (await readFile(this.o.tokenFile, 'utf8')).trim();
    } catch (e) {
      throw new Error(`failed to retrieve credentials, unable to read file at \`${this.o.tokenFile}\`: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const root = await queryCall({
      http: this.o.http, endpoint: resolveEndpoint('', 'sts', this.o.region, this.o.env), region: this.o.region, service: 'sts', serviceId: 'STS',
      action: 'AssumeRoleWithWebIdentity', version: '2011-06-15', credentials: null, signal, ...(this.o.retry !== undefined ? { retry: this.o.retry } : {}),
      params: [['RoleArn', this.o.roleArn], ['RoleSessionName', this.o.sessionName ?? defaultSessionName()], ['WebIdentityToken', token]],
    });
    return stsCredentials(root, 'AssumeRoleWithWebIdentityResult', 'WebIdentityProvider');
  }
}

export interface ResolveOptions extends STSOptions {
  accessKey: string;
  secretKey: string;
  profile: string;
  roleArn: string;
  externalId: string;
}

function envCredentials(env: AWSEnv): AWSCredentials | null {
  const id = env['AWS_ACCESS_KEY_ID'] ?? env['AWS_ACCESS_KEY'] ?? '';
  const secret = env['AWS_SECRET_ACCESS_KEY'] ?? env['AWS_SECRET_KEY'] ?? '';
  if (id === '' || secret === '') return null;
  const c: AWSCredentials = { accessKeyId: id, secretAccessKey: secret, source: 'EnvConfigCredentials' };
  const token = env['AWS_SESSION_TOKEN'] ?? '';
  if (token !== '') c.sessionToken = token;
  return c;
}

function fallbackProvider(o: STSOptions): CredentialsProvider {
  const rel = o.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] ?? '', full = o.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '';
  if (rel !== '' || full !== '') return new ContainerProvider(o.http, o.env);
  return new IMDSProvider(new IMDSClient(o.http, o.env));
}

function fromProfile(o: STSOptions, files: SharedConfig, name: string, seen: Set<string>): CredentialsProvider {
  const p: Profile | undefined = files.profile(name);
  if (p === undefined) throw new Error(`failed to get shared config profile, ${name}`);
  if (seen.has(name)) throw new Error(`infinite loop in credential configuration, profile ${name} refers to itself through source_profile`);
  seen.add(name);
  const roleArn = p['role_arn'] ?? '';
  const sts = (base: CredentialsProvider): CredentialsProvider => new AssumeRoleProvider({
    ...o, base, roleArn,
    ...(p['external_id'] !== undefined ? { externalId: p['external_id'] } : {}),
    ...(p['role_session_name'] !== undefined ? { sessionName: p['role_session_name'] } : {}),
    ...(p['duration_seconds'] !== undefined ? { durationSeconds: Number(p['duration_seconds']) } : {}),
  });
  if (roleArn !== '' && (p['source_profile'] ?? '') !== '') {
    const src = p['source_profile']!;
    // A profile naming itself as source uses its own static keys as the base.
    const base = src === name ? staticFromProfile(p, name) : fromProfile(o, files, src, seen);
    if (base === null) throw new Error(`profile ${name} has no static credentials to assume ${roleArn} with`);
    return sts(base);
  }
  if (roleArn !== '' && (p['web_identity_token_file'] ?? '') !== '') {
    return new WebIdentityProvider({ ...o, tokenFile: p['web_identity_token_file']!, roleArn, ...(p['role_session_name'] !== undefined ? { sessionName: p['role_session_name'] } : {}) });
  }
  if (roleArn !== '' && (p['credential_source'] ?? '') !== '') {
    switch (p['credential_source']) {
      case 'Environment': {
        const c = envCredentials(o.env);
        if (c === null) throw new Error('credential_source Environment: no credentials in the environment');
        return sts(new StaticProvider(c));
      }
      case 'Ec2InstanceMetadata': return sts(new IMDSProvider(new IMDSClient(o.http, o.env)));
      case 'EcsContainer': return sts(new ContainerProvider(o.http, o.env));
      default: throw new Error(`unsupported credential_source ${JSON.stringify(p['credential_source'])} in profile ${name}`);
    }
  }
  const st = staticFromProfile(p, name);
  if (st !== null) return st;
  if ((p['credential_process'] ?? '') !== '') throw new Error(`profile ${name}: credential_process is not supported by Watchfire`);
  if ((p['sso_start_url'] ?? '') !== '' || (p['sso_session'] ?? '') !== '') throw new Error(`profile ${name}: SSO credentials are not supported by Watchfire`);
  return fallbackProvider(o);
}

function staticFromProfile(p: Profile, name: string): CredentialsProvider | null {
  const id = p['aws_access_key_id'] ?? '', secret = p['aws_secret_access_key'] ?? '';
  if (id === '' || secret === '') return null;
  const c: AWSCredentials = { accessKeyId: id, secretAccessKey: secret, source: `SharedConfigCredentials: profile ${name}` };
  const token = p['aws_session_token'] ?? '';
  if (token !== '') c.sessionToken = token;
  return new StaticProvider(c);
}

/** Builds the provider the config and environment call for (see the file comment). */
export async function resolveCredentials(o: ResolveOptions): Promise<CredentialsProvider> {
  let base: CredentialsProvider;
  if (o.accessKey !== '' && o.secretKey !== '') {
    base = new StaticProvider({ accessKeyId: o.accessKey, secretAccessKey: o.secretKey, source: 'StaticCredentials' });
  } else {
    const named = o.profile !== '' ? o.profile : envProfile(o.env);
    const envCreds = envCredentials(o.env);
    const webToken = o.env['AWS_WEB_IDENTITY_TOKEN_FILE'] ?? '';
    if (named !== undefined) base = fromProfile(o, await SharedConfig.load(o.env), named, new Set());
    else if (envCreds !== null) base = new StaticProvider(envCreds);
    else if (webToken !== '') {
      base = new WebIdentityProvider({
        ...o, tokenFile: webToken, roleArn: o.env['AWS_ROLE_ARN'] ?? '',
        ...(o.env['AWS_ROLE_SESSION_NAME'] !== undefined ? { sessionName: o.env['AWS_ROLE_SESSION_NAME'] } : {}),
      });
    } else {
      const files = await SharedConfig.load(o.env);
      base = files.profile('default') !== undefined ? fromProfile(o, files, 'default', new Set()) : fallbackProvider(o);
    }
  }
  base = new CachedProvider(base);
  if (o.roleArn === '') return base;
  return new CachedProvider(new AssumeRoleProvider({ ...o, base, roleArn: o.roleArn, ...(o.externalId !== '' ? { externalId: o.externalId } : {}) }));
}
