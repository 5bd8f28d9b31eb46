/**
 * The `loadbalancer` role: Octavia load balancers (`/v2.0/lbaas/loadbalancers`) that have a
 * listener with the PROMETHEUS protocol (`/v2.0/lbaas/listeners`), one target each at the
 * VIP and that listener's port, with `__meta_openstack_loadbalancer_{id, name,
 * operating_status, provisioning_status, availability_zone, vip, provider, tags (joined with
 * ","), floating_ip}` and `__meta_openstack_project_id`, as Prometheus builds them.
 */
import { joinHostPort } from '../refresh/index.js';
import { obj, str } from './api.js';

const P = '__meta_openstack_';

function strings(o: Record<string, unknown>, field: string): string[] {
  const v = o[field];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function loadBalancerTargets(lbs: readonly unknown[], listeners: readonly unknown[], fips: readonly unknown[]): Record<string, string>[] {
  const byLB = new Map<string, Record<string, unknown>[]>();
  for (const l of listeners) {
    const o = obj(l, 'listeners.Listener');
    const owners = o['loadbalancers'];
    for (const lb of Array.isArray(owners) ? owners : []) {
      const id = lb !== null && typeof lb === 'object' ? (lb as Record<string, unknown>)['id'] : undefined;
      if (typeof id !== 'string') continue;
      const list = byLB.get(id) ?? [];
      list.push(o);
      byLB.set(id, list);
    }
  }
  const fipByPort = new Map<string, string>();
  for (const f of fips) {
    const o = obj(f, 'floatingips.FloatingIP');
    const port = str(o, 'port_id', 'FloatingIP');
    if (port !== '') fipByPort.set(port, str(o, 'floating_ip_address', 'FloatingIP'));
  }
  const out: Record<string, string>[] = [];
  for (const raw of lbs) {
    const lb = obj(raw, 'loadbalancers.LoadBalancer');
    const id = str(lb, 'id', 'LoadBalancer');
    const prom = (byLB.get(id) ?? []).find((l) => l['protocol'] === 'PROMETHEUS');
    if (prom === undefined) continue;
    const port = typeof prom['protocol_port'] === 'number' ? prom['protocol_port'] : 0;
    const vip = str(lb, 'vip_address', 'LoadBalancer');
    const t: Record<string, string> = {
      __address__: joinHostPort(vip, port),
      [`${P}loadbalancer_id`]: id,
      [`${P}loadbalancer_name`]: str(lb, 'name', 'LoadBalancer'),
      [`${P}loadbalancer_operating_status`]: str(lb, 'operating_status', 'LoadBalancer'),
      [`${P}loadbalancer_provisioning_status`]: str(lb, 'provisioning_status', 'LoadBalancer'),
      [`${P}loadbalancer_availability_zone`]: str(lb, 'availability_zone', 'LoadBalancer'),
      [`${P}loadbalancer_vip`]: vip,
      [`${P}loadbalancer_provider`]: str(lb, 'provider', 'LoadBalancer'),
      [`${P}project_id`]: str(lb, 'project_id', 'LoadBalancer'),
    };
    const tags = strings(lb, 'tags');
    if (tags.length > 0) t[`${P}loadbalancer_tags`] = tags.join(',');
    const fip = fipByPort.get(str(lb, 'vip_port_id', 'LoadBalancer'));
    if (fip !== undefined) t[`${P}loadbalancer_floating_ip`] = fip;
    out.push(t);
  }
  return out;
}
