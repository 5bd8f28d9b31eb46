/**
 * The scaleway `instance` role: the servers of one zone (`GET /instance/v1/zones/<zone>/servers`,
 * with `name` and `tags` from the config's filters). The target address is, by increasing
 * precedence, the deprecated IPv6 address, the deprecated public IP, then the private IP; a
 * server with none of them takes the IPv4 that Scaleway's IPAM gives its first private NIC
 * (`GET /ipam/v1/regions/<region>/ips`); a server without any address is left out.
 */
import { joinHostPort, surroundJoin } from '../refresh/index.js';
import { arr, isObject, obj, str, strings, zoneRegion, type ScalewayClient } from './client.js';

const INSTANCE = '__meta_scaleway_instance_';

/** The IPv4 of each private NIC (by NIC id) of servers that have no other address. */
async function privateNICIPs(api: ScalewayClient, servers: readonly unknown[], signal: AbortSignal): Promise<Map<string, string>> {
  const byRegion = new Map<string, string[]>();
  for (const item of servers) {
    const s = obj(item);
    if (isObject(s['private_ip']) || typeof s['private_ip'] === 'string' || isObject(s['public_ip']) || isObject(s['ipv6'])) continue;
    const region = zoneRegion(str(s, 'zone'));
    if (region === null) throw new Error(`${str(s, 'zone')} is an unknown zone`);
    for (const nic of arr(s['private_nics'])) {
      const id = str(obj(nic), 'id');
      if (id === '') continue;
      let ids = byRegion.get(region);
      if (ids === undefined) { ids = []; byRegion.set(region, ids); }
      ids.push(id);
    }
  }
  const out = new Map<string, string>();
  for (const [region, ids] of byRegion) {
    const q = new URLSearchParams();
    for (const id of ids) q.append('resource_ids', id);
    q.append('resource_types', 'instance_private_nic');
    const ips = await api.all(`/ipam/v1/regions/${region}/ips`, q, 'ips', signal);
    for (const item of ips) {
      const ip = obj(item);
      if (!isObject(ip['resource']) || ip['is_ipv6'] === true) continue;
      const addr = str(ip, 'address').split('/')[0]!;
      if (addr !== '') out.set(str(ip['resource'], 'id'), addr);
    }
  }
  return out;
}

export async function instanceTargets(api: ScalewayClient, zone: string, nameFilter: string, tagsFilter: readonly string[], port: number, signal: AbortSignal): Promise<Record<string, string>[]> {
  const q = new URLSearchParams();
  if (nameFilter !== '') q.set('name', nameFilter);
  if (tagsFilter.length > 0) q.set('tags', tagsFilter.join(','));
  const servers = await api.all(`/instance/v1/zones/${zone}/servers`, q, 'servers', signal);
  const nicIPs = await privateNICIPs(api, servers, signal);
  const out: Record<string, string>[] = [];
  for (const item of servers) {
    const s = obj(item);
    const ls: Record<string, string> = {
      [`${INSTANCE}boot_type`]: str(s, 'boot_type'),
      [`${INSTANCE}hostname`]: str(s, 'hostname'),
      [`${INSTANCE}id`]: str(s, 'id'),
      [`${INSTANCE}name`]: str(s, 'name'),
      [`${INSTANCE}organization_id`]: str(s, 'organization'),
      [`${INSTANCE}project_id`]: str(s, 'project'),
      [`${INSTANCE}status`]: str(s, 'state'),
      [`${INSTANCE}type`]: str(s, 'commercial_type'),
      [`${INSTANCE}zone`]: str(s, 'zone'),
    };
    if (isObject(s['image'])) {
      ls[`${INSTANCE}image_arch`] = str(s['image'], 'arch');
      ls[`${INSTANCE}image_id`] = str(s['image'], 'id');
      ls[`${INSTANCE}image_name`] = str(s['image'], 'name');
    }
    if (isObject(s['location'])) {
      ls[`${INSTANCE}location_cluster_id`] = str(s['location'], 'cluster_id');
      ls[`${INSTANCE}location_hypervisor_id`] = str(s['location'], 'hypervisor_id');
      ls[`${INSTANCE}location_node_id`] = str(s['location'], 'node_id');
    }
    if (isObject(s['security_group'])) {
      ls[`${INSTANCE}security_group_id`] = str(s['security_group'], 'id');
      ls[`${INSTANCE}security_group_name`] = str(s['security_group'], 'name');
    }
    const region = zoneRegion(str(s, 'zone'));
    if (region !== null) ls[`${INSTANCE}region`] = region;
    const tags = strings(s['tags']);
    if (tags.length > 0) ls[`${INSTANCE}tags`] = surroundJoin(tags, ',');
    const v4: string[] = [], v6: string[] = [];
    for (const ipItem of arr(s['public_ips'])) {
      const ip = obj(ipItem);
      if (str(ip, 'family') === 'inet') v4.push(str(ip, 'address'));
      else if (str(ip, 'family') === 'inet6') v6.push(str(ip, 'address'));
    }
    if (v6.length > 0) ls[`${INSTANCE}public_ipv6_addresses`] = surroundJoin(v6, ',');
    if (v4.length > 0) ls[`${INSTANCE}public_ipv4_addresses`] = surroundJoin(v4, ',');
    let addr = '';
    if (isObject(s['ipv6'])) {
      addr = str(s['ipv6'], 'address');
      ls[`${INSTANCE}public_ipv6`] = addr;
    }
    if (isObject(s['public_ip'])) {
      addr = str(s['public_ip'], 'address');
      if (str(s['public_ip'], 'family') !== 'inet6') ls[`${INSTANCE}public_ipv4`] = addr;
    }
    if (typeof s['private_ip'] === 'string') {
      addr = s['private_ip'];
      ls[`${INSTANCE}private_ipv4`] = addr;
    }
    if (addr === '') {
      for (const nic of arr(s['private_nics'])) {
        if (!isObject(nic)) continue;
        const ip = nicIPs.get(str(nic, 'id')) ?? '';
        if (ip !== '') {
          ls[`${INSTANCE}private_ipv4`] = ip;
          addr = ip;
          break;
        }
      }
    }
    if (addr !== '') {
      ls['__address__'] = joinHostPort(addr, port);
      out.push(ls);
    }
  }
  return out;
}
