/**
 * The engine the scripts run against, configured as Prometheus's reference runner configures
 * its test engine (FORMAT.md, section 6): 5m lookback, 10 000 samples per query, 100 s
 * timeout, 1m default subquery step, `@` and negative offsets on, delayed name removal and
 * start timestamps on, all experimental syntax on.
 */
import { PromQLEngine, type PromQLEngineOptions } from '../engine/index.js';
import type { Engine } from '../value.js';

const MINUTE = 60 * 1000;

export const REFERENCE_ENGINE_OPTIONS: Readonly<PromQLEngineOptions> = Object.freeze({
  lookbackDelta: 5 * MINUTE,
  maxSamples: 10_000,
  timeoutMs: 100_000,
  noStepSubqueryIntervalFn: () => MINUTE,
  enableAtModifier: true,
  enableNegativeOffset: true,
  enablePerStepStats: false,
  experimentalFunctions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
  delayedNameRemoval: true,
  enableStartTimestamps: true,
  typeAndUnitLabels: false,
  // The runner runs one query at a time; no need to queue.
  maxConcurrency: 0,
});

/** Prometheus 3's defaults (no feature flags), as a user's server runs: for comparisons with a real Prometheus. */
export const PROMETHEUS_DEFAULT_OPTIONS: Readonly<PromQLEngineOptions> = Object.freeze({
  lookbackDelta: 5 * MINUTE,
  maxSamples: 50_000_000,
  timeoutMs: 2 * MINUTE,
  noStepSubqueryIntervalFn: () => MINUTE,
  enableAtModifier: true,
  enableNegativeOffset: true,
  maxConcurrency: 0,
});

/** Either an engine or why there is none. */
export type LoadedEngine = { ok: true; engine: Engine } | { ok: false; reason: string };

/** Watchfire's engine with the given options; a failure to construct it is reported, not thrown. */
export function watchfireEngine(opts: Readonly<PromQLEngineOptions> = REFERENCE_ENGINE_OPTIONS): LoadedEngine {
  try {
    return { ok: true, engine: new PromQLEngine({ ...opts }) };
  } catch (e) {
    return { ok: false, reason: `creating the PromQL engine: ${e instanceof Error ? e.message : String(e)}` };
  }
}
