/**
 * Remote-write receiving: samples per second for a 10k-sample request (10k series of five
 * labels with one sample each, as Prometheus batches them), 1.0 and 2.0. Cases: protobuf
 * decoding alone; snappy + decoding; and the whole receive (snappy, decoding, label checks,
 * appending into the memory storage, commit), each request one scrape interval later than the
 * previous so every sample is new; also without the series caches, for the ratio. Fixed seed.
 */
import { Labels } from '../../model/index.js';
import { bench, benchAsync, seededRandom } from '../../util/bench.js';
import { nopLogger } from '../../util/log.js';
import { SnappyBuffer, snappyDecompress } from '../../util/snappy.js';
import { MemoryStorage } from '../memory/index.js';
import { MESSAGE_V1, MESSAGE_V2, type WriteMessageType } from './content-type.js';
import { V1Decoder } from './decode-v1.js';
import { V2Decoder } from './decode-v2.js';
import { V1Request, V2Request } from './decoded.js';
import { RemoteWriteReceiver } from './receiver.js';
import { Symbols, encodeV1, encodeV2, snappy, type V1SeriesSpec, type V2SeriesSpec } from './test-encoder.js';

const SERIES = 10_000;
const STEP = 15_000;
/** Distinct requests (timestamps advance by STEP); the storage starts over after the last. */
const BODIES = 48;
const T0 = 1_700_000_000_000;
const rnd = seededRandom(42);

const labels: Record<string, string>[] = [];
const values = new Float64Array(SERIES);
for (let i = 0; i < SERIES; i++) {
  labels.push({ __name__: `metric_${i % 200}_total`, job: `job_${i % 10}`, instance: `host-${Math.floor(i / 200)}:9100`, handler: `/api/v1/h${i % 37}`, idx: String(i) });
  values[i] = Math.floor(rnd() * 1e9) / 1000;
}

function v1Body(k: number): Uint8Array {
  const series: V1SeriesSpec[] = [];
  for (let i = 0; i < SERIES; i++) {
    series.push({ labels: Object.entries(labels[i]!).sort((a, b) => (a[0] < b[0] ? -1 : 1)), samples: [{ t: T0 + k * STEP, v: values[i]! + k }] });
  }
  return encodeV1(series);
}

function v2Body(k: number): Uint8Array {
  const sym = new Symbols();
  const series: V2SeriesSpec[] = [];
  for (let i = 0; i < SERIES; i++) series.push({ refs: sym.refs(labels[i]!), samples: [{ t: T0 + k * STEP, v: values[i]! + k }], metadata: { type: 1 } });
  return encodeV2(sym.list, series);
}

const raw = { v1: v1Body(0), v2: v2Body(0) };
const compressed = { v1: [] as Uint8Array[], v2: [] as Uint8Array[] };
for (let k = 0; k < BODIES; k++) {
  compressed.v1.push(snappy(v1Body(k)));
  compressed.v2.push(snappy(v2Body(k)));
}
console.log(`request: ${SERIES} samples; 1.0 ${raw.v1.length} bytes (${compressed.v1[0]!.length} snappy), 2.0 ${raw.v2.length} bytes (${compressed.v2[0]!.length} snappy)`);

const opts = { unitsPerOp: SERIES, unit: 'samples' };
const d1 = new V1Decoder(), r1 = new V1Request();
const d2 = new V2Decoder(), r2 = new V2Request();
bench('1.0 decode protobuf', () => { d1.decode(raw.v1, r1); }, opts);
bench('2.0 decode protobuf', () => { d2.decode(raw.v2, r2); }, opts);
const sb = new SnappyBuffer();
bench('1.0 snappy + decode', () => { d1.decode(snappyDecompress(compressed.v1[0]!, sb), r1); }, opts);
bench('2.0 snappy + decode', () => { d2.decode(snappyDecompress(compressed.v2[0]!, sb), r2); }, opts);

function receive(msg: WriteMessageType, bodies: readonly Uint8Array[], seriesCacheSize?: number): () => Promise<void> {
  let k = 0;
  const make = (): RemoteWriteReceiver => new RemoteWriteReceiver({
    appendable: new MemoryStorage({ gcIntervalMs: 0 }), logger: nopLogger, now: () => T0 + BODIES * STEP, ...(seriesCacheSize !== undefined ? { seriesCacheSize } : {}),
  });
  let rx = make();
  return async () => {
    if (k === bodies.length) {
      k = 0;
      rx = make();
    }
    const r = await rx.write(msg, bodies[k++]!);
    if (r.status !== 204) throw new Error(`receive: ${r.status} ${r.body}`);
  };
}

await benchAsync('1.0 receive into memory storage', receive(MESSAGE_V1, compressed.v1), opts);
await benchAsync('1.0 receive, no series cache', receive(MESSAGE_V1, compressed.v1, 0), opts);
await benchAsync('2.0 receive into memory storage', receive(MESSAGE_V2, compressed.v2), opts);
await benchAsync('2.0 receive, no series cache', receive(MESSAGE_V2, compressed.v2, 0), opts);

// For scale: appending the same 10k samples with labels already built (no decoding).
{
  const built = labels.map((l) => Labels.fromObject(l));
  let storage = new MemoryStorage({ gcIntervalMs: 0 });
  let k = 0;
  await benchAsync('append only (labels prebuilt, no refs)', async () => {
    if (k === BODIES) { k = 0; storage = new MemoryStorage({ gcIntervalMs: 0 }); }
    const app = storage.appender();
    const t = (T0 + k++ * STEP) as never;
    for (let i = 0; i < SERIES; i++) app.append(0, built[i]!, t, values[i]!);
    await app.commit();
  }, opts);
}
