/**
 * A test integration: records every notification it gets and answers as told. Tests route
 * receivers to it by registering it as the factory of an integration kind (usually
 * `webhook`), so that no network is involved.
 */
import { systemClock, type Alert, type Clock } from '../store/index.js';
import type { Notifier, NotifyContext, NotifyResult } from './notifier.js';

export interface StubCall {
  receiver: string;
  groupKey: string;
  at: number;
  alerts: { fingerprint: string; labels: Record<string, string>; status: 'firing' | 'resolved'; endsAt: number }[];
}

export class StubNotifier implements Notifier {
  readonly calls: StubCall[] = [];
  /** Answers given in order; when exhausted, success. */
  readonly script: NotifyResult[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    const now = this.#clock.now();
    this.calls.push({
      receiver: ctx.receiverName,
      groupKey: ctx.groupKey,
      at: now,
      alerts: alerts.map((a) => ({
        fingerprint: a.fingerprint, labels: { ...a.labels }, status: a.endsAt !== 0 && a.endsAt <= ctx.now ? 'resolved' : 'firing', endsAt: a.endsAt,
      })),
    });
    return Promise.resolve(this.script.shift() ?? { retry: false });
  }
}
