/**
 * Reads Eureka's application registry: `GET <server>/apps`, answered in XML. The document is
 * decoded the way Prometheus's Go structs take it: fields matched by element name wherever
 * they appear among an element's children (a repeated field keeps its last value), numbers
 * and booleans parsed from their trimmed text (empty text is zero/false), and the metadata
 * items kept as raw inner XML.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { child, children, innerXML, parseXML, type XMLElement } from '../refresh/index.js';

export interface EurekaPort {
  port: number;
  enabled: boolean;
}

/** One metadata entry: the element's local name and its raw inner XML. */
export interface EurekaMetaItem {
  name: string;
  content: string;
}

export interface EurekaDataCenterInfo {
  name: string;
  className: string;
  /** Null when the element has no `metadata` child. */
  metadata: EurekaMetaItem[] | null;
}

export interface EurekaInstance {
  hostName: string;
  homePageUrl: string;
  statusPageUrl: string;
  healthCheckUrl: string;
  app: string;
  ipAddr: string;
  vipAddress: string;
  secureVipAddress: string;
  status: string;
  port: EurekaPort | null;
  securePort: EurekaPort | null;
  dataCenterInfo: EurekaDataCenterInfo | null;
  metadata: EurekaMetaItem[] | null;
  isCoordinatingDiscoveryServer: boolean;
  actionType: string;
  countryId: number;
  instanceId: string;
}

export interface EurekaApplication {
  name: string;
  instances: EurekaInstance[];
}

export interface EurekaApplications {
  versionsDelta: number;
  appsHashcode: string;
  applications: EurekaApplication[];
}

/** The last child named `name`: Go's decoder overwrites a non-list field on each occurrence. */
function last(e: XMLElement, name: string): XMLElement | undefined {
  let found: XMLElement | undefined;
  for (const c of e.children) if (c.name === name) found = c;
  return found;
}

function text(e: XMLElement, name: string): string {
  return last(e, name)?.text ?? '';
}

/** Go's strconv.ParseInt on trimmed text, with Go's error wording; empty text is 0. */
export function parseGoInt(raw: string): number {
  if (raw === '') return 0;
  const s = raw.trim();
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

/** Go's strconv.ParseBool on trimmed text; empty text is false. */
export function parseGoBool(raw: string): boolean {
  if (raw === '') return false;
  const s = raw.trim();
  switch (s) {
    case '1': case 't': case 'T': case 'true': case 'TRUE': case 'True': return true;
    case '0': case 'f': case 'F': case 'false': case 'FALSE': case 'False': return false;
    default: throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
}

function port(e: XMLElement | undefined): EurekaPort | null {
  if (e === undefined) return null;
  return { port: parseGoInt(e.text), enabled: parseGoBool(e.attrs['enabled'] ?? '') };
}

function metadata(src: string, e: XMLElement | undefined): EurekaMetaItem[] | null {
  if (e === undefined) return null;
  const items: EurekaMetaItem[] = [];
  for (const c of e.children) items.push({ name: c.name, content: innerXML(src, c) });
  return items;
}

function instance(src: string, e: XMLElement): EurekaInstance {
  const dc = last(e, 'dataCenterInfo');
  return {
    hostName: text(e, 'hostName'),
    homePageUrl: text(e, 'homePageUrl'),
    statusPageUrl: text(e, 'statusPageUrl'),
    healthCheckUrl: text(e, 'healthCheckUrl'),
    app: text(e, 'app'),
    ipAddr: text(e, 'ipAddr'),
    vipAddress: text(e, 'vipAddress'),
    secureVipAddress: text(e, 'secureVipAddress'),
    status: text(e, 'status'),
    port: port(last(e, 'port')),
    securePort: port(last(e, 'securePort')),
    dataCenterInfo: dc === undefined ? null : { name: text(dc, 'name'), className: dc.attrs['class'] ?? '', metadata: metadata(src, last(dc, 'metadata')) },
    metadata: metadata(src, last(e, 'metadata')),
    isCoordinatingDiscoveryServer: parseGoBool(text(e, 'isCoordinatingDiscoveryServer')),
    actionType: text(e, 'actionType'),
    countryId: parseGoInt(text(e, 'countryId')),
    instanceId: text(e, 'instanceId'),
  };
}

/** Decodes an `/apps` document (the root element's name is not checked, as in Prometheus). */
export function decodeApplications(src: string): EurekaApplications {
  const root = parseXML(src);
  const apps: EurekaApplication[] = [];
  for (const a of children(root, 'application')) {
    apps.push({ name: text(a, 'name'), instances: children(a, 'instance').map((i) => instance(src, i)) });
  }
  return { versionsDelta: parseGoInt(child(root, 'versions__delta')?.text ?? ''), appsHashcode: text(root, 'apps__hashcode'), applications: apps };
}

/** The registry listing URL: the server with `/apps` appended as written. */
export function appsURL(server: string): string {
  return `${server}/apps`;
}

/**
 * Fetches and decodes the registry. Rejects with Prometheus's messages: a non-2xx status
 * (`non 2xx status '500' response during eureka service discovery`) or `"<url>": <decode error>`.
 */
export async function fetchApps(client: HTTPClient, server: string, signal: AbortSignal, timeoutMs: number): Promise<EurekaApplications> {
  const url = appsURL(server);
  const res = await client.request({ url, signal, timeoutMs, readBodyFor: (s) => Math.floor(s / 100) === 2 });
  if (Math.floor(res.status / 100) !== 2) throw new Error(`non 2xx status '${res.status}' response during eureka service discovery`);
  try {
    return decodeApplications(res.body.toString('utf8'));
  } catch (e) {
    throw new Error(`${JSON.stringify(url)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
