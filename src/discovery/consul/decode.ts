/**
 * Consul API responses, decoded into just the fields Consul SD reads, with Go's JSON rules
 * for them: field names match exactly or else case-insensitively, `null` leaves the zero
 * value, a value of the wrong type is an error naming the Go field, a port must be an integer.
 */

export interface ServiceEntry {
  node: { node: string; address: string; meta: Map<string, string>; taggedAddresses: Map<string, string> };
  service: { id: string; service: string; address: string; port: number; tags: string[]; meta: Map<string, string>; namespace: string; partition: string };
  checks: { checkID: string; status: string }[];
}

export class ConsulDecodeError extends Error {
  override readonly name = 'ConsulDecodeError';
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return `number ${String(v)}`;
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

function fail(v: unknown, field: string, goType: string): never {
  throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${field} of type ${goType}`);
}

/** The value of field `name` of a JSON object: the exact key, else the first case-insensitive match. */
function get(o: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, name: string, where: string): string {
  const v = get(o, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(v, `${where}.${name}`, 'string');
  return v;
}

function int(o: Record<string, unknown>, name: string, where: string): number {
  const v = get(o, name);
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(v, `${where}.${name}`, 'int');
  return v;
}

function strMap(o: Record<string, unknown>, name: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  const v = get(o, name);
  if (v === undefined || v === null) return out;
  if (!isObject(v)) fail(v, `${where}.${name}`, 'map[string]string');
  for (const [k, x] of Object.entries(v)) {
    if (x === null) { out.set(k, ''); continue; }
    if (typeof x !== 'string') fail(x, `${where}.${name}`, 'string');
    out.set(k, x);
  }
  return out;
}

function strList(o: Record<string, unknown>, name: string, where: string): string[] {
  const v = get(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(v, `${where}.${name}`, '[]string');
  return v.map((x: unknown) => {
    if (x === null) return '';
    if (typeof x !== 'string') fail(x, `${where}.${name}`, 'string');
    return x;
  });
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8').decode(body)) as unknown;
  } catch (e) {
    throw new ConsulDecodeError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/** `/v1/health/service/<name>`: the instances of a service with their node and checks. */
export function decodeServiceEntries(body: Buffer): ServiceEntry[] {
  const doc = parse(body);
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(doc)} into Go value of type []*api.ServiceEntry`);
  const out: ServiceEntry[] = [];
  for (const item of doc as unknown[]) {
    if (item === null) continue; // a null entry would crash Prometheus; skipping it is the useful reading
    if (!isObject(item)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(item)} into Go value of type api.ServiceEntry`);
    const n = get(item, 'Node') ?? null;
    const s = get(item, 'Service') ?? null;
    if (n !== null && !isObject(n)) fail(n, 'ServiceEntry.Node', 'api.Node');
    if (s !== null && !isObject(s)) fail(s, 'ServiceEntry.Service', 'api.AgentService');
    const node = n ?? {}, svc = s ?? {};
    const checksRaw = get(item, 'Checks') ?? null;
    if (checksRaw !== null && !Array.isArray(checksRaw)) fail(checksRaw, 'ServiceEntry.Checks', 'api.HealthChecks');
    const checks: ServiceEntry['checks'] = [];
    for (const c of (checksRaw ?? []) as unknown[]) {
      if (c === null) continue;
      if (!isObject(c)) fail(c, 'ServiceEntry.Checks', 'api.HealthCheck');
      checks.push({ checkID: str(c, 'CheckID', 'HealthCheck'), status: str(c, 'Status', 'HealthCheck') });
    }
    out.push({
      node: {
        node: str(node, 'Node', 'Node'), address: str(node, 'Address', 'Node'),
        meta: strMap(node, 'Meta', 'Node'), taggedAddresses: strMap(node, 'TaggedAddresses', 'Node'),
      },
      service: {
        id: str(svc, 'ID', 'AgentService'), service: str(svc, 'Service', 'AgentService'), address: str(svc, 'Address', 'AgentService'),
        port: int(svc, 'Port', 'AgentService'), tags: strList(svc, 'Tags', 'AgentService'), meta: strMap(svc, 'Meta', 'AgentService'),
        namespace: str(svc, 'Namespace', 'AgentService'), partition: str(svc, 'Partition', 'AgentService'),
      },
      checks,
    });
  }
  return out;
}

/** `/v1/catalog/services`: service names and the union of their instances' tags. */
export function decodeCatalogServices(body: Buffer): Map<string, string[]> {
  const doc = parse(body);
  const out = new Map<string, string[]>();
  if (doc === null) return out;
  if (!isObject(doc)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(doc)} into Go value of type map[string][]string`);
  for (const [name, tags] of Object.entries(doc)) {
    if (tags !== null && !Array.isArray(tags)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(tags)} into Go value of type []string`);
    const list: string[] = [];
    for (const t of (tags ?? []) as unknown[]) {
      if (t !== null && typeof t !== 'string') throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(t)} into Go value of type string`);
      list.push(t ?? '');
    }
    out.set(name, list);
  }
  return out;
}

/**
 * `/v1/agent/self`: the agent's datacenter (`Config.Datacenter`). A response that is not an
 * object of objects is a decode error (a failed RPC); a datacenter that is not a string is an
 * invalid value, as Prometheus words it.
 */
export function decodeAgentDatacenter(body: Buffer): string {
  const doc = parse(body);
  if (doc === null) throw new ConsulDecodeError("invalid value '<nil>' for Config.Datacenter");
  if (!isObject(doc)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(doc)} into Go value of type map[string]map[string]interface {}`);
  for (const v of Object.values(doc)) {
    if (v !== null && !isObject(v)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type map[string]interface {}`);
  }
  const cfg = doc['Config'];
  const dc = isObject(cfg) ? cfg['Datacenter'] : undefined;
  if (typeof dc !== 'string') throw new InvalidDatacenterError(`invalid value '${goValue(dc)}' for Config.Datacenter`);
  return dc;
}

export class InvalidDatacenterError extends Error {
  override readonly name = 'InvalidDatacenterError';
}

/** How Go's %v prints a decoded JSON value (enough for the error above). */
function goValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  return typeof v === 'string' ? v : '<nil>';
}
