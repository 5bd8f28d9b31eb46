/**
 * Calls of the AWS Query protocol (EC2, STS): a form-encoded POST of `Action`, `Version` and
 * the operation's parameters to the service endpoint, signed with Signature Version 4, and
 * an XML answer. Errors read like the AWS SDK for Go v2's, which Prometheus logs:
 * `operation error EC2: DescribeInstances, https response error StatusCode: 401, RequestID:
 * <id>, api error AuthFailure: <message>`.
 *
 * Throttling, 5xx answers and transport failures are retried, at most `maxAttempts` times in
 * all (3, as the SDK's standard retryer), after a jittered exponential pause.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { child, childText, parseXML, sleepUnlessAborted, type XMLElement } from '../refresh/index.js';
import type { AWSEnv } from './shared-config.js';
import { signV4, uriEncode, type AWSCredentials } from './sigv4.js';

/** An error answer of an AWS API. */
export class AWSAPIError extends Error {
  constructor(readonly status: number, readonly code: string, readonly apiMessage: string, readonly requestId: string, message: string) {
    super(message);
    this.name = 'AWSAPIError';
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  /** The pause before attempt `n + 1` (n ≥ 1), in ms. */
  backoffMs: (n: number) => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  backoffMs: (n) => Math.random() * Math.min(20_000, 2 ** n * 500),
};

const RETRYABLE_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'RequestThrottled', 'SlowDown', 'PriorRequestNotComplete', 'EC2ThrottledException',
  'RequestTimeout', 'RequestTimeoutException', 'InternalError', 'ServiceUnavailable', 'Unavailable',
]);

export interface QueryCall {
  http: HTTPClient;
  endpoint: string;
  region: string;
  /** Signing name: `ec2`, `sts`. */
  service: string;
  /** Name in errors: `EC2`, `STS`. */
  serviceId: string;
  action: string;
  version: string;
  params: readonly [string, string][];
  /** Null: an unsigned call (AssumeRoleWithWebIdentity). */
  credentials: AWSCredentials | null;
  signal: AbortSignal;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => Date;
}

/** The form body of a Query call. */
export function queryBody(action: string, version: string, params: readonly [string, string][]): string {
  const parts = [`Action=${uriEncode(action)}`, `Version=${uriEncode(version)}`];
  for (const [k, v] of params) parts.push(`${uriEncode(k)}=${uriEncode(v)}`);
  return parts.join('&');
}

function errorFromXML(root: XMLElement): { code: string; message: string; requestId: string } {
  // EC2: <Response><Errors><Error>...</Error></Errors><RequestID/></Response>;
  // STS and the others: <ErrorResponse><Error>...</Error><RequestId/></ErrorResponse>.
  const err = child(child(root, 'Errors'), 'Error') ?? child(root, 'Error') ?? (root.name === 'Error' ? root : undefined);
  return {
    code: childText(err, 'Code') ?? '',
    message: childText(err, 'Message') ?? '',
    requestId: childText(root, 'RequestID') ?? childText(root, 'RequestId') ?? '',
  };
}

/** Performs one Query call; resolves with the parsed answer document. */
export async function queryCall(c: QueryCall): Promise<XMLElement> {
  const retry = c.retry ?? DEFAULT_RETRY;
  const body = queryBody(c.action, c.version, c.params);
  const url = new URL(c.endpoint);
  const prefix = `operation error ${c.serviceId}: ${c.action}`;
  for (let attempt = 1; ; attempt++) {
    const base = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const headers = c.credentials === null
      ? base
      : signV4({ method: 'POST', url, headers: base, body, region: c.region, service: c.service, credentials: c.credentials, now: (c.now ?? (() => new Date()))() }).headers;
    // The HTTP client sets Host itself, from the same URL that was signed.
    const send: Record<string, string> = { ...headers };
    delete send['host'];
    try {
      const res = await c.http.request({
        method: 'POST', url: url.href, headers: send, body, signal: c.signal,
        ...(c.timeoutMs !== undefined && c.timeoutMs > 0 ? { timeoutMs: c.timeoutMs } : {}),
      });
      const text = res.body.toString('utf8');
      if (res.status >= 200 && res.status < 300) {
        try {
          return parseXML(text);
        } catch (e) {
          throw new Error(`${prefix}, deserialization failed, failed to decode response body, ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      let info = { code: '', message: '', requestId: res.headers['x-amzn-requestid'] ?? res.headers['x-amz-request-id'] ?? '' };
      try {
        const parsed = errorFromXML(parseXML(text));
        info = { ...parsed, requestId: parsed.requestId !== '' ? parsed.requestId : info.requestId };
      } catch {
        info.code = `${res.status}`;
        info.message = res.statusText;
      }
      const detail = `https response error StatusCode: ${res.status}, RequestID: ${info.requestId}, api error ${info.code}: ${info.message}`;
      const retryable = res.status >= 500 || res.status === 429 || RETRYABLE_CODES.has(info.code);
      if (!retryable || attempt >= retry.maxAttempts) {
        const head = attempt > 1 ? `${prefix}, exceeded maximum number of attempts, ${attempt}, ` : `${prefix}, `;
        throw new AWSAPIError(res.status, info.code, info.message, info.requestId, head + detail);
      }
    } catch (e) {
      if (e instanceof AWSAPIError || c.signal.aborted) throw e;
      if (e instanceof Error && e.message.startsWith(prefix)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      if (attempt >= retry.maxAttempts) {
        const head = attempt > 1 ? `${prefix}, exceeded maximum number of attempts, ${attempt}, ` : `${prefix}, `;
        throw new Error(`${head}https response error StatusCode: 0, RequestID: , request send failed, ${msg}`, { cause: e });
      }
    }
    if (!(await sleepUnlessAborted(retry.backoffMs(attempt), c.signal))) throw new Error(`${prefix}, canceled, context canceled`);
  }
}

/**
 * The endpoint of a service: the configured one, else `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`, else AWS's regional endpoint (`https://<service>.<region>.amazonaws.com`,
 * `.amazonaws.com.cn` in China regions).
 */
export function resolveEndpoint(configured: string, service: string, region: string, env: AWSEnv): string {
  if (configured !== '') return configured;
  const specific = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`];
  if (specific !== undefined && specific !== '') return specific;
  const global = env['AWS_ENDPOINT_URL'];
  if (global !== undefined && global !== '') return global;
  return `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
