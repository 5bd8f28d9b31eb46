/**
 * Proxy selection, as Prometheus's HTTP client does it: a fixed `proxy_url` for every request;
 * `proxy_url` with `no_proxy` exceptions; or the environment (`HTTP_PROXY`, `HTTPS_PROXY`,
 * `NO_PROXY`, upper case before lower case). In the last two modes, as in Go's
 * `httpproxy`, requests to `localhost` and loopback addresses never go through the proxy.
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { Secret } from '../config/types.js';

export interface ProxyFields {
  proxy_url: string;
  no_proxy: string;
  proxy_from_environment: boolean;
  proxy_connect_header: Record<string, Secret[]>;
}

type Matcher =
  | { kind: 'all' }
  | { kind: 'ip'; list: BlockList; port: string }
  | { kind: 'cidr'; list: BlockList }
  | { kind: 'domain'; host: string; port: string; matchHost: boolean };

/** Decides per request URL which proxy, if any, to use. Immutable. */
export class ProxySelector {
  readonly #httpProxy: string | null;
  readonly #httpsProxy: string | null;
  /** True when exceptions (no_proxy, loopback) apply; a bare proxy_url proxies everything. */
  readonly #filtered: boolean;
  readonly #matchers: Matcher[];
  /** Headers sent to the proxy on CONNECT. */
  readonly connectHeaders: Record<string, string[]>;

  constructor(cfg: ProxyFields, env: NodeJS.ProcessEnv = process.env) {
    const hdrs: Record<string, string[]> = {};
    for (const [k, vs] of Object.entries(cfg.proxy_connect_header)) hdrs[k.toLowerCase()] = vs.slice();
    this.connectHeaders = hdrs;
    if (cfg.proxy_from_environment) {
      this.#httpProxy = parseProxy(envAny(env, 'HTTP_PROXY', 'http_proxy'));
      this.#httpsProxy = parseProxy(envAny(env, 'HTTPS_PROXY', 'https_proxy'));
      this.#filtered = true;
      this.#matchers = parseNoProxy(envAny(env, 'NO_PROXY', 'no_proxy'));
    } else if (cfg.proxy_url !== '') {
      this.#httpProxy = this.#httpsProxy = parseProxy(cfg.proxy_url);
      this.#filtered = cfg.no_proxy !== '';
      this.#matchers = parseNoProxy(cfg.no_proxy);
    } else {
      this.#httpProxy = this.#httpsProxy = null;
      this.#filtered = false;
      this.#matchers = [];
    }
  }

  /** True when no request can ever use a proxy. */
  get direct(): boolean {
    return this.#httpProxy === null && this.#httpsProxy === null;
  }

  /** The proxy URL for a request to `u`, or null for a direct connection. */
  proxyFor(u: URL): string | null {
    const proxy = u.protocol === 'https:' ? this.#httpsProxy : u.protocol === 'http:' ? this.#httpProxy : null;
    if (proxy === null) return null;
    if (!this.#filtered) return proxy;
    const host = stripBrackets(u.hostname).toLowerCase();
    const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
    return useProxy(this.#matchers, host, port) ? proxy : null;
  }
}

function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

/** A proxy given without a scheme is taken as `http://`, as Go does. */
function parseProxy(s: string): string | null {
  if (s === '') return null;
  try {
    const u = new URL(s);
    if (u.host !== '') return u.href;
  } catch { /* try with a scheme below */ }
  try {
    return new URL('http://' + s).href;
  } catch {
    return null;
  }
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function ipFamily(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 4 ? 'ipv4' : 'ipv6';
}

function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  const l = ip.toLowerCase();
  return l === '::1' || l.startsWith('::ffff:127.');
}

/** `host:port` split as Go's `net.SplitHostPort` accepts it; null when there is no port. */
function splitHostPort(s: string): [string, string] | null {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s.charAt(end + 1) !== ':') return null;
    return [s.slice(1, end), s.slice(end + 2)];
  }
  const i = s.lastIndexOf(':');
  if (i < 0 || s.indexOf(':') !== i) return null;
  return [s.slice(0, i), s.slice(i + 1)];
}

/** Parses a NO_PROXY list into matchers, following Go's `httpproxy` rules. */
export function parseNoProxy(list: string): Matcher[] {
  const out: Matcher[] = [];
  for (let p of list.split(',')) {
    p = p.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return [{ kind: 'all' }];
    const slash = p.indexOf('/');
    if (slash > 0) {
      const ip = p.slice(0, slash);
      const bits = Number(p.slice(slash + 1));
      if (isIP(ip) !== 0 && Number.isInteger(bits)) {
        const list = new BlockList();
        try {
          list.addSubnet(ip, bits, ipFamily(ip));
          out.push({ kind: 'cidr', list });
          continue;
        } catch { /* not a CIDR; fall through */ }
      }
    }
    let host = p;
    let port = '';
    const hp = splitHostPort(p);
    if (hp !== null) {
      if (hp[0] === '') continue; // a port alone matches nothing
      [host, port] = hp;
    }
    if (isIP(host) !== 0) {
      const list = new BlockList();
      list.addAddress(host, ipFamily(host));
      out.push({ kind: 'ip', list, port });
      continue;
    }
    if (host === '') continue;
    if (host.startsWith('*.')) host = host.slice(1);
    let matchHost = false;
    if (!host.startsWith('.')) {
      matchHost = true;
      host = '.' + host;
    }
    const ascii = domainToASCII(host.slice(1));
    if (ascii !== '') host = '.' + ascii;
    out.push({ kind: 'domain', host, port, matchHost });
  }
  return out;
}

function useProxy(matchers: readonly Matcher[], host: string, port: string): boolean {
  if (host === 'localhost') return false;
  const ipv = isIP(host);
  if (ipv !== 0 && isLoopback(host)) return false;
  for (const m of matchers) {
    switch (m.kind) {
      case 'all': return false;
      case 'cidr':
        if (ipv !== 0 && m.list.check(host, ipv === 4 ? 'ipv4' : 'ipv6')) return false;
        break;
      case 'ip':
        if (ipv !== 0 && m.list.check(host, ipv === 4 ? 'ipv4' : 'ipv6') && (m.port === '' || m.port === port)) return false;
        break;
      case 'domain':
        if (host.endsWith(m.host) || (m.matchHost && host === m.host.slice(1))) {
          if (m.port === '' || m.port === port) return false;
        }
        break;
      default: {
        const never: never = m;
        return never;
      }
    }
  }
  return true;
}
