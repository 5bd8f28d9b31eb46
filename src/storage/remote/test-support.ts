/**
 * Test support: what a storage holds, as plain data to compare, and a request helper that
 * goes through the receiver as the HTTP route does (headers, then body). Not part of the API.
 */
import { Matcher, type Millis } from '../../model/index.js';
import { ValueType, type Queryable } from '../interface.js';
import type { RemoteWriteReceiver, WriteResponse } from './receiver.js';
import { snappy } from './test-encoder.js';

/** One stored sample: a float, 'stale', or a histogram's count/sum. */
export type StoredValue = number | 'stale' | { count: number; sum: number; schema: number; float: boolean };

/** Every series in the storage (any metric name), keyed by its label text, with its samples. */
export async function dumpStorage(q: Queryable, mint = -1e15, maxt = 1e15): Promise<Map<string, [number, StoredValue][]>> {
  const querier = await q.querier(mint as Millis, maxt as Millis);
  const out = new Map<string, [number, StoredValue][]>();
  try {
    const ss = await querier.select(true, null, [new Matcher('=~', '__name__', '.+')]);
    while (ss.next()) {
      const s = ss.at();
      const rows: [number, StoredValue][] = [];
      const it = s.iterator(null);
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
        switch (vt) {
          case ValueType.Float:
            rows.push([it.atT(), it.atStale() ? 'stale' : it.atF()]);
            break;
          case ValueType.Histogram: {
            const h = it.atHistogram();
            rows.push([it.atT(), { count: h.count, sum: h.sum, schema: h.schema, float: false }]);
            break;
          }
          case ValueType.FloatHistogram: {
            const h = it.atFloatHistogram();
            rows.push([it.atT(), { count: h.count, sum: h.sum, schema: h.schema, float: true }]);
            break;
          }
        }
      }
      out.set(s.labels.toString(), rows);
    }
  } finally {
    await querier.close();
  }
  return out;
}

export interface PostOptions {
  contentType?: string;
  /** Content-Encoding; undefined sends none. Default 'snappy'. */
  encoding?: string | undefined;
  /** Compress the body with snappy first (default true). */
  compress?: boolean;
}

/** Sends a protobuf body through the receiver's steps, as the HTTP route does. */
export async function post(rx: RemoteWriteReceiver, body: Uint8Array, o: PostOptions = {}): Promise<WriteResponse> {
  const chk = rx.checkHeaders(o.contentType ?? 'application/x-protobuf', 'encoding' in o ? o.encoding : 'snappy');
  if ('response' in chk) return chk.response;
  const b = o.compress === false ? body : snappy(body);
  if (b.length > rx.maxBodyBytes) return rx.bodyTooLarge();
  return rx.write(chk.msg, b);
}

export const V2_CT = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
