/**
 * The scaleway `baremetal` role: the Elastic Metal servers of one zone
 * (`GET /baremetal/v1/zones/<zone>/servers`, with the name and tags filters), labelled with
 * their offer's name and installed OS from the zone's offers and OS lists. The target is the
 * first IPv4, else the first IPv6, on the config's port; a server without IPs has no
 * `__address__`, as in Prometheus.
 */
import { joinHostPort, surroundJoin } from '../refresh/index.js';
import { arr, isObject, obj, str, strings, type ScalewayClient } from './client.js';

const BAREMETAL = '__meta_scaleway_baremetal_';

export async function baremetalTargets(api: ScalewayClient, zone: string, nameFilter: string, tagsFilter: readonly string[], port: number, signal: AbortSignal): Promise<Record<string, string>[]> {
  const q = new URLSearchParams();
  if (nameFilter !== '') q.set('name', nameFilter);
  if (tagsFilter.length > 0) q.set('tags', tagsFilter.join(','));
  const servers = await api.all(`/baremetal/v1/zones/${zone}/servers`, q, 'servers', signal);
  const offers = await api.all(`/baremetal/v1/zones/${zone}/offers`, new URLSearchParams(), 'offers', signal);
  const oses = await api.all(`/baremetal/v1/zones/${zone}/os`, new URLSearchParams(), 'os', signal);
  const out: Record<string, string>[] = [];
  for (const item of servers) {
    const s = obj(item);
    const ls: Record<string, string> = {
      [`${BAREMETAL}id`]: str(s, 'id'),
      [`${BAREMETAL}name`]: str(s, 'name'),
      [`${BAREMETAL}zone`]: str(s, 'zone'),
      [`${BAREMETAL}status`]: str(s, 'status'),
      [`${BAREMETAL}project_id`]: str(s, 'project_id'),
    };
    const offer = offers.find((o) => str(obj(o), 'id') === str(s, 'offer_id'));
    if (offer !== undefined) ls[`${BAREMETAL}type`] = str(obj(offer), 'name');
    if (isObject(s['install'])) {
      const os = oses.find((o) => str(obj(o), 'id') === str(obj(s['install']), 'os_id'));
      if (os !== undefined) {
        ls[`${BAREMETAL}os_name`] = str(obj(os), 'name');
        ls[`${BAREMETAL}os_version`] = str(obj(os), 'version');
      }
    }
    const tags = strings(s['tags']);
    if (tags.length > 0) ls[`${BAREMETAL}tags`] = surroundJoin(tags, ',');
    for (const ipItem of arr(s['ips'])) {
      const ip = obj(ipItem);
      const version = str(ip, 'version');
      const address = str(ip, 'address');
      if (version === 'IPv4') {
        if (`${BAREMETAL}public_ipv4` in ls) continue;
        ls[`${BAREMETAL}public_ipv4`] = address;
        ls['__address__'] = joinHostPort(address, port);
      } else if (version === 'IPv6') {
        if (`${BAREMETAL}public_ipv6` in ls) continue;
        ls[`${BAREMETAL}public_ipv6`] = address;
        ls['__address__'] ??= joinHostPort(address, port);
      } else {
        throw new Error(`unknown IP version: ${version}`);
      }
    }
    out.push(ls);
  }
  return out;
}
