/**
 * Merge querying: one `Querier` over several (TSDB blocks and head, later remote storages in
 * a fanout), with series of equal labels chained and overlapping samples deduplicated as
 * Prometheus's ChainedSeriesMerge does, and sorted unions of label names and values.
 */
export { ChainSampleIterator } from './chain-iterator.js';
export { ChainedSeries, EmptySeriesSet, chainedSeriesMerge, mergeSeriesSets, type LabelsCompare } from './merge-series-set.js';
export { MergeQuerier, NoopQuerier, newMergeQuerier } from './merge-querier.js';
export { mergeStrings } from './strings.js';
