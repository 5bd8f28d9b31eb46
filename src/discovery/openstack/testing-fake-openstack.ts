/**
 * Test support: a fake OpenStack cloud on 127.0.0.1 (port 0) with the documented APIs
 * discovery uses:
 *
 * - Keystone: `GET /` (version discovery), `POST /v3/auth/tokens` with password (user by id
 *   or by name and domain) or application credential identities, project scopes, the token
 *   in `X-Subject-Token`, and a catalog of compute, network and load-balancer endpoints for
 *   the public, internal (`/internal/...`) and admin (`/admin/...`) interfaces;
 * - Nova (`/compute/v2.1`): `servers/detail` (the token's project, or every project with
 *   `all_tenants` for admins; `limit`/`marker` paging with `servers_links`; flavors embedded
 *   from microversion 2.47), `os-hypervisors/detail`, and the older `os-floating-ips`;
 * - Neutron (`/network/v2.0`): `ports`, `floatingips`;
 * - Octavia (`/load-balancer/v2.0/lbaas`): `loadbalancers`, `listeners`.
 *
 * Every service call needs a valid `X-Auth-Token` (401 otherwise, with Keystone's error
 * body). Ports are created for each fixed address of a server; `associate` attaches a
 * floating IP to one, which Nova then also lists among the server's addresses.
 * Not part of the component's API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export interface FakeUser { id: string; name: string; domain: string; password: string; admin?: boolean; project: string }
export interface FakeAppCredential { id: string; name: string; userId: string; secret: string }
export interface FakeProject { id: string; name: string; domain: string }

export interface FakeOSServer {
  id: string;
  name: string;
  status?: string;
  projectId: string;
  userId?: string;
  flavor: { id: string; name: string };
  /** Undefined: the image's id object; '': booted from a volume (Nova answers ""). */
  image?: string;
  metadata?: Record<string, string>;
  /** Pool → fixed addresses. */
  addresses: Record<string, string[]>;
}

export interface FakeHypervisor { id: number; hostname: string; hostIP: string; state?: string; status?: string; type?: string }

export interface FakeLoadBalancer {
  id: string; name: string; projectId: string; vip: string; vipPortId?: string; provider?: string; az?: string; tags?: string[];
  listeners: { protocol: string; port: number }[];
}

interface Floating { id: string; floating: string; serverId: string | null; fixed: string | null; projectId: string; portId: string | null }

export class FakeOpenStack extends FakeHttpServer {
  region = 'RegionOne';
  readonly users: FakeUser[] = [];
  readonly appCredentials: FakeAppCredential[] = [];
  readonly projects: FakeProject[] = [];
  servers: FakeOSServer[] = [];
  hypervisors: FakeHypervisor[] = [];
  loadBalancers: FakeLoadBalancer[] = [];
  /** Servers per page of `servers/detail` when the client gives no limit; 0: all. */
  serverPageSize = 0;
  readonly requests: { method: string; path: string; userAgent: string }[] = [];
  readonly #floating: Floating[] = [];
  readonly #tokens = new Map<string, { user: FakeUser; project: string | null }>();
  readonly #portIds = new Map<string, string>();
  #failure: number | null = null;

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  /** The identity endpoint with its version. */
  get identityV3(): string { return `${this.url}/v3`; }

  failWith(status: number | null): void { this.#failure = status; }

  /** Revokes every token issued so far. */
  revokeTokens(): void { this.#tokens.clear(); }

  /** Associates a floating IP with a server's fixed address (null: unassociated). */
  associate(floating: string, serverId: string | null, fixed: string | null, projectId: string): void {
    this.#floating.push({ id: randomUUID(), floating, serverId, fixed, projectId, portId: serverId !== null && fixed !== null ? this.#portFor(serverId, fixed) : null });
  }

  #portFor(serverId: string, fixed: string): string {
    const k = `${serverId}/${fixed}`;
    let id = this.#portIds.get(k);
    if (id === undefined) { id = randomUUID(); this.#portIds.set(k, id); }
    return id;
  }


  #json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  #unauthorized(res: ServerResponse): void {
    this.#json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
  }

  #catalog(): unknown[] {
    const eps = (path: string): unknown[] => (['public', 'internal', 'admin'] as const).map((iface) => ({
      id: randomUUID(), interface: iface, region: this.region, region_id: this.region,
      url: `${this.url}${iface === 'public' ? '' : `/${iface}`}${path}`,
    }));
    return [
      { id: randomUUID(), type: 'identity', name: 'keystone', endpoints: eps('/v3') },
      { id: randomUUID(), type: 'compute', name: 'nova', endpoints: eps('/compute/v2.1') },
      { id: randomUUID(), type: 'network', name: 'neutron', endpoints: eps('/network') },
      { id: randomUUID(), type: 'load-balancer', name: 'octavia', endpoints: eps('/load-balancer') },
    ];
  }

  #auth(body: string, res: ServerResponse): void {
    let doc: { auth?: { identity?: { methods?: string[]; password?: { user?: { id?: string; name?: string; password?: string; domain?: { id?: string; name?: string } } }; application_credential?: { id?: string; name?: string; secret?: string; user?: { id?: string; name?: string; domain?: { id?: string; name?: string } } } }; scope?: { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } } } } };
    try {
      doc = JSON.parse(body) as typeof doc;
    } catch {
      this.#json(res, 400, { error: { code: 400, title: 'Bad Request', message: 'Expecting to find auth in request body.' } });
      return;
    }
    const id = doc.auth?.identity;
    const domainMatch = (d: { id?: string; name?: string } | undefined, u: FakeUser): boolean => d !== undefined && (d.id === u.domain || d.name === u.domain);
    let user: FakeUser | undefined;
    if (id?.methods?.[0] === 'password') {
      const u = id.password?.user;
      user = this.users.find((x) => (u?.id !== undefined ? x.id === u.id : x.name === u?.name && domainMatch(u.domain, x)) && x.password === u?.password);
    } else if (id?.methods?.[0] === 'application_credential') {
      const ac = id.application_credential;
      const cred = this.appCredentials.find((c) => (ac?.id !== undefined ? c.id === ac.id : c.name === ac?.name) && c.secret === ac?.secret);
      user = cred === undefined ? undefined : this.users.find((u) => u.id === cred.userId);
    }
    if (user === undefined) { this.#unauthorized(res); return; }
    let project: string | null = null;
    const sp = doc.auth?.scope?.project;
    if (sp !== undefined) {
      const p = this.projects.find((x) => (sp.id !== undefined ? x.id === sp.id : x.name === sp.name && (sp.domain?.id === x.domain || sp.domain?.name === x.domain)));
      if (p === undefined) { this.#unauthorized(res); return; }
      project = p.id;
    } else if (id?.methods?.[0] === 'application_credential') {
      project = user.project;
    }
    const token = randomBytes(16).toString('hex');
    this.#tokens.set(token, { user, project });
    const now = new Date();
    this.#json(res, 201, {
      token: {
        methods: id?.methods ?? [], expires_at: new Date(now.getTime() + 3600_000).toISOString(), issued_at: now.toISOString(),
        user: { id: user.id, name: user.name, domain: { id: user.domain, name: user.domain } },
        ...(project !== null ? { project: { id: project }, roles: [{ id: 'r1', name: user.admin === true ? 'admin' : 'member' }], catalog: this.#catalog() } : {}),
      },
    }, { 'X-Subject-Token': token });
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ method: req.method ?? '', path: url.pathname, userAgent: req.headers['user-agent'] ?? '' });
    if (this.#failure !== null) { this.#json(res, this.#failure, { error: { code: this.#failure, message: 'failing on purpose' } }); return; }
    const path = url.pathname.replace(/^\/(internal|admin)(?=\/)/, '');
    if (req.method === 'GET' && (path === '/' || path === '')) {
      this.#json(res, 300, { versions: { values: [{ id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: `${this.url}/v3/` }] }] } });
      return;
    }
    if (req.method === 'POST' && path.replace(/\/$/, '') === '/v3/auth/tokens') { this.#auth(body, res); return; }
    const auth = this.#tokens.get(String(req.headers['x-auth-token'] ?? ''));
    if (auth === undefined) { this.#unauthorized(res); return; }
    const admin = auth.user.admin === true;
    const visible = (projectId: string): boolean => admin || projectId === auth.project;
    const micro = String(req.headers['x-openstack-nova-api-version'] ?? '2.1').split('.').map(Number);
    const atLeast = (maj: number, min: number): boolean => (micro[0] ?? 2) > maj || ((micro[0] ?? 2) === maj && (micro[1] ?? 1) >= min);
    switch (path) {
      case '/compute/v2.1/servers/detail': {
        const all = url.searchParams.get('all_tenants');
        if (all !== null && all !== 'false' && all !== '0' && !admin) { this.#json(res, 403, { forbidden: { code: 403, message: 'Policy doesn\'t allow os_compute_api:servers:index:get_all_tenants to be performed.' } }); return; }
        const list = this.servers.filter((s) => (all !== null && all !== 'false' && all !== '0') ? true : s.projectId === auth.project);
        const limit = Number(url.searchParams.get('limit') ?? (this.serverPageSize > 0 ? this.serverPageSize : list.length));
        const marker = url.searchParams.get('marker');
        const start = marker === null ? 0 : list.findIndex((s) => s.id === marker) + 1;
        const page = list.slice(start, start + limit);
        const links: unknown[] = [];
        if (limit > 0 && start + limit < list.length) {
          const next = new URL(`${this.url}${url.pathname}`);
          for (const [k, v] of url.searchParams) if (k !== 'marker' && k !== 'limit') next.searchParams.set(k, v);
          next.searchParams.set('limit', String(limit));
          next.searchParams.set('marker', page.at(-1)!.id);
          links.push({ rel: 'next', href: next.href });
        }
        this.#json(res, 200, { servers: page.map((s) => this.#serverJSON(s, atLeast(2, 47))), ...(links.length > 0 ? { servers_links: links } : {}) });
        return;
      }
      case '/compute/v2.1/os-hypervisors/detail':
        if (!admin) { this.#json(res, 403, { forbidden: { code: 403, message: 'Policy doesn\'t allow os_compute_api:os-hypervisors:list-detail to be performed.' } }); return; }
        this.#json(res, 200, {
          hypervisors: this.hypervisors.map((h) => ({
            id: atLeast(2, 53) ? `00000000-0000-0000-0000-${String(h.id).padStart(12, '0')}` : h.id, hypervisor_hostname: h.hostname, host_ip: h.hostIP,
            state: h.state ?? 'up', status: h.status ?? 'enabled', hypervisor_type: h.type ?? 'QEMU', hypervisor_version: 2003000,
            service: { host: h.hostname, id: h.id, disabled_reason: null }, vcpus: 24, vcpus_used: 2, memory_mb: 96484, memory_mb_used: 2048, running_vms: 1,
            current_workload: 0, disk_available_least: 300, free_disk_gb: 315, free_ram_mb: 94436, local_gb: 399, local_gb_used: 84,
            // A JSON string before microversion 2.28, an object from it on.
            cpu_info: atLeast(2, 28) ? { vendor: 'Intel', model: 'IvyBridge', arch: 'x86_64', features: ['sse4.2'], topology: { cores: 6, cells: 2, threads: 2, sockets: 1 } }
              : JSON.stringify({ vendor: 'Intel', model: 'IvyBridge', arch: 'x86_64', features: ['sse4.2'], topology: { cores: 6, cells: 2, threads: 2, sockets: 1 } }),
          })),
        });
        return;
      case '/compute/v2.1/os-floating-ips':
        this.#json(res, 200, {
          floating_ips: this.#floating.filter((f) => visible(f.projectId)).map((f) => ({ id: f.id, ip: f.floating, fixed_ip: f.fixed, instance_id: f.serverId, pool: 'public' })),
        });
        return;
      case '/network/v2.0/ports': {
        const ports: unknown[] = [];
        for (const s of this.servers) {
          if (!visible(s.projectId)) continue;
          for (const addrs of Object.values(s.addresses)) {
            for (const a of addrs) ports.push({ id: this.#portFor(s.id, a), device_id: s.id, device_owner: 'compute:nova', tenant_id: s.projectId, project_id: s.projectId, fixed_ips: [{ ip_address: a, subnet_id: 'subnet-1' }], status: 'ACTIVE' });
          }
        }
        this.#json(res, 200, { ports });
        return;
      }
      case '/network/v2.0/floatingips':
        this.#json(res, 200, {
          floatingips: this.#floating.filter((f) => visible(f.projectId)).map((f) => ({
            id: f.id, floating_ip_address: f.floating, fixed_ip_address: f.fixed, port_id: f.portId, tenant_id: f.projectId, project_id: f.projectId,
            status: f.portId !== null ? 'ACTIVE' : 'DOWN', floating_network_id: 'public-net', router_id: f.portId !== null ? 'router-1' : null,
          })),
        });
        return;
      case '/load-balancer/v2.0/lbaas/loadbalancers':
        this.#json(res, 200, {
          loadbalancers: this.loadBalancers.filter((l) => visible(l.projectId)).map((l) => ({
            id: l.id, name: l.name, project_id: l.projectId, vip_address: l.vip, vip_port_id: l.vipPortId ?? null, provider: l.provider ?? 'amphora',
            availability_zone: l.az ?? null, tags: l.tags ?? [], operating_status: 'ONLINE', provisioning_status: 'ACTIVE',
            listeners: l.listeners.map((_, k) => ({ id: `${l.id}-l${k}` })),
          })),
        });
        return;
      case '/load-balancer/v2.0/lbaas/listeners':
        this.#json(res, 200, {
          listeners: this.loadBalancers.filter((l) => visible(l.projectId)).flatMap((l) => l.listeners.map((x, k) => ({
            id: `${l.id}-l${k}`, protocol: x.protocol, protocol_port: x.port, loadbalancers: [{ id: l.id }], project_id: l.projectId,
          }))),
        });
        return;
      default:
        this.#json(res, 404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
    }
  }

  #serverJSON(s: FakeOSServer, embedFlavor: boolean): unknown {
    const addresses: Record<string, unknown[]> = {};
    for (const [pool, fixed] of Object.entries(s.addresses)) {
      const list: unknown[] = [];
      for (const a of fixed) {
        list.push({ 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01', version: a.includes(':') ? 6 : 4, addr: a, 'OS-EXT-IPS:type': 'fixed' });
        for (const f of this.#floating) if (f.serverId === s.id && f.fixed === a) list.push({ 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01', version: 4, addr: f.floating, 'OS-EXT-IPS:type': 'floating' });
      }
      addresses[pool] = list;
    }
    return {
      id: s.id, name: s.name, status: s.status ?? 'ACTIVE', tenant_id: s.projectId, user_id: s.userId ?? 'user-1', metadata: s.metadata ?? {},
      hostId: 'host-1', created: '2024-01-02T03:04:05Z', updated: '2024-01-02T03:04:05Z', addresses,
      image: s.image === '' ? '' : { id: s.image ?? 'image-1', links: [] },
      flavor: embedFlavor ? { original_name: s.flavor.name, vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, extra_specs: {} } : { id: s.flavor.id, links: [] },
      'OS-EXT-STS:vm_state': 'active', accessIPv4: '', accessIPv6: '', links: [],
    };
  }
}
