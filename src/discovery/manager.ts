/**
 * The discovery manager: runs one discoverer (provider) per SD config, merges the groups of
 * all providers feeding a target set (a scrape job, an alertmanager config), and hands full
 * target-group sets to its subscribers, throttled as Prometheus's manager is.
 *
 * Delivery: every change marks the sets dirty; a send happens at most once per
 * `updateIntervalMs` (5 s by default) with everything accumulated since. After
 * `applyConfig`, the first send waits until every newly started provider has reported once,
 * or `initialDelayMs` at most, and then goes out at once, so that a (re)loaded config takes
 * effect promptly. Each send carries every configured set, with an empty list for a set that
 * currently has no targets; a set removed by a reload is sent once more with an empty list.
 *
 * Providers whose config is structurally unchanged across a reload keep running (and are
 * shared between sets with identical configs, as in Prometheus); the others are stopped and
 * their groups dropped at once.
 */
import type { ServiceDiscoveryConfigs } from '../config/types.js';
import type { Registry } from '../instrument/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { configEqual } from './config-equal.js';
import type { Discoverer, TargetGroup } from './interface.js';
import { ManagerMetrics } from './manager-metrics.js';
import { discovererFactory, isDiscoveryKey, loadDiscoverers, mechanismName } from './registry.js';

/** Target sets by set name. Shared between subscribers: read it, do not change it. */
export type TargetSets = Map<string, TargetGroup[]>;

export interface DiscoveryManagerOptions {
  /** "scrape" or "notify": the `name` label of the manager's metrics. */
  name: string;
  registry: Registry;
  logger?: Logger;
  /** Minimum time between two sends, ms. Default 5000, as Prometheus's `updatert`. */
  updateIntervalMs?: number;
  /** Longest wait for the first reports of providers started by `applyConfig`, ms. Default 1000. */
  initialDelayMs?: number;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 5000;
export const DEFAULT_INITIAL_DELAY_MS = 1000;

/** One SD config of a set, keyed by its YAML key. */
export interface ProviderConfig {
  key: string;
  config: unknown;
}

/**
 * The providers a set's SD configs make: one per `*_sd_configs` element, and one for all
 * `static_configs` together (appended last, as Prometheus does).
 */
export function providerConfigs(sd: ServiceDiscoveryConfigs): ProviderConfig[] {
  const out: ProviderConfig[] = [];
  for (const c of sd.file_sd_configs) out.push({ key: 'file_sd_configs', config: c });
  for (const key of Object.keys(sd.other).sort()) {
    for (const c of sd.other[key]!) out.push({ key, config: c });
  }
  if (sd.static_configs.length > 0) out.push({ key: 'static_configs', config: sd.static_configs });
  return out;
}

/**
 * Imports the discovery mechanisms the configs use (most load on first use, see
 * registry.ts). Await it before `applyConfig` with the same configs.
 */
export function loadDiscoveryMechanisms(cfgs: ReadonlyMap<string, ServiceDiscoveryConfigs>): Promise<void> {
  const keys = new Set<string>();
  for (const sd of cfgs.values()) for (const pc of providerConfigs(sd)) keys.add(pc.key);
  return loadDiscoverers(keys);
}

interface Provider {
  readonly name: string;
  readonly key: string;
  readonly config: unknown;
  readonly discoverer: Discoverer;
  /** Null until started. */
  abort: AbortController | null;
  done: Promise<void>;
  subs: Set<string>;
  newSubs: Set<string>;
  reported: boolean;
}

interface Queue {
  pending: TargetSets | null;
  waiter: ((r: IteratorResult<TargetSets, undefined>) => void) | null;
  closed: boolean;
}

export class DiscoveryManager {
  readonly #name: string;
  readonly #registry: Registry;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #initialDelayMs: number;
  readonly #metrics: ManagerMetrics;

  #providers: Provider[] = [];
  #lastProvider = 0;
  /** Groups by set, then provider, then source. */
  readonly #targets = new Map<string, Map<Provider, Map<string, TargetGroup>>>();
  #knownSets = new Set<string>();
  readonly #removedSets = new Set<string>();

  #pending = false;
  #lastSentAt = -Infinity;
  #sendTimer: NodeJS.Timeout | null = null;
  /** Providers whose first report the next send waits for; null when not waiting. */
  #gate: Set<Provider> | null = null;
  #gateTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** What the last send carried, replayed to late subscribers. */
  #lastSent: TargetSets | null = null;

  readonly #subscribers = new Set<(sets: TargetSets) => void>();
  readonly #queues = new Set<Queue>();

  constructor(opts: DiscoveryManagerOptions) {
    this.#name = opts.name;
    this.#registry = opts.registry;
    this.#logger = (opts.logger ?? nopLogger).with({ component: `discovery manager ${opts.name}` });
    this.#intervalMs = opts.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
    this.#initialDelayMs = opts.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
    this.#metrics = ManagerMetrics.for(opts.registry);
    this.#metrics.failedConfigs.labels(this.#name).set(0);
    this.#metrics.receivedUpdates.labels(this.#name);
    this.#metrics.sentUpdates.labels(this.#name);
    this.#metrics.delayedUpdates.labels(this.#name);
  }

  /**
   * Applies the SD configs of every set (keyed by set name). Unchanged providers keep
   * running, new ones start, the rest stop. A set without SD configs, or whose configs all
   * failed, gets an empty group list. Never throws for a bad SD config: it is logged and
   * counted in `prometheus_sd_failed_configs`.
   */
  applyConfig(cfgs: ReadonlyMap<string, ServiceDiscoveryConfigs>): void {
    if (this.#stopped) throw new Error('applying discovery config: manager is stopped');
    for (const p of this.#providers) p.newSubs = new Set();
    let failed = 0;
    for (const [set, sd] of cfgs) {
      let added = false;
      for (const pc of providerConfigs(sd)) {
        if (this.#register(set, pc)) added = true;
        else failed++;
      }
      // An empty static provider makes the set known, so that its consumers hear it is empty.
      if (!added) this.#register(set, { key: 'static_configs', config: [] });
    }
    this.#metrics.failedConfigs.labels(this.#name).set(failed);

    const kept: Provider[] = [];
    for (const p of this.#providers) {
      if (p.newSubs.size === 0) {
        p.abort?.abort();
        for (const s of p.subs) this.#targets.get(s)?.delete(p);
        continue;
      }
      kept.push(p);
      // A set newly fed by a running provider starts from the groups it already sent.
      let ref: Map<string, TargetGroup> | undefined;
      for (const s of p.subs) ref ??= this.#targets.get(s)?.get(p);
      for (const s of p.subs) if (!p.newSubs.has(s)) this.#targets.get(s)?.delete(p);
      for (const s of p.newSubs) {
        if (!p.subs.has(s) && ref !== undefined) this.#setTargets(s).set(p, new Map(ref));
      }
      p.subs = p.newSubs;
    }
    this.#providers = kept;
    for (const s of this.#knownSets) if (!cfgs.has(s)) this.#removedSets.add(s);
    for (const s of cfgs.keys()) this.#removedSets.delete(s);
    this.#knownSets = new Set(cfgs.keys());
    for (const s of this.#targets.keys()) if (!this.#knownSets.has(s)) this.#targets.delete(s);

    this.#pending = true;
    const toStart = kept.filter((p) => p.abort === null);
    this.#openGate(toStart);
    for (const p of toStart) this.#start(p);
  }

  /**
   * Calls `cb` with every send. A subscriber that arrives after a send first gets the last
   * sent sets (asynchronously), so that it never waits for a change that may not come.
   * Returns a function that unsubscribes.
   */
  onUpdate(cb: (sets: TargetSets) => void): () => void {
    this.#subscribers.add(cb);
    const last = this.#lastSent;
    if (last !== null) {
      setTimeout(() => {
        if (this.#subscribers.has(cb) && this.#lastSent === last) this.#call(cb, last);
      }, 0);
    }
    return () => { this.#subscribers.delete(cb); };
  }

  #call(cb: (sets: TargetSets) => void, sets: TargetSets): void {
    try {
      cb(sets);
    } catch (e) {
      this.#logger.error('Discovery subscriber failed', { err: e });
    }
  }

  /**
   * The sends as an async iterator, starting with the last send if there was one. A consumer
   * that falls behind gets only the latest sets
   * (each skipped one counts in `prometheus_sd_updates_delayed_total`). Ends when `signal`
   * aborts, the iterator is returned, or the manager stops.
   */
  updates(signal?: AbortSignal): AsyncIterableIterator<TargetSets, undefined> {
    const q: Queue = { pending: this.#lastSent, waiter: null, closed: false };
    const close = (): void => {
      if (q.closed) return;
      q.closed = true;
      this.#queues.delete(q);
      const w = q.waiter;
      q.waiter = null;
      w?.({ value: undefined, done: true });
    };
    if (signal?.aborted === true || this.#stopped) q.closed = true;
    else {
      this.#queues.add(q);
      signal?.addEventListener('abort', close, { once: true });
    }
    const it: AsyncIterableIterator<TargetSets, undefined> = {
      next: () => {
        if (q.pending !== null) {
          const value = q.pending;
          q.pending = null;
          return Promise.resolve({ value, done: false });
        }
        if (q.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => { q.waiter = resolve; });
      },
      return: () => {
        close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  /** Stops every provider and ends the update iterators. Resolves when the discoverers have returned. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    for (const p of this.#providers) p.abort?.abort();
    for (const q of [...this.#queues]) {
      q.closed = true;
      this.#queues.delete(q);
      q.waiter?.({ value: undefined, done: true });
      q.waiter = null;
    }
    await Promise.all(this.#providers.map((p) => p.done));
  }

  /** Finds a running provider with an equal config for the set, or creates one. False when creation failed. */
  #register(set: string, pc: ProviderConfig): boolean {
    for (const p of this.#providers) {
      if (p.key === pc.key && configEqual(p.config, pc.config)) {
        p.newSubs.add(set);
        return true;
      }
    }
    const mech = mechanismName(pc.key);
    const factory = discovererFactory(pc.key);
    if (factory === undefined) {
      const err = isDiscoveryKey(pc.key) ? `discovery mechanism ${mech} is not loaded (loadDiscoveryMechanisms)` : `unknown discovery mechanism ${pc.key}`;
      this.#logger.error('Cannot create service discovery', { err, type: mech, config: set });
      return false;
    }
    let d: Discoverer;
    try {
      d = factory(pc.config, { logger: this.#logger.with({ discovery: mech, config: set }), registry: this.#registry, setName: set });
    } catch (e) {
      this.#logger.error('Cannot create service discovery', { err: e, type: mech, config: set });
      return false;
    }
    this.#providers.push({
      name: `${mech}/${this.#lastProvider++}`,
      key: pc.key,
      config: pc.config,
      discoverer: d,
      abort: null,
      done: Promise.resolve(),
      subs: new Set(),
      newSubs: new Set([set]),
      reported: false,
    });
    return true;
  }

  #start(p: Provider): void {
    const ac = new AbortController();
    p.abort = ac;
    this.#logger.debug('Starting provider', { provider: p.name, subs: [...p.subs].join(',') });
    let run: Promise<void>;
    try {
      run = p.discoverer.run(ac.signal, (groups) => { this.#onGroups(p, ac.signal, groups); });
    } catch (e) {
      run = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    p.done = run.then(
      () => undefined,
      (e: unknown) => { this.#logger.error('Discoverer failed', { provider: p.name, err: e }); },
    );
  }

  #onGroups(p: Provider, signal: AbortSignal, groups: readonly TargetGroup[]): void {
    if (signal.aborted || this.#stopped) return;
    this.#metrics.receivedUpdates.labels(this.#name).inc();
    for (const s of p.subs) {
      const m = this.#setTargets(s);
      let pm = m.get(p);
      if (pm === undefined) {
        pm = new Map();
        m.set(p, pm);
      }
      for (const g of groups) {
        // An empty group removes its source; consumers drop its targets on the next send.
        if (g.targets.length > 0) pm.set(g.source, g);
        else pm.delete(g.source);
      }
    }
    if (!p.reported) {
      p.reported = true;
      if (this.#gate !== null && this.#gate.delete(p) && this.#gate.size === 0) this.#releaseGate();
    }
    this.#trigger();
  }

  #setTargets(set: string): Map<Provider, Map<string, TargetGroup>> {
    let m = this.#targets.get(set);
    if (m === undefined) {
      m = new Map();
      this.#targets.set(set, m);
    }
    return m;
  }

  #trigger(): void {
    this.#pending = true;
    if (this.#gate !== null || this.#sendTimer !== null || this.#stopped) return;
    const delay = Math.max(0, this.#lastSentAt + this.#intervalMs - Date.now());
    this.#sendTimer = setTimeout(() => { this.#flush(); }, delay);
  }

  #openGate(started: readonly Provider[]): void {
    const gate = this.#gate ?? new Set<Provider>();
    for (const p of started) gate.add(p);
    this.#gate = gate;
    if (this.#gateTimer !== null) clearTimeout(this.#gateTimer);
    this.#gateTimer = setTimeout(() => { this.#releaseGate(); }, gate.size === 0 ? 0 : this.#initialDelayMs);
  }

  /** Sends now, regardless of the interval; asynchronously, so that no subscriber runs inside `applyConfig`. */
  #releaseGate(): void {
    this.#gate = null;
    if (this.#gateTimer !== null) clearTimeout(this.#gateTimer);
    this.#gateTimer = null;
    if (this.#sendTimer !== null) clearTimeout(this.#sendTimer);
    this.#sendTimer = setTimeout(() => { this.#flush(); }, 0);
  }

  #clearTimers(): void {
    if (this.#sendTimer !== null) clearTimeout(this.#sendTimer);
    if (this.#gateTimer !== null) clearTimeout(this.#gateTimer);
    this.#sendTimer = null;
    this.#gateTimer = null;
  }

  #flush(): void {
    this.#sendTimer = null;
    if (!this.#pending || this.#stopped) return;
    this.#pending = false;
    this.#lastSentAt = Date.now();
    const sets = this.#allGroups();
    this.#lastSent = sets;
    this.#metrics.sentUpdates.labels(this.#name).inc();
    for (const cb of this.#subscribers) this.#call(cb, sets);
    for (const q of this.#queues) {
      const w = q.waiter;
      if (w !== null) {
        q.waiter = null;
        w({ value: sets, done: false });
        continue;
      }
      if (q.pending !== null) this.#metrics.delayedUpdates.labels(this.#name).inc();
      q.pending = sets;
    }
  }

  #allGroups(): TargetSets {
    const out: TargetSets = new Map();
    for (const p of this.#providers) {
      for (const s of p.subs) {
        let list = out.get(s);
        if (list === undefined) {
          list = [];
          out.set(s, list);
        }
        const pm = this.#targets.get(s)?.get(p);
        if (pm !== undefined) for (const g of pm.values()) list.push(g);
      }
    }
    const nowSec = Date.now() / 1000;
    for (const [s, groups] of out) {
      let n = 0;
      for (const g of groups) n += g.targets.length;
      this.#metrics.discoveredTargets.labels(s, this.#name).set(n);
      this.#metrics.lastUpdate.labels(s, this.#name).set(nowSec);
    }
    for (const s of this.#removedSets) {
      if (out.has(s)) continue;
      out.set(s, []);
      this.#metrics.discoveredTargets.remove(s, this.#name);
      this.#metrics.lastUpdate.remove(s, this.#name);
    }
    this.#removedSets.clear();
    return out;
  }
}
