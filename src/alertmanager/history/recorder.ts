/**
 * Turns what the Alertmanager sees into history events: alerts stored (fired, resolved by an
 * explicit end), alerts whose end time passed without an update (resolved by timeout, found
 * by `sweep`), marks of silences and inhibitions coming and going, and notification
 * attempts. Keeps one small state per live alert; forgets it when the store collects the
 * alert.
 */
import type { LabelSet } from '../labels/index.js';
import { resolvedAt, type Alert, type Clock } from '../store/index.js';
import type { NotifiedEvent, PipelineObserver } from '../notify/index.js';
import type { HistoryEvent } from './event.js';

interface Tracked {
  labels: LabelSet;
  firing: boolean;
  endsAt: number;
  silencedBy: readonly string[];
  inhibitedBy: readonly string[];
}

export class HistoryRecorder implements PipelineObserver {
  readonly #state = new Map<string, Tracked>();
  readonly #sink: (e: HistoryEvent) => void;
  readonly #clock: Clock;

  constructor(sink: (e: HistoryEvent) => void, clock: Clock) {
    this.#sink = sink;
    this.#clock = clock;
  }

  /** An alert was stored (new, updated or resolved). */
  alertStored(a: Alert): void {
    const now = this.#clock.now();
    const firing = !resolvedAt(a, now);
    const t = this.#state.get(a.fingerprint);
    if (t === undefined || t.firing !== firing) {
      this.#sink(firing
        ? { at: t === undefined ? Math.min(a.startsAt, now) : now, kind: 'firing', fingerprint: a.fingerprint, labels: a.labels }
        : { at: Math.min(a.endsAt, now), kind: 'resolved', fingerprint: a.fingerprint, labels: a.labels });
    }
    if (t === undefined) {
      this.#state.set(a.fingerprint, { labels: a.labels, firing, endsAt: a.endsAt, silencedBy: [], inhibitedBy: [] });
    } else {
      t.firing = firing;
      t.endsAt = a.endsAt;
    }
  }

  /** Records alerts whose end time has passed since they were stored (resolve_timeout). */
  sweep(): void {
    const now = this.#clock.now();
    for (const [fp, t] of this.#state) {
      if (t.firing && t.endsAt !== 0 && t.endsAt <= now) {
        t.firing = false;
        this.#sink({ at: t.endsAt, kind: 'resolved', fingerprint: fp, labels: t.labels });
      }
    }
  }

  /** Alerts the store garbage-collected. */
  forget(alerts: readonly Alert[]): void {
    for (const a of alerts) this.#state.delete(a.fingerprint);
  }

  /** The marker changed an alert's silences or inhibitions. */
  marked(fp: string, silencedBy: readonly string[], inhibitedBy: readonly string[]): void {
    const t = this.#state.get(fp);
    if (t === undefined) return;
    const at = this.#clock.now();
    if (silencedBy.length > 0 && !sameSet(silencedBy, t.silencedBy)) this.#sink({ at, kind: 'silenced', fingerprint: fp, labels: t.labels, by: [...silencedBy] });
    else if (silencedBy.length === 0 && t.silencedBy.length > 0) this.#sink({ at, kind: 'unsilenced', fingerprint: fp, labels: t.labels, by: [...t.silencedBy] });
    if (inhibitedBy.length > 0 && !sameSet(inhibitedBy, t.inhibitedBy)) this.#sink({ at, kind: 'inhibited', fingerprint: fp, labels: t.labels, by: [...inhibitedBy] });
    else if (inhibitedBy.length === 0 && t.inhibitedBy.length > 0) this.#sink({ at, kind: 'uninhibited', fingerprint: fp, labels: t.labels, by: [...t.inhibitedBy] });
    t.silencedBy = silencedBy;
    t.inhibitedBy = inhibitedBy;
  }

  /** A notification attempt ended (the pipeline's observer). */
  notified(e: NotifiedEvent): void {
    for (const a of e.alerts) {
      const ev: HistoryEvent = {
        at: e.at, kind: e.ok ? 'notified' : 'notify_failed', fingerprint: a.fingerprint, labels: a.labels,
        receiver: e.receiver, integration: e.integration, status: a.status,
      };
      if (!e.ok) ev.error = e.error;
      this.#sink(ev);
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(b);
  for (const x of a) if (!s.has(x)) return false;
  return true;
}
