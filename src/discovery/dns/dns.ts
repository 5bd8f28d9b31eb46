/**
 * `dns_sd_configs`: targets from DNS records, refreshed every `refresh_interval`. Each name
 * is one group (source: the name as configured) with one target per answer record:
 *
 * - SRV: `<target>:<port>` of the record, the target without its final dot;
 * - MX / NS: the exchange / name server host with the configured `port`;
 * - A / AAAA: the address with the configured `port`.
 *
 * Every target carries `__meta_dns_name` and the four record labels
 * (`__meta_dns_srv_record_target`, `__meta_dns_srv_record_port`,
 * `__meta_dns_mx_record_target`, `__meta_dns_ns_record_target`), empty where they do not
 * apply, as in Prometheus. CNAME records in an answer are skipped; other unexpected records
 * are logged and skipped. A name whose lookup fails sends nothing, so its last targets stay.
 *
 * The resolver configuration is read from /etc/resolv.conf on every lookup, as Prometheus
 * does; tests point `resolvConfPath` and `port` at their own server.
 */
import type { DNSSDConfig } from '../../config/sd-types.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { RefreshDiscoverer, type RefreshMetrics } from '../refresh/index.js';
import { joinHostPort } from './exchange.js';
import { lookupWithSearchPath, type ExchangeFunc } from './lookup.js';
import type { DNSSDMetrics } from './metrics.js';
import { readResolvConf, RESOLV_CONF } from './resolv-conf.js';
import { recordString, TYPE_A, TYPE_AAAA, TYPE_MX, TYPE_NS, TYPE_SRV } from './wire.js';

export const DNS_NAME_LABEL = '__meta_dns_name';
export const DNS_SRV_RECORD_TARGET_LABEL = '__meta_dns_srv_record_target';
export const DNS_SRV_RECORD_PORT_LABEL = '__meta_dns_srv_record_port';
export const DNS_MX_RECORD_TARGET_LABEL = '__meta_dns_mx_record_target';
export const DNS_NS_RECORD_TARGET_LABEL = '__meta_dns_ns_record_target';

export interface DNSDiscovererOptions {
  metrics: DNSSDMetrics;
  refreshMetrics: RefreshMetrics;
  /** The target set fed, for the refresh metrics' `config` label. */
  setName?: string;
  logger?: Logger;
  /** Read before every lookup. Default /etc/resolv.conf. */
  resolvConfPath?: string;
  /** The port the servers are asked on. Default 53, the only one Prometheus uses. */
  port?: number;
  /** Replaces the network exchange (tests). */
  exchange?: ExchangeFunc;
  /** Per-exchange timeout, ms. Default 2000, as Prometheus. */
  timeoutMs?: number;
}

/** The query type for a config's `type` (validated by the config loader; compared case-insensitively). */
export function dnsQueryType(type: string): number {
  switch (type.toUpperCase()) {
    case 'A': return TYPE_A;
    case 'AAAA': return TYPE_AAAA;
    case 'MX': return TYPE_MX;
    case 'NS': return TYPE_NS;
    default: return TYPE_SRV;
  }
}

/** Prometheus removes the final dot of rooted names to make them look more usual (all of them, as Go's TrimRight). */
function trimDots(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

export class DNSDiscoverer implements Discoverer {
  readonly #names: readonly string[];
  readonly #qtype: number;
  readonly #port: number;
  readonly #o: DNSDiscovererOptions;
  readonly #logger: Logger;
  readonly #loop: RefreshDiscoverer;

  constructor(cfg: DNSSDConfig, o: DNSDiscovererOptions) {
    this.#names = cfg.names.slice();
    this.#qtype = dnsQueryType(cfg.type);
    this.#port = cfg.port;
    this.#o = o;
    this.#logger = o.logger ?? nopLogger;
    this.#loop = new RefreshDiscoverer({
      mechanism: 'dns', setName: o.setName ?? '', intervalMs: cfg.refresh_interval,
      metrics: o.refreshMetrics, logger: this.#logger, refresh: (signal) => this.refresh(signal),
    });
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    return this.#loop.run(signal, send);
  }

  /** One pass over all names (concurrently); names whose lookup failed are left out. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const results = await Promise.all(this.#names.map(async (name) => {
      try {
        return await this.#refreshOne(name, signal);
      } catch (e) {
        if (!signal.aborted) this.#logger.error('Error refreshing DNS targets', { err: e instanceof Error ? e.message : String(e) });
        return null;
      }
    }));
    const out: TargetGroup[] = [];
    for (const g of results) if (g !== null) out.push(g);
    return out;
  }

  async #refreshOne(name: string, signal: AbortSignal): Promise<TargetGroup> {
    let response;
    try {
      const conf = await readResolvConf(this.#o.resolvConfPath ?? RESOLV_CONF);
      if (this.#o.port !== undefined) conf.port = this.#o.port;
      response = await lookupWithSearchPath(name, this.#qtype, conf, {
        logger: this.#logger, signal,
        ...(this.#o.exchange !== undefined ? { exchange: this.#o.exchange } : {}),
        ...(this.#o.timeoutMs !== undefined ? { timeoutMs: this.#o.timeoutMs } : {}),
      });
    } catch (e) {
      this.#o.metrics.lookups.inc();
      if (!signal.aborted) this.#o.metrics.lookupFailures.inc();
      throw e;
    }
    this.#o.metrics.lookups.inc();
    const targets: Record<string, string>[] = [];
    for (const r of response.answers) {
      let address: string;
      let srvTarget = '', srvPort = '', mxTarget = '', nsTarget = '';
      switch (r.kind) {
        case 'SRV':
          srvTarget = r.target;
          srvPort = String(r.port);
          address = joinHostPort(trimDots(r.target), r.port);
          break;
        case 'MX':
          mxTarget = r.mx;
          address = joinHostPort(trimDots(r.mx), this.#port);
          break;
        case 'NS':
          nsTarget = r.ns;
          address = joinHostPort(trimDots(r.ns), this.#port);
          break;
        case 'A': case 'AAAA':
          address = joinHostPort(r.address, this.#port);
          break;
        case 'CNAME':
          // CNAME records come with answers to A and AAAA queries; the addresses follow them.
          continue;
        case 'other':
          this.#logger.warn('Invalid record', { record: recordString(r) });
          continue;
      }
      targets.push({
        __address__: address,
        [DNS_NAME_LABEL]: name,
        [DNS_SRV_RECORD_TARGET_LABEL]: srvTarget,
        [DNS_SRV_RECORD_PORT_LABEL]: srvPort,
        [DNS_MX_RECORD_TARGET_LABEL]: mxTarget,
        [DNS_NS_RECORD_TARGET_LABEL]: nsTarget,
      });
    }
    return { source: name, labels: {}, targets };
  }
}
