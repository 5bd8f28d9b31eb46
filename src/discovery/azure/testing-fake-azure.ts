/**
 * Test support: a fake Azure on 127.0.0.1 (port 0), serving both the identity platform and
 * Resource Manager as documented:
 *
 * - tokens: the client credentials grant at `/<tenant>/oauth2/v2.0/token` (scope) and the v1
 *   `/<tenant>/oauth2/token` (resource), with a client secret or a client assertion (workload
 *   identity), and the managed identity endpoint `/metadata/identity/oauth2/token`
 *   (`Metadata: true`); errors as AADSTS JSON;
 * - Resource Manager, with bearer tokens it issued: virtual machines of the subscription or a
 *   resource group, scale sets and their VMs (paged with `nextLink` and `$skiptoken`), network
 *   interfaces and scale set VM interfaces, whose public IP properties appear only with
 *   `$expand=IPConfigurations/PublicIPAddress`; 401/404 with ARM's error JSON.
 *
 * `environmentFile()` writes the AzureStackCloud environment pointing at the fake.
 * Not part of the component's API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export interface FakeAzureVM {
  name: string;
  resourceGroup: string;
  location?: string;
  computerName?: string;
  osType?: string;
  size?: string;
  /** A null value is sent as JSON null. */
  tags?: Record<string, string | null>;
  /** Interface names (in the VM's resource group). */
  nics: string[];
  /** Set for scale set VMs. */
  scaleSet?: string;
  instanceId?: string;
}

export interface FakeAzureNIC {
  name: string;
  resourceGroup: string;
  /** Null: no `primary` field (a deallocated machine's interface). */
  primary: boolean | null;
  privateIp?: string;
  publicIp?: string;
  /** For scale set VM interfaces. */
  scaleSet?: string;
  instanceId?: string;
}

export class FakeAzure extends FakeHttpServer {
  readonly subscription: string;
  readonly tenant: string;
  /** Client id → secret (or the federated assertion it accepts). */
  readonly clients = new Map<string, { secret?: string; assertion?: string }>();
  /** Whether the managed identity endpoint answers (and for which client id, '' for the system identity). */
  managedIdentity: string | null = null;
  vms: FakeAzureVM[] = [];
  scaleSets: { name: string; resourceGroup: string; location?: string }[] = [];
  nics: FakeAzureNIC[] = [];
  /** Items per list page; 0: all. */
  pageSize = 0;
  readonly requests: { method: string; path: string; query: string; userAgent: string }[] = [];
  readonly #tokens = new Map<string, number>();
  #failure: number | null = null;

  constructor(o: { subscription?: string; tenant?: string } = {}) {
    super();
    this.subscription = o.subscription ?? '00000000-0000-0000-0000-000000000001';
    this.tenant = o.tenant ?? 'tenant-1';
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  failWith(status: number | null): void { this.#failure = status; }

  revokeTokens(): void { this.#tokens.clear(); }

  /** Writes an AzureStackCloud environment file for this fake. */
  environmentFile(path: string): void {
    writeFileSync(path, JSON.stringify({
      name: 'AzureStackCloud', managementPortalURL: `${this.url}/`, resourceManagerEndpoint: `${this.url}/`, activeDirectoryEndpoint: `${this.url}/`,
      serviceManagementEndpoint: `${this.url}/`, tokenAudience: `${this.url}/`, galleryEndpoint: `${this.url}/`, keyVaultEndpoint: `${this.url}/`,
      graphEndpoint: `${this.url}/`, storageEndpointSuffix: 'local', keyVaultDNSSuffix: 'vault.local', resourceManagerVMDNSSuffix: 'cloudapp.local',
      serviceBusEndpointSuffix: 'servicebus.local', sqlDatabaseDNSSuffix: 'database.local', trafficManagerDNSSuffix: 'trafficmanager.local',
      publishSettingsURL: `${this.url}/`, containerRegistryDNSSuffix: 'azurecr.local', tokenAudienceEndpoint: `${this.url}/`, resourceIdentifiers: {},
    }));
  }

  vmID(vm: FakeAzureVM): string {
    const rg = `/subscriptions/${this.subscription}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute`;
    return vm.scaleSet === undefined ? `${rg}/virtualMachines/${vm.name}` : `${rg}/virtualMachineScaleSets/${vm.scaleSet}/virtualMachines/${vm.instanceId ?? '0'}`;
  }

  nicID(n: FakeAzureNIC): string {
    const rg = `/subscriptions/${this.subscription}/resourceGroups/${n.resourceGroup}/providers`;
    return n.scaleSet === undefined
      ? `${rg}/Microsoft.Network/networkInterfaces/${n.name}`
      : `${rg}/Microsoft.Compute/virtualMachineScaleSets/${n.scaleSet}/virtualMachines/${n.instanceId ?? '0'}/networkInterfaces/${n.name}`;
  }


  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID() }).end(JSON.stringify(body));
  }

  #armError(res: ServerResponse, status: number, code: string, message: string): void {
    this.#json(res, status, { error: { code, message } });
  }

  #issue(v1: boolean, resource: string): Record<string, unknown> {
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, Date.now() + 3600_000);
    const exp = Math.floor(Date.now() / 1000) + 3599;
    return v1
      ? { token_type: 'Bearer', expires_in: '3599', ext_expires_in: '3599', expires_on: String(exp), not_before: String(exp - 3599), resource, access_token: token }
      : { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token };
  }

  #token(req: IncomingMessage, url: URL, body: string, res: ServerResponse): boolean {
    const m = /^\/([^/]+)\/oauth2\/(v2\.0\/)?token$/.exec(url.pathname);
    if (req.method === 'POST' && m !== null) {
      const form = new URLSearchParams(body);
      const aad = (status: number, error: string, desc: string): void => { this.#json(res, status, { error, error_description: desc, error_codes: [7000215], timestamp: new Date().toISOString(), trace_id: randomUUID() }); };
      if (decodeURIComponent(m[1]!) !== this.tenant) { aad(400, 'invalid_request', `AADSTS90002: Tenant '${m[1]!}' not found.`); return true; }
      const client = this.clients.get(form.get('client_id') ?? '');
      const ok = client !== undefined && (client.secret !== undefined ? form.get('client_secret') === client.secret : form.get('client_assertion') === client.assertion);
      if (form.get('grant_type') !== 'client_credentials' || !ok) { aad(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.'); return true; }
      this.#json(res, 200, this.#issue(m[2] === undefined, form.get('resource') ?? ''));
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/metadata/identity/oauth2/token') {
      if (req.headers['metadata'] !== 'true') { this.#json(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' }); return true; }
      if (this.managedIdentity === null || (url.searchParams.get('client_id') ?? '') !== this.managedIdentity) { this.#json(res, 400, { error: 'invalid_request', error_description: 'Identity not found' }); return true; }
      this.#json(res, 200, this.#issue(true, url.searchParams.get('resource') ?? ''));
      return true;
    }
    return false;
  }

  #page(res: ServerResponse, url: URL, items: unknown[]): void {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const end = this.pageSize > 0 ? Math.min(items.length, skip + this.pageSize) : items.length;
    const body: Record<string, unknown> = { value: items.slice(skip, end) };
    if (end < items.length) {
      const next = new URL(url.pathname, this.url);
      for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
      next.searchParams.set('$skiptoken', String(end));
      body['nextLink'] = next.href;
    }
    this.#json(res, 200, body);
  }

  #vmJSON(vm: FakeAzureVM): unknown {
    return {
      id: this.vmID(vm), name: vm.scaleSet === undefined ? vm.name : `${vm.scaleSet}_${vm.instanceId ?? '0'}`, type: vm.scaleSet === undefined ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines',
      location: vm.location ?? 'westeurope', ...(vm.scaleSet !== undefined ? { instanceId: vm.instanceId ?? '0' } : {}), ...(vm.tags !== undefined ? { tags: vm.tags } : {}),
      properties: {
        vmId: randomUUID(), hardwareProfile: { vmSize: vm.size ?? 'Standard_B1s' },
        storageProfile: { osDisk: { osType: vm.osType ?? 'Linux', name: `${vm.name}-disk`, createOption: 'FromImage' } },
        osProfile: { computerName: vm.computerName ?? vm.name, adminUsername: 'azureuser' },
        networkProfile: {
          networkInterfaces: vm.nics.map((n, k) => {
            const nic = this.nics.find((x) => x.name === n && x.resourceGroup === vm.resourceGroup && x.scaleSet === vm.scaleSet && (vm.scaleSet === undefined || x.instanceId === vm.instanceId));
            return { id: nic !== undefined ? this.nicID(nic) : `/subscriptions/${this.subscription}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${n}`, properties: { primary: k === 0 } };
          }),
        },
        provisioningState: 'Succeeded',
      },
    };
  }

  #nicJSON(n: FakeAzureNIC, expand: boolean): unknown {
    const id = this.nicID(n);
    const pip = n.publicIp === undefined ? undefined : {
      id: `/subscriptions/${this.subscription}/resourceGroups/${n.resourceGroup}/providers/Microsoft.Network/publicIPAddresses/${n.name}-pip`,
      ...(expand ? { name: `${n.name}-pip`, properties: { ipAddress: n.publicIp, publicIPAllocationMethod: 'Static', provisioningState: 'Succeeded' } } : {}),
    };
    return {
      id, name: n.name, type: 'Microsoft.Network/networkInterfaces', location: 'westeurope',
      properties: {
        provisioningState: 'Succeeded', ...(n.primary !== null ? { primary: n.primary } : {}),
        ipConfigurations: [{
          id: `${id}/ipConfigurations/ipconfig1`, name: 'ipconfig1',
          properties: { ...(n.privateIp !== undefined ? { privateIPAddress: n.privateIp } : {}), privateIPAllocationMethod: 'Dynamic', primary: true, ...(pip !== undefined ? { publicIPAddress: pip } : {}) },
        }],
      },
    };
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.search, userAgent: req.headers['user-agent'] ?? '' });
    if (this.#token(req, url, body, res)) return;
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) { this.#armError(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."); return; }
    const exp = this.#tokens.get(auth.slice(7));
    if (exp === undefined || exp < Date.now()) { this.#armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.'); return; }
    if (url.searchParams.get('api-version') === null) { this.#armError(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."); return; }
    if (this.#failure !== null) { this.#armError(res, this.#failure, 'InternalServerError', 'failing on purpose'); return; }
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
    if (parts[0]?.toLowerCase() !== 'subscriptions' || parts[1] !== this.subscription) { this.#armError(res, 404, 'SubscriptionNotFound', `The subscription '${parts[1] ?? ''}' could not be found.`); return; }
    let rest = parts.slice(2);
    let rg: string | null = null;
    if (rest[0]?.toLowerCase() === 'resourcegroups') { rg = rest[1] ?? ''; rest = rest.slice(2); }
    const inRG = (x: { resourceGroup: string }): boolean => rg === null || x.resourceGroup.toLowerCase() === rg.toLowerCase();
    const path = rest.join('/').toLowerCase();
    const expand = (url.searchParams.get('$expand') ?? '').toLowerCase() === 'ipconfigurations/publicipaddress';
    if (path === 'providers/microsoft.compute/virtualmachines') { this.#page(res, url, this.vms.filter((v) => v.scaleSet === undefined && inRG(v)).map((v) => this.#vmJSON(v))); return; }
    if (path === 'providers/microsoft.compute/virtualmachinescalesets') {
      this.#page(res, url, this.scaleSets.filter(inRG).map((ss) => ({
        id: `/subscriptions/${this.subscription}/resourceGroups/${ss.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${ss.name}`,
        name: ss.name, type: 'Microsoft.Compute/virtualMachineScaleSets', location: ss.location ?? 'westeurope', sku: { name: 'Standard_B1s', capacity: 2 },
      })));
      return;
    }
    let m = /^providers\/microsoft\.compute\/virtualmachinescalesets\/([^/]+)\/virtualmachines$/.exec(path);
    if (m !== null && rg !== null) {
      const ss = rest[3]!;
      if (!this.scaleSets.some((x) => x.name === ss && inRG(x))) { this.#armError(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${ss}' under resource group '${rg}' was not found.`); return; }
      this.#page(res, url, this.vms.filter((v) => v.scaleSet === ss && inRG(v)).map((v) => this.#vmJSON(v)));
      return;
    }
    m = /^providers\/microsoft\.network\/networkinterfaces\/([^/]+)$/.exec(path);
    if (m !== null && rg !== null) {
      const n = this.nics.find((x) => x.scaleSet === undefined && x.name === rest[3] && inRG(x));
      if (n === undefined) { this.#armError(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.Network/networkInterfaces/${rest[3] ?? ''}' under resource group '${rg}' was not found.`); return; }
      this.#json(res, 200, this.#nicJSON(n, expand));
      return;
    }
    m = /^providers\/microsoft\.compute\/virtualmachinescalesets\/([^/]+)\/virtualmachines\/([^/]+)\/networkinterfaces\/([^/]+)$/.exec(path);
    if (m !== null && rg !== null) {
      const n = this.nics.find((x) => x.scaleSet === rest[3] && x.instanceId === rest[5] && x.name === rest[7] && inRG(x));
      if (n === undefined) { this.#armError(res, 404, 'ResourceNotFound', 'The network interface was not found.'); return; }
      this.#json(res, 200, this.#nicJSON(n, expand));
      return;
    }
    this.#armError(res, 404, 'InvalidResourceType', `The resource type could not be found in the namespace for api version '${url.searchParams.get('api-version') ?? ''}'.`);
  }
}
