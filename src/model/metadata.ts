/** Metric family metadata, as scraped from TYPE, HELP and UNIT lines. */

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

export interface Metadata {
  type: MetricType;
  help: string;
  unit: string;
}
