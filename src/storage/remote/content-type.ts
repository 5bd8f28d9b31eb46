/**
 * The remote-write messages and how a request's Content-Type names one, as Prometheus reads
 * it: the media type (first `;` part, surrounding space trimmed) must be exactly
 * `application/x-protobuf`; every further part must be `key=value`; a `proto` parameter names
 * the message, and without one the request is 1.0. Parameters are not trimmed, so
 * `application/x-protobuf; proto=...` (with a space) is read as 1.0, as Prometheus reads it.
 */

export const MESSAGE_V1 = 'prometheus.WriteRequest';
export const MESSAGE_V2 = 'io.prometheus.write.v2.Request';

export type WriteMessageType = typeof MESSAGE_V1 | typeof MESSAGE_V2;

export const WRITE_MESSAGES: readonly WriteMessageType[] = [MESSAGE_V1, MESSAGE_V2];

const MEDIA_TYPE = 'application/x-protobuf';

export function isWriteMessageType(s: string): s is WriteMessageType {
  return s === MESSAGE_V1 || s === MESSAGE_V2;
}

/** Go's `strings.TrimSpace` for the ASCII whitespace HTTP headers can carry. */
function trimSpace(s: string): string {
  return s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

/** The message a Content-Type names, or the reason it names none (answered 415). */
export function parseProtoMsg(contentType: string): WriteMessageType | { error: string } {
  const ct = trimSpace(contentType);
  const parts = ct.split(';');
  if (parts[0] !== MEDIA_TYPE) return { error: `expected ${MEDIA_TYPE} as the first (media) part, got ${ct} content-type` };
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const pair = p.split('=');
    if (pair.length !== 2) {
      return { error: `as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be key-values, got ${p} in ${ct} content-type` };
    }
    if (pair[0] === 'proto') {
      const name = pair[1]!;
      if (!isWriteMessageType(name)) {
        return { error: `got ${ct} content type; unknown type for remote write protobuf message ${name}, supported: ${WRITE_MESSAGES.join(', ')}` };
      }
      return name;
    }
  }
  return MESSAGE_V1;
}
