/**
 * Connections: one undici agent for direct requests and one per proxy, all sharing the TLS
 * settings. Rebuilt when watched TLS files change; the old agents finish their requests and
 * close.
 */
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import type { TLSConfig } from '../config/types.js';
import { ProxySelector, type ProxyFields } from './proxy.js';
import { TLSSettings } from './tls.js';

export interface TransportOptions {
  tls: TLSConfig;
  proxy: ProxyFields;
  http2: boolean;
  /** Kept-alive connections per origin (undefined: unlimited). */
  connections?: number;
}

/**
 * Undici is loaded on the first request that needs it: it costs about 100 ms of CPU and
 * 20 MiB of resident memory to load, and a server whose HTTP traffic is all plain-HTTP scrapes
 * (the built-in HTTP/1.1 transport) may never need it.
 */
type Undici = typeof import('undici').default;

let undici: Promise<Undici> | null = null;

function loadUndici(): Promise<Undici> {
  // Undici is CommonJS: Node's import gives its exports both by name and as the default, the
  // bundled server's (dist/bundle) only as the default.
  return (undici ??= import('undici').then((m) => m.default));
}

export class Transport {
  readonly tls: TLSSettings;
  readonly proxy: ProxySelector;
  readonly #http2: boolean;
  readonly #connections: number | undefined;
  #direct: Agent | null = null;
  readonly #proxied = new Map<string, ProxyAgent>();
  #refreshing: Promise<void> | null = null;
  #closed = false;

  /** Throws when the TLS material is unusable (as client creation fails in Prometheus). */
  constructor(o: TransportOptions) {
    this.tls = new TLSSettings(o.tls);
    this.proxy = new ProxySelector(o.proxy);
    this.#http2 = o.http2;
    this.#connections = o.connections;
  }

  /** The dispatcher for a request to `u`, after checking watched TLS files for changes. */
  async dispatcherFor(u: URL): Promise<Dispatcher> {
    if (this.#closed) throw new Error('http client closed');
    if (this.tls.watched) {
      // Concurrent requests share one check.
      this.#refreshing ??= this.#refresh().finally(() => { this.#refreshing = null; });
      await this.#refreshing;
    }
    const { Agent, ProxyAgent } = await loadUndici();
    if (this.#closed) throw new Error('http client closed');
    const proxy = this.proxy.direct ? null : this.proxy.proxyFor(u);
    if (proxy === null) {
      this.#direct ??= new Agent(this.#agentOptions());
      return this.#direct;
    }
    let pa = this.#proxied.get(proxy);
    if (pa === undefined) {
      const tlsOpts = this.tls.options;
      const proxyTls = { ...tlsOpts };
      delete proxyTls.servername;
      pa = new ProxyAgent({
        ...this.#agentOptions(),
        uri: proxy,
        // Plain HTTP goes to the proxy in absolute form; HTTPS tunnels through CONNECT, as Go does.
        proxyTunnel: false,
        headers: this.proxy.connectHeaders,
        requestTls: tlsOpts,
        proxyTls,
      });
      this.#proxied.set(proxy, pa);
    }
    return pa;
  }

  async #refresh(): Promise<void> {
    if (await this.tls.refresh()) this.#dropAgents();
  }

  #agentOptions(): Agent.Options {
    const o: Agent.Options = { connect: { ...this.tls.options }, allowH2: this.#http2 };
    if (this.#connections !== undefined) o.connections = this.#connections;
    return o;
  }

  /** Forgets the current agents; they close once their requests are done. */
  #dropAgents(): void {
    const old: Dispatcher[] = [];
    if (this.#direct !== null) old.push(this.#direct);
    for (const a of this.#proxied.values()) old.push(a);
    this.#direct = null;
    this.#proxied.clear();
    for (const a of old) a.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all: Promise<void>[] = [];
    if (this.#direct !== null) all.push(this.#direct.close());
    for (const a of this.#proxied.values()) all.push(a.close());
    this.#direct = null;
    this.#proxied.clear();
    await Promise.allSettled(all);
  }
}
