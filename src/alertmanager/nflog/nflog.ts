/**
 * The notification log: for each (aggregation group, receiver integration), what was last
 * notified — the hashes of the alerts that were firing and resolved, and when. The dedup
 * stage reads it to decide whether a flush must notify; it is kept in a snapshot file in
 * Alertmanager's format (`<storage.path>/nflog`) so that a restart neither re-notifies nor
 * forgets `repeat_interval`, and a data directory moves between the two.
 */
import type { Counter, Histogram, Registry, Summary } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';
import { readSnapshotFile, systemClock, writeSnapshotFile, type Clock } from '../store/index.js';
import { decodeNflogSnapshot, encodeNflogSnapshot } from './codec.js';

/** An integration of a receiver, as the log names it. */
export interface NflogReceiver {
  groupName: string;
  integration: string;
  idx: number;
}

export interface NflogEntry {
  groupKey: string;
  receiver: NflogReceiver;
  /** Unix milliseconds of the notification. */
  timestamp: number;
  /** Alert hashes (16 hex digits, see hashAlertLabels) notified as firing / resolved. */
  firingAlerts: string[];
  resolvedAlerts: string[];
  /** When the entry may be forgotten (Unix ms). */
  expiresAt: number;
}

export function receiverString(r: NflogReceiver): string {
  return `${r.groupName}/${r.integration}/${r.idx}`;
}

export function stateKey(groupKey: string, r: NflogReceiver): string {
  return `${groupKey}:${receiverString(r)}`;
}

/** True when every alert of `firing` was firing at the entry's notification. */
export function isFiringSubset(e: NflogEntry, firing: ReadonlySet<string>): boolean {
  return isSubset(e.firingAlerts, firing);
}

/** True when every alert of `resolved` was resolved at the entry's notification. */
export function isResolvedSubset(e: NflogEntry, resolved: ReadonlySet<string>): boolean {
  return isSubset(e.resolvedAlerts, resolved);
}

function isSubset(list: readonly string[], sub: ReadonlySet<string>): boolean {
  if (sub.size === 0) return true;
  const set = new Set(list);
  for (const k of sub) if (!set.has(k)) return false;
  return true;
}

export interface NflogOptions {
  retentionMs: number;
  /** Snapshot file; '' keeps the log in memory only. */
  snapshotFile: string;
  logger: Logger;
  registry?: Registry;
  clock?: Clock;
}

export class NotificationLog {
  readonly #st = new Map<string, NflogEntry>();
  readonly #opts: NflogOptions;
  readonly #clock: Clock;
  readonly #queries: Counter | null;
  readonly #queryErrors: Counter | null;
  readonly #queryDuration: Histogram | null;
  readonly #gcDuration: Summary | null;
  readonly #snapDuration: Summary | null;
  readonly #maintenance: Counter | null;
  readonly #maintenanceErrors: Counter | null;
  #snapSize = 0;

  constructor(opts: NflogOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    const reg = opts.registry;
    this.#queries = reg?.counter({ name: 'alertmanager_nflog_queries_total', help: 'Number of notification log queries were received.' }) ?? null;
    this.#queryErrors = reg?.counter({ name: 'alertmanager_nflog_query_errors_total', help: 'Number notification log received queries that failed.' }) ?? null;
    this.#queryDuration = reg?.histogram({ name: 'alertmanager_nflog_query_duration_seconds', help: 'Duration of notification log query evaluation.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }) ?? null;
    this.#gcDuration = reg?.summary({ name: 'alertmanager_nflog_gc_duration_seconds', help: 'Duration of the last notification log garbage collection cycle.', objectives: [] }) ?? null;
    this.#snapDuration = reg?.summary({ name: 'alertmanager_nflog_snapshot_duration_seconds', help: 'Duration of the last notification log snapshot.', objectives: [] }) ?? null;
    reg?.collector('alertmanager_nflog_snapshot_size_bytes', 'Size of the last notification log snapshot in bytes.', 'gauge', () => [{ suffix: '', labels: [], value: this.#snapSize }]);
    this.#maintenance = reg?.counter({ name: 'alertmanager_nflog_maintenance_total', help: 'How many maintenances were executed for the notification log.' }) ?? null;
    this.#maintenanceErrors = reg?.counter({ name: 'alertmanager_nflog_maintenance_errors_total', help: 'How many maintenances were executed for the notification log that failed.' }) ?? null;
    reg?.counter({ name: 'alertmanager_nflog_gossip_messages_propagated_total', help: 'Number of received gossip messages that have been further gossiped.' }).inc(0);
    for (const c of [this.#queries, this.#queryErrors, this.#maintenance, this.#maintenanceErrors]) c?.inc(0);
  }

  /**
   * Records a notification. The entry is kept for the retention, or for `expiryMs` (the
   * pipeline passes twice the repeat interval) when that is shorter, as Alertmanager does.
   * An entry newer than now (clock skew) is left alone.
   */
  log(r: NflogReceiver, groupKey: string, firing: readonly string[], resolved: readonly string[], expiryMs = 0): void {
    const now = this.#clock.now();
    const key = stateKey(groupKey, r);
    const prev = this.#st.get(key);
    if (prev !== undefined && prev.timestamp > now) return;
    let expiresAt = now + this.#opts.retentionMs;
    if (expiryMs > 0 && this.#opts.retentionMs > expiryMs) expiresAt = now + expiryMs;
    this.#st.set(key, { groupKey, receiver: { ...r }, timestamp: now, firingAlerts: [...firing], resolvedAlerts: [...resolved], expiresAt });
  }

  /** The last notification of this group to this integration, if any. */
  query(r: NflogReceiver, groupKey: string): NflogEntry | undefined {
    const started = performance.now();
    this.#queries?.inc();
    const e = this.#st.get(stateKey(groupKey, r));
    // Alertmanager counts "not found" as a failed query.
    if (e === undefined) this.#queryErrors?.inc();
    this.#queryDuration?.observe((performance.now() - started) / 1000);
    return e;
  }

  entries(): NflogEntry[] {
    return [...this.#st.values()];
  }

  /** Forgets entries past their expiry; returns how many. */
  gc(): number {
    const started = performance.now();
    const now = this.#clock.now();
    let n = 0;
    for (const [k, e] of this.#st) {
      if (e.expiresAt <= now) { this.#st.delete(k); n++; }
    }
    this.#gcDuration?.observe((performance.now() - started) / 1000);
    return n;
  }

  /** Loads the snapshot file, if there is one. A malformed file is an error. */
  async load(): Promise<number> {
    if (this.#opts.snapshotFile === '') return 0;
    const b = await readSnapshotFile(this.#opts.snapshotFile);
    if (b === null) return 0;
    const entries = decodeNflogSnapshot(b);
    for (const e of entries) this.#st.set(stateKey(e.groupKey, e.receiver), e);
    return entries.length;
  }

  /** Writes the snapshot; returns its size in bytes (0 without a snapshot file). */
  async snapshot(): Promise<number> {
    if (this.#opts.snapshotFile === '') return 0;
    const started = performance.now();
    const size = await writeSnapshotFile(this.#opts.snapshotFile, encodeNflogSnapshot([...this.#st.values()]));
    this.#snapDuration?.observe((performance.now() - started) / 1000);
    this.#snapSize = size;
    return size;
  }

  /** Garbage collection then snapshot, counted as Alertmanager's maintenance. */
  async maintenance(): Promise<number> {
    this.#maintenance?.inc();
    try {
      this.gc();
      return await this.snapshot();
    } catch (e) {
      this.#maintenanceErrors?.inc();
      throw e;
    }
  }
}
