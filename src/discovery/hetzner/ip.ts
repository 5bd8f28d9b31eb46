/** IP addresses as Go's net package prints parsed ones, for the labels hcloud-go fills from parsed values. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Go's net.IP.String() of net.ParseIP(s): canonical form, "<nil>" when it does not parse (or is absent). */
export function goIPString(s: string | null): string {
  if (s === null || s === '') return '<nil>';
  if (IPV4.test(s)) return s;
  if (!s.includes(':')) return '<nil>';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (v4 !== null && IPV4.test(v4[1]!)) return v4[1]!;
  try {
    return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return '<nil>';
  }
}

/** Go's (*net.IPNet).String() of net.ParseCIDR(s): the masked network, "<nil>" when it does not parse. */
export function goCIDRString(s: string | null): string {
  if (s === null) return '<nil>';
  const slash = s.indexOf('/');
  if (slash < 0) return '<nil>';
  const ip = goIPString(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  const bits = Number(bitsText);
  if (ip === '<nil>' || !/^\d{1,3}$/.test(bitsText)) return '<nil>';
  if (!ip.includes(':')) {
    if (bits > 32) return '<nil>';
    const parts = ip.split('.').map(Number);
    const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const m = (n & mask) >>> 0;
    return `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}/${bits}`;
  }
  if (bits > 128) return '<nil>';
  // Expand to eight groups, mask, and print canonically again.
  const full = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head, tail] = full.includes('::') ? full.split('::') as [string, string] : [full, ''];
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => Number.parseInt(g, 16));
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    groups[i] = keep === 0 ? 0 : groups[i]! & ((0xffff << (16 - keep)) & 0xffff);
  }
  return `${goIPString(groups.map((g) => g.toString(16)).join(':'))}/${bits}`;
}
