/**
 * An informer keeps a local copy of one resource (in one namespace or all, under the
 * configured selectors) in step with the API server, as client-go's reflector and shared
 * informer do, and calls its handlers for every change:
 *
 * - it lists (in pages), replaces its store with the result (objects gone from the list are
 *   deleted, the others added or updated) and is then synced;
 * - it watches from the list's resource version with bookmarks, and keeps the resource
 *   version of every event and bookmark, so that a watch that ends (server timeout,
 *   dropped connection) resumes where it stopped without a relist;
 * - a 410 Gone (as the watch request's status or as an ERROR event) means that resource
 *   version has expired: it relists;
 * - failed requests are counted in `prometheus_sd_kubernetes_failures_total`, logged, and
 *   retried after an exponential backoff with jitter (client-go's 0.8 s doubling to 30 s);
 *   the store, and so every target built from it, stays as it was meanwhile.
 *
 * Handlers run synchronously, in event order; they must not throw (a throw is logged).
 * Stored objects are shared: handlers and index functions must not modify them.
 */
import type { Logger } from '../../util/log.js';
import { objectKey, type KubeObject } from './api-types.js';
import { APIStatusError, type KubeClient, type Selectors, type WatchEvent } from './client.js';
import type { KubernetesSDMetrics } from './metrics.js';
import type { Resource } from './resources.js';

export interface InformerHandlers<T> {
  add?: (obj: T) => void;
  update?: (old: T, cur: T) => void;
  delete?: (obj: T) => void;
}

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 800, maxMs: 30_000 };
/** Objects per list page, as client-go's pager asks. */
export const LIST_PAGE_SIZE = 500;

export interface InformerOptions {
  logger: Logger;
  metrics: KubernetesSDMetrics;
  backoff?: BackoffSettings;
  pageSize?: number;
  /** Source of jitter and watch timeouts (tests make it fixed). */
  random?: () => number;
}

interface Index<T> {
  fn: (obj: T) => string[];
  /** Index value → keys of the objects with that value. */
  byValue: Map<string, Set<string>>;
}

export class Informer<T extends KubeObject> {
  readonly resource: Resource<T>;
  readonly namespace: string;
  readonly #client: KubeClient;
  readonly #selectors: Selectors;
  readonly #store = new Map<string, T>();
  readonly #handlers: InformerHandlers<T>[] = [];
  readonly #indexes = new Map<string, Index<T>>();
  readonly #logger: Logger;
  readonly #metrics: KubernetesSDMetrics;
  readonly #backoff: BackoffSettings;
  readonly #pageSize: number;
  readonly #random: () => number;
  #synced = false;
  readonly #syncWaiters: (() => void)[] = [];

  constructor(client: KubeClient, resource: Resource<T>, namespace: string, selectors: Selectors, o: InformerOptions) {
    this.#client = client;
    this.resource = resource;
    this.namespace = namespace;
    this.#selectors = selectors;
    this.#logger = o.logger;
    this.#metrics = o.metrics;
    this.#backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.#pageSize = o.pageSize ?? LIST_PAGE_SIZE;
    this.#random = o.random ?? Math.random;
  }

  /** Adds handlers; only before `run`. */
  addHandlers(h: InformerHandlers<T>): void {
    this.#handlers.push(h);
  }

  /** Adds an index of the objects by the values `fn` returns; only before `run`. */
  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.#indexes.set(name, { fn, byValue: new Map() });
  }

  /** The stored objects with `value` in index `name` (none for an unknown index). */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.byValue.get(value);
    const out: T[] = [];
    if (keys === undefined) return out;
    for (const k of keys) {
      const o = this.#store.get(k);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  /** The stored object with this key (`ns/name`, or `name` for cluster-scoped objects). */
  get(key: string): T | undefined {
    return this.#store.get(key);
  }

  get size(): number {
    return this.#store.size;
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves once the first list is in the store; at once when already synced or when `signal` aborts. */
  whenSynced(signal: AbortSignal): Promise<void> {
    if (this.#synced || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { signal.removeEventListener('abort', done); resolve(); };
      this.#syncWaiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Lists and watches until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let rv = '';
    let needList = true;
    let backoffMs = this.#backoff.initialMs;
    const fail = async (what: string, err: unknown): Promise<void> => {
      this.#metrics.failures.inc();
      this.#logger.warn(`failed to ${what} ${this.resource.goType}`, { err: errorText(err) });
      await sleep(backoffMs * (1 + this.#random()), signal);
      backoffMs = Math.min(backoffMs * 2, this.#backoff.maxMs);
    };
    while (!signal.aborted) {
      if (needList) {
        try {
          rv = await this.#listAndReplace(signal);
          needList = false;
          backoffMs = this.#backoff.initialMs;
        } catch (e) {
          if (signal.aborted) break;
          await fail('list', e);
          continue;
        }
      }
      let opened = false;
      let events = 0;
      let stop: APIStatusError | null = null;
      const started = Date.now();
      // client-go picks the server-side watch timeout at random in [5, 10) minutes.
      const timeoutSeconds = Math.floor(300 * (1 + this.#random()));
      try {
        await this.#client.watch(this.resource, this.namespace, this.#selectors, rv, timeoutSeconds, signal, (ev) => {
          if (ev.type === 'ERROR') {
            stop = ev.error;
            throw ev.error;
          }
          events++;
          rv = ev.resourceVersion !== '' ? ev.resourceVersion : rv;
          this.#apply(ev);
        }, () => { opened = true; });
      } catch (e) {
        if (signal.aborted) break;
        const err: unknown = stop ?? e;
        if (err instanceof APIStatusError && err.expired) {
          // The version we hold is gone from the server's history: only a fresh list can catch up.
          this.#metrics.failures.inc();
          this.#logger.info(`watch of ${this.resource.goType} expired, relisting`, { err: err.message });
          needList = true;
          continue;
        }
        if (!opened || stop !== null) {
          await fail('watch', err);
          continue;
        }
        // The stream broke after the server accepted it: resume from the last version, like a normal end.
        this.#logger.debug(`watch of ${this.resource.goType} ended`, { err: errorText(err) });
      }
      if (events > 0) backoffMs = this.#backoff.initialMs;
      else if (Date.now() - started < 1000) {
        // A watch that ends at once without a single event would otherwise spin.
        await sleep(backoffMs * (1 + this.#random()), signal);
        backoffMs = Math.min(backoffMs * 2, this.#backoff.maxMs);
      }
    }
  }

  /** Lists every page and replaces the store; returns the list's resource version. */
  async #listAndReplace(signal: AbortSignal): Promise<string> {
    const items: unknown[] = [];
    let cont = '';
    let limit = this.#pageSize;
    let rv = '';
    for (;;) {
      let page;
      try {
        page = await this.#client.list(this.resource, this.namespace, this.#selectors, { limit, continue: cont }, signal);
      } catch (e) {
        // An expired continue token: list again in one piece, as client-go's pager falls back.
        if (e instanceof APIStatusError && e.expired && cont !== '') {
          items.length = 0;
          cont = '';
          limit = 0;
          continue;
        }
        throw e;
      }
      for (const it of page.items) items.push(it);
      rv = page.resourceVersion;
      if (page.continue === '') break;
      cont = page.continue;
    }
    this.#replace(items.map((it) => this.resource.decode(it)));
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    return rv;
  }

  #replace(objs: T[]): void {
    const seen = new Set<string>();
    for (const o of objs) {
      const key = objectKey(o.metadata);
      seen.add(key);
      this.#upsert(key, o);
    }
    for (const [key, old] of [...this.#store]) {
      if (seen.has(key)) continue;
      this.#remove(key, old);
      this.#dispatch('delete', old, old);
    }
  }

  #apply(ev: WatchEvent): void {
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const o = this.resource.decode(ev.object);
        this.#upsert(objectKey(o.metadata), o);
        return;
      }
      case 'DELETED': {
        const o = this.resource.decode(ev.object);
        const key = objectKey(o.metadata);
        const old = this.#store.get(key);
        if (old !== undefined) this.#remove(key, old);
        this.#dispatch('delete', o, o);
        return;
      }
      case 'BOOKMARK':
      case 'ERROR':
        return;
      default: {
        const never: never = ev;
        return never;
      }
    }
  }

  #upsert(key: string, o: T): void {
    const old = this.#store.get(key);
    if (old !== undefined) this.#unindex(key, old);
    this.#store.set(key, o);
    this.#index(key, o);
    if (old !== undefined) this.#dispatch('update', old, o);
    else this.#dispatch('add', o, o);
  }

  #remove(key: string, old: T): void {
    this.#unindex(key, old);
    this.#store.delete(key);
  }

  #index(key: string, o: T): void {
    for (const ix of this.#indexes.values()) {
      for (const v of ix.fn(o)) {
        let keys = ix.byValue.get(v);
        if (keys === undefined) ix.byValue.set(v, keys = new Set());
        keys.add(key);
      }
    }
  }

  #unindex(key: string, o: T): void {
    for (const ix of this.#indexes.values()) {
      for (const v of ix.fn(o)) {
        const keys = ix.byValue.get(v);
        if (keys === undefined) continue;
        keys.delete(key);
        if (keys.size === 0) ix.byValue.delete(v);
      }
    }
  }

  #dispatch(kind: 'add' | 'update' | 'delete', old: T, cur: T): void {
    for (const h of this.#handlers) {
      try {
        switch (kind) {
          case 'add': h.add?.(cur); break;
          case 'update': h.update?.(old, cur); break;
          case 'delete': h.delete?.(cur); break;
        }
      } catch (e) {
        this.#logger.error(`handling ${kind} of ${this.resource.goType}`, { err: errorText(e) });
      }
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
