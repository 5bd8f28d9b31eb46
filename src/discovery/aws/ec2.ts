/**
 * `ec2_sd_configs`: the instances of one region, listed with DescribeInstances (with the
 * config's filters, following pagination) every `refresh_interval` (default 1 m), as
 * Prometheus does:
 *
 * - the region, credentials and endpoint are resolved at the first refresh (see region.ts,
 *   credentials.ts); an `AuthFailure` or `UnauthorizedOperation` answer makes the next
 *   refresh resolve them again;
 * - availability zone ids come from DescribeAvailabilityZones, asked until it once succeeds;
 * - one group, source the region; an instance without a private IPv4 address and without
 *   an IPv6 address is left out; the address is the private IPv4 (else the default IPv6)
 *   with the config's port;
 * - labels `__meta_ec2_{instance_id, region, owner_id, private_ip, private_dns_name,
 *   platform, public_ip, public_dns_name, ami, availability_zone, availability_zone_id,
 *   instance_state, instance_type, instance_lifecycle, architecture, vpc_id,
 *   primary_subnet_id, subnet_id, ipv6_addresses, primary_ipv6_addresses,
 *   default_ipv6_address}` and `__meta_ec2_tag_<key>`, each under the same conditions as in
 *   Prometheus (lists joined and surrounded by ",").
 *
 * A failed refresh is logged and counted in `prometheus_sd_refresh_failures_total`; the last
 * targets stay. Each API call times out after one refresh interval.
 */
import type { EC2SDConfig } from '../../config/sd-types.js';
import { newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { joinHostPort, RefreshDiscoverer, sanitizeLabelName, surroundJoin, type RefreshMetrics } from '../refresh/index.js';
import { resolveCredentials, type CredentialsProvider } from './credentials.js';
import { describeAvailabilityZones, describeInstances, type EC2CallBase, type EC2Instance, type EC2Reservation } from './ec2-api.js';
import { AWSAPIError, resolveEndpoint, type RetryPolicy } from './query-client.js';
import { loadRegion } from './region.js';
import type { AWSEnv } from './shared-config.js';

const P = '__meta_ec2_';
const SEP = ',';

export interface EC2DiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** The environment read for credentials, region and endpoints (default process.env). */
  env?: AWSEnv;
  /** Replaces the client built from the config (tests). */
  client?: HTTPClient;
  retry?: RetryPolicy;
}

/** The addresses Prometheus derives from an instance's interfaces (only for instances in a VPC). */
export function instanceIPv6(inst: EC2Instance): { defaultAddr: string | undefined; primary: string[] | null; all: string[] | null } {
  let primary: string[] | null = null;
  let all: string[] | null = null;
  if (inst.vpcId === undefined) return { defaultAddr: undefined, primary, all };
  for (const eni of inst.networkInterfaces) {
    if (eni.subnetId === undefined) continue;
    for (const a of eni.ipv6Addresses) {
      const addr = a.address ?? '';
      (all ??= []).push(addr);
      if (a.isPrimary === true && eni.deviceIndex !== undefined) {
        // Keeps each primary address at its interface's device index; the gaps stay empty.
        primary ??= [];
        while (primary.length <= eni.deviceIndex) primary.push('');
        primary[eni.deviceIndex] = addr;
      }
    }
  }
  for (const a of [...(primary ?? []), ...(all ?? [])]) if (a !== '') return { defaultAddr: a, primary, all };
  return { defaultAddr: undefined, primary, all };
}

/** The targets of a listing, in reservation and instance order. */
export function ec2Targets(reservations: readonly EC2Reservation[], region: string, port: number, azToID: ReadonlyMap<string, string> | null): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const r of reservations) {
    for (const inst of r.instances) {
      const v6 = instanceIPv6(inst);
      if (inst.privateIpAddress === undefined && v6.defaultAddr === undefined) continue;
      const l: Record<string, string> = { [`${P}instance_id`]: inst.instanceId ?? '', [`${P}region`]: region };
      if (r.ownerId !== undefined) l[`${P}owner_id`] = r.ownerId;
      if (v6.defaultAddr !== undefined) l[`${P}default_ipv6_address`] = v6.defaultAddr;
      if (inst.privateIpAddress !== undefined) {
        l[`${P}private_ip`] = inst.privateIpAddress;
        l['__address__'] = joinHostPort(inst.privateIpAddress, port);
      } else {
        l['__address__'] = joinHostPort(v6.defaultAddr!, port);
      }
      if (inst.privateDnsName !== undefined) l[`${P}private_dns_name`] = inst.privateDnsName;
      if (inst.platform !== '') l[`${P}platform`] = inst.platform;
      if (inst.publicIpAddress !== undefined) {
        l[`${P}public_ip`] = inst.publicIpAddress;
        l[`${P}public_dns_name`] = inst.publicDnsName ?? '';
      }
      if (v6.primary !== null) l[`${P}primary_ipv6_addresses`] = surroundJoin(v6.primary, SEP);
      if (v6.all !== null) l[`${P}ipv6_addresses`] = surroundJoin(v6.all, SEP);
      l[`${P}ami`] = inst.imageId ?? '';
      const az = inst.availabilityZone ?? '';
      l[`${P}availability_zone`] = az;
      l[`${P}availability_zone_id`] = azToID?.get(az) ?? '';
      l[`${P}instance_state`] = inst.stateName ?? '';
      l[`${P}instance_type`] = inst.instanceType;
      if (inst.instanceLifecycle !== '') l[`${P}instance_lifecycle`] = inst.instanceLifecycle;
      if (inst.architecture !== '') l[`${P}architecture`] = inst.architecture;
      if (inst.vpcId !== undefined) {
        l[`${P}vpc_id`] = inst.vpcId;
        l[`${P}primary_subnet_id`] = inst.subnetId ?? '';
        // Subnets of the interfaces, without repeats, in the order EC2 lists them.
        const subnets: string[] = [];
        for (const eni of inst.networkInterfaces) if (eni.subnetId !== undefined && !subnets.includes(eni.subnetId)) subnets.push(eni.subnetId);
        l[`${P}subnet_id`] = surroundJoin(subnets, SEP);
      }
      for (const t of inst.tags) {
        if (t.key === undefined || t.value === undefined) continue;
        l[`${P}tag_${sanitizeLabelName(t.key)}`] = t.value;
      }
      out.push(l);
    }
  }
  return out;
}

interface Session {
  region: string;
  endpoint: string;
  credentials: CredentialsProvider;
}

export class EC2Discoverer implements Discoverer {
  readonly #cfg: EC2SDConfig;
  readonly #o: EC2DiscovererOptions;
  readonly #env: AWSEnv;
  readonly #client: HTTPClient;
  readonly #loop: RefreshDiscoverer;
  readonly #logger: Logger;
  #session: Session | null = null;
  #azToID: Map<string, string> | null = null;

  /** Throws when the HTTP client cannot be built from the config. */
  constructor(cfg: EC2SDConfig, o: EC2DiscovererOptions) {
    this.#cfg = cfg;
    this.#o = o;
    this.#env = o.env ?? process.env;
    this.#logger = o.logger ?? nopLogger;
    this.#client = o.client ?? newHTTPClient(cfg.http_client, 'ec2_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'ec2', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: this.#logger, refresh: (signal) => this.refresh(signal),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#client.close();
    }
  }

  async #sessionFor(signal: AbortSignal): Promise<Session> {
    if (this.#session !== null) return this.#session;
    const region = await loadRegion(this.#cfg.region, this.#env, this.#client, signal);
    let credentials: CredentialsProvider;
    try {
      credentials = await resolveCredentials({
        http: this.#client, region, env: this.#env, accessKey: this.#cfg.access_key, secretKey: this.#cfg.secret_key,
        profile: this.#cfg.profile, roleArn: this.#cfg.role_arn, externalId: this.#cfg.external_id, ...(this.#o.retry !== undefined ? { retry: this.#o.retry } : {}),
      });
    } catch (e) {
      throw new Error(`could not create aws config: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.#session = { region, endpoint: resolveEndpoint(this.#cfg.endpoint, 'ec2', region, this.#env), credentials };
    return this.#session;
  }

  /** One listing turned into the region's group. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const s = await this.#sessionFor(signal);
    const call = async (): Promise<EC2CallBase> => ({
      http: this.#client, endpoint: s.endpoint, region: s.region, credentials: await s.credentials.retrieve(signal), signal,
      timeoutMs: this.#cfg.refresh_interval, ...(this.#o.retry !== undefined ? { retry: this.#o.retry } : {}),
    });
    if (this.#azToID === null) {
      try {
        this.#azToID = await describeAvailabilityZones(await call());
      } catch (e) {
        if (signal.aborted) throw e;
        this.#logger.debug('Unable to describe availability zones', { err: e instanceof Error ? e.message : String(e) });
      }
    }
    let reservations: EC2Reservation[];
    try {
      reservations = await describeInstances(await call(), this.#cfg.filters);
    } catch (e) {
      if (e instanceof AWSAPIError && (e.code === 'AuthFailure' || e.code === 'UnauthorizedOperation')) this.#session = null;
      throw new Error(`could not describe instances: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    for (const r of reservations) {
      for (const inst of r.instances) {
        const az = inst.availabilityZone ?? '';
        if (this.#azToID !== null && !this.#azToID.has(az)) this.#logger.debug('Availability zone ID not found', { az });
      }
    }
    return [{ source: s.region, labels: {}, targets: ec2Targets(reservations, s.region, this.#cfg.port, this.#azToID) }];
  }
}
