/**
 * The resolver configuration DNS SD uses: `/etc/resolv.conf` read the way Prometheus's DNS
 * library reads it (nameserver, domain, search, options ndots/timeout/attempts), and the
 * list of names a query tries for a name given the search list and ndots.
 *
 * Prometheus asks every listed server on port 53, once each, with its own fixed timeouts: the
 * `timeout` and `attempts` options are parsed (and reported) but do not change the lookup,
 * which is what Prometheus does too.
 */
import { readFile } from 'node:fs/promises';

export const RESOLV_CONF = '/etc/resolv.conf';

export interface ResolverConfig {
  /** Server addresses as written (IPv4 or IPv6, no port). */
  servers: string[];
  /** Suffixes tried for names that are not fully qualified. */
  search: string[];
  /** The port every server is asked on: 53, as in Prometheus (tests use others). */
  port: number;
  /** A name with more labels than this is tried as is before the search list (0..15, default 1). */
  ndots: number;
  /** Seconds (at least 1, default 5). Parsed only. */
  timeout: number;
  /** At least 1, default 2. Parsed only. */
  attempts: number;
}

/** Parses resolv.conf(5) text; unknown lines and options are ignored, as resolvers do. */
export function parseResolvConf(text: string): ResolverConfig {
  const c: ResolverConfig = { servers: [], search: [], port: 53, ndots: 1, timeout: 5, attempts: 2 };
  for (const line of text.split('\n')) {
    const f = line.split(/[ \t\r\v\f]+/).filter((x) => x !== '');
    if (f.length === 0) continue;
    switch (f[0]) {
      case 'nameserver':
        if (f.length > 1) c.servers.push(f[1]!);
        break;
      case 'domain':
        c.search = f.length > 1 ? [f[1]!] : [];
        break;
      case 'search':
        c.search = f.slice(1);
        break;
      case 'options':
        for (const o of f.slice(1)) {
          if (o.startsWith('ndots:')) c.ndots = Math.min(15, Math.max(0, atoi(o.slice(6))));
          else if (o.startsWith('timeout:')) c.timeout = Math.max(1, atoi(o.slice(8)));
          else if (o.startsWith('attempts:')) c.attempts = Math.max(1, atoi(o.slice(9)));
        }
        break;
      default:
        break;
    }
  }
  return c;
}

/** Go's strconv.Atoi as used there: a malformed number counts as 0. */
function atoi(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : 0;
}

export async function readResolvConf(path: string = RESOLV_CONF): Promise<ResolverConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const why = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e);
    throw new Error(`could not load resolv.conf: open ${path}: ${why}`, { cause: e });
  }
  return parseResolvConf(text);
}

/** Whether a presentation-format name ends in an unescaped dot. */
export function isFqdn(name: string): boolean {
  if (!name.endsWith('.')) return false;
  // Count the backslashes before the final dot: an odd number escapes it.
  let n = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) n++;
  return n % 2 === 0;
}

export function fqdn(name: string): string {
  return isFqdn(name) ? name : name + '.';
}

/** The number of labels of a presentation-format name ("." has none; escaped dots do not split). */
export function countLabels(name: string): number {
  if (name === '.' || name === '') return 0;
  let labels = 0;
  let i = 0;
  while (i < name.length) {
    // One label: up to the next unescaped dot.
    while (i < name.length && name[i] !== '.') i += name[i] === '\\' ? 2 : 1;
    labels++;
    if (i >= name.length - 1) break;
    i++;
  }
  return labels;
}

/**
 * The names to query, in order: a fully qualified name alone; otherwise the name as is first
 * when it has more labels than ndots, then the name under each search suffix, then the name
 * as is last when it had too few labels.
 */
export function nameList(c: ResolverConfig, name: string): string[] {
  if (isFqdn(name)) return [name];
  const asIsFirst = countLabels(name) > c.ndots;
  const root = fqdn(name);
  const out: string[] = [];
  if (asIsFirst) out.push(root);
  for (const s of c.search) out.push(fqdn(root + s));
  if (!asIsFirst) out.push(root);
  return out;
}
