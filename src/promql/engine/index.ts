/**
 * The PromQL engine: `PromQLEngine` runs instant and range queries over a `Queryable` with
 * Prometheus 3.14's semantics, limits and annotations.
 *
 * How it evaluates (see the modules for details):
 *  - engine.ts: parsing, preparation (preprocess.ts: folded start()/end()/range()/step(),
 *    duration expressions, @, step-invariant subtrees), the concurrency gate, timeouts,
 *    selecting every selector's series once before evaluation, results and statistics;
 *  - evaluator.ts: every node is evaluated once for the whole step grid into per-series
 *    columns (types.ts); selectors walk each series' samples once (eval-selectors.ts),
 *    range functions slide windows over columns loaded once per series (eval-call.ts);
 *  - range-eval.ts: the general per-step path (Prometheus's rangeEval) for operators and
 *    functions, with columnar fast paths where results cannot differ: float aggregations
 *    (aggregate-columnar.ts, fused with range functions in eval-aggregate-fused.ts),
 *    operators on fixed series pairs (binop-columnar.ts), elementwise functions
 *    (eval-elementwise.ts), classic histogram quantiles (eval-classic-histogram.ts);
 *  - yielder.ts: loops yield to the event loop every ~10 ms and check timeout/cancellation.
 */
export { PromQLEngine, type PromQLEngineOptions } from './engine.js';
export { ActiveQueryTracker, ACTIVE_QUERIES_FILENAME } from './active-queries.js';
export { Annotations, Annotation, type AnnotationLevel } from './annotations.js';
