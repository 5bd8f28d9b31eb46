/**
 * The PromQL conformance runner: Prometheus's PromQL test scripts (`*.test`) parsed and run
 * against an engine with the reference runner's rules, plus the storage setup they need.
 * `npm run conformance:promql` (run.ts) and conformance.test.ts drive it over the shared
 * testdata; differential.e2e.test.ts compares the engine with a real Prometheus 2.42.
 */
export { parseScript, RUNNER_PARSE_OPTIONS } from './parse-script.js';
export { parseSeriesDesc, parseValueSequence } from './series-desc.js';
export {
  ScriptError, expectsFailure, isOrdered,
  type ClearCmd, type Command, type EvalCmd, type EvalMode, type ExpectedSeries, type LoadCmd, type LoadSeries,
  type Script, type SequenceValue, type SeriesDesc, type TextMatcher,
} from './script.js';
export { TestStorage, convertClassicHistograms } from './load.js';
export { almostEqual, compareResult, histogramsMatch } from './compare.js';
export { atModifierVariants, AT_MODIFIER_UNSAFE_FUNCTIONS } from './at-modifier.js';
export { ScriptRunner, type EvalResult, type Failure, type RunOptions, type ScriptResult } from './runner.js';
export {
  listScripts, loadKnownFailures, runSuite, verdict, writeKnownFailures,
  type FailureMap, type FileSummary, type SuiteResult, type Verdict,
} from './suite.js';
export { PROMETHEUS_DEFAULT_OPTIONS, REFERENCE_ENGINE_OPTIONS, watchfireEngine, type LoadedEngine } from './engine.js';
