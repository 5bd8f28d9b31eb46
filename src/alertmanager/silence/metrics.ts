/** Alertmanager's silence metrics (`alertmanager_silences*`). */
import type { Counter, Gauge, Registry } from '../../instrument/index.js';
import type { SilenceState } from './silence.js';

export class SilenceMetrics {
  readonly #gcDuration: Gauge;
  readonly #snapDuration: Gauge;
  readonly #snapSize: Gauge;
  readonly #queries: Counter;

  constructor(reg: Registry, counts: () => Record<SilenceState, number>) {
    reg.collector('alertmanager_silences', 'How many silences by state.', 'gauge', () => {
      const c = counts();
      return (['active', 'expired', 'pending'] as const).map((s) => ({ suffix: '', labels: [['state', s]] as const, value: c[s] }));
    });
    this.#gcDuration = reg.gauge({ name: 'alertmanager_silences_gc_duration_seconds', help: 'Duration of the last silence garbage collection cycle.' });
    this.#snapDuration = reg.gauge({ name: 'alertmanager_silences_snapshot_duration_seconds', help: 'Duration of the last silence snapshot.' });
    this.#snapSize = reg.gauge({ name: 'alertmanager_silences_snapshot_size_bytes', help: 'Size of the last silence snapshot in bytes.' });
    this.#queries = reg.counter({ name: 'alertmanager_silences_queries_total', help: 'How many silence queries were received.' });
    this.#queries.inc(0);
    reg.counter({ name: 'alertmanager_silences_query_errors_total', help: 'How many silence received queries did not succeed.' }).inc(0);
    reg.counter({ name: 'alertmanager_silences_gossip_messages_propagated_total', help: 'Number of received gossip messages that have been further gossiped.' }).inc(0);
  }

  gcDone(seconds: number): void { this.#gcDuration.set(seconds); }
  snapshotDone(seconds: number, size: number): void { this.#snapDuration.set(seconds); this.#snapSize.set(size); }
  queried(): void { this.#queries.inc(); }
}
