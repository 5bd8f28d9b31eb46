/**
 * The PromQL parser: text to syntax tree (with Prometheus 3.14's grammar, type checks and
 * error messages), and back to canonical or prettified text.
 */
export * from './ast.js';
export { parseExpr, parseMetricSelectorMatchers, type ParseOptions } from './parse.js';
export { featureParseOptions } from './parser-state.js';
export { ParseErr, ParseErrors, ParseTimeout, startPosInput } from './errors.js';
export { FUNCTIONS, type FunctionDef } from './functions.js';
export { exprToString, matcherString } from './printer.js';
export { prettify } from './prettier.js';
export { children, walk, inspect, extractSelectors } from './walk.js';
export { summarize } from './summary.js';
export { resolveDurations, evalDurationExpr, DurationEvalError } from './duration-eval.js';
export { parseMetricSelector, SelectorParseError } from './metric-selector.js';
export { run, sub, type Step } from './trampoline.js';
