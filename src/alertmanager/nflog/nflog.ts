/**
 * The notification log: for each (aggregation group, receiver integration), what was last
 * notified — which alerts were firing and which resolved, and when. The dedup stage reads
 * it to decide whether a flush must notify; it is persisted as a snapshot file so that a
 * restart neither re-notifies nor forgets `repeat_interval`.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Counter, Gauge, Histogram, Registry } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';

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
  /** Fingerprints of the alerts notified as firing / resolved. */
  firingAlerts: string[];
  resolvedAlerts: string[];
  /** When the entry may be forgotten. */
  expiresAt: number;
}

export function receiverString(r: NflogReceiver): string {
  return `${r.groupName}/${r.integration}/${r.idx}`;
}

function stateKey(groupKey: string, r: NflogReceiver): string {
  return `${groupKey}:${receiverString(r)}`;
}

/** True when every alert of `firing` was firing at the entry's notification. */
export function isFiringSubset(e: NflogEntry, firing: ReadonlySet<string>): boolean {
  return isSubset(new Set(e.firingAlerts), firing);
}

/** True when every alert of `resolved` was resolved at the entry's notification. */
export function isResolvedSubset(e: NflogEntry, resolved: ReadonlySet<string>): boolean {
  return isSubset(new Set(e.resolvedAlerts), resolved);
}

function isSubset(set: ReadonlySet<string>, sub: ReadonlySet<string>): boolean {
  for (const k of sub) if (!set.has(k)) return false;
  return true;
}

export interface NflogOptions {
  retentionMs: number;
  snapshotFile: string;
  logger: Logger;
  registry?: Registry;
  now?: () => number;
}

export class NotificationLog {
  readonly #st = new Map<string, NflogEntry>();
  readonly #opts: NflogOptions;
  readonly #now: () => number;
  #dirty = false;
  readonly #queries: Counter | null;
  readonly #queryDuration: Histogram | null;
  readonly #gcDuration: Gauge | null;
  readonly #snapDuration: Gauge | null;
  readonly #snapSize: Gauge | null;

  constructor(opts: NflogOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    const reg = opts.registry;
    this.#queries = reg?.counter({ name: 'alertmanager_nflog_queries_total', help: 'Number of notification log queries were received.' }) ?? null;
    this.#queries?.inc(0);
    reg?.counter({ name: 'alertmanager_nflog_query_errors_total', help: 'Number notification log received queries that failed.' }).inc(0);
    this.#queryDuration = reg?.histogram({ name: 'alertmanager_nflog_query_duration_seconds', help: 'Duration of notification log query evaluation.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }) ?? null;
    this.#gcDuration = reg?.gauge({ name: 'alertmanager_nflog_gc_duration_seconds', help: 'Duration of the last notification log garbage collection cycle.' }) ?? null;
    this.#snapDuration = reg?.gauge({ name: 'alertmanager_nflog_snapshot_duration_seconds', help: 'Duration of the last notification log snapshot.' }) ?? null;
    this.#snapSize = reg?.gauge({ name: 'alertmanager_nflog_snapshot_size_bytes', help: 'Size of the last notification log snapshot in bytes.' }) ?? null;
    reg?.counter({ name: 'alertmanager_nflog_gossip_messages_propagated_total', help: 'Number of received gossip messages that have been further gossiped.' }).inc(0);
  }

  /** Records a notification. `expiryMs` (e.g. twice the repeat interval) bounds how long it is kept beyond retention. */
  log(r: NflogReceiver, groupKey: string, firing: readonly string[], resolved: readonly string[], expiryMs = 0): void {
    const now = this.#now();
    const expiresAt = now + Math.max(this.#opts.retentionMs, expiryMs);
    this.#st.set(stateKey(groupKey, r), {
      groupKey, receiver: { ...r }, timestamp: now, firingAlerts: [...firing], resolvedAlerts: [...resolved], expiresAt,
    });
    this.#dirty = true;
  }

  query(r: NflogReceiver, groupKey: string): NflogEntry | undefined {
    const started = performance.now();
    this.#queries?.inc();
    const e = this.#st.get(stateKey(groupKey, r));
    this.#queryDuration?.observe((performance.now() - started) / 1000);
    return e;
  }

  entries(): NflogEntry[] {
    return [...this.#st.values()];
  }

  gc(): number {
    const started = performance.now();
    const now = this.#now();
    let n = 0;
    for (const [k, e] of this.#st) {
      if (e.expiresAt < now) { this.#st.delete(k); n++; }
    }
    if (n > 0) this.#dirty = true;
    this.#gcDuration?.set((performance.now() - started) / 1000);
    return n;
  }

  async load(): Promise<void> {
    if (this.#opts.snapshotFile === '') return;
    let text: string;
    try {
      text = await readFile(this.#opts.snapshotFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
    if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error(`reading notification log ${this.#opts.snapshotFile}: unknown format`);
    const now = this.#now();
    for (const x of parsed.entries as NflogEntry[]) {
      if (typeof x.groupKey !== 'string' || typeof x.timestamp !== 'number' || typeof x.expiresAt !== 'number' || x.expiresAt < now) continue;
      this.#st.set(stateKey(x.groupKey, x.receiver), x);
    }
  }

  async snapshot(force = false): Promise<number> {
    if (this.#opts.snapshotFile === '' || (!this.#dirty && !force)) return 0;
    this.#dirty = false;
    const started = performance.now();
    const body = JSON.stringify({ version: 1, entries: [...this.#st.values()] });
    const tmp = `${this.#opts.snapshotFile}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, this.#opts.snapshotFile);
    const size = Buffer.byteLength(body);
    this.#snapDuration?.set((performance.now() - started) / 1000);
    this.#snapSize?.set(size);
    return size;
  }
}
