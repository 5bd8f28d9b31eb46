/**
 * The remote-write receiver, independent of the HTTP server: it judges the headers, then the
 * body (snappy block format, then protobuf), appends through one `Appender` and says what to
 * answer. Order of checks, status codes and texts are Prometheus 3.14's (its handler and the
 * `client_golang/exp/api/remote` wrapper around it), except that all header checks come
 * before the body is read, as the remote-write compliance suite expects:
 *
 * | check                                                  | status | body                                                   |
 * |--------------------------------------------------------|--------|--------------------------------------------------------|
 * | Content-Encoding set and not `snappy`                  | 415    | `<enc> encoding (compression) is not accepted ...`     |
 * | Content-Type not `application/x-protobuf[;k=v...]`     | 415    | `expected application/x-protobuf as the first ...`     |
 * | `proto=` names an unknown message / one not accepted   | 415    | `got <ct> content type; unknown type ...` / `... not accepted by this server; only accepts ...` |
 * | body over 32 MiB                                       | 413    | `request body exceeds the 33554432 bytes limit`        |
 * | snappy length unreadable or data corrupt               | 400    | `s2: corrupt input`                                    |
 * | snappy decoded length over 32 MiB                      | 400    | `decoded size exceeds the 33554432 bytes limit`        |
 * | protobuf malformed                                     | 400    | gogo-protobuf's text                                   |
 * | 1.0: out of order, duplicate, out of bounds, too old, invalid histogram | 400 (all rolled back) | the storage's text |
 * | 2.0: bad series, samples, histograms, exemplar refs or out-of-order exemplars | 400 (the rest committed) | one problem per line |
 * | storage failure                                        | 500    | the error (all rolled back)                           |
 * | success                                                | 204    | —                                                      |
 *
 * 2.0 answers from the storing step (400/500/204 after decoding) carry the
 * `X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written` counts.
 */
import type { Counter, Registry } from '../../instrument/index.js';
import type { Logger } from '../../util/log.js';
import { ProtoWireError } from '../../util/protobuf-wire.js';
import { SnappyBuffer, SnappyError, snappyDecodedLength, snappyDecompress } from '../../util/snappy.js';
import type { Appendable } from '../interface.js';
import { BadSampleError, GuardedAppender } from './append-guard.js';
import { appendV1 } from './append-v1.js';
import { appendV2, type V2Options } from './append-v2.js';
import { V1Decoder } from './decode-v1.js';
import { V2Decoder } from './decode-v2.js';
import { V1Request, V2Request } from './decoded.js';
import { SeriesCache, V2SeriesCache } from './series-cache.js';
import { MESSAGE_V1, MESSAGE_V2, parseProtoMsg, type WriteMessageType } from './content-type.js';

/** Largest body, compressed or decoded, as Prometheus: 32 MiB. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export const HEADER_SAMPLES_WRITTEN = 'X-Prometheus-Remote-Write-Samples-Written';
export const HEADER_HISTOGRAMS_WRITTEN = 'X-Prometheus-Remote-Write-Histograms-Written';
export const HEADER_EXEMPLARS_WRITTEN = 'X-Prometheus-Remote-Write-Exemplars-Written';

/** Decompression buffers larger than this are not kept between requests. */
const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

/** What to answer: a status, headers and a plain-text body ('' for none). */
export interface WriteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReceiverOptions extends Partial<V2Options> {
  appendable: Appendable;
  /** Messages accepted (`--web.remote-write-receiver.accepted-protobuf-messages`); default both. */
  acceptedMessages?: readonly WriteMessageType[];
  logger: Logger;
  registry?: Registry;
  /** Clock for the 10-minute future limit, ms; default `Date.now`. */
  now?: () => number;
  /** Body limit, compressed and decoded; default `MAX_BODY_BYTES` (tests lower it). */
  maxBodyBytes?: number;
  /** Series remembered by their received labels, per message version (see `SeriesCache`); 0 disables. Default 200k each. */
  seriesCacheSize?: number;
}

const DEFAULT_SERIES_CACHE = 200_000;

/** Go's `http.Error`: plain text with a trailing newline, not sniffable. */
export function textResponse(status: number, msg: string, headers: Record<string, string> = {}): WriteResponse {
  return { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body: msg + '\n' };
}

function counts(samples: number, histograms: number, exemplars: number): Record<string, string> {
  return { [HEADER_SAMPLES_WRITTEN]: String(samples), [HEADER_HISTOGRAMS_WRITTEN]: String(histograms), [HEADER_EXEMPLARS_WRITTEN]: String(exemplars) };
}

export class RemoteWriteReceiver {
  readonly #o: ReceiverOptions;
  readonly #accepted: readonly WriteMessageType[];
  readonly #v2: V2Options;
  readonly #maxBody: number;
  readonly #snappy = new SnappyBuffer();
  readonly #seriesCache: SeriesCache | null;
  readonly #v2SeriesCache: V2SeriesCache | null;
  readonly #v1dec: V1Decoder;
  readonly #v2dec = new V2Decoder();
  readonly #v1req = new V1Request();
  readonly #v2req = new V2Request();
  readonly #invalidLabels: Counter | null;
  readonly #withoutMetadata: Counter | null;

  constructor(o: ReceiverOptions) {
    this.#o = o;
    this.#accepted = o.acceptedMessages ?? [MESSAGE_V1, MESSAGE_V2];
    this.#v2 = { ingestStartZero: o.ingestStartZero ?? false, appendMetadata: o.appendMetadata ?? false, typeAndUnitLabels: o.typeAndUnitLabels ?? false };
    this.#maxBody = o.maxBodyBytes ?? MAX_BODY_BYTES;
    const cacheSize = o.seriesCacheSize ?? DEFAULT_SERIES_CACHE;
    this.#seriesCache = cacheSize > 0 ? new SeriesCache(cacheSize) : null;
    this.#v2SeriesCache = cacheSize > 0 ? new V2SeriesCache(cacheSize) : null;
    this.#v1dec = new V1Decoder(this.#seriesCache);
    this.#invalidLabels = o.registry?.counter({
      name: 'prometheus_api_remote_write_invalid_labels_samples_total',
      help: 'The total number of received remote write samples and histogram samples which were rejected due to invalid labels.',
    }) ?? null;
    this.#withoutMetadata = o.registry?.counter({
      name: 'prometheus_api_remote_write_without_metadata_appended_samples_total',
      help: 'The total number of received remote write samples (and histogram samples) which were ingested without corresponding metadata.',
    }) ?? null;
  }

  /** The body limit in bytes: a longer body is answered with `bodyTooLarge()` without reading on. */
  get maxBodyBytes(): number {
    return this.#maxBody;
  }

  /** Judges the request headers (first values); returns the message to decode or the answer. */
  checkHeaders(contentType: string | undefined, contentEncoding: string | undefined): { msg: WriteMessageType } | { response: WriteResponse } {
    const enc = contentEncoding ?? '';
    if (enc !== '' && enc !== 'snappy') {
      return { response: textResponse(415, `${enc} encoding (compression) is not accepted by this server; only snappy is acceptable`) };
    }
    const parsed = parseProtoMsg(contentType === undefined || contentType === '' ? 'application/x-protobuf' : contentType);
    if (typeof parsed !== 'string' || !this.#accepted.includes(parsed)) {
      const msg = typeof parsed !== 'string' ? parsed.error : `${parsed} protobuf message is not accepted by this server; only accepts ${this.#accepted.join(', ')}`;
      this.#o.logger.error('Error decoding remote write request', { err: msg });
      return { response: textResponse(415, msg) };
    }
    return { msg: parsed };
  }

  bodyTooLarge(): WriteResponse {
    return textResponse(413, `request body exceeds the ${this.#maxBody} bytes limit`);
  }

  /** Decompresses, decodes and stores a body (at most `maxBodyBytes`) of message `msg`. */
  async write(msg: WriteMessageType, body: Uint8Array): Promise<WriteResponse> {
    if (body.length > this.#maxBody) return this.bodyTooLarge();
    let decoded: Uint8Array;
    try {
      const n = snappyDecodedLength(body);
      if (n > this.#maxBody) return textResponse(400, `decoded size exceeds the ${this.#maxBody} bytes limit`);
      decoded = snappyDecompress(body, n <= KEEP_BUFFER_BYTES ? this.#snappy : new SnappyBuffer());
    } catch (e) {
      if (!(e instanceof SnappyError)) throw e;
      this.#o.logger.error('Error snappy decoding remote write request', { err: e.message });
      return textResponse(400, 's2: corrupt input');
    }
    return msg === MESSAGE_V1 ? this.#writeV1(decoded) : this.#writeV2(decoded);
  }

  async #writeV1(decoded: Uint8Array): Promise<WriteResponse> {
    const req = this.#v1req;
    try {
      this.#v1dec.decode(decoded, req);
    } catch (e) {
      if (!(e instanceof ProtoWireError)) throw e;
      this.#o.logger.error('Error decoding v1 remote write request', { protobuf_message: MESSAGE_V1, err: e.message });
      return textResponse(400, e.message);
    }
    const app = this.#o.appendable.appender();
    const out = appendV1(new GuardedAppender(app, this.#now()), req, this.#seriesCache, this.#o.logger);
    if (out.err !== null) {
      await app.rollback();
      return textResponse(out.err instanceof BadSampleError ? 400 : 500, out.err.message);
    }
    try {
      await app.commit();
    } catch (e) {
      this.#withoutMetadata?.inc(out.appended);
      return textResponse(500, e instanceof Error ? e.message : String(e));
    }
    if (out.invalidSeries > 0) this.#invalidLabels?.inc(out.invalidSeries);
    return { status: 204, headers: {}, body: '' };
  }

  async #writeV2(decoded: Uint8Array): Promise<WriteResponse> {
    const req = this.#v2req;
    try {
      this.#v2dec.decode(decoded, req);
    } catch (e) {
      if (!(e instanceof ProtoWireError)) throw e;
      this.#o.logger.error('Error decoding v2 remote write request', { protobuf_message: MESSAGE_V2, err: e.message });
      return textResponse(400, e.message, counts(0, 0, 0));
    }
    const app = this.#o.appendable.appender();
    const out = appendV2(new GuardedAppender(app, this.#now()), req, this.#v2, this.#v2SeriesCache, this.#o.logger);
    if (out.fatal !== null) {
      await app.rollback();
      this.#o.logger.error('Error while storing the remote write request', { err: out.fatal.message });
      return textResponse(500, out.fatal.message, counts(0, 0, 0));
    }
    this.#invalidLabels?.inc(out.invalidLabelSamples);
    try {
      await app.commit();
    } catch (e) {
      return textResponse(500, e instanceof Error ? e.message : String(e), counts(0, 0, 0));
    }
    const written = counts(out.samples, out.histograms, out.exemplars);
    if (out.problems.length > 0) return textResponse(400, out.problems.join('\n'), written);
    return { status: 204, headers: written, body: '' };
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}
