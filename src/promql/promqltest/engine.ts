/**
 * The engine the scripts run against, configured as Prometheus's reference runner configures
 * its test engine (FORMAT.md, section 6): 5m lookback, 10 000 samples per query, 100 s
 * timeout, 1m default subquery step, `@` and negative offsets on, delayed name removal and
 * start timestamps on, all experimental syntax on.
 */
import type { Engine } from '../value.js';

export interface ConformanceEngineOptions {
  lookbackDelta: number;
  maxSamples: number;
  timeoutMs: number;
  /** Step of subqueries written without one (`[1h:]`). */
  noStepSubqueryIntervalMs: number;
  enableAtModifier: boolean;
  enableNegativeOffset: boolean;
  enablePerStepStats: boolean;
  experimentalFunctions: boolean;
  extendedRangeSelectors: boolean;
  binopFillModifiers: boolean;
  delayedNameRemoval: boolean;
  enableStartTimestamps: boolean;
}

export const REFERENCE_ENGINE_OPTIONS: Readonly<ConformanceEngineOptions> = Object.freeze({
  lookbackDelta: 5 * 60 * 1000,
  maxSamples: 10_000,
  timeoutMs: 100_000,
  noStepSubqueryIntervalMs: 60 * 1000,
  enableAtModifier: true,
  enableNegativeOffset: true,
  enablePerStepStats: false,
  experimentalFunctions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
  delayedNameRemoval: true,
  enableStartTimestamps: true,
});

export type EngineFactory = (opts: Readonly<ConformanceEngineOptions>) => Engine;

/** Either an engine or why there is none. */
export type LoadedEngine = { ok: true; engine: Engine } | { ok: false; reason: string };

/**
 * Watchfire's engine (`PromQLEngine` of src/promql/engine), loaded by a dynamic import so that
 * the runner builds and runs (reporting every eval as failing) while the engine is not there.
 */
export async function loadWatchfireEngine(opts: Readonly<ConformanceEngineOptions> = REFERENCE_ENGINE_OPTIONS): Promise<LoadedEngine> {
  const spec = '../engine/index.js';
  let mod: unknown;
  try {
    mod = await import(spec);
  } catch (e) {
    return { ok: false, reason: `loading the PromQL engine: ${e instanceof Error ? e.message : String(e)}` };
  }
  const ctor = (mod as { PromQLEngine?: unknown }).PromQLEngine;
  if (typeof ctor !== 'function') return { ok: false, reason: 'loading the PromQL engine: src/promql/engine does not export PromQLEngine' };
  try {
    return { ok: true, engine: new (ctor as new (o: ConformanceEngineOptions) => Engine)({ ...opts }) };
  } catch (e) {
    return { ok: false, reason: `creating the PromQL engine: ${e instanceof Error ? e.message : String(e)}` };
  }
}
