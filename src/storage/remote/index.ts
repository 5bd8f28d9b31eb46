/**
 * Remote storage: the remote-write 1.0/2.0 receiver (`POST /api/v1/write`). The HTTP route
 * lives in `web/api/v1/write.ts`; this component judges headers, decodes snappy + protobuf
 * and appends through the `Appendable` seam, answering as Prometheus 3.14 does.
 *
 * Use: `const rx = new RemoteWriteReceiver({ appendable, logger, registry })`, then per request
 * `rx.checkHeaders(contentType, contentEncoding)` → read at most `rx.maxBodyBytes` bytes
 * (else answer `rx.bodyTooLarge()`) → `await rx.write(msg, body)` → send the `WriteResponse`.
 */
export {
  RemoteWriteReceiver, MAX_BODY_BYTES, HEADER_SAMPLES_WRITTEN, HEADER_HISTOGRAMS_WRITTEN, HEADER_EXEMPLARS_WRITTEN, textResponse,
  type ReceiverOptions, type WriteResponse,
} from './receiver.js';
export { MESSAGE_V1, MESSAGE_V2, WRITE_MESSAGES, isWriteMessageType, parseProtoMsg, type WriteMessageType } from './content-type.js';
export { MAX_AHEAD_MS } from './append-guard.js';
export type { V2Options } from './append-v2.js';
export { V1Decoder } from './decode-v1.js';
export { V2Decoder } from './decode-v2.js';
export { V1Request, V2Request, type DecodedHistogram, type FamilyMetadata } from './decoded.js';
