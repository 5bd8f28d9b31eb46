/**
 * What every role shares: a queue of object keys to rebuild (deduplicated, as client-go's
 * work queue is), held until every informer the role reads has synced, then drained in
 * batches: each key becomes the role's target group for that object, or an empty group with
 * the object's source when the object is gone.
 */
import type { TargetGroup } from '../interface.js';
import { objectKey, type KubeObject } from './api-types.js';
import type { QueueMetrics } from './metrics.js';

/** What a role needs of an informer to wait for it. */
export interface Syncable {
  whenSynced(signal: AbortSignal): Promise<void>;
}

export abstract class RoleQueue {
  /** Pending keys and when (performance.now() ms) each was added. */
  readonly #pending = new Map<string, number>();
  readonly #metrics: QueueMetrics;
  readonly #informers: Syncable[] = [];
  #send: ((groups: TargetGroup[]) => void) | null = null;
  #scheduled = false;

  constructor(metrics: QueueMetrics) {
    this.#metrics = metrics;
  }

  /** Informers the role reads; the role sends nothing until all of them have synced. */
  protected waitFor(...informers: (Syncable | null)[]): void {
    for (const i of informers) if (i !== null) this.#informers.push(i);
  }

  /** Marks the object with this store key for rebuilding. */
  enqueue(key: string): void {
    if (!this.#pending.has(key)) {
      this.#pending.set(key, performance.now());
      this.#metrics.adds.inc();
      this.#metrics.depth.inc();
    }
    this.#schedule();
  }

  enqueueAll(objs: readonly KubeObject[]): void {
    for (const o of objs) this.enqueue(objectKey(o.metadata));
  }

  /**
   * The target group of the object with this key; an empty group with its source when it no
   * longer exists; null to send nothing (the previous group stays).
   */
  protected abstract build(key: string): TargetGroup | null;

  /** Waits for the informers to sync, then sends changes until `signal` aborts. */
  async run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.whenSynced(signal)));
    if (signal.aborted) return;
    this.#send = send;
    this.#flush();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    this.#send = null;
  }

  #schedule(): void {
    if (this.#scheduled || this.#send === null) return;
    this.#scheduled = true;
    // Events that arrive together (a list, a burst of watch events) go out as one batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const send = this.#send;
    if (send === null || this.#pending.size === 0) return;
    const groups: TargetGroup[] = [];
    const m = this.#metrics;
    for (const [key, added] of this.#pending) {
      const start = performance.now();
      m.latency.observe((start - added) / 1000);
      const g = this.build(key);
      if (g !== null) groups.push(g);
      m.workDuration.observe((performance.now() - start) / 1000);
    }
    m.depth.dec(this.#pending.size);
    this.#pending.clear();
    if (groups.length > 0) send(groups);
  }
}

/** A group without targets: the object with this source is gone. */
export function emptyGroup(source: string): TargetGroup {
  return { source, targets: [], labels: {} };
}

