/**
 * The PromQL engine: `PromQLEngine` runs instant and range queries over a `Queryable` with
 * Prometheus 3.14's semantics, limits and annotations.
 */
export { PromQLEngine, type PromQLEngineOptions } from './engine.js';
export { Annotations, Annotation, type AnnotationLevel } from './annotations.js';
