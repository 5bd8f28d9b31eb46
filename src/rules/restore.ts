/**
 * Restoring the `for` state of alerts after a restart, from the `ALERTS_FOR_STATE` series the
 * rules wrote before (their value is the alert's `activeAt` in seconds). Only series seen within
 * `--rules.alert.for-outage-tolerance` count. The pending time already spent is kept, the
 * downtime is added on top, and an alert never fires sooner than `--rules.alert.for-grace-period`
 * after the restore (for rules whose `for` is longer than the grace period).
 */
import { Matcher, type Millis } from '../model/index.js';
import { ValueType } from '../storage/interface.js';
import type { AlertingRule } from './alerting-rule.js';
import type { GroupContext } from './options.js';
import type { Logger } from '../util/log.js';

export async function restoreForState(rules: readonly AlertingRule[], nowMs: number, ctx: GroupContext, logger: Logger): Promise<void> {
  const maxt = nowMs as Millis;
  const mint = (nowMs - ctx.outageToleranceMs) as Millis;
  let q;
  try {
    q = await ctx.queryable.querier(mint, maxt);
  } catch (e) {
    logger.error('Failed to get Querier', { err: e instanceof Error ? e.message : String(e) });
    return;
  }
  try {
    for (const rule of rules) {
      const hold = rule.holdDurationMs;
      if (hold < ctx.forGracePeriodMs) {
        // Alerts with a `for` below the grace period simply wait out their `for` again.
        rule.restored = true;
        continue;
      }
      const probe = rule.forStateSample(null, maxt, 0).metric;
      const matchers: Matcher[] = [];
      // Labels with templates are expanded per alert and would not match the stored series.
      probe.forEach((n, v) => { if (!v.includes('{{')) matchers.push(new Matcher('=', n, v)); });
      let set;
      try {
        set = await q.select(false, null, matchers);
      } catch (e) {
        logger.error("Failed to restore 'for' state", { alertname: rule.name, stage: 'Select', err: e instanceof Error ? e.message : String(e) });
        rule.restored = true;
        continue;
      }
      const last = new Map<string, { t: number; v: number; stale: boolean }>();
      while (set.next()) {
        const s = set.at();
        const it = s.iterator(null);
        let t = 0;
        let v = 0;
        let stale = false;
        let found = false;
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
          if (vt !== ValueType.Float) continue;
          t = it.atT();
          v = it.atF();
          stale = it.atStale();
          found = true;
        }
        if (it.err() !== null) {
          logger.error("Failed to restore 'for' state", { alertname: rule.name, stage: 'Iterator', err: it.err()!.message });
          continue;
        }
        if (found) last.set(s.labels.withoutMetricName().key(), { t, v, stale });
      }
      if (set.err() !== null) {
        logger.error("Failed to restore 'for' state", { alertname: rule.name, stage: 'Select', err: set.err()!.message });
        rule.restored = true;
        continue;
      }
      if (last.size === 0) {
        logger.debug("No series found to restore the 'for' state of the alert rule", { alertname: rule.name });
        rule.restored = true;
        continue;
      }
      for (const a of rule.active.values()) {
        const s = last.get(a.labels.key());
        if (s === undefined || s.stale) continue;
        const downAt = Math.floor(s.t / 1000) * 1000;
        let restoredActiveAt = Math.trunc(s.v) * 1000;
        const remaining = hold - (downAt - restoredActiveAt);
        if (remaining <= 0) {
          // It was firing when the server went down; the next evaluation keeps it firing.
        } else if (remaining < ctx.forGracePeriodMs) {
          // Fire no sooner than one grace period from now.
          restoredActiveAt = nowMs + ctx.forGracePeriodMs - hold;
        } else {
          // Add the downtime to the time it still has to wait.
          restoredActiveAt += nowMs - downAt;
        }
        a.activeAt = restoredActiveAt;
        logger.debug("'for' state restored", { alertname: rule.name, restored_time: new Date(restoredActiveAt).toISOString(), labels: a.labels.toString() });
      }
      rule.restored = true;
    }
  } finally {
    await q.close();
  }
}
