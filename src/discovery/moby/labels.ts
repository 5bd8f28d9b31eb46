/** Label helpers shared by docker and dockerswarm discovery. */
export { joinHostPort, sanitizeLabelName } from '../refresh/index.js';

export type LabelSet = Record<string, string>;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * An IP address as Go prints a parsed one: IPv4 dotted, IPv6 in its RFC 5952 short form
 * (lower case, the longest run of zero groups compressed). An empty or unparsable string is
 * "" (the API's zero address); IPv6 with an embedded IPv4 part or a zone is kept as written.
 */
export function canonicalIP(s: string): string {
  if (s === '') return '';
  if (IPV4.test(s)) return s;
  if (!s.includes(':')) return '';
  if (s.includes('.') || s.includes('%')) return s.toLowerCase();
  try {
    const h = new URL(`http://[${s}]/`).hostname;
    return h.slice(1, -1);
  } catch {
    return '';
  }
}

/**
 * The address part of a CIDR (`10.0.0.3/24` → `10.0.0.3`), as Go's net.ParseCIDR returns it;
 * throws "invalid CIDR address" as Go does for anything else.
 */
export function cidrAddress(cidr: string): string {
  const slash = cidr.indexOf('/');
  const ip = slash < 0 ? '' : canonicalIP(cidr.slice(0, slash));
  const bits = slash < 0 ? '' : cidr.slice(slash + 1);
  const max = ip.includes(':') ? 128 : 32;
  if (ip === '' || !/^\d{1,3}$/.test(bits) || Number(bits) > max) throw new Error(`invalid CIDR address: ${cidr}`);
  // Go prints an IPv4-mapped address parsed from a CIDR in dotted form.
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
