/**
 * Test support: runs a Kubernetes discoverer against a fake API server and folds what it
 * sends into a source → group view, with fast retries.
 */
import type { KubernetesSDConfig } from '../../config/sd-types.js';
import { Registry } from '../../instrument/index.js';
import { nopLogger } from '../../util/log.js';
import type { TargetGroup } from '../interface.js';
import { waitFor } from '../testing.js';
import { KubernetesDiscoverer } from './kubernetes.js';
import { KubernetesSDMetrics } from './metrics.js';

export class Harness {
  readonly view = new Map<string, TargetGroup>();
  readonly reg = new Registry();
  readonly metrics = KubernetesSDMetrics.for(this.reg);
  /** Every batch sent, in order. */
  readonly batches: TargetGroup[][] = [];
  readonly #ac = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(readonly cfg: KubernetesSDConfig) {}

  start(): this {
    const d = new KubernetesDiscoverer(this.cfg, { metrics: this.metrics, logger: nopLogger, userAgent: 'watchfire-test', backoff: { initialMs: 20, maxMs: 200 } });
    this.#done = d.run(this.#ac.signal, (gs) => {
      this.batches.push(gs);
      for (const g of gs) this.view.set(g.source, g);
    });
    return this;
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.#done;
  }

  /** Every target as `source address`, sorted. */
  targets(): string[] {
    const out: string[] = [];
    for (const g of this.view.values()) for (const t of g.targets) out.push(`${g.source} ${t['__address__'] ?? ''}`);
    return out.sort();
  }

  /** Every target's full label set (group labels under target labels), as sorted JSON strings. */
  labelSets(): string[] {
    const out: string[] = [];
    for (const g of this.view.values()) {
      for (const t of g.targets) {
        const ls = { ...g.labels, ...t };
        out.push(JSON.stringify(Object.fromEntries(Object.entries(ls).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))));
      }
    }
    return out.sort();
  }

  count(): number {
    let n = 0;
    for (const g of this.view.values()) n += g.targets.length;
    return n;
  }

  async until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await waitFor(pred, timeoutMs, what);
  }

  /** The value of `prometheus_sd_kubernetes_events_total{role, event}`. */
  events(role: string, event: string): number {
    return this.metrics.events.labels(role, event).value;
  }

  get failures(): number {
    return this.metrics.failures.value;
  }
}
