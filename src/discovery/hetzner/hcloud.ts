/**
 * The hetzner `hcloud` role: the servers of a Hetzner Cloud project (`GET /servers`, 50 a
 * page, with the config's `label_selector`) and its networks (`GET /networks`, for the names
 * of the private networks), read as hcloud-go reads them: pages are followed through
 * `meta.pagination.next_page`, and an error answer reads "<message> (<code>)". Addresses are
 * printed from their parsed values, so a server without a public IPv4 shows "<nil>" as in
 * Prometheus.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { joinHostPort, sanitizeLabelName } from '../refresh/index.js';
import { goCIDRString, goIPString } from './ip.js';
import { arr, isObject, num, obj, parseJSON, str } from './json.js';
import { HETZNER_META } from './labels.js';

export const HCLOUD_ENDPOINT = 'https://api.hetzner.cloud/v1';
const HCLOUD = `${HETZNER_META}hcloud_`;
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export class HcloudClient {
  readonly #http: HTTPClient;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(http: HTTPClient, o: { endpoint: string; timeoutMs: number; userAgent: string }) {
    this.#http = http;
    this.#endpoint = o.endpoint.replace(/\/+$/, '');
    this.#timeoutMs = o.timeoutMs;
    this.#userAgent = o.userAgent;
  }

  /** Every item under `key` of a paged list, `per_page` 50, following `next_page`. */
  async all(path: string, key: string, labelSelector: string, signal: AbortSignal): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1; page > 0;) {
      const q = new URLSearchParams();
      if (labelSelector !== '') q.set('label_selector', labelSelector);
      q.set('page', String(page));
      q.set('per_page', '50');
      const body = obj(await this.#get(`${path}?${q.toString()}`, signal));
      out.push(...arr(body[key]));
      const pg = obj(obj(body['meta'])['pagination']);
      page = typeof pg['next_page'] === 'number' ? pg['next_page'] : 0;
    }
    return out;
  }

  async #get(path: string, signal: AbortSignal): Promise<unknown> {
    const res = await this.#http.request({
      url: this.#endpoint + path, headers: { 'User-Agent': this.#userAgent }, signal, timeoutMs: this.#timeoutMs, maxBodyBytes: MAX_BODY_BYTES,
    });
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      let err: Record<string, unknown> = {};
      try {
        err = obj(obj(JSON.parse(text))['error']);
      } catch {
        err = {};
      }
      const code = str(err, 'code');
      if (code === '') throw new Error(`hcloud: server responded with status code ${res.status}`);
      const correlation = res.headers['x-correlation-id'] ?? '';
      throw new Error(correlation !== '' ? `${str(err, 'message')} (${code}, ${correlation})` : `${str(err, 'message')} (${code})`);
    }
    return parseJSON(text, `the answer of GET ${path}`);
  }
}

export function hcloudTargets(servers: readonly unknown[], networks: readonly unknown[], port: number): Record<string, string>[] {
  const networkNames = new Map<number, string>();
  for (const n of networks) networkNames.set(num(obj(n), 'id'), str(obj(n), 'name'));
  const out: Record<string, string>[] = [];
  for (const item of servers) {
    const s = obj(item);
    const pub = obj(s['public_net']);
    const ipv4 = isObject(pub['ipv4']) ? goIPString(str(pub['ipv4'], 'ip')) : '<nil>';
    const ipv6 = isObject(pub['ipv6']) ? goCIDRString(str(pub['ipv6'], 'ip')) : '<nil>';
    const location = obj(s['location']);
    const type = obj(s['server_type']);
    const ls: Record<string, string> = {
      [`${HETZNER_META}role`]: 'hcloud',
      [`${HETZNER_META}server_id`]: String(Math.trunc(num(s, 'id'))),
      [`${HETZNER_META}server_name`]: str(s, 'name'),
      [`${HETZNER_META}public_ipv4`]: ipv4,
      [`${HETZNER_META}public_ipv6_network`]: ipv6,
      [`${HETZNER_META}server_status`]: str(s, 'status'),
      [`${HCLOUD}location`]: str(location, 'name'),
      [`${HCLOUD}location_network_zone`]: str(location, 'network_zone'),
      // The datacenter_* names are kept by Prometheus for backward compatibility.
      [`${HCLOUD}datacenter_location`]: str(location, 'name'),
      [`${HCLOUD}datacenter_location_network_zone`]: str(location, 'network_zone'),
      [`${HCLOUD}server_type`]: str(type, 'name'),
      [`${HCLOUD}cpu_cores`]: String(Math.trunc(num(type, 'cores'))),
      [`${HCLOUD}cpu_type`]: str(type, 'cpu_type'),
      [`${HCLOUD}memory_size_gb`]: String(Math.trunc(num(type, 'memory'))),
      [`${HCLOUD}disk_size_gb`]: String(Math.trunc(num(type, 'disk'))),
      __address__: joinHostPort(ipv4, port),
    };
    if (isObject(s['image'])) {
      const img = s['image'];
      ls[`${HCLOUD}image_name`] = str(img, 'name');
      ls[`${HCLOUD}image_description`] = str(img, 'description');
      ls[`${HCLOUD}image_os_version`] = str(img, 'os_version');
      ls[`${HCLOUD}image_os_flavor`] = str(img, 'os_flavor');
    }
    for (const pn of arr(s['private_net'])) {
      const name = networkNames.get(num(obj(pn), 'network'));
      if (name !== undefined) ls[`${HCLOUD}private_ipv4_${sanitizeLabelName(name)}`] = goIPString(str(obj(pn), 'ip'));
    }
    for (const [k, v] of Object.entries(obj(s['labels']))) {
      if (typeof v !== 'string') continue;
      const n = sanitizeLabelName(k);
      ls[`${HCLOUD}labelpresent_${n}`] = 'true';
      ls[`${HCLOUD}label_${n}`] = v;
    }
    out.push(ls);
  }
  return out;
}
