/**
 * The exposition parser seam: one cursor per scrape body, pulled entry by entry by the scrape
 * loop, as Prometheus's textparse does. Implementations: Prometheus text 0.0.4/1.0.0,
 * OpenMetrics 1.0, the protobuf format.
 */
import type { Exemplar, FloatHistogram, Histogram, Labels, MetricType } from '../model/index.js';

export const enum EntryType {
  Type = 0,
  Help = 1,
  Series = 2,
  Comment = 3,
  Unit = 4,
  Histogram = 5,
  EOF = 6,
}

/** A syntax error in a scrape body. Fails the whole scrape; the message reads like Prometheus's. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
}

/**
 * A pull parser. `next()` moves to the next entry and returns its type, `EOF` at the end, and
 * throws `ParseError` on the first error (once; the parser is unusable afterwards). The
 * accessors read the current entry and are valid until the next `next()`.
 */
export interface Parser {
  next(): EntryType;
  /**
   * `next()`, told that the next entry is probably the series whose `seriesKey()` is `key`
   * (the scrape loop's guess from the last body). A parser may check that guess against the
   * raw bytes first and, when it holds, skip reading the label set (`labels()` still works);
   * parsers without such a shortcut just call `next()`. With null it is `next()`.
   *
   * `keyBytes`, when given with `keyOff >= 0`, holds the key's chars as bytes at
   * [keyOff, keyOff + key.length): a text parser compares those with the body four bytes at a
   * time instead of char by char (about ten times faster).
   */
  nextExpecting(key: string | null, keyBytes?: DataView, keyOff?: number): EntryType;

  /**
   * Series and Histogram entries: a string identifying the series as written in the body
   * (name and label set, before unescaping). Equal strings mean the same series within and
   * across scrapes of one target, so the scrape loop caches parsed labels by it. Opaque (for
   * protobuf it is built from the raw label bytes); a fresh string that does not pin the
   * body, so it may be kept as a cache key.
   */
  seriesKey(): string;
  /**
   * Series and Histogram entries: whether `seriesKey()` equals `key`, without building the
   * string (the scrape loop checks its guess of the next series this way, so that a body in
   * the same order as the last one costs no key string, hash or map lookup per sample).
   */
  seriesKeyEquals(key: string): boolean;
  /** Series entries: the value. */
  value(): number;
  /** Series and Histogram entries: the timestamp in ms, or undefined when the body gave none. */
  timestamp(): number | undefined;
  /** Series and Histogram entries: the full label set, `__name__` included. Allocates; call only for new series. */
  labels(): Labels;
  /** Histogram entries: exactly one of the two is non-null. */
  histogram(): { h: Histogram | null; fh: FloatHistogram | null };
  /**
   * Series and Histogram entries: the next exemplar of the entry, or null when there are no
   * more. Call repeatedly to read all.
   */
  exemplar(): Exemplar | null;
  /**
   * Series and Histogram entries: the start (created) timestamp in ms, when known. Only with
   * `ParserOptions.parseStartTimestamps` (otherwise always undefined, as Prometheus reads them
   * only when start-timestamp ingestion is on); 0 in the exposition means unknown.
   */
  startTimestamp(): number | undefined;

  /** Help entries: [metric family name, help text]. */
  help(): [string, string];
  /** Type entries: [metric family name, type]. */
  type(): [string, MetricType];
  /** Unit entries: [metric family name, unit]. */
  unit(): [string, string];
  /** Comment entries: the comment text. */
  comment(): string;
  /**
   * Drops the parser's references to the body once the caller is done with it. The scrape
   * loop keeps its last parser alive between scrapes (see scrape/live-shapes.ts); without the
   * body, that costs no more than the parser object. The parser reads nothing afterwards.
   */
  release(): void;
}

export interface ParserOptions {
  /** Parse `_created` series / created timestamps into start timestamps instead of samples. */
  parseStartTimestamps: boolean;
  /**
   * Protobuf: also expose classic buckets of native histograms (`always_scrape_classic_histograms`).
   * With NHCB conversion (any format): also keep the classic series of converted histograms.
   */
  keepClassicHistograms: boolean;
  /**
   * Convert classic histograms to native histograms with custom buckets (NHCB,
   * `convert_classic_histograms_to_nhcb`): in the protobuf parser, and for the text formats
   * by wrapping the parser, as Prometheus does.
   */
  convertClassicHistogramsToNHCB: boolean;
  /**
   * Protobuf: treat native histograms as classic ones (only their classic buckets, count and
   * sum), as Prometheus does when `scrape_native_histograms` is off. Absent means false.
   */
  ignoreNativeHistograms?: boolean;
}

/**
 * Chooses the parser for a scrape body by its Content-Type, as Prometheus does: the media
 * type selects text 0.0.4/1.0.0, OpenMetrics or protobuf; a blank or unknown type falls back
 * to `fallback` when set and is an error otherwise. Throws `ParseError` when no parser fits.
 * (Implemented in `index.ts` as `newParser`.)
 */
export type ParserFactory = (
  body: Uint8Array,
  contentType: string,
  fallback: import('../config/types.js').ScrapeProtocol | '',
  opts: ParserOptions,
) => Parser;
