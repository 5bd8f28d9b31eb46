/**
 * The exposition parsers: Prometheus text 0.0.4/1.0.0, OpenMetrics 1.0 and the protobuf
 * format, chosen by Content-Type as Prometheus 3 chooses them, plus the scrape Accept header.
 */
import type { ScrapeProtocol } from '../config/types.js';
import type { Parser, ParserFactory, ParserOptions } from './interface.js';
import { chooseMediaType } from './media-type.js';
import { PromParser } from './prom-parser.js';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { ProtobufParser } from './protobuf-parser.js';
import { NHCBParser } from './nhcb-parser.js';

export { EntryType, ParseError } from './interface.js';
export type { Parser, ParserFactory, ParserOptions } from './interface.js';
export { acceptHeader } from './accept-header.js';
export { chooseMediaType, parseMediaType, protocolMediaType, SCRAPE_PROTOCOL_HEADERS } from './media-type.js';
export type { ExpositionMediaType, MediaTypeChoice, ParsedMediaType } from './media-type.js';
export { PromParser } from './prom-parser.js';
export { OpenMetricsParser } from './openmetrics-parser.js';
export { ProtobufParser } from './protobuf-parser.js';
export { NHCBParser } from './nhcb-parser.js';
export { formatOpenMetricsFloat } from './float.js';

export interface ParserChoice {
  parser: Parser;
  /** Set when the Content-Type was blank, unparsable or unsupported and the fallback protocol was used. */
  warning: string | undefined;
}

/**
 * `newParser` with the fallback warning Prometheus logs (at debug level) when it had to use
 * the target's fallback protocol. Throws `ParseError` when no parser fits.
 */
export function selectParser(
  body: Uint8Array, contentType: string, fallback: ScrapeProtocol | '', opts: ParserOptions,
): ParserChoice {
  const { mediaType, warning } = chooseMediaType(contentType, fallback);
  let parser: Parser;
  switch (mediaType) {
    case 'application/vnd.google.protobuf':
      return { parser: new ProtobufParser(body, opts), warning };
    case 'application/openmetrics-text':
      parser = new OpenMetricsParser(body, opts.parseStartTimestamps);
      break;
    case 'text/plain':
      parser = new PromParser(body);
      break;
  }
  if (opts.convertClassicHistogramsToNHCB) parser = new NHCBParser(parser, opts.keepClassicHistograms, opts.parseStartTimestamps);
  return { parser, warning };
}

/**
 * The parser for a scrape body by its Content-Type (see `ParserFactory`). The body is read,
 * never written, and must stay unchanged while the parser is in use.
 */
export const newParser: ParserFactory = (body, contentType, fallback, opts) =>
  selectParser(body, contentType, fallback, opts).parser;
