/**
 * Calls of the AWS JSON 1.1 protocol (Lightsail): a signed `POST /` with
 * `X-Amz-Target: <prefix>.<operation>` and a JSON body, answered in JSON. Errors carry the
 * code from `__type` (without its namespace) and read like the AWS SDK for Go v2's; throttling,
 * 5xx answers and transport failures are retried as Query calls are (see query-client.ts).
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { sleepUnlessAborted } from '../refresh/index.js';
import { AWSAPIError, DEFAULT_RETRY, type RetryPolicy } from './query-client.js';
import { signV4, type AWSCredentials } from './sigv4.js';

export interface JSONCall {
  http: HTTPClient;
  endpoint: string;
  region: string;
  service: string;
  serviceId: string;
  /** `Lightsail_20161128`. */
  targetPrefix: string;
  operation: string;
  body: Readonly<Record<string, unknown>>;
  credentials: AWSCredentials;
  signal: AbortSignal;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

const RETRYABLE = new Set(['ThrottlingException', 'TooManyRequestsException', 'ServiceException', 'ServiceUnavailable', 'InternalFailure', 'InternalError', 'RequestTimeout']);

export async function jsonCall(c: JSONCall): Promise<Record<string, unknown>> {
  const retry = c.retry ?? DEFAULT_RETRY;
  const url = new URL(c.endpoint);
  const body = JSON.stringify(c.body);
  const prefix = `operation error ${c.serviceId}: ${c.operation}`;
  for (let attempt = 1; ; attempt++) {
    const signed = signV4({
      method: 'POST', url, body, region: c.region, service: c.service, credentials: c.credentials, now: new Date(),
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `${c.targetPrefix}.${c.operation}` },
    }).headers;
    const send: Record<string, string> = { ...signed };
    delete send['host'];
    const head = (): string => (attempt > 1 ? `${prefix}, exceeded maximum number of attempts, ${attempt}, ` : `${prefix}, `);
    try {
      const res = await c.http.request({ method: 'POST', url: url.href, headers: send, body, signal: c.signal, ...(c.timeoutMs !== undefined && c.timeoutMs > 0 ? { timeoutMs: c.timeoutMs } : {}) });
      const text = res.body.toString('utf8');
      if (res.status >= 200 && res.status < 300) {
        try {
          return JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;
        } catch (e) {
          throw new Error(`${prefix}, deserialization failed, failed to decode response body, ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      let code = '', message = '';
      try {
        const d = JSON.parse(text) as Record<string, unknown>;
        const t = typeof d['__type'] === 'string' ? d['__type'] : (res.headers['x-amzn-errortype'] ?? '');
        code = t.slice(t.lastIndexOf('#') + 1).split(':')[0]!;
        message = typeof d['message'] === 'string' ? d['message'] : typeof d['Message'] === 'string' ? d['Message'] : '';
      } catch {
        code = String(res.status);
        message = res.statusText;
      }
      const requestId = res.headers['x-amzn-requestid'] ?? '';
      const retryable = res.status >= 500 || res.status === 429 || RETRYABLE.has(code);
      if (!retryable || attempt >= retry.maxAttempts) {
        throw new AWSAPIError(res.status, code, message, requestId, `${head()}https response error StatusCode: ${res.status}, RequestID: ${requestId}, api error ${code}: ${message}`);
      }
    } catch (e) {
      if (e instanceof AWSAPIError || c.signal.aborted) throw e;
      if (e instanceof Error && e.message.startsWith(prefix)) throw e;
      if (attempt >= retry.maxAttempts) {
        throw new Error(`${head()}https response error StatusCode: 0, RequestID: , request send failed, ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    if (!(await sleepUnlessAborted(retry.backoffMs(attempt), c.signal))) throw new Error(`${prefix}, canceled, context canceled`);
  }
}
