/**
 * The Accept header of scrape requests, built as Prometheus 3 builds it: the configured
 * protocols in order of preference with falling q-weights, the name-escaping scheme on the
 * formats that understand it (text 1.0.0 and OpenMetrics 1.0.0), and `*\/*` last.
 */
import type { NameEscapingScheme, ScrapeProtocol } from '../config/types.js';
import { SCRAPE_PROTOCOL_HEADERS } from './media-type.js';

/**
 * E.g. for the default protocols and `underscores`:
 * `application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`.
 * Weights start at 0.(number of known protocols + 1) and drop by one digit per entry, as
 * Prometheus prints them (no validation: protocols are validated with the configuration).
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[], escaping: NameEscapingScheme): string {
  const parts: string[] = [];
  let weight = Object.keys(SCRAPE_PROTOCOL_HEADERS).length + 1;
  for (const p of protocols) {
    let v = SCRAPE_PROTOCOL_HEADERS[p];
    if (p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0') v += ';escaping=' + escaping;
    parts.push(`${v};q=0.${weight}`);
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}
