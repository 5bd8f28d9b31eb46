/**
 * `docker_sd_configs`: the containers of one Docker daemon, listed every `refresh_interval`
 * (`GET /containers/json` with the config's filters, and `GET /networks` for the network
 * labels), as one group with source "Docker". As in Prometheus:
 *
 * - each container gets one target per network it is attached to (only the network first by
 *   name with `match_first_network`, the default) and per exposed TCP port, addressed by
 *   the network IP (IPv4, else the global IPv6 address) and the private port;
 * - a container without TCP ports gets one target per network on the config's `port`, or
 *   `host_networking_host` in host networking mode;
 * - a container sharing another's network stack (`container:<id>` mode) takes that
 *   container's networks;
 * - containers without a name are skipped.
 */
import type { DockerSDConfig } from '../../config/sd-types.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { DockerClient, type DockerFilters } from './client.js';
import { has, list, num, obj, str, strMap, type JSONObject } from './json.js';
import { canonicalIP, joinHostPort, sanitizeLabelName, type LabelSet } from './labels.js';
import { networkLabels } from './network.js';

export const DOCKER_META = '__meta_docker_';

export interface DockerDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
}

/** The config's filters as Docker's client collects them: values of a repeated name add up. */
export function dockerFilters(fs: readonly { name: string; values: readonly string[] }[]): DockerFilters {
  const m = new Map<string, string[]>();
  for (const f of fs) {
    let vs = m.get(f.name);
    if (vs === undefined) { vs = []; m.set(f.name, vs); }
    for (const v of f.values) if (!vs.includes(v)) vs.push(v);
  }
  return m;
}

export class DockerDiscoverer implements Discoverer {
  readonly #client: DockerClient;
  readonly #cfg: DockerSDConfig;
  readonly #filters: DockerFilters;
  readonly #loop: RefreshDiscoverer;

  /** Throws "error setting up docker client: ..." when the host cannot be used. */
  constructor(cfg: DockerSDConfig, o: DockerDiscovererOptions) {
    this.#cfg = cfg;
    this.#filters = dockerFilters(cfg.filters);
    try {
      this.#client = new DockerClient({
        host: cfg.host, httpClient: cfg.http_client, timeoutMs: cfg.refresh_interval, name: 'docker_sd',
        ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
      });
    } catch (e) {
      throw new Error(`error setting up docker client: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.#loop = new RefreshDiscoverer({
      mechanism: 'docker', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: o.logger ?? nopLogger, refresh: (signal) => this.refresh(signal),
    });
  }

  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    try {
      await this.#loop.run(signal, send);
    } finally {
      await this.#client.close();
    }
  }

  /** One listing of containers and networks, as one group. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    let containers: readonly unknown[];
    try {
      containers = await this.#client.list('/containers/json', this.#filters, signal, 'containers');
    } catch (e) {
      throw new Error(`error while listing containers: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    let networks: Map<string, LabelSet>;
    try {
      networks = await networkLabels(this.#client, DOCKER_META, signal);
    } catch (e) {
      throw new Error(`error while computing network labels: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return [{ source: 'Docker', labels: {}, targets: containerTargets(containers, networks, this.#cfg) }];
  }
}

/** The targets of the listed containers (exported for tests and benchmarks). */
export function containerTargets(
  containers: readonly unknown[], networks: ReadonlyMap<string, LabelSet>,
  cfg: Pick<DockerSDConfig, 'port' | 'host_networking_host' | 'match_first_network'>,
): LabelSet[] {
  const byID = new Map<string, JSONObject>();
  for (const c of containers) byID.set(str(obj(c), 'Id'), obj(c));
  const targets: LabelSet[] = [];
  for (const item of containers) {
    const c = obj(item);
    const names = list(c, 'Names');
    if (names.length === 0) continue;
    const mode = str(obj(c['HostConfig']), 'NetworkMode');
    const common: LabelSet = {
      [`${DOCKER_META}container_id`]: str(c, 'Id'),
      [`${DOCKER_META}container_name`]: typeof names[0] === 'string' ? names[0] : '',
      [`${DOCKER_META}container_network_mode`]: mode,
    };
    if (str(c, 'Image') !== '') common[`${DOCKER_META}container_image`] = str(c, 'Image');
    if (str(c, 'ImageID') !== '') common[`${DOCKER_META}container_image_id`] = str(c, 'ImageID');
    for (const [k, v] of strMap(c, 'Labels')) common[`${DOCKER_META}container_label_${sanitizeLabelName(k)}`] = v;

    let nets = networksOf(c);
    // A container sharing another's network stack has no networks of its own: follow the
    // chain of `container:<id>` modes to the first container that has some (a cycle ends
    // after as many steps as there are containers).
    let m = mode;
    for (let hops = 0; nets.size === 0 && m.startsWith('container:') && hops < containers.length; hops++) {
      const other = byID.get(m.slice('container:'.length));
      if (other === undefined) break;
      nets = networksOf(other);
      m = str(obj(other['HostConfig']), 'NetworkMode');
    }
    if (cfg.match_first_network && nets.size > 1) {
      const first = [...nets.keys()].sort()[0]!;
      nets = new Map([[first, nets.get(first)!]]);
    }

    const ports = list(c, 'Ports');
    for (const name of [...nets.keys()].sort()) {
      const n = nets.get(name)!;
      const ip = canonicalIP(str(n, 'IPAddress')) || canonicalIP(str(n, 'GlobalIPv6Address'));
      const netLabels = networks.get(str(n, 'NetworkID'));
      let added = false;
      for (const pv of ports) {
        const p = obj(pv);
        if (str(p, 'Type') !== 'tcp') continue;
        const priv = String(num(p, 'PrivatePort'));
        const ls: LabelSet = { [`${DOCKER_META}network_ip`]: ip, [`${DOCKER_META}port_private`]: priv };
        if (num(p, 'PublicPort') > 0) {
          ls[`${DOCKER_META}port_public`] = String(num(p, 'PublicPort'));
          ls[`${DOCKER_META}port_public_ip`] = canonicalIP(str(p, 'IP'));
        }
        Object.assign(ls, common, netLabels);
        ls['__address__'] = joinHostPort(ip, priv);
        targets.push(ls);
        added = true;
      }
      if (!added) {
        // No TCP port: the configured port, or the host itself in host networking mode
        // (such containers never list ports).
        const ls: LabelSet = { [`${DOCKER_META}network_ip`]: ip };
        Object.assign(ls, common, netLabels);
        ls['__address__'] = mode !== 'host' ? joinHostPort(ip, cfg.port) : cfg.host_networking_host;
        targets.push(ls);
      }
    }
  }
  return targets;
}

/** The container's attached networks by name; null entries are left out. */
function networksOf(c: JSONObject): Map<string, JSONObject> {
  const out = new Map<string, JSONObject>();
  const nets = obj(obj(c['NetworkSettings'])['Networks']);
  for (const name of Object.keys(nets)) if (has(nets, name)) out.set(name, obj(nets[name]));
  return out;
}
