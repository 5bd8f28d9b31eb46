/**
 * The `instance` role: Nova servers (`/servers/detail`, with `all_tenants`), one target per
 * address of each server, as Prometheus builds them:
 *
 * - Neutron's ports (`/v2.0/ports`) and floating IPs (`/v2.0/floatingips`) tell which
 *   floating address maps to which (server, fixed address); floating addresses themselves
 *   are not targets;
 * - labels `__meta_openstack_{instance_id, instance_status, instance_name, project_id,
 *   user_id, instance_flavor (the flavor's original_name, else its id), instance_image,
 *   address_pool, private_ip, public_ip}` and `__meta_openstack_tag_<metadata key>`;
 * - servers without addresses, or whose flavor has neither a name nor an id, are skipped.
 */
import type { Logger } from '../../util/log.js';
import { joinHostPort, sanitizeLabelName } from '../refresh/index.js';
import { listAll, obj, str, type ListCall } from './api.js';

const P = '__meta_openstack_';

export interface Server {
  id: string;
  name: string;
  status: string;
  tenantID: string;
  userID: string;
  flavor: Record<string, unknown>;
  image: Record<string, unknown> | null;
  metadata: [string, string][];
  /** Pool → addresses, in the order of the answer. */
  addresses: [string, unknown][];
}

export function decodeServer(v: unknown): Server {
  const o = obj(v, 'servers.Server');
  const md: [string, string][] = [];
  const rawMd = o['metadata'];
  if (rawMd !== undefined && rawMd !== null) {
    for (const [k, val] of Object.entries(obj(rawMd, 'map[string]string'))) {
      if (typeof val !== 'string') throw new Error(`json: cannot unmarshal ${typeof val} into Go struct field Server.metadata of type string`);
      md.push([k, val]);
    }
  }
  const image = o['image'];
  const flavor = o['flavor'];
  const addrs = o['addresses'];
  return {
    id: str(o, 'id', 'Server'), name: str(o, 'name', 'Server'), status: str(o, 'status', 'Server'),
    tenantID: str(o, 'tenant_id', 'Server'), userID: str(o, 'user_id', 'Server'),
    flavor: flavor === undefined || flavor === null ? {} : obj(flavor, 'map[string]interface {}'),
    image: image !== null && typeof image === 'object' && !Array.isArray(image) ? image as Record<string, unknown> : null,
    metadata: md,
    addresses: addrs === undefined || addrs === null ? [] : Object.entries(obj(addrs, 'map[string]interface {}')),
  };
}

/** Floating IPs by "server id / fixed address", and the set of floating addresses. */
export interface FloatingIPs {
  byFixed: Map<string, string>;
  present: Set<string>;
}

export async function floatingIPs(c: ListCall, network: string, logger: Logger): Promise<FloatingIPs> {
  let ports: unknown[];
  try {
    ports = await listAll(c, `${network}v2.0/ports`, 'ports');
  } catch (e) {
    throw new Error(`failed to list all ports: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const deviceOf = new Map<string, string>();
  for (const p of ports) {
    const o = obj(p, 'ports.Port');
    deviceOf.set(str(o, 'id', 'Port'), str(o, 'device_id', 'Port'));
  }
  const out: FloatingIPs = { byFixed: new Map(), present: new Set() };
  for (const f of await listAll(c, `${network}v2.0/floatingips`, 'floatingips')) {
    const o = obj(f, 'floatingips.FloatingIP');
    const portID = str(o, 'port_id', 'FloatingIP'), fixed = str(o, 'fixed_ip_address', 'FloatingIP'), floating = str(o, 'floating_ip_address', 'FloatingIP');
    // Floating IPs not associated with a port and address are no one's.
    if (portID === '' || fixed === '') continue;
    const device = deviceOf.get(portID);
    if (device === undefined) {
      logger.warn('Floating IP PortID not found in portList', { PortID: portID });
      continue;
    }
    out.byFixed.set(`${device}\xff${fixed}`, floating);
    out.present.add(floating);
  }
  return out;
}

export function instanceTargets(servers: readonly Server[], fips: FloatingIPs, port: number, logger: Logger): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const s of servers) {
    if (s.addresses.length === 0) {
      logger.info('Got no IP address', { instance: s.id });
      continue;
    }
    const labels: Record<string, string> = {
      [`${P}instance_id`]: s.id, [`${P}instance_status`]: s.status, [`${P}instance_name`]: s.name,
      [`${P}project_id`]: s.tenantID, [`${P}user_id`]: s.userID,
    };
    // original_name comes with compute microversion 2.47 and later; older answers carry the id.
    const name = s.flavor['original_name'], id = s.flavor['id'];
    if (typeof name === 'string') labels[`${P}instance_flavor`] = name;
    else if (typeof id === 'string') labels[`${P}instance_flavor`] = id;
    else {
      logger.warn('Invalid type for both flavor original_name and flavor id, expected string');
      continue;
    }
    const image = s.image?.['id'];
    if (typeof image === 'string') labels[`${P}instance_image`] = image;
    for (const [k, v] of s.metadata) labels[`${P}tag_${sanitizeLabelName(k)}`] = v;
    for (const [pool, list] of s.addresses) {
      if (!Array.isArray(list)) { logger.warn('Invalid type for address, expected array'); continue; }
      if (list.length === 0) { logger.debug('Got no IP address', { instance: s.id }); continue; }
      for (const a of list) {
        if (a === null || typeof a !== 'object' || Array.isArray(a)) { logger.warn('Invalid type for address, expected dict'); continue; }
        const addr = (a as Record<string, unknown>)['addr'];
        if (typeof addr !== 'string') { logger.warn('Invalid type for address, expected string'); continue; }
        if (fips.present.has(addr)) continue;
        const t: Record<string, string> = { ...labels, [`${P}address_pool`]: pool, [`${P}private_ip`]: addr };
        const pub = fips.byFixed.get(`${s.id}\xff${addr}`);
        if (pub !== undefined) t[`${P}public_ip`] = pub;
        t['__address__'] = joinHostPort(addr, port);
        out.push(t);
      }
    }
  }
  return out;
}
