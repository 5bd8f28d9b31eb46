/** Alertmanager's silence metrics (`alertmanager_silences*`), with its names, types and help. */
import type { Counter, Gauge, Histogram, Registry, Summary } from '../../instrument/index.js';
import type { SilenceState } from './silence.js';

export class SilenceMetrics {
  readonly #gcDuration: Summary;
  readonly #snapDuration: Summary;
  readonly #snapSize: Gauge;
  readonly #queries: Counter;
  readonly #queryErrors: Counter;
  readonly #queryDuration: Histogram;

  constructor(reg: Registry, counts: () => Record<SilenceState, number>) {
    this.#gcDuration = reg.summary({ name: 'alertmanager_silences_gc_duration_seconds', help: 'Duration of the last silence garbage collection cycle.', objectives: [] });
    this.#snapDuration = reg.summary({ name: 'alertmanager_silences_snapshot_duration_seconds', help: 'Duration of the last silence snapshot.', objectives: [] });
    this.#snapSize = reg.gauge({ name: 'alertmanager_silences_snapshot_size_bytes', help: 'Size of the last silence snapshot in bytes.' });
    this.#snapSize.set(0);
    this.#queries = reg.counter({ name: 'alertmanager_silences_queries_total', help: 'How many silence queries were received.' });
    this.#queries.inc(0);
    this.#queryErrors = reg.counter({ name: 'alertmanager_silences_query_errors_total', help: 'How many silence received queries did not succeed.' });
    this.#queryErrors.inc(0);
    this.#queryDuration = reg.histogram({ name: 'alertmanager_silences_query_duration_seconds', help: 'Duration of silence query evaluation.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    reg.collector('alertmanager_silences', 'How many silences by state.', 'gauge', () => {
      const c = counts();
      return (['active', 'expired', 'pending'] as const).map((s) => ({ suffix: '', labels: [['state', s]] as const, value: c[s] }));
    });
    reg.counter({ name: 'alertmanager_silences_gossip_messages_propagated_total', help: 'Number of received gossip messages that have been further gossiped.' }).inc(0);
  }

  gcDone(seconds: number): void { this.#gcDuration.observe(seconds); }
  snapshotDone(seconds: number, size: number): void { this.#snapDuration.observe(seconds); this.#snapSize.set(size); }
  queried(seconds: number): void { this.#queries.inc(); this.#queryDuration.observe(seconds); }
  queryFailed(): void { this.#queryErrors.inc(); }
}
