/**
 * Looking a name up the way Prometheus's DNS SD does: every name of the search list in turn,
 * each asked of the configured servers in order until one gives a usable answer.
 *
 * - A server's answer is usable when it says "here are the records" (NOERROR, possibly with
 *   none of the asked type) or "no such name" (NXDOMAIN); anything else (SERVFAIL, REFUSED, a
 *   timeout) moves on to the next server.
 * - The first name answered with NOERROR wins.
 * - When every name got NXDOMAIN from some server, the name does not exist: an empty answer.
 * - When some name got no usable answer from any server, the lookup fails, so that the
 *   discoverer keeps what it had rather than dropping targets on a resolver hiccup.
 *
 * Queries carry EDNS0 (4096 bytes); a truncated UDP answer is asked again over TCP, without it.
 */
import { randomInt } from 'node:crypto';
import { nopLogger, type Logger } from '../../util/log.js';
import { exchange, DNS_TIMEOUT_MS, type DNSNet } from './exchange.js';
import { nameList, type ResolverConfig } from './resolv-conf.js';
import { encodeQuery, RCODE_NAME_ERROR, RCODE_SUCCESS, type DNSMessage } from './wire.js';

/** What the lookup sends over the wire; a seam for tests. */
export type ExchangeFunc = (server: string, port: number, query: Uint8Array, id: number, net: DNSNet, signal?: AbortSignal) => Promise<DNSMessage>;

export interface LookupOptions {
  logger?: Logger;
  signal?: AbortSignal;
  exchange?: ExchangeFunc;
  timeoutMs?: number;
}

const EMPTY: DNSMessage = { id: 0, rcode: RCODE_SUCCESS, truncated: false, answers: [] };

export async function lookupWithSearchPath(name: string, qtype: number, conf: ResolverConfig, o: LookupOptions = {}): Promise<DNSMessage> {
  let allValid = true;
  for (const lname of nameList(conf, name)) {
    let m: DNSMessage;
    try {
      m = await lookupFromAnyServer(lname, qtype, conf, o);
    } catch {
      if (o.signal?.aborted === true) throw new Error('context canceled');
      // A later name may still answer; but "does not exist" can no longer be concluded.
      allValid = false;
      continue;
    }
    if (m.rcode === RCODE_SUCCESS) return m;
  }
  if (allValid) return EMPTY;
  throw new Error(`could not resolve ${JSON.stringify(name)}: all servers responded with errors to at least one search domain`);
}

export async function lookupFromAnyServer(name: string, qtype: number, conf: ResolverConfig, o: LookupOptions = {}): Promise<DNSMessage> {
  const logger = o.logger ?? nopLogger;
  for (const server of conf.servers) {
    let m: DNSMessage;
    try {
      m = await askServerForName(name, qtype, server, conf.port, o);
    } catch (e) {
      if (o.signal?.aborted === true) throw e;
      logger.warn('DNS resolution failed', { server, name, err: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (m.rcode === RCODE_SUCCESS || m.rcode === RCODE_NAME_ERROR) return m;
  }
  throw new Error(`could not resolve ${name}: no servers returned a viable answer`);
}

async function askServerForName(name: string, qtype: number, server: string, port: number, o: LookupOptions): Promise<DNSMessage> {
  const ex = o.exchange ?? ((s, p, q, id, net, signal) => exchange(s, p, q, id, net, signal, o.timeoutMs ?? DNS_TIMEOUT_MS));
  let id = randomInt(0, 0x10000);
  const m = await ex(server, port, encodeQuery(id, name, qtype, true), id, 'udp', o.signal);
  if (!m.truncated) return m;
  id = randomInt(0, 0x10000);
  const t = await ex(server, port, encodeQuery(id, name, qtype, false), id, 'tcp', o.signal);
  if (t.truncated) throw new Error('got truncated message on TCP (64kiB limit exceeded?)');
  return t;
}
