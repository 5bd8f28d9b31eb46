/**
 * `dockerswarm_sd_configs`: the services, tasks or nodes of a Docker Swarm, read from a
 * manager's Engine API every `refresh_interval`, as one group with source "DockerSwarm".
 * The config's filters apply to the role's own list (`/services`, `/tasks` or `/nodes`); the
 * lists a role reads for extra labels (services and nodes for tasks, networks) are unfiltered,
 * as in Prometheus.
 */
import type { DockerSwarmSDConfig } from '../../config/sd-types.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { DockerClient, type DockerFilters } from './client.js';
import { dockerFilters } from './docker.js';
import type { LabelSet } from './labels.js';
import { networkLabels } from './network.js';
import { nodeLabelsByID, nodeTargets, SWARM_META } from './nodes.js';
import { serviceTargets, servicesByID } from './services.js';
import { taskTargets } from './tasks.js';

export interface DockerSwarmDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
}

function wrap(what: string, e: unknown): Error {
  return new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

export class DockerSwarmDiscoverer implements Discoverer {
  readonly #client: DockerClient;
  readonly #cfg: DockerSwarmSDConfig;
  readonly #filters: DockerFilters;
  readonly #loop: RefreshDiscoverer;

  /** Throws "error setting up docker swarm client: ..." when the host cannot be used. */
  constructor(cfg: DockerSwarmSDConfig, o: DockerSwarmDiscovererOptions) {
    this.#cfg = cfg;
    this.#filters = dockerFilters(cfg.filters);
    try {
      this.#client = new DockerClient({
        host: cfg.host, httpClient: cfg.http_client, timeoutMs: cfg.refresh_interval, name: 'dockerswarm_sd',
        ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
      });
    } catch (e) {
      throw wrap('error setting up docker swarm client', e);
    }
    this.#loop = new RefreshDiscoverer({
      mechanism: 'dockerswarm', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    let targets: LabelSet[];
    const role = this.#cfg.role;
    switch (role) {
      case 'services': targets = await this.#services(signal); break;
      case 'tasks': targets = await this.#tasks(signal); break;
      case 'nodes': targets = await this.#nodes(signal); break;
      default: {
        const never: never = role;
        throw new Error(`unexpected role ${String(never)}`);
      }
    }
    return [{ source: 'DockerSwarm', labels: {}, targets }];
  }

  async #services(signal: AbortSignal): Promise<LabelSet[]> {
    const services = await this.#client.list('/services', this.#filters, signal, 'services')
      .catch((e: unknown) => { throw wrap('error while listing swarm services', e); });
    const networks = await networkLabels(this.#client, SWARM_META, signal)
      .catch((e: unknown) => { throw wrap('error while computing swarm network labels', e); });
    return serviceTargets(services, networks, this.#cfg.port);
  }

  async #tasks(signal: AbortSignal): Promise<LabelSet[]> {
    // Prometheus words a failed task listing as a service listing; kept for identical errors.
    const tasks = await this.#client.list('/tasks', this.#filters, signal, 'tasks')
      .catch((e: unknown) => { throw wrap('error while listing swarm services', e); });
    const services = await this.#client.list('/services', null, signal, 'services')
      .catch((e: unknown) => { throw wrap('error while computing services labels and ports', e); });
    const nodes = await this.#client.list('/nodes', null, signal, 'nodes')
      .catch((e: unknown) => { throw wrap('error while computing nodes labels and ports', wrap('error while listing swarm nodes', e)); });
    const networks = await networkLabels(this.#client, SWARM_META, signal)
      .catch((e: unknown) => { throw wrap('error while computing swarm network labels', e); });
    return taskTargets(tasks, servicesByID(services), nodeLabelsByID(nodes), networks, this.#cfg.port);
  }

  async #nodes(signal: AbortSignal): Promise<LabelSet[]> {
    const nodes = await this.#client.list('/nodes', this.#filters, signal, 'nodes')
      .catch((e: unknown) => { throw wrap('error while listing swarm nodes', e); });
    return nodeTargets(nodes, this.#cfg.port);
  }
}
