/**
 * Remote write 1.0 through the receiver: what is stored and what is answered (status and the
 * exact body), case by case as Prometheus 3.14 answers them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, Matcher, type Histogram, type Millis } from '../../model/index.js';
import { Registry } from '../../instrument/index.js';
import { nopLogger } from '../../util/log.js';
import { MemoryStorage } from '../memory/index.js';
import { RemoteWriteReceiver } from './receiver.js';
import { PB, STALE_BITS, encodeV1, type V1SeriesSpec } from './test-encoder.js';
import { dumpStorage, post, type StoredValue } from './test-support.js';

const NOW = 1_700_000_000_000;

function setup(): { storage: MemoryStorage; rx: RemoteWriteReceiver; registry: Registry } {
  const storage = new MemoryStorage({ gcIntervalMs: 0 });
  const registry = new Registry();
  const rx = new RemoteWriteReceiver({ appendable: storage, logger: nopLogger, registry, now: () => NOW });
  return { storage, rx, registry };
}

const up = (extra: [string, string][] = []): [string, string][] => [['__name__', 'up'], ['job', 'a'], ...extra];

function hist(count: number, buckets: number[], schema = 0): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema, zeroThreshold: 0.001, zeroCount: 0, count, sum: 10,
    positiveSpans: [{ offset: 0, length: buckets.length }], negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
  };
}

interface Case {
  name: string;
  /** Requests sent before the one under test (each must answer 204). */
  before?: V1SeriesSpec[][];
  series: V1SeriesSpec[];
  status: number;
  body?: string;
  /** Everything stored afterwards. */
  stored: Record<string, [number, StoredValue][]>;
  invalidLabels?: number;
}

const cases: Case[] = [
  {
    name: 'samples are stored in order, labels sorted, empty values dropped',
    series: [{ labels: [['job', 'a'], ['__name__', 'up'], ['empty', '']], samples: [{ t: 1000, v: 1 }, { t: 2000, v: 0 }] }],
    status: 204, stored: { '{__name__="up", job="a"}': [[1000, 1], [2000, 0]] },
  },
  {
    name: 'special values and the stale marker',
    series: [{ labels: up(), samples: [{ t: 1, v: NaN }, { t: 2, v: Infinity }, { t: 3, v: -Infinity }, { t: 4, v: 0, bits: STALE_BITS }, { t: 5, v: -0 }] }],
    status: 204, stored: { '{__name__="up", job="a"}': [[1, NaN], [2, Infinity], [3, -Infinity], [4, 'stale'], [5, -0]] },
  },
  {
    name: 'series without a metric name, with an empty or duplicate label name, or invalid UTF-8 are skipped silently',
    series: [
      { labels: [['job', 'a']], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', 'x'], ['', 'v']], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', '']], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', 'x'], ['a', '1'], ['a', '2']], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', 'x'], ['a', Buffer.from([0x61, 0xff])]], samples: [{ t: 1, v: 1 }] },
      { labels: [['__name__', 'x'], [Buffer.from([0xc3, 0x28]), 'v']], samples: [{ t: 1, v: 1 }] },
      { labels: up(), samples: [{ t: 7, v: 7 }] },
    ],
    status: 204, stored: { '{__name__="up", job="a"}': [[7, 7]] }, invalidLabels: 6,
  },
  {
    name: 'UTF-8 names and values are valid',
    series: [{ labels: [['__name__', 'métrique.total'], ['läbel with space', 'ü\n"']], samples: [{ t: 1, v: 2 }] }],
    status: 204, stored: { '{__name__="métrique.total", "läbel with space"="ü\\n\\""}': [[1, 2]] },
  },
  {
    name: 'an out-of-order sample fails the request and nothing of it is stored',
    series: [{ labels: up([['i', '1']]), samples: [{ t: 5, v: 1 }] }, { labels: up(), samples: [{ t: 2000, v: 1 }, { t: 1000, v: 1 }] }],
    status: 400, body: 'out of order sample\n', stored: {},
  },
  {
    name: 'out of order against stored data',
    before: [[{ labels: up(), samples: [{ t: 2000, v: 1 }] }]],
    series: [{ labels: up(), samples: [{ t: 1000, v: 1 }] }],
    status: 400, body: 'out of order sample\n', stored: { '{__name__="up", job="a"}': [[2000, 1]] },
  },
  {
    name: 'a duplicate timestamp with another value is rejected',
    before: [[{ labels: up(), samples: [{ t: 2000, v: 1 }] }]],
    series: [{ labels: up(), samples: [{ t: 2000, v: 2 }] }],
    status: 400, body: 'duplicate sample for timestamp\n', stored: { '{__name__="up", job="a"}': [[2000, 1]] },
  },
  {
    name: 'a resent sample (same timestamp and value) is accepted',
    before: [[{ labels: up(), samples: [{ t: 2000, v: 1 }] }]],
    series: [{ labels: up(), samples: [{ t: 2000, v: 1 }, { t: 3000, v: 1 }] }],
    status: 204, stored: { '{__name__="up", job="a"}': [[2000, 1], [3000, 1]] },
  },
  {
    name: 'more than 10 minutes in the future is out of bounds',
    series: [{ labels: up(), samples: [{ t: NOW + 600_000, v: 1 }] }, { labels: up([['i', '2']]), samples: [{ t: NOW + 600_001, v: 1 }] }],
    status: 400, body: 'out of bounds: timestamp is too far in the future\n', stored: {},
  },
  {
    name: 'native histograms, integer and float, stored; a stale histogram becomes a stale marker',
    series: [{
      labels: [['__name__', 'h']],
      histograms: [
        { t: 1, h: hist(5, [2, 1]) },
        { t: 2, h: { ...hist(6, [2, 4]), counterResetHint: CounterResetHint.NotCounterReset }, float: true },
        { t: 3, h: hist(0, []), staleSum: true },
      ],
    }],
    status: 204,
    stored: { '{__name__="h"}': [[1, { count: 5, sum: 10, schema: 0, float: false }], [2, { count: 6, sum: 10, schema: 0, float: true }], [3, 'stale']] },
  },
  {
    name: 'a histogram with a reserved schema above 8 is reduced to 8',
    series: [{ labels: [['__name__', 'h']], histograms: [{ t: 1, h: { ...hist(9, [1, 1, 1, 0]), schema: 10, positiveSpans: [{ offset: 1, length: 4 }] } }] }],
    status: 204, stored: { '{__name__="h"}': [[1, { count: 9, sum: 10, schema: 8, float: false }]] },
  },
  {
    name: 'an invalid histogram fails the request',
    series: [{ labels: up(), samples: [{ t: 1, v: 1 }] }, { labels: [['__name__', 'h']], histograms: [{ t: 1, h: hist(4, [2, 1]) }] }],
    status: 400,
    body: "5 observations found in buckets, but the Count field is 4: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)\n",
    stored: {},
  },
  {
    name: 'a histogram with an unknown schema',
    series: [{ labels: [['__name__', 'h']], histograms: [{ t: 1, h: { ...hist(0, []), schema: 60, positiveSpans: [] } }] }],
    status: 400, body: 'histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema 60\n', stored: {},
  },
  {
    name: 'custom-bucket histograms',
    series: [{ labels: [['__name__', 'nhcb']], histograms: [{ t: 1, h: { ...hist(4, [1, 1, -1]), schema: CUSTOM_BUCKETS_SCHEMA, zeroThreshold: 0, customValues: [0.1, 1] } }] }],
    status: 204, stored: { '{__name__="nhcb"}': [[1, { count: 4, sum: 10, schema: -53, float: false }]] },
  },
  {
    name: 'exemplar failures never fail the request',
    series: [{
      labels: up(), samples: [{ t: 10, v: 1 }],
      exemplars: [{ labels: [['trace_id', 'b']], v: 1, t: 10 }, { labels: [['trace_id', 'a']], v: 1, t: 5 }, { labels: [['trace_id', 'x'.repeat(200)]], v: 1, t: 11 }],
    }],
    status: 204, stored: { '{__name__="up", job="a"}': [[10, 1]] },
  },
];

describe('remote write 1.0', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { storage, rx, registry } = setup();
      for (const b of c.before ?? []) assert.equal((await post(rx, encodeV1(b))).status, 204);
      const r = await post(rx, encodeV1(c.series));
      assert.equal(r.status, c.status, r.body);
      if (c.body !== undefined) assert.equal(r.body, c.body);
      if (c.status === 204) assert.deepEqual(r, { status: 204, headers: {}, body: '' });
      else assert.equal(r.headers['Content-Type'], 'text/plain; charset=utf-8');
      assert.equal(r.headers['X-Prometheus-Remote-Write-Samples-Written'], undefined, '1.0 answers carry no counts');
      assert.deepEqual(Object.fromEntries(await dumpStorage(storage)), c.stored);
      const invalid = registry.collect().find((f) => f.name === 'prometheus_api_remote_write_invalid_labels_samples_total');
      assert.equal(invalid?.samples[0]?.value ?? 0, c.invalidLabels ?? 0);
    });
  }

  it('stores exemplars and ignores metadata (which 1.0 sends per family, with no series)', async () => {
    const { storage, rx } = setup();
    const r = await post(rx, encodeV1(
      [{ labels: up(), samples: [{ t: 10, v: 1 }], exemplars: [{ labels: [['trace_id', 'abc'], ['span_id', '']], v: 0.5, t: 10 }] }],
      [{ type: 1, family: 'up', help: 'Up.' }],
    ));
    assert.equal(r.status, 204);
    const all = await storage.exemplars(0 as Millis, 100 as Millis, [[new Matcher('=', 'job', 'a')]]);
    assert.deepEqual(all.map((e) => ({ s: e.seriesLabels.toString(), ex: e.exemplars.map((x) => [x.labels.toString(), x.value, x.ts]) })),
      [{ s: '{__name__="up", job="a"}', ex: [['{trace_id="abc"}', 0.5, 10]] }]);
    assert.equal(storage.metadata().size, 0);
  });

  it('a storage failure is a 500 and everything is rolled back', async () => {
    const storage = new MemoryStorage();
    let rolledBack = 0;
    const rx = new RemoteWriteReceiver({
      logger: nopLogger, now: () => NOW,
      appendable: {
        appender: () => {
          const app = storage.appender();
          let n = 0;
          return Object.assign(Object.create(app) as typeof app, {
            append: (...a: Parameters<typeof app.append>) => { if (++n === 2) throw new Error('disk on fire'); return app.append(...a); },
            rollback: () => { rolledBack++; return app.rollback(); },
            commit: () => app.commit(),
          });
        },
      },
    });
    const r = await post(rx, encodeV1([{ labels: up(), samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }] }]));
    assert.deepEqual([r.status, r.body, rolledBack], [500, 'disk on fire\n', 1]);
    assert.equal((await dumpStorage(storage)).size, 0);
  });
});

describe('remote write 1.0: series known by their label bytes', () => {
  it('repeated series are stored alike whether their labels come from the cache or are decoded', async () => {
    for (const seriesCacheSize of [0, 2, 1000]) {
      const storage = new MemoryStorage({ gcIntervalMs: 0 });
      const registry = new Registry();
      const rx = new RemoteWriteReceiver({ appendable: storage, logger: nopLogger, registry, now: () => NOW, seriesCacheSize });
      const series = (t: number): V1SeriesSpec[] => [
        { labels: up([['i', '1']]), samples: [{ t, v: t }] },
        { labels: up([['i', '2']]), samples: [{ t, v: -t }] },
        { labels: [['job', 'no-name']], samples: [{ t, v: 0 }] },
        { labels: up([['i', '3']]), samples: [{ t, v: 3 }] },
      ];
      for (const t of [10, 20, 30]) assert.equal((await post(rx, encodeV1(series(t)))).status, 204);
      // Labels interleaved with samples (not one run of bytes) are decoded, never cached.
      const lab = (n: string, v: string): Uint8Array => new PB().string(1, n).string(2, v).done();
      const mixed = new PB().bytes(1, new PB().bytes(1, lab('__name__', 'up')).bytes(2, new PB().double(1, 40).tag(2, 0).varint(40).done())
        .bytes(1, lab('job', 'a')).bytes(1, lab('i', '1')).done()).done();
      assert.equal((await post(rx, mixed)).status, 204);
      // A rejected request leaves the cache usable.
      assert.equal((await post(rx, encodeV1([...series(50), { labels: up([['i', '1']]), samples: [{ t: 1, v: 1 }] }]))).status, 400);
      assert.equal((await post(rx, encodeV1(series(60)))).status, 204);
      assert.deepEqual(Object.fromEntries(await dumpStorage(storage)), {
        '{__name__="up", i="1", job="a"}': [[10, 10], [20, 20], [30, 30], [40, 40], [60, 60]],
        '{__name__="up", i="2", job="a"}': [[10, -10], [20, -20], [30, -30], [60, -60]],
        '{__name__="up", i="3", job="a"}': [[10, 3], [20, 3], [30, 3], [60, 3]],
      }, `cache size ${seriesCacheSize}`);
      const invalid = registry.collect().find((f) => f.name === 'prometheus_api_remote_write_invalid_labels_samples_total');
      assert.equal(invalid?.samples[0]?.value, 4, 'the nameless series is rejected every time');
    }
  });
});
