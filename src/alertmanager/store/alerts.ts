/**
 * The in-memory alert store (Alertmanager's mem provider): alerts by fingerprint, merged on
 * update, handed to subscribers (the dispatcher, the inhibitor, history) in order, and
 * garbage-collected once resolved. Single-threaded: callbacks run synchronously inside put().
 */
import { isResolved, mergeAlerts, type Alert } from './alert.js';

export type AlertListener = (a: Alert) => void;

export class AlertStore {
  readonly #alerts = new Map<string, Alert>();
  readonly #listeners = new Set<AlertListener>();
  readonly #onDelete: ((resolved: Alert[]) => void)[] = [];

  get size(): number {
    return this.#alerts.size;
  }

  get(fp: string): Alert | undefined {
    return this.#alerts.get(fp);
  }

  /** All alerts, resolved ones included, in no particular order. */
  list(): Alert[] {
    return [...this.#alerts.values()];
  }

  /**
   * Stores alerts, merging each with the stored version when their activity ranges overlap,
   * and hands the result to every subscriber.
   */
  put(alerts: readonly Alert[], now = Date.now()): void {
    for (let a of alerts) {
      const old = this.#alerts.get(a.fingerprint);
      if (old !== undefined) {
        const overlaps = (a.endsAt > old.startsAt && a.endsAt < old.endsAt) || (a.startsAt > old.startsAt && a.startsAt < old.endsAt);
        if (overlaps) a = mergeAlerts(old, a, now);
      }
      this.#alerts.set(a.fingerprint, a);
      for (const l of this.#listeners) l(a);
    }
  }

  /** Subscribes to stored alerts: every current alert is delivered first. Returns the unsubscribe. */
  subscribe(l: AlertListener): () => void {
    for (const a of this.#alerts.values()) l(a);
    this.#listeners.add(l);
    return () => { this.#listeners.delete(l); };
  }

  /** Called with the alerts removed by each garbage collection. Returns the unsubscribe. */
  onDelete(f: (resolved: Alert[]) => void): () => void {
    this.#onDelete.push(f);
    return () => {
      const i = this.#onDelete.indexOf(f);
      if (i >= 0) this.#onDelete.splice(i, 1);
    };
  }

  /** Removes resolved alerts. */
  gc(now = Date.now()): Alert[] {
    const gone: Alert[] = [];
    for (const [fp, a] of this.#alerts) {
      if (isResolved(a, now)) {
        this.#alerts.delete(fp);
        gone.push(a);
      }
    }
    if (gone.length > 0) for (const f of this.#onDelete) f(gone);
    return gone;
  }
}
