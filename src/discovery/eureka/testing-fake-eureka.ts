/**
 * Test support: a fake Eureka server on 127.0.0.1 (port 0), serving the documented REST
 * operations of the registry under a base path (`/eureka/v2` by default):
 *
 * - `GET <base>/apps` — all applications, in Eureka's XML (the default) or JSON (with
 *   `Accept: application/json`), with `versions__delta` and `apps__hashcode` computed as
 *   Eureka does (`<STATUS>_<count>_` for each status, by status name);
 * - `GET <base>/apps/<APP>` — one application, 404 when unknown;
 * - `POST <base>/apps/<APP>` — registers an instance from a JSON `{"instance": {...}}` body
 *   (204); `DELETE <base>/apps/<APP>/<id>` — cancels it (200, or 404).
 *
 * Tests change the registry in process, make the server fail (`failWith`) or go away
 * (`down`), and may require basic auth. Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';
import { escapeXML } from '../refresh/index.js';

export interface FakeEurekaInstance {
  instanceId: string;
  app: string;
  hostName: string;
  ipAddr: string;
  /** Default UP. */
  status?: string;
  /** Absent: no `port` element. */
  port?: { port: number; enabled: boolean };
  securePort?: { port: number; enabled: boolean };
  vipAddress?: string;
  secureVipAddress?: string;
  homePageUrl?: string;
  statusPageUrl?: string;
  healthCheckUrl?: string;
  countryId?: number;
  /** Default `MyOwn` with the default-data-center class. */
  dataCenter?: { name: string; className: string; metadata?: Record<string, string> };
  /** Values are written as raw XML content. */
  metadata?: Record<string, string>;
}

export class FakeEureka extends FakeHttpServer {
  readonly basePath: string;
  /** Request log: method, path and the Authorization and Accept headers. */
  readonly requests: { method: string; path: string; authorization: string; accept: string; userAgent: string }[] = [];
  #apps = new Map<string, Map<string, FakeEurekaInstance>>();
  #version = 1;
  #failure: { status: number; body: string } | null = null;
  #basicAuth: string | null = null;

  constructor(o: { basePath?: string; basicAuth?: { username: string; password: string } } = {}) {
    super();
    this.basePath = o.basePath ?? '/eureka/v2';
    if (o.basicAuth !== undefined) this.#basicAuth = `Basic ${Buffer.from(`${o.basicAuth.username}:${o.basicAuth.password}`).toString('base64')}`;
  }

  /** The `server` setting that reaches this fake. */
  get server(): string { return `http://127.0.0.1:${this.port}${this.basePath}`; }


  /** Answers every request with this status and body until cleared with null. */
  failWith(f: { status: number; body: string } | null): void { this.#failure = f; }

  register(i: FakeEurekaInstance): void {
    const app = i.app.toUpperCase();
    let m = this.#apps.get(app);
    if (m === undefined) { m = new Map(); this.#apps.set(app, m); }
    m.set(i.instanceId, { ...i, app });
    this.#version++;
  }

  cancel(app: string, instanceId: string): boolean {
    const m = this.#apps.get(app.toUpperCase());
    if (m === undefined || !m.delete(instanceId)) return false;
    if (m.size === 0) this.#apps.delete(app.toUpperCase());
    this.#version++;
    return true;
  }

  #hashcode(): string {
    const counts = new Map<string, number>();
    for (const m of this.#apps.values()) for (const i of m.values()) counts.set(i.status ?? 'UP', (counts.get(i.status ?? 'UP') ?? 0) + 1);
    return [...counts.keys()].sort().map((s) => `${s}_${counts.get(s)}_`).join('');
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({
      method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization ?? '',
      accept: req.headers.accept ?? '', userAgent: req.headers['user-agent'] ?? '',
    });
    if (this.#basicAuth !== null && req.headers.authorization !== this.#basicAuth) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Realm"' }).end();
      return;
    }
    if (this.#failure !== null) { res.writeHead(this.#failure.status, { 'Content-Type': 'text/plain' }).end(this.#failure.body); return; }
    if (!url.pathname.startsWith(`${this.basePath}/apps`)) { res.writeHead(404).end(); return; }
    const rest = url.pathname.slice(`${this.basePath}/apps`.length).split('/').filter((p) => p !== '').map(decodeURIComponent);
    const json = (req.headers.accept ?? '').includes('application/json');
    if (req.method === 'GET' && rest.length === 0) { this.#sendApps(res, [...this.#apps.keys()].sort(), json, true); return; }
    if (req.method === 'GET' && rest.length === 1) {
      const name = rest[0]!.toUpperCase();
      if (!this.#apps.has(name)) { res.writeHead(404).end(); return; }
      this.#sendApps(res, [name], json, false);
      return;
    }
    if (req.method === 'POST' && rest.length === 1) {
      try {
        const posted = JSON.parse(body) as { instance: FakeEurekaInstance };
        this.register({ ...posted.instance, app: rest[0]! });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
      return;
    }
    if (req.method === 'DELETE' && rest.length === 2) { res.writeHead(this.cancel(rest[0]!, rest[1]!) ? 200 : 404).end(); return; }
    res.writeHead(405).end();
  }

  #sendApps(res: ServerResponse, names: string[], json: boolean, all: boolean): void {
    if (json) {
      const apps = names.map((n) => ({ name: n, instance: [...this.#apps.get(n)!.values()].map(instanceJSON) }));
      const body = all
        ? { applications: { versions__delta: String(this.#version), apps__hashcode: this.#hashcode(), application: apps } }
        : { application: apps[0] };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const appsXML = names.map((n) => `  <application>\n    <name>${escapeXML(n)}</name>\n${[...this.#apps.get(n)!.values()].map(instanceXML).join('')}  </application>\n`).join('');
    const body = all
      ? `<applications>\n  <versions__delta>${this.#version}</versions__delta>\n  <apps__hashcode>${this.#hashcode()}</apps__hashcode>\n${appsXML}</applications>\n`
      : appsXML;
    res.writeHead(200, { 'Content-Type': 'application/xml' }).end(body);
  }
}

function portXML(tag: string, p: { port: number; enabled: boolean } | undefined): string {
  return p === undefined ? '' : `      <${tag} enabled="${p.enabled}">${p.port}</${tag}>\n`;
}

function metadataXML(m: Record<string, string> | undefined, indent: string): string {
  if (m === undefined || Object.keys(m).length === 0) return `${indent}<metadata class="java.util.Collections$EmptyMap"/>\n`;
  return `${indent}<metadata>\n${Object.entries(m).map(([k, v]) => `${indent}  <${k}>${v}</${k}>\n`).join('')}${indent}</metadata>\n`;
}

function instanceXML(i: FakeEurekaInstance): string {
  const dc = i.dataCenter ?? { name: 'MyOwn', className: 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo' };
  const opt = (tag: string, v: string | undefined): string => v === undefined ? '' : `      <${tag}>${escapeXML(v)}</${tag}>\n`;
  return '    <instance>\n'
    + `      <instanceId>${escapeXML(i.instanceId)}</instanceId>\n`
    + `      <hostName>${escapeXML(i.hostName)}</hostName>\n`
    + `      <app>${escapeXML(i.app)}</app>\n`
    + `      <ipAddr>${escapeXML(i.ipAddr)}</ipAddr>\n`
    + `      <status>${escapeXML(i.status ?? 'UP')}</status>\n`
    + '      <overriddenstatus>UNKNOWN</overriddenstatus>\n'
    + portXML('port', i.port)
    + portXML('securePort', i.securePort)
    + `      <countryId>${i.countryId ?? 1}</countryId>\n`
    + `      <dataCenterInfo class="${escapeXML(dc.className)}">\n        <name>${escapeXML(dc.name)}</name>\n`
    + (dc.metadata !== undefined ? metadataXML(dc.metadata, '        ') : '')
    + '      </dataCenterInfo>\n'
    + '      <leaseInfo>\n        <renewalIntervalInSecs>30</renewalIntervalInSecs>\n        <durationInSecs>90</durationInSecs>\n      </leaseInfo>\n'
    + metadataXML(i.metadata, '      ')
    + opt('homePageUrl', i.homePageUrl)
    + opt('statusPageUrl', i.statusPageUrl)
    + opt('healthCheckUrl', i.healthCheckUrl)
    + opt('vipAddress', i.vipAddress)
    + opt('secureVipAddress', i.secureVipAddress)
    + '      <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>\n'
    + '      <actionType>ADDED</actionType>\n'
    + '    </instance>\n';
}

function instanceJSON(i: FakeEurekaInstance): Record<string, unknown> {
  const dc = i.dataCenter ?? { name: 'MyOwn', className: 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo' };
  return {
    instanceId: i.instanceId, hostName: i.hostName, app: i.app, ipAddr: i.ipAddr, status: i.status ?? 'UP', overriddenstatus: 'UNKNOWN',
    ...(i.port !== undefined ? { port: { $: i.port.port, '@enabled': String(i.port.enabled) } } : {}),
    ...(i.securePort !== undefined ? { securePort: { $: i.securePort.port, '@enabled': String(i.securePort.enabled) } } : {}),
    countryId: i.countryId ?? 1,
    dataCenterInfo: { '@class': dc.className, name: dc.name, ...(dc.metadata !== undefined ? { metadata: dc.metadata } : {}) },
    metadata: i.metadata ?? { '@class': 'java.util.Collections$EmptyMap' },
    homePageUrl: i.homePageUrl ?? '', statusPageUrl: i.statusPageUrl ?? '', healthCheckUrl: i.healthCheckUrl ?? '',
    vipAddress: i.vipAddress ?? '', secureVipAddress: i.secureVipAddress ?? '', isCoordinatingDiscoveryServer: 'false', actionType: 'ADDED',
  };
}
