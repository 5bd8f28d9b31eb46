export {
  DNSDiscoverer, dnsQueryType, DNS_NAME_LABEL, DNS_SRV_RECORD_TARGET_LABEL, DNS_SRV_RECORD_PORT_LABEL,
  DNS_MX_RECORD_TARGET_LABEL, DNS_NS_RECORD_TARGET_LABEL, type DNSDiscovererOptions,
} from './dns.js';
export { DNSSDMetrics } from './metrics.js';
export { lookupWithSearchPath, lookupFromAnyServer, type ExchangeFunc, type LookupOptions } from './lookup.js';
export { parseResolvConf, readResolvConf, nameList, RESOLV_CONF, type ResolverConfig } from './resolv-conf.js';
