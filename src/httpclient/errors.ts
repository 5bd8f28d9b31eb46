/**
 * Errors of the HTTP client, worded like Go's net/http errors that Prometheus shows as a
 * target's last error (`Get "http://host/metrics": context deadline exceeded`), and carrying
 * their kind so that callers switch on it instead of on the text.
 */

export type HTTPErrorKind =
  /** The request's own timeout elapsed ("context deadline exceeded"). */
  | 'timeout'
  /** The caller's signal aborted the request ("context canceled"). */
  | 'canceled'
  /** Connecting, resolving, or the connection broke. */
  | 'connect'
  /** TLS handshake or certificate verification failed. */
  | 'tls'
  /** Too many redirects. */
  | 'redirect'
  /** Credentials could not be read or an OAuth2 token could not be fetched. */
  | 'auth'
  /** The (decoded) response body exceeded the caller's limit. */
  | 'body_limit'
  /** The response could not be read or decoded (truncated body, bad gzip). */
  | 'body'
  /** Anything else. */
  | 'other';

export class HTTPClientError extends Error {
  override readonly name = 'HTTPClientError';
  readonly kind: HTTPErrorKind;
  constructor(kind: HTTPErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/** Go's `url.Error` operation name for a method: `Get`, `Post`, ... */
export function urlErrorOp(method: string): string {
  const m = method.toUpperCase();
  return m.charAt(0) + m.slice(1).toLowerCase();
}

/** Wraps a failure of the request phase as Go's `url.Error` prints: `Get "url": cause`. */
export function wrapURLError(method: string, url: string, e: HTTPClientError): HTTPClientError {
  return new HTTPClientError(e.kind, `${urlErrorOp(method)} ${JSON.stringify(url)}: ${e.message}`, { cause: e });
}

const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

function errCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return '';
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Classifies an error thrown by the transport (undici, node:net, node:tls) and words it as Go
 * would. `addr` is `host:port` of the connection, for connect errors.
 */
export function classifyTransportError(e: unknown, addr: string): HTTPClientError {
  if (e instanceof HTTPClientError) return e;
  // undici wraps socket errors; the interesting code is often on the cause.
  let code = errCode(e);
  let inner: unknown = e;
  if ((code === '' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT') && e instanceof Error && e.cause !== undefined) {
    const c = errCode(e.cause);
    if (c !== '') { code = c; inner = e.cause; }
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new HTTPClientError('connect', `dial tcp ${addr}: connect: connection refused`, { cause: e });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HTTPClientError('connect', `dial tcp: lookup ${addr.replace(/:\d+$/, '')}: no such host`, { cause: e });
    case 'ECONNRESET':
      return new HTTPClientError('connect', `read tcp ${addr}: connection reset by peer`, { cause: e });
    case 'EHOSTUNREACH':
      return new HTTPClientError('connect', `dial tcp ${addr}: connect: no route to host`, { cause: e });
    case 'ENETUNREACH':
      return new HTTPClientError('connect', `dial tcp ${addr}: connect: network is unreachable`, { cause: e });
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new HTTPClientError('connect', `dial tcp ${addr}: i/o timeout`, { cause: e });
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new HTTPClientError('connect', 'EOF', { cause: e });
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new HTTPClientError('tls', `tls: failed to verify certificate: x509: ${errMessage(inner)}`, { cause: e });
    case 'CERT_HAS_EXPIRED':
      return new HTTPClientError('tls', 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid', { cause: e });
    default:
      if (TLS_VERIFY_CODES.has(code)) {
        return new HTTPClientError('tls', 'tls: failed to verify certificate: x509: certificate signed by unknown authority', { cause: e });
      }
      if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
        return new HTTPClientError('tls', `tls: ${errMessage(inner)}`, { cause: e });
      }
      return new HTTPClientError('other', errMessage(inner), { cause: e });
  }
}
