/**
 * Encoders by format: `newEncoder(format)` escapes names by the format's `escaping=` term
 * (as Prometheus's encoders do) and writes each family in the format's wire form into an
 * internal buffer, which the caller drains with `take()` as often as it likes (to stream a
 * large answer) and finishes with `close()` (OpenMetrics's `# EOF`).
 */
import { Buffer } from 'node:buffer';
import { escapeMetricFamily, type EscapingScheme } from './escape.js';
import { formatEscapingScheme, formatType, type Format } from './format.js';
import type { MetricFamily } from './model.js';
import { OPENMETRICS_EOF, writeOpenMetricsFamily, type OpenMetricsOptions } from './openmetrics.js';
import { writeProtoFamily } from './protobuf.js';
import { ProtoWriter } from './proto-writer.js';
import { protoTextFamily } from './prototext.js';
import { TextOut } from './text-common.js';
import { writeTextFamily } from './text.js';

export interface Encoder {
  /** The format written, as passed to `newEncoder`. */
  readonly format: Format;
  readonly escaping: EscapingScheme;
  /**
   * Writes one family. Throws `EncodeError` when the family cannot be written in this format;
   * what was written of it before the error stays in the output, as with Prometheus's encoders.
   */
  encode(mf: MetricFamily): void;
  /** Finishes the output (`# EOF` for OpenMetrics; nothing for the others). */
  close(): void;
  /** Roughly how many bytes are waiting to be taken (UTF-16 units for the text formats). */
  pending(): number;
  /** The output written since the last `take()`; the caller owns the returned bytes. */
  take(): Uint8Array;
}

export interface EncoderOptions {
  /** OpenMetrics only: write `_created` lines. */
  withCreatedLines?: boolean;
}

type TextWriter = (out: TextOut, mf: MetricFamily) => void;

class TextFormatEncoder implements Encoder {
  readonly #out = new TextOut();
  readonly #write: TextWriter;
  readonly #trailer: string;

  constructor(readonly format: Format, readonly escaping: EscapingScheme, write: TextWriter, trailer: string) {
    this.#write = write;
    this.#trailer = trailer;
  }

  encode(mf: MetricFamily): void {
    this.#write(this.#out, escapeMetricFamily(mf, this.escaping));
  }

  close(): void {
    this.#out.s += this.#trailer;
  }

  pending(): number {
    return this.#out.s.length;
  }

  take(): Uint8Array {
    const b = Buffer.from(this.#out.s, 'utf8');
    this.#out.s = '';
    return b;
  }
}

class ProtoDelimEncoder implements Encoder {
  readonly #w = new ProtoWriter(4096);

  constructor(readonly format: Format, readonly escaping: EscapingScheme) {}

  encode(mf: MetricFamily): void {
    writeProtoFamily(this.#w, escapeMetricFamily(mf, this.escaping));
  }

  close(): void {
    // Delimited protobuf has no trailer.
  }

  pending(): number {
    return this.#w.n;
  }

  take(): Uint8Array {
    const b = this.#w.bytes().slice();
    this.#w.reset();
    return b;
  }
}

/**
 * The encoder for a format string (as returned by negotiation). Throws for a format that
 * names no known exposition format.
 */
export function newEncoder(format: Format, opts: EncoderOptions = {}): Encoder {
  const escaping = formatEscapingScheme(format);
  const t = formatType(format);
  switch (t) {
    case 'proto-delim':
      return new ProtoDelimEncoder(format, escaping);
    case 'proto-text':
    case 'proto-compact': {
      const compact = t === 'proto-compact';
      return new TextFormatEncoder(format, escaping, (out, mf) => { out.s += protoTextFamily(mf, compact); }, '');
    }
    case 'text-plain':
      return new TextFormatEncoder(format, escaping, writeTextFamily, '');
    case 'openmetrics': {
      const om: OpenMetricsOptions = { withCreatedLines: opts.withCreatedLines === true };
      return new TextFormatEncoder(format, escaping, (out, mf) => { writeOpenMetricsFamily(out, mf, om); }, OPENMETRICS_EOF);
    }
    case 'unknown':
      throw new Error(`encoding metrics: unknown format ${JSON.stringify(format)}`);
    default: {
      const never: never = t;
      return never;
    }
  }
}

/** All families in one format, closed: a whole exposition body. */
export function encodeFamilies(format: Format, families: readonly MetricFamily[], opts: EncoderOptions = {}): Uint8Array {
  const enc = newEncoder(format, opts);
  for (const mf of families) enc.encode(mf);
  enc.close();
  return enc.take();
}
