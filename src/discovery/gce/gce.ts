/**
 * `gce_sd_configs`: the instances of one project and zone, listed through the Compute
 * Engine API (`instances.list`, with the config's `filter`, following `nextPageToken`) every
 * `refresh_interval` (default 1 m), as Prometheus does:
 *
 * - credentials are Google's Application Default Credentials (see credentials.ts), found at
 *   the first refresh;
 * - one group, source `GCE_<project>_<zone>`; instances without network interfaces are left
 *   out; the address is the first interface's internal IP with the config's port;
 * - labels `__meta_gce_{project, zone, instance_id, instance_name, instance_status,
 *   machine_type, network, subnetwork, private_ip, public_ip (the first interface's first
 *   access config when it is ONE_TO_ONE_NAT)}`, `__meta_gce_interface_ipv4_<name>` for every
 *   interface, `__meta_gce_tags` (joined and surrounded by `tag_separator`),
 *   `__meta_gce_metadata_<key>` and `__meta_gce_label_<key>` (keys sanitized).
 *
 * Requests honour `HTTPS_PROXY`/`NO_PROXY` as Go's default transport does. The API endpoint
 * can be moved with gcloud's `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE` (a Watchfire extension:
 * Prometheus has no such setting).
 *
 * A failed refresh is logged and counted in `prometheus_sd_refresh_failures_total`; the last
 * targets stay. Prometheus fails to create the discoverer when no credentials can be found;
 * Watchfire looks for them at each refresh until found, so the failure shows as failing
 * refreshes instead.
 */
import type { GCESDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig, newHTTPClient, type HTTPClient } from '../../httpclient/index.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, sanitizeLabelName, type RefreshMetrics } from '../refresh/index.js';
import { defaultTokenSource, type GCEEnv, type TokenSource } from './credentials.js';

const P = '__meta_gce_';
export const DEFAULT_COMPUTE_ENDPOINT = 'https://compute.googleapis.com/compute/v1/';

export interface GCEDiscovererOptions {
  refreshMetrics: RefreshMetrics;
  setName?: string;
  logger?: Logger;
  userAgent?: string;
  env?: GCEEnv;
  /** The Compute API base URL (default: `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE`, else `https://compute.googleapis.com/compute/v1/`). */
  endpoint?: string;
  client?: HTTPClient;
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as J : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The target of one instance, or null when it has no network interface. */
export function instanceLabels(inst: unknown, project: string, port: number, tagSeparator: string): Record<string, string> | null {
  const i = obj(inst);
  const nics = arr(i['networkInterfaces']).map(obj);
  const pri = nics[0];
  if (pri === undefined) return null;
  const l: Record<string, string> = {
    [`${P}project`]: project, [`${P}zone`]: str(i['zone']), [`${P}instance_id`]: str(i['id']), [`${P}instance_name`]: str(i['name']),
    [`${P}instance_status`]: str(i['status']), [`${P}machine_type`]: str(i['machineType']),
    [`${P}network`]: str(pri['network']), [`${P}subnetwork`]: str(pri['subnetwork']), [`${P}private_ip`]: str(pri['networkIP']),
    // Not JoinHostPort: Prometheus formats host and port as they are.
    __address__: `${str(pri['networkIP'])}:${port}`,
  };
  for (const n of nics) l[`${P}interface_ipv4_${sanitizeLabelName(str(n['name']))}`] = str(n['networkIP']);
  const tags = arr(obj(i['tags'])['items']).map(str);
  if (tags.length > 0) l[`${P}tags`] = tagSeparator + tags.join(tagSeparator) + tagSeparator;
  for (const item of arr(obj(i['metadata'])['items']).map(obj)) {
    // Items without a value are skipped, as Prometheus guards against nil values.
    if (typeof item['value'] !== 'string') continue;
    l[`${P}metadata_${sanitizeLabelName(str(item['key']))}`] = item['value'];
  }
  for (const [k, v] of Object.entries(obj(i['labels']))) l[`${P}label_${sanitizeLabelName(k)}`] = str(v);
  const ac = obj(arr(pri['accessConfigs'])[0]);
  if (ac['type'] === 'ONE_TO_ONE_NAT') l[`${P}public_ip`] = str(ac['natIP']);
  return l;
}

/** Go's googleapi error text from an error answer. */
function apiError(status: number, body: string): Error {
  try {
    const e = obj(obj(JSON.parse(body) as unknown)['error']);
    const reasons = arr(e['errors']).map((x) => str(obj(x)['reason'])).filter((r) => r !== '');
    return new Error(`googleapi: Error ${status}: ${str(e['message'])}${reasons.length > 0 ? `, ${reasons.join(', ')}` : ''}`);
  } catch {
    return new Error(`googleapi: got HTTP response code ${status} with body: ${body}`);
  }
}

export class GCEDiscoverer implements Discoverer {
  readonly #cfg: GCESDConfig;
  readonly #env: GCEEnv;
  readonly #endpoint: string;
  readonly #client: HTTPClient;
  readonly #loop: RefreshDiscoverer;
  #tokens: TokenSource | null = null;

  constructor(cfg: GCESDConfig, o: GCEDiscovererOptions) {
    this.#cfg = cfg;
    this.#env = o.env ?? process.env;
    const override = this.#env['CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE'] ?? '';
    const ep = o.endpoint ?? (override !== '' ? override : DEFAULT_COMPUTE_ENDPOINT);
    this.#endpoint = ep.endsWith('/') ? ep : `${ep}/`;
    this.#client = o.client ?? newHTTPClient(defaultHTTPClientConfig({ proxy_from_environment: true }), 'gce_sd', o.userAgent !== undefined ? { userAgent: o.userAgent } : {});
    this.#loop = new RefreshDiscoverer({
      mechanism: 'gce', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
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

  /** The `instances.list` URL of a page. */
  listURL(pageToken: string): string {
    const u = new URL(`projects/${encodeURIComponent(this.#cfg.project)}/zones/${encodeURIComponent(this.#cfg.zone)}/instances`, this.#endpoint);
    u.searchParams.set('alt', 'json');
    if (this.#cfg.filter !== '') u.searchParams.set('filter', this.#cfg.filter);
    if (pageToken !== '') u.searchParams.set('pageToken', pageToken);
    u.searchParams.set('prettyPrint', 'false');
    return u.href;
  }

  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const targets: Record<string, string>[] = [];
    try {
      this.#tokens ??= await defaultTokenSource(this.#client, this.#env);
      let token = '';
      const seen = new Set<string>();
      do {
        const url = this.listURL(token);
        let bearer: string;
        try {
          bearer = await this.#tokens.token(signal);
        } catch (e) {
          throw new Error(`Get ${JSON.stringify(url)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        const res = await this.#client.request({ url, signal, timeoutMs: this.#cfg.refresh_interval, headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' } });
        const text = res.body.toString('utf8');
        if (res.status !== 200) throw apiError(res.status, text);
        const page = obj(JSON.parse(text) as unknown);
        for (const inst of arr(page['items'])) {
          const l = instanceLabels(inst, this.#cfg.project, this.#cfg.port, this.#cfg.tag_separator);
          if (l !== null) targets.push(l);
        }
        seen.add(token);
        token = str(page['nextPageToken']);
      } while (token !== '' && !seen.has(token));
    } catch (e) {
      throw new Error(`error retrieving refresh targets from gce: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return [{ source: `GCE_${this.#cfg.project}_${this.#cfg.zone}`, labels: {}, targets }];
  }
}
