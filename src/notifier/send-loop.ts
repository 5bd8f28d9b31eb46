/**
 * The queue and sender of one Alertmanager. Alerts wait in a bounded queue
 * (`--alertmanager.notification-queue-capacity`); when it is full the oldest are dropped in
 * favour of the newest, and counted. The loop posts batches of at most
 * `--alertmanager.notification-batch-size` alerts, one request at a time; a batch that fails is
 * dropped (and counted), as Prometheus does: the rules resend active alerts anyway. On stop
 * the queue is drained (sent) or dropped, as `--alertmanager.drain-notification-queue-on-shutdown`
 * says.
 */
import type { HTTPClient } from '../httpclient/index.js';
import type { Logger } from '../util/log.js';
import type { NotifierAlert } from './alert.js';
import type { NotifierMetrics } from './metrics.js';
import { encodeAlertsV2 } from './payload.js';

export interface SendLoopOptions {
  url: string;
  client: HTTPClient;
  timeoutMs: number;
  apiVersion: string;
  queueCapacity: number;
  maxBatchSize: number;
  drainOnShutdown: boolean;
  userAgent: string;
  metrics: NotifierMetrics;
  logger: Logger;
}

/** A fixed-capacity FIFO: memory stays bounded by the capacity, however many alerts arrive. */
class Ring {
  readonly #buf: (NotifierAlert | undefined)[];
  #head = 0;
  #len = 0;
  constructor(capacity: number) {
    this.#buf = new Array<NotifierAlert | undefined>(Math.max(1, capacity));
  }
  get length(): number { return this.#len; }
  get capacity(): number { return this.#buf.length; }
  /** Appends; when full, the oldest is overwritten. Returns true when one was overwritten. */
  push(a: NotifierAlert): boolean {
    const cap = this.#buf.length;
    if (this.#len === cap) {
      this.#buf[this.#head] = a;
      this.#head = (this.#head + 1) % cap;
      return true;
    }
    this.#buf[(this.#head + this.#len) % cap] = a;
    this.#len++;
    return false;
  }
  take(n: number): NotifierAlert[] {
    const k = Math.min(n, this.#len);
    const out = new Array<NotifierAlert>(k);
    for (let i = 0; i < k; i++) {
      out[i] = this.#buf[this.#head]!;
      this.#buf[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#buf.length;
    }
    this.#len -= k;
    return out;
  }
}

export class SendLoop {
  readonly url: string;
  readonly #o: SendLoopOptions;
  readonly #queue: Ring;
  #stopped = false;
  #wake: (() => void) | null = null;
  #hasWork = false;
  #loop: Promise<void> = Promise.resolve();
  readonly #abort = new AbortController();

  constructor(o: SendLoopOptions) {
    this.url = o.url;
    this.#o = o;
    this.#queue = new Ring(o.queueCapacity);
    o.metrics.initAlertmanager(o.url);
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** Queues alerts, dropping the oldest beyond the capacity. */
  add(alerts: readonly NotifierAlert[]): void {
    if (this.#stopped) return;
    const cap = this.#o.queueCapacity;
    let dropped = 0;
    let from = 0;
    if (alerts.length > cap) {
      const d = alerts.length - cap;
      this.#o.logger.warn('Alert batch larger than queue capacity, dropping alerts', { count: d });
      dropped += d;
      from = d;
    }
    let overwritten = 0;
    for (let i = from; i < alerts.length; i++) if (this.#queue.push(alerts[i]!)) overwritten++;
    if (overwritten > 0) {
      this.#o.logger.warn('Alert notification queue full, dropping alerts', { count: overwritten });
      dropped += overwritten;
    }
    this.#notify();
    this.#o.metrics.queueLength.labels(this.url).set(this.#queue.length);
    if (dropped > 0) this.#o.metrics.dropped.labels(this.url).inc(dropped);
  }

  #notify(): void {
    this.#hasWork = true;
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#hasWork) {
        await new Promise<void>((resolve) => { this.#wake = resolve; });
        continue;
      }
      this.#hasWork = false;
      await this.#sendOneBatch();
      if (this.#queue.length > 0) this.#hasWork = true;
    }
  }

  async #sendOneBatch(): Promise<void> {
    const batch = this.#queue.take(this.#o.maxBatchSize);
    this.#o.metrics.queueLength.labels(this.url).set(this.#queue.length);
    if (!(await this.#sendAll(batch))) this.#o.metrics.dropped.labels(this.url).inc(batch.length);
  }

  async #sendAll(alerts: NotifierAlert[]): Promise<boolean> {
    if (alerts.length === 0) return true;
    if (this.#o.apiVersion !== 'v2') {
      this.#o.logger.error(`Invalid Alertmanager API version '${this.#o.apiVersion}', expected one of '[v2]'`);
      return false;
    }
    const begin = performance.now();
    const body = encodeAlertsV2(alerts);
    try {
      const res = await this.#o.client.request({
        method: 'POST', url: this.url, body, timeoutMs: this.#o.timeoutMs,
        headers: { 'User-Agent': this.#o.userAgent, 'Content-Type': 'application/json' },
        readBodyFor: () => false, signal: this.#abort.signal,
      });
      if (Math.floor(res.status / 100) !== 2) throw new Error(`bad response status ${res.status} ${res.statusText}`);
    } catch (e) {
      this.#o.logger.error('Error sending alerts', { count: alerts.length, err: e instanceof Error ? e.message : String(e) });
      this.#o.metrics.errors.labels(this.url).inc(alerts.length);
      return false;
    }
    const secs = (performance.now() - begin) / 1000;
    this.#o.metrics.latencySummary.labels(this.url).observe(secs);
    this.#o.metrics.latencyHistogram.labels(this.url).observe(secs);
    this.#o.metrics.sent.labels(this.url).inc(alerts.length);
    return true;
  }

  /**
   * Stops the loop after the request in flight, then sends (drain) or drops what is queued,
   * and removes this Alertmanager's metrics.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#notify();
    await this.#loop;
    if (this.#o.drainOnShutdown) {
      while (this.#queue.length > 0) await this.#sendOneBatch();
    } else {
      const n = this.#queue.length;
      this.#o.logger.warn('Alert notification queue not drained on shutdown, dropping alerts', { count: n });
      this.#o.metrics.dropped.labels(this.url).inc(n);
      this.#queue.take(n);
    }
    this.#o.metrics.deleteAlertmanager(this.url);
  }

  /** Aborts a request in flight (used when shutdown must not wait for a hung Alertmanager). */
  abort(): void {
    this.#abort.abort();
  }
}
