/**
 * Test support: a fake AWS endpoint on 127.0.0.1 (port 0) that serves, as the real services
 * document them:
 *
 * - EC2 (Query API, signing name `ec2`): `DescribeInstances` with filters (instance-state-name,
 *   instance-id, instance-type, availability-zone, vpc-id, subnet-id, image-id,
 *   private-ip-address, architecture, platform, tag:<key>, tag-key; `*`/`?` wildcards) and
 *   `NextToken` pagination (`pageSize` per page), `DescribeAvailabilityZones`;
 * - STS (signing name `sts`): `AssumeRole` (with `ExternalId` checks) and
 *   `AssumeRoleWithWebIdentity` (unsigned), issuing temporary keys that the fake then accepts;
 * - the instance metadata service (IMDSv2): `PUT /latest/api/token`, then the region and the
 *   instance role's credentials;
 * - Lightsail (JSON 1.1 protocol, `X-Amz-Target: Lightsail_20161128.GetInstances`, signing
 *   name `lightsail`), paged with `nextPageToken`, errors as `{"__type", "message"}`.
 *
 * Every signed request is verified with Signature Version 4 against the secret of its key,
 * its session token and the fake's region; failures answer as AWS does (HTTP 401/403 with
 * the service's XML error document). `failWith` makes every call fail. Parameters are read
 * from a form body (POST) or the query string (GET). Not part of the component's API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';
import { escapeXML } from '../refresh/index.js';
import { verifyV4 } from './sigv4.js';

export interface FakeEC2Instance {
  id: string;
  reservation?: string;
  /** Undefined: no ownerId element. */
  owner?: string;
  image?: string;
  state?: string;
  type?: string;
  az?: string;
  privateIp?: string;
  privateDns?: string;
  publicIp?: string;
  publicDns?: string;
  platform?: string;
  architecture?: string;
  lifecycle?: string;
  vpc?: string;
  subnet?: string;
  enis?: { subnet?: string; deviceIndex?: number; ipv6?: { address: string; primary?: boolean }[] }[];
  tags?: { key?: string; value?: string }[];
}

interface Key { secret: string; token?: string; expiresAt?: number }

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

function wildcard(pattern: string, v: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(v);
}

function el(name: string, v: string | number | undefined): string {
  if (v === undefined) return '';
  return v === '' ? `<${name}/>` : `<${name}>${escapeXML(String(v))}</${name}>`;
}

export class FakeAWS extends FakeHttpServer {
  readonly region: string;
  /** Instances in listing order. */
  instances: FakeEC2Instance[] = [];
  /** Zone name → zone id. */
  zones = new Map<string, string>();
  /** Instances per DescribeInstances page; 0: all at once. */
  pageSize = 0;
  /** Every API call: action, access key, whether it verified. */
  readonly calls: { action: string; accessKeyId: string; ok: boolean; userAgent: string; method: string }[] = [];
  /** Roles STS lets assume: ARN → required external id (or null), and the web identity token accepted. */
  readonly roles = new Map<string, { externalId: string | null; webIdentityToken?: string }>();
  /** Lightsail instances, as GetInstances returns them. */
  lightsailInstances: Record<string, unknown>[] = [];
  /** The instance role IMDS hands out, if any. */
  imdsRole: { name: string; accessKeyId: string; secretAccessKey: string } | null = null;
  readonly #keys = new Map<string, Key>();
  #failure: { status: number; code: string; message: string } | null = null;
  #tokens = new Map<string, string>();

  constructor(o: { region?: string } = {}) {
    super();
    this.region = o.region ?? 'eu-west-1';
  }

  get endpoint(): string { return `http://127.0.0.1:${this.port}`; }

  /** Accepts signatures made with this key. */
  addKey(accessKeyId: string, secret: string): void { this.#keys.set(accessKeyId, { secret }); }

  removeKey(accessKeyId: string): void { this.#keys.delete(accessKeyId); }

  failWith(f: { status: number; code: string; message: string } | null): void { this.#failure = f; }


  #error(res: ServerResponse, status: number, code: string, message: string, sts: boolean): void {
    const id = randomUUID();
    const body = sts
      ? `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>${el('Code', code)}${el('Message', message)}</Error>${el('RequestId', id)}</ErrorResponse>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors>${el('RequestID', id)}</Response>`;
    res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': id }).end(body);
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/latest/')) { this.#imds(req, url, res); return; }
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('Lightsail_20161128.')) { this.#lightsail(req, target.slice(target.indexOf('.') + 1), body, res); return; }
    const params = new URLSearchParams(req.method === 'POST' ? body : url.search);
    const action = params.get('Action') ?? '';
    const sts = action === 'AssumeRole' || action === 'AssumeRoleWithWebIdentity' || action === 'GetCallerIdentity';
    const call = { action, accessKeyId: '', ok: false, userAgent: req.headers['user-agent'] ?? '', method: req.method ?? '' };
    this.calls.push(call);
    if (action !== 'AssumeRoleWithWebIdentity') {
      const v = verifyV4({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body, secretFor: (id) => this.#keys.get(id)?.secret });
      if (!v.ok) { this.#error(res, v.code === 'SignatureDoesNotMatch' ? 403 : 401, v.code, v.message, sts); return; }
      call.accessKeyId = v.auth.accessKeyId;
      const key = this.#keys.get(v.auth.accessKeyId)!;
      if (key.token !== undefined && req.headers['x-amz-security-token'] !== key.token) { this.#error(res, 401, 'AuthFailure', 'AWS was not able to validate the provided access credentials', sts); return; }
      if (key.expiresAt !== undefined && key.expiresAt < Date.now()) { this.#error(res, 400, 'RequestExpired', 'Request has expired.', sts); return; }
      if (v.auth.service !== (sts ? 'sts' : 'ec2') || v.auth.region !== this.region) {
        this.#error(res, 401, 'AuthFailure', `Credential should be scoped to a valid region or service, not '${v.auth.region}/${v.auth.service}'.`, sts);
        return;
      }
    }
    call.ok = true;
    if (this.#failure !== null) { this.#error(res, this.#failure.status, this.#failure.code, this.#failure.message, sts); return; }
    switch (action) {
      case 'DescribeInstances': this.#describeInstances(params, res); return;
      case 'DescribeAvailabilityZones': {
        const items = [...this.zones].map(([n, id]) => `<item>${el('zoneState', 'available')}${el('regionName', this.region)}${el('zoneName', n)}${el('zoneId', id)}${el('zoneType', 'availability-zone')}</item>`).join('');
        this.#ok(res, `<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">${el('requestId', randomUUID())}<availabilityZoneInfo>${items}</availabilityZoneInfo></DescribeAvailabilityZonesResponse>`);
        return;
      }
      case 'AssumeRole': case 'AssumeRoleWithWebIdentity': this.#assumeRole(action, params, res); return;
      default: this.#error(res, 400, 'InvalidAction', `The action ${action} is not valid for this web service.`, sts);
    }
  }

  #lightsail(req: IncomingMessage, op: string, body: string, res: ServerResponse): void {
    const fail = (status: number, type: string, message: string): void => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() }).end(JSON.stringify({ __type: type, message }));
    };
    const call = { action: op, accessKeyId: '', ok: false, userAgent: req.headers['user-agent'] ?? '', method: req.method ?? '' };
    this.calls.push(call);
    const v = verifyV4({ method: req.method ?? 'POST', target: req.url ?? '/', headers: req.headers, body, secretFor: (id) => this.#keys.get(id)?.secret });
    if (!v.ok) { fail(v.code === 'AuthFailure' ? 400 : 403, v.code === 'AuthFailure' ? 'UnrecognizedClientException' : 'InvalidSignatureException', v.message); return; }
    if (v.auth.service !== 'lightsail' || v.auth.region !== this.region) { fail(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${v.auth.region}'.`); return; }
    call.accessKeyId = v.auth.accessKeyId;
    call.ok = true;
    if (this.#failure !== null) { fail(this.#failure.status, this.#failure.code, this.#failure.message); return; }
    if (op !== 'GetInstances') { fail(400, 'UnknownOperationException', ''); return; }
    const token = (JSON.parse(body === '' ? '{}' : body) as { pageToken?: string }).pageToken ?? '';
    const start = token === '' ? 0 : Number(token);
    const end = this.pageSize > 0 ? Math.min(this.lightsailInstances.length, start + this.pageSize) : this.lightsailInstances.length;
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() }).end(JSON.stringify({
      instances: this.lightsailInstances.slice(start, end), ...(end < this.lightsailInstances.length ? { nextPageToken: String(end) } : {}),
    }));
  }

  #ok(res: ServerResponse, body: string): void {
    res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  }

  #matches(i: FakeEC2Instance, name: string, values: string[]): boolean | null {
    const any = (v: string | undefined): boolean => v !== undefined && values.some((p) => wildcard(p, v));
    switch (name) {
      case 'instance-state-name': return any(i.state ?? 'running');
      case 'instance-id': return any(i.id);
      case 'instance-type': return any(i.type);
      case 'availability-zone': return any(i.az);
      case 'vpc-id': return any(i.vpc);
      case 'subnet-id': return any(i.subnet);
      case 'image-id': return any(i.image);
      case 'private-ip-address': return any(i.privateIp);
      case 'architecture': return any(i.architecture);
      case 'platform': return any(i.platform);
      case 'tag-key': return (i.tags ?? []).some((t) => any(t.key));
      default:
        if (name.startsWith('tag:')) return (i.tags ?? []).some((t) => t.key === name.slice(4) && any(t.value));
        return null;
    }
  }

  #describeInstances(params: URLSearchParams, res: ServerResponse): void {
    const filters: { name: string; values: string[] }[] = [];
    for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
      const values: string[] = [];
      for (let m = 1; params.has(`Filter.${n}.Value.${m}`); m++) values.push(params.get(`Filter.${n}.Value.${m}`)!);
      filters.push({ name: params.get(`Filter.${n}.Name`)!, values });
    }
    const selected: FakeEC2Instance[] = [];
    for (const i of this.instances) {
      let ok = true;
      for (const f of filters) {
        const m = this.#matches(i, f.name, f.values);
        if (m === null) { this.#error(res, 400, 'InvalidParameterValue', `The filter '${f.name}' is invalid`, false); return; }
        ok &&= m;
      }
      if (ok) selected.push(i);
    }
    const token = params.get('NextToken') ?? '';
    const start = token === '' ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^page:/, ''));
    if (!Number.isSafeInteger(start) || start < 0 || start > selected.length) {
      this.#error(res, 400, 'InvalidParameterValue', `Invalid value '${token}' for nextToken`, false);
      return;
    }
    const end = this.pageSize > 0 ? Math.min(selected.length, start + this.pageSize) : selected.length;
    const page = selected.slice(start, end);
    const next = end < selected.length ? Buffer.from(`page:${end}`).toString('base64url') : '';
    // Consecutive instances of the same reservation share one reservation item.
    const groups: FakeEC2Instance[][] = [];
    for (const i of page) {
      const last = groups.at(-1);
      if (last !== undefined && last[0]!.reservation !== undefined && last[0]!.reservation === i.reservation) last.push(i);
      else groups.push([i]);
    }
    const reservations = groups.map((g) => `<item>${el('reservationId', g[0]!.reservation ?? `r-${g[0]!.id}`)}${el('ownerId', g[0]!.owner)}<groupSet/><instancesSet>${g.map(instanceXML).join('')}</instancesSet></item>`).join('');
    this.#ok(res, `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">${el('requestId', randomUUID())}<reservationSet>${reservations}</reservationSet>${next !== '' ? el('nextToken', next) : ''}</DescribeInstancesResponse>`);
  }

  #issue(): { id: string; secret: string; token: string; expiration: string } {
    const id = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secret = randomBytes(20).toString('base64');
    const token = randomBytes(32).toString('base64');
    const expiresAt = Date.now() + 15 * 60_000;
    this.#keys.set(id, { secret, token, expiresAt });
    return { id, secret, token, expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  #assumeRole(action: string, params: URLSearchParams, res: ServerResponse): void {
    const arn = params.get('RoleArn') ?? '';
    const role = this.roles.get(arn);
    const deny = (msg: string): void => { this.#error(res, 403, 'AccessDenied', msg, true); };
    if (role === undefined) { deny(`User is not authorized to perform: sts:AssumeRole on resource: ${arn}`); return; }
    if (action === 'AssumeRole' && role.externalId !== null && params.get('ExternalId') !== role.externalId) { deny(`User is not authorized to perform: sts:AssumeRole on resource: ${arn}`); return; }
    if (action === 'AssumeRoleWithWebIdentity' && (role.webIdentityToken === undefined || params.get('WebIdentityToken') !== role.webIdentityToken)) {
      this.#error(res, 400, 'InvalidIdentityToken', 'Incorrect token audience', true);
      return;
    }
    const c = this.#issue();
    const session = params.get('RoleSessionName') ?? '';
    this.#ok(res, `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials>${el('AccessKeyId', c.id)}${el('SecretAccessKey', c.secret)}${el('SessionToken', c.token)}${el('Expiration', c.expiration)}</Credentials><AssumedRoleUser>${el('Arn', `${arn}/${session}`)}${el('AssumedRoleId', `AROA:${session}`)}</AssumedRoleUser></${action}Result><ResponseMetadata>${el('RequestId', randomUUID())}</ResponseMetadata></${action}Response>`);
  }

  #imds(req: IncomingMessage, url: URL, res: ServerResponse): void {
    if (req.method === 'PUT' && url.pathname === '/latest/api/token') {
      const t = randomBytes(16).toString('base64');
      this.#tokens.set(t, t);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(t);
      return;
    }
    const tok = req.headers['x-aws-ec2-metadata-token'];
    if (typeof tok !== 'string' || !this.#tokens.has(tok)) { res.writeHead(401).end(); return; }
    const p = url.pathname;
    if (p === '/latest/meta-data/placement/region') { res.writeHead(200, { 'Content-Type': 'text/plain' }).end(this.region); return; }
    const role = this.imdsRole;
    if (p === '/latest/meta-data/iam/security-credentials/') {
      if (role === null) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(role.name);
      return;
    }
    if (role !== null && p === `/latest/meta-data/iam/security-credentials/${role.name}`) {
      const c = this.#issue();
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: c.id, SecretAccessKey: c.secret, Token: c.token, Expiration: c.expiration }));
      return;
    }
    res.writeHead(404).end();
  }
}

function instanceXML(i: FakeEC2Instance): string {
  const state = i.state ?? 'running';
  const eniXML = (n: NonNullable<FakeEC2Instance['enis']>[number], k: number): string => '<item>'
    + el('networkInterfaceId', `eni-${i.id}-${k}`) + el('subnetId', n.subnet) + el('vpcId', i.vpc) + el('status', 'in-use')
    + (n.deviceIndex !== undefined ? `<attachment>${el('attachmentId', `eni-attach-${k}`)}${el('deviceIndex', n.deviceIndex)}${el('status', 'attached')}</attachment>` : '')
    + `<ipv6AddressesSet>${(n.ipv6 ?? []).map((a) => `<item>${el('ipv6Address', a.address)}${el('isPrimaryIpv6', String(a.primary ?? false))}</item>`).join('')}</ipv6AddressesSet></item>`;
  const enis = i.enis === undefined ? '' : `<networkInterfaceSet>${i.enis.map(eniXML).join('')}</networkInterfaceSet>`;
  const tags = i.tags === undefined ? '' : `<tagSet>${i.tags.map((t) => `<item>${el('key', t.key)}${el('value', t.value)}</item>`).join('')}</tagSet>`;
  return '<item>'
    + el('instanceId', i.id) + el('imageId', i.image)
    + `<instanceState>${el('code', STATE_CODES[state] ?? 16)}${el('name', state)}</instanceState>`
    + el('privateDnsName', i.privateDns) + el('dnsName', i.publicDns) + '<reason/>' + el('amiLaunchIndex', 0) + '<productCodes/>'
    + el('instanceType', i.type) + el('launchTime', '2024-01-02T03:04:05.000Z')
    + (i.az !== undefined ? `<placement>${el('availabilityZone', i.az)}<groupName/>${el('tenancy', 'default')}</placement>` : '')
    + el('platform', i.platform) + `<monitoring>${el('state', 'disabled')}</monitoring>`
    + el('subnetId', i.subnet) + el('vpcId', i.vpc) + el('privateIpAddress', i.privateIp) + el('ipAddress', i.publicIp)
    + el('sourceDestCheck', 'true') + el('architecture', i.architecture) + el('rootDeviceType', 'ebs') + el('instanceLifecycle', i.lifecycle)
    + el('virtualizationType', 'hvm') + tags + el('hypervisor', 'xen') + enis + el('ebsOptimized', 'false')
    + '</item>';
}
