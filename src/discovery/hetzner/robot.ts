/**
 * The hetzner `robot` role: the dedicated servers of a Hetzner Robot account, from
 * `GET /server` of the Robot webservice with the config's credentials (basic auth). A non-2xx
 * answer fails with Prometheus's wording. The IPv6 network is the first subnet that is not
 * IPv4, written as the API gives it (`ip/mask`).
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { joinHostPort } from '../refresh/index.js';
import { arr, num, obj, parseJSON, str } from './json.js';
import { HETZNER_META } from './labels.js';

export const ROBOT_ENDPOINT = 'https://robot-ws.your-server.de';
const ROBOT = `${HETZNER_META}robot_`;
const MAX_BODY_BYTES = 100 * 1024 * 1024;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export async function robotServers(http: HTTPClient, endpoint: string, timeoutMs: number, userAgent: string, signal: AbortSignal): Promise<readonly unknown[]> {
  const res = await http.request({ url: `${endpoint}/server`, headers: { 'User-Agent': userAgent }, signal, timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
  if (Math.trunc(res.status / 100) !== 2) throw new Error(`non 2xx status '${res.status}' response during hetzner service discovery with role robot`);
  const v = parseJSON(res.body.toString('utf8'), 'the robot server list');
  if (v === null) return [];
  if (!Array.isArray(v)) throw new Error('json: cannot unmarshal object into Go value of type hetzner.serversList');
  return v as unknown[];
}

export function robotTargets(servers: readonly unknown[], port: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const item of servers) {
    const s = obj(obj(item)['server']);
    const dc = str(s, 'dc').toLowerCase();
    const ip = str(s, 'server_ip');
    const ls: Record<string, string> = {
      [`${HETZNER_META}role`]: 'robot',
      [`${HETZNER_META}server_id`]: String(Math.trunc(num(s, 'server_number'))),
      [`${HETZNER_META}server_name`]: str(s, 'server_name'),
      // Kept by Prometheus under both names for backward compatibility.
      [`${HETZNER_META}datacenter`]: dc,
      [`${HETZNER_META}public_ipv4`]: ip,
      [`${HETZNER_META}server_status`]: str(s, 'status'),
      [`${ROBOT}datacenter`]: dc,
      [`${ROBOT}product`]: str(s, 'product'),
      [`${ROBOT}cancelled`]: String(s['cancelled'] === true),
      __address__: joinHostPort(ip, port),
    };
    for (const sub of arr(s['subnet'])) {
      const sip = str(obj(sub), 'ip');
      if (!IPV4.test(sip) && !/^::ffff:\d/i.test(sip)) {
        ls[`${HETZNER_META}public_ipv6_network`] = `${sip}/${str(obj(sub), 'mask')}`;
        break;
      }
    }
    out.push(ls);
  }
  return out;
}
