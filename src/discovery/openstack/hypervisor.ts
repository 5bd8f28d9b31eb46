/**
 * The `hypervisor` role: Nova's hypervisors (`/os-hypervisors/detail`), one target per
 * hypervisor at its host IP, with `__meta_openstack_hypervisor_{id, hostname, host_ip,
 * status, state, type}`. Hypervisor ids may be numbers (before compute microversion 2.53)
 * or UUID strings; both are written as text.
 */
import { joinHostPort } from '../refresh/index.js';
import { obj, str } from './api.js';

const P = '__meta_openstack_hypervisor_';

export function hypervisorTargets(items: readonly unknown[], port: number): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const h of items) {
    const o = obj(h, 'hypervisors.Hypervisor');
    const rawID = o['id'];
    const id = typeof rawID === 'number' ? String(rawID) : typeof rawID === 'string' ? rawID : '';
    const hostIP = str(o, 'host_ip', 'Hypervisor');
    out.push({
      __address__: joinHostPort(hostIP, port),
      [`${P}id`]: id,
      [`${P}hostname`]: str(o, 'hypervisor_hostname', 'Hypervisor'),
      [`${P}host_ip`]: hostIP,
      [`${P}status`]: str(o, 'status', 'Hypervisor'),
      [`${P}state`]: str(o, 'state', 'Hypervisor'),
      [`${P}type`]: str(o, 'hypervisor_type', 'Hypervisor'),
    });
  }
  return out;
}
