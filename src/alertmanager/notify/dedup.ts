/**
 * Alertmanager's dedup decision, taken per integration before sending: a group that was
 * never notified is notified when something fires; afterwards when a firing alert is new,
 * when everything resolved after something had been notified as firing, when (with
 * send_resolved) a resolved alert is new, or when `repeat_interval` has passed.
 */
import { isFiringSubset, isResolvedSubset, type NflogEntry } from '../nflog/index.js';

export function needsUpdate(entry: NflogEntry | undefined, firing: ReadonlySet<string>, resolved: ReadonlySet<string>, repeatMs: number, sendResolved: boolean, now: number): boolean {
  if (entry === undefined) return firing.size > 0;
  if (!isFiringSubset(entry, firing)) return true;
  if (firing.size === 0) return entry.firingAlerts.length > 0;
  if (sendResolved && !isResolvedSubset(entry, resolved)) return true;
  return entry.timestamp < now - repeatMs;
}
