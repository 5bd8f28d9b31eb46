/**
 * `openstack_sd_configs`: OpenStack instances, hypervisors or load balancers of one region,
 * polled every `refresh_interval` (default 1 m), as Prometheus does. Every refresh
 * authenticates with Keystone v3 (see keystone.ts; without `identity_endpoint` the `OS_*`
 * environment variables give the settings), finds the role's services in the catalog
 * (region and `availability` interface) and lists through them (see instance.ts,
 * hypervisor.ts, loadbalancer.ts). One group, source `OS_<region>`.
 *
 * Requests use the config's `tls_config` and time out after one refresh interval. A failed
 * refresh is logged and counted in `prometheus_sd_refresh_failures_total`; the last targets
 * stay.
 */
import type { OpenStackSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig, newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { listAll, type ListCall } from './api.js';
import { hypervisorTargets } from './hypervisor.js';
import { decodeServer, floatingIPs, instanceTargets } from './instance.js';
import { authenticate, authOptionsFromEnv, endpointFor, type AuthOptions, type Token } from './keystone.js';
import { loadBalancerTargets } from './loadbalancer.js';

export interface OpenStackDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  /** Read for `OS_*` settings when no identity endpoint is configured (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  client?: HTTPClient;
}

function wrap(prefix: string, e: unknown): Error {
  return new Error(`${prefix}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

export class OpenStackDiscoverer implements Discoverer {
  readonly #cfg: OpenStackSDConfig;
  readonly #auth: AuthOptions;
  readonly #client: HTTPClient;
  readonly #logger: Logger;
  readonly #loop: RefreshDiscoverer;

  /** Throws when the settings are incomplete (no identity endpoint anywhere) or TLS cannot be set up. */
  constructor(cfg: OpenStackSDConfig, o: OpenStackDiscovererOptions) {
    this.#cfg = cfg;
    this.#auth = cfg.identity_endpoint === '' ? authOptionsFromEnv(o.env ?? process.env) : {
      identityEndpoint: cfg.identity_endpoint, username: cfg.username, userID: cfg.userid, password: cfg.password,
      projectName: cfg.project_name, projectID: cfg.project_id, domainName: cfg.domain_name, domainID: cfg.domain_id,
      applicationCredentialName: cfg.application_credential_name, applicationCredentialID: cfg.application_credential_id,
      applicationCredentialSecret: cfg.application_credential_secret,
    };
    this.#logger = o.logger ?? nopLogger;
    this.#client = o.client ?? newHTTPClient(defaultHTTPClientConfig({ tls_config: cfg.tls_config }), 'openstack_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'openstack', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  #endpoint(token: Token, type: string, what: string): string {
    try {
      return endpointFor(token, type, this.#cfg.region, this.#cfg.availability);
    } catch (e) {
      throw wrap(`could not create OpenStack ${what} session`, e);
    }
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const timeoutMs = this.#cfg.refresh_interval;
    let token: Token;
    try {
      token = await authenticate(this.#client, this.#auth, signal, timeoutMs);
    } catch (e) {
      throw wrap('could not authenticate to OpenStack', e);
    }
    const c: ListCall = { http: this.#client, token: token.id, signal, timeoutMs };
    let targets: Record<string, string>[];
    const role = this.#cfg.role;
    switch (role) {
      case 'instance': {
        const compute = this.#endpoint(token, 'compute', 'compute');
        const network = this.#endpoint(token, 'network', 'network');
        const fips = await floatingIPs(c, network, this.#logger);
        const servers = await listAll(c, `${compute}servers/detail${this.#cfg.all_tenants ? '?all_tenants=true' : ''}`, 'servers');
        let decoded;
        try {
          decoded = servers.map(decodeServer);
        } catch (e) {
          throw wrap('could not extract instances', e);
        }
        targets = instanceTargets(decoded, fips, this.#cfg.port, this.#logger);
        break;
      }
      case 'hypervisor': {
        const compute = this.#endpoint(token, 'compute', 'compute');
        const items = await listAll(c, `${compute}os-hypervisors/detail`, 'hypervisors');
        try {
          targets = hypervisorTargets(items, this.#cfg.port);
        } catch (e) {
          throw wrap('could not extract hypervisors', e);
        }
        break;
      }
      case 'loadbalancer': {
        const lb = this.#endpoint(token, 'load-balancer', 'load balancer');
        const network = this.#endpoint(token, 'network', 'network');
        const lbs = await listAll(c, `${lb}v2.0/lbaas/loadbalancers`, 'loadbalancers').catch((e: unknown) => { throw wrap('failed to list load balancers', e); });
        const listeners = await listAll(c, `${lb}v2.0/lbaas/listeners`, 'listeners').catch((e: unknown) => { throw wrap('failed to list all listeners', e); });
        const fips = await listAll(c, `${network}v2.0/floatingips`, 'floatingips').catch((e: unknown) => { throw wrap('failed to list floating IPs', e); });
        targets = loadBalancerTargets(lbs, listeners, fips);
        break;
      }
      default: {
        const never: never = role;
        throw new Error(`unknown OpenStack discovery role ${String(never)}`);
      }
    }
    return [{ source: `OS_${this.#cfg.region}`, labels: {}, targets }];
  }
}
