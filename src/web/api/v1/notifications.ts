/**
 * Server notifications for the UI: `/api/v1/notifications` lists the active ones,
 * `/api/v1/notifications/live` streams changes as Server-Sent Events (active ones first;
 * deleted ones once more with `active: false`). At most `--web.max-notifications-subscribers`
 * streams at once; beyond that the stream answers 204, as Prometheus's does.
 */
import type { Counter, Gauge, Registry } from '../../../instrument/index.js';
import type { Router } from '../../router.js';
import { formatRFC3339 } from '../../time-format.js';
import { respond } from './envelope.js';

/** Prometheus's notification texts. */
export const NOTIFICATION_CONFIG_FAILED = 'Configuration reload has failed.';
export const NOTIFICATION_STARTING_UP = 'Prometheus is starting and replaying the write-ahead log (WAL).';
export const NOTIFICATION_SHUTTING_DOWN = 'Prometheus is shutting down and gracefully stopping all operations.';

export interface Notification {
  text: string;
  date: Date;
  active: boolean;
}

type Subscriber = (n: Notification) => void;

/** Buffered notifications per live subscriber before further ones are dropped (as Prometheus's channel of 10). */
const SUBSCRIBER_BUFFER = 10;

export class Notifications {
  readonly #list: Notification[] = [];
  readonly #subs = new Set<Subscriber>();
  readonly #max: number;
  readonly #subscribers: Gauge | null;
  readonly #sent: Counter | null;
  readonly #dropped: Counter | null;

  constructor(maxSubscribers: number, registry?: Registry) {
    this.#max = maxSubscribers;
    this.#subscribers = registry?.gauge({ name: 'prometheus_api_notification_active_subscribers', help: 'The current number of active notification subscribers.' }) ?? null;
    this.#sent = registry?.counter({ name: 'prometheus_api_notification_updates_sent_total', help: 'Total number of notification updates sent.' }) ?? null;
    this.#dropped = registry?.counter({ name: 'prometheus_api_notification_updates_dropped_total', help: 'Total number of notification updates dropped.' }) ?? null;
  }

  /** Adds a notification, or refreshes the date of an existing one with the same text. */
  add(text: string): void {
    const now = new Date();
    const found = this.#list.find((n) => n.text === text);
    if (found !== undefined) {
      found.date = now;
      this.#notify({ ...found });
      return;
    }
    const n = { text, date: now, active: true };
    this.#list.push(n);
    this.#notify({ ...n });
  }

  delete(text: string): void {
    const i = this.#list.findIndex((n) => n.text === text);
    if (i < 0) return;
    const n = this.#list[i]!;
    this.#list.splice(i, 1);
    this.#notify({ ...n, active: false });
  }

  get(): Notification[] {
    return this.#list.map((n) => ({ ...n }));
  }

  /** Subscribes; null when the subscriber limit is reached. The active notifications are delivered first. */
  subscribe(fn: Subscriber): (() => void) | null {
    if (this.#subs.size >= this.#max) return null;
    this.#subs.add(fn);
    this.#subscribers?.set(this.#subs.size);
    for (const n of this.#list) fn({ ...n });
    return () => {
      this.#subs.delete(fn);
      this.#subscribers?.set(this.#subs.size);
    };
  }

  #notify(n: Notification): void {
    for (const s of this.#subs) {
      this.#sent?.inc();
      s(n);
    }
  }

  countDropped(): void {
    this.#dropped?.inc();
  }
}

function toJSON(n: Notification): { text: string; date: string; active: boolean } {
  return { text: n.text, date: formatRFC3339(n.date), active: n.active };
}

export function registerNotifications(r: Router, ns: Notifications): void {
  r.get('/api/v1/notifications', (c) => {
    respond(c.res, ns.get().map(toJSON));
  });
  r.get('/api/v1/notifications/live', (c) => {
    const res = c.res;
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    let pending = 0;
    const send = (n: Notification): void => {
      // A client that does not read keeps its buffer full; further updates are dropped.
      if (pending >= SUBSCRIBER_BUFFER) { ns.countDropped(); return; }
      pending++;
      res.write(`data: ${JSON.stringify(toJSON(n))}\n\n`, () => { pending--; });
    };
    // Writing the active notifications (if any) sends the 200 and the headers above.
    const unsubscribe = ns.subscribe(send);
    if (unsubscribe === null) {
      res.writeHead(204);
      res.end();
      return;
    }
    if (!res.headersSent) res.flushHeaders();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        unsubscribe();
        if (!res.writableEnded) res.end();
        resolve();
      };
      if (c.signal.aborted) done();
      else c.signal.addEventListener('abort', done, { once: true });
    });
  });
}
