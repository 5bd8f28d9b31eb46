/**
 * EC2's DescribeInstances and DescribeAvailabilityZones over the Query API, decoded into the
 * fields discovery reads. An element present in the answer is a defined value (possibly
 * empty), an absent one undefined, as the SDK's pointers are set or nil.
 */
import { child, childText, children, type XMLElement } from '../refresh/index.js';
import { queryCall, type QueryCall } from './query-client.js';

export const EC2_API_VERSION = '2016-11-15';

export interface EC2IPv6Address {
  address: string | undefined;
  isPrimary: boolean | undefined;
}

export interface EC2NetworkInterface {
  subnetId: string | undefined;
  deviceIndex: number | undefined;
  ipv6Addresses: EC2IPv6Address[];
}

export interface EC2Tag {
  key: string | undefined;
  value: string | undefined;
}

export interface EC2Instance {
  instanceId: string | undefined;
  imageId: string | undefined;
  stateName: string | undefined;
  instanceType: string;
  availabilityZone: string | undefined;
  privateDnsName: string | undefined;
  publicDnsName: string | undefined;
  privateIpAddress: string | undefined;
  publicIpAddress: string | undefined;
  platform: string;
  architecture: string;
  instanceLifecycle: string;
  subnetId: string | undefined;
  vpcId: string | undefined;
  networkInterfaces: EC2NetworkInterface[];
  tags: EC2Tag[];
}

export interface EC2Reservation {
  ownerId: string | undefined;
  instances: EC2Instance[];
}

export interface EC2Filter {
  name: string;
  values: readonly string[];
}

function items(e: XMLElement | undefined, set: string): XMLElement[] {
  return children(child(e, set), 'item');
}

function bool(s: string | undefined): boolean | undefined {
  return s === undefined ? undefined : s.trim() === 'true';
}

export function decodeInstance(e: XMLElement): EC2Instance {
  return {
    instanceId: childText(e, 'instanceId'),
    imageId: childText(e, 'imageId'),
    stateName: childText(child(e, 'instanceState'), 'name'),
    instanceType: childText(e, 'instanceType') ?? '',
    availabilityZone: childText(child(e, 'placement'), 'availabilityZone'),
    privateDnsName: childText(e, 'privateDnsName'),
    publicDnsName: childText(e, 'dnsName'),
    privateIpAddress: childText(e, 'privateIpAddress'),
    publicIpAddress: childText(e, 'ipAddress'),
    platform: childText(e, 'platform') ?? '',
    architecture: childText(e, 'architecture') ?? '',
    instanceLifecycle: childText(e, 'instanceLifecycle') ?? '',
    subnetId: childText(e, 'subnetId'),
    vpcId: childText(e, 'vpcId'),
    networkInterfaces: items(e, 'networkInterfaceSet').map((n) => {
      const idx = childText(child(n, 'attachment'), 'deviceIndex');
      return {
        subnetId: childText(n, 'subnetId'),
        deviceIndex: idx === undefined || idx.trim() === '' ? undefined : Number(idx),
        ipv6Addresses: items(n, 'ipv6AddressesSet').map((a) => ({ address: childText(a, 'ipv6Address'), isPrimary: bool(childText(a, 'isPrimaryIpv6')) })),
      };
    }),
    tags: items(e, 'tagSet').map((t) => ({ key: childText(t, 'key'), value: childText(t, 'value') })),
  };
}

export function decodeDescribeInstances(root: XMLElement): { reservations: EC2Reservation[]; nextToken: string } {
  return {
    reservations: items(root, 'reservationSet').map((r) => ({ ownerId: childText(r, 'ownerId'), instances: items(r, 'instancesSet').map(decodeInstance) })),
    nextToken: childText(root, 'nextToken') ?? '',
  };
}

/** The Query parameters of the filters: `Filter.N.Name`, `Filter.N.Value.M`. */
export function filterParams(filters: readonly EC2Filter[]): [string, string][] {
  const out: [string, string][] = [];
  filters.forEach((f, i) => {
    out.push([`Filter.${i + 1}.Name`, f.name]);
    f.values.forEach((v, j) => out.push([`Filter.${i + 1}.Value.${j + 1}`, v]));
  });
  return out;
}

export type EC2CallBase = Omit<QueryCall, 'service' | 'serviceId' | 'action' | 'version' | 'params'>;

/**
 * Every reservation, following `nextToken` until the last page. A token that comes back
 * unchanged ends the listing, so that a misbehaving endpoint cannot loop forever.
 */
export async function describeInstances(base: EC2CallBase, filters: readonly EC2Filter[]): Promise<EC2Reservation[]> {
  const out: EC2Reservation[] = [];
  let token = '';
  for (;;) {
    const params = filterParams(filters);
    if (token !== '') params.push(['NextToken', token]);
    const page = decodeDescribeInstances(await queryCall({ ...base, service: 'ec2', serviceId: 'EC2', action: 'DescribeInstances', version: EC2_API_VERSION, params }));
    out.push(...page.reservations);
    if (page.nextToken === '' || page.nextToken === token) return out;
    token = page.nextToken;
  }
}

/** Zone name → zone id of the region's availability zones. */
export async function describeAvailabilityZones(base: EC2CallBase): Promise<Map<string, string>> {
  const root = await queryCall({ ...base, service: 'ec2', serviceId: 'EC2', action: 'DescribeAvailabilityZones', version: EC2_API_VERSION, params: [] });
  const m = new Map<string, string>();
  for (const az of items(root, 'availabilityZoneInfo')) {
    const name = childText(az, 'zoneName'), id = childText(az, 'zoneId');
    if (name !== undefined && id !== undefined) m.set(name, id);
  }
  return m;
}
