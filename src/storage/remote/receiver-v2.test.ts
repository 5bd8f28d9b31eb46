/**
 * Remote write 2.0 through the receiver: partial writes, the written-count headers and the
 * exact problem texts, following the receiver scenarios of the compliance suite (SPEC.md §6)
 * with Prometheus 3.14's answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, type Histogram } from '../../model/index.js';
import { Registry } from '../../instrument/index.js';
import { nopLogger } from '../../util/log.js';
import { MemoryStorage } from '../memory/index.js';
import type { Appendable } from '../interface.js';
import { RemoteWriteReceiver, type ReceiverOptions } from './receiver.js';
import { STALE_BITS, Symbols, encodeV1, encodeV2, type HistSpec, type SampleSpec, type V2SeriesSpec } from './test-encoder.js';
import { V2_CT, dumpStorage, post, type StoredValue } from './test-support.js';

const NOW = 1_700_000_000_000;

interface SeriesIn {
  labels?: Record<string, string>;
  /** Raw label references instead of `labels`. */
  refs?: number[];
  samples?: SampleSpec[];
  histograms?: HistSpec[];
  exemplars?: { labels?: Record<string, string>; refs?: number[]; v: number; t: number }[];
  metadata?: { type: number; help?: string; unit?: string; helpRef?: number; unitRef?: number };
}

function build(series: SeriesIn[]): Uint8Array {
  const sym = new Symbols();
  const specs: V2SeriesSpec[] = series.map((s) => ({
    refs: s.refs ?? sym.refs(s.labels ?? {}),
    ...(s.samples !== undefined ? { samples: s.samples } : {}),
    ...(s.histograms !== undefined ? { histograms: s.histograms } : {}),
    ...(s.exemplars !== undefined ? { exemplars: s.exemplars.map((e) => ({ refs: e.refs ?? sym.refs(e.labels ?? {}), v: e.v, t: e.t })) } : {}),
    ...(s.metadata !== undefined ? {
      metadata: {
        type: s.metadata.type,
        helpRef: s.metadata.helpRef ?? (s.metadata.help !== undefined ? sym.ref(s.metadata.help) : 0),
        unitRef: s.metadata.unitRef ?? (s.metadata.unit !== undefined ? sym.ref(s.metadata.unit) : 0),
      },
    } : {}),
  }));
  return encodeV2(sym.list, specs);
}

function setup(o: Partial<ReceiverOptions> = {}, appendable?: Appendable): { storage: MemoryStorage; rx: RemoteWriteReceiver; registry: Registry } {
  const storage = new MemoryStorage({ gcIntervalMs: 0 });
  const registry = new Registry();
  const rx = new RemoteWriteReceiver({ appendable: appendable ?? storage, logger: nopLogger, registry, now: () => NOW, ...o });
  return { storage, rx, registry };
}

function hist(count: number, buckets: number[]): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 0.001, zeroCount: 1, count, sum: 3.5,
    positiveSpans: [{ offset: -1, length: buckets.length }], negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
  };
}

const M = { __name__: 'm', job: 'j' };
const M_TEXT = '{__name__="m", job="j"}';

interface Case {
  name: string;
  opts?: Partial<ReceiverOptions>;
  before?: SeriesIn[];
  series: SeriesIn[];
  status: number;
  body?: string;
  /** Samples, histograms, exemplars written. */
  written: [number, number, number];
  stored?: Record<string, [number, StoredValue][]>;
}

const cases: Case[] = [
  ...([['1.0', 1], ['NaN', NaN], ['+Inf', Infinity], ['-Inf', -Infinity]] as const).map(([name, v]): Case => ({
    name: `simple metric, value ${name}`, series: [{ labels: M, samples: [{ t: 1, v }] }], status: 204, written: [1, 0, 0], stored: { [M_TEXT]: [[1, v]] },
  })),
  { name: 'simple metric, stale marker', series: [{ labels: M, samples: [{ t: 1, v: 0, bits: STALE_BITS }] }], status: 204, written: [1, 0, 0], stored: { [M_TEXT]: [[1, 'stale']] } },
  {
    name: 'newlines, dots, spaces and UTF-8 in names and values',
    series: [{ labels: { '__name__': 'a.b c', 'x y': 'line\nbreak', 'ü': 'é' }, samples: [{ t: 1, v: 1 }] }],
    status: 204, written: [1, 0, 0], stored: { '{__name__="a.b c", "x y"="line\\nbreak", "ü"="é"}': [[1, 1]] },
  },
  {
    name: 'without a name label',
    series: [{ labels: { foo: 'bar' }, samples: [{ t: 1, v: 1 }] }],
    status: 400, body: 'invalid metric name or labels, got {foo="bar"}\n', written: [0, 0, 0], stored: {},
  },
  {
    name: 'empty metric (no samples, no histograms)',
    series: [{ labels: M }],
    status: 400, body: `TimeSeries must contain at least one sample or histogram for series ${M_TEXT}\n`, written: [0, 0, 0], stored: {},
  },
  {
    name: 'metadata or exemplars without data',
    series: [{ labels: M, metadata: { type: 1, help: 'h' }, exemplars: [{ labels: { trace_id: 't' }, v: 1, t: 1 }] }],
    status: 400, body: `TimeSeries must contain at least one sample or histogram for series ${M_TEXT}\n`, written: [0, 0, 0], stored: {},
  },
  {
    name: 'multiple metrics, one without a name: the rest is written',
    series: [{ labels: M, samples: [{ t: 1, v: 1 }] }, { labels: { job: 'j' }, samples: [{ t: 1, v: 2 }] }, { labels: { __name__: 'n' }, samples: [{ t: 1, v: 3 }, { t: 2, v: 4 }] }],
    status: 400, body: 'invalid metric name or labels, got {job="j"}\n', written: [3, 0, 0],
    stored: { [M_TEXT]: [[1, 1]], '{__name__="n"}': [[1, 3], [2, 4]] },
  },
  {
    name: 'label references: odd, out of range; metadata references out of range; duplicates; empty names',
    series: [
      { refs: [1, 2, 1], samples: [{ t: 1, v: 1 }] },
      { refs: [1, 2, 9, 0], samples: [{ t: 1, v: 1 }] },
      { labels: M, samples: [{ t: 1, v: 1 }], metadata: { type: 1, helpRef: 50 } },
      { labels: M, samples: [{ t: 1, v: 1 }], metadata: { type: 1, unitRef: 51, helpRef: 50 } },
      { refs: [1, 2, 3, 4, 3, 2], samples: [{ t: 1, v: 1 }] },
      { refs: [1, 2, 0, 4], samples: [{ t: 1, v: 1 }] },
    ],
    status: 400,
    body: [
      'parsing labels for series [1 2 1]: invalid labelRefs length 3',
      'parsing labels for series [1 2 9 0]: labelRefs 9 (name) = 0 (value) outside of symbols table (size 5)',
      'parsing metadata for series [1 2 3 4]: metadata help_ref 50 outside of symbols table (size 5)',
      'parsing metadata for series [1 2 3 4]: metadata unit_ref 51 outside of symbols table (size 5)',
      'invalid labels for series, labels {__name__="m", job="j", job="m"}, duplicated label job',
      'invalid metric name or labels, got {""="j", __name__="m"}',
    ].join('\n') + '\n',
    written: [0, 0, 0], stored: {},
  },
  {
    name: 'out-of-order and future samples are problems; the other samples are written',
    before: [{ labels: M, samples: [{ t: 100, v: 1 }] }],
    series: [{ labels: M, samples: [{ t: 50, v: 1 }, { t: 200, v: 2 }, { t: 150, v: 3 }, { t: NOW + 600_001, v: 4 }] }],
    status: 400,
    body: [`out of order sample for series ${M_TEXT}`, `out of order sample for series ${M_TEXT}`, `out of bounds: timestamp is too far in the future for series ${M_TEXT}`].join('\n') + '\n',
    written: [1, 0, 0], stored: { [M_TEXT]: [[100, 1], [200, 2]] },
  },
  {
    name: 'histograms: integer, float, custom buckets, with metadata and exemplars',
    series: [
      { labels: { __name__: 'h' }, histograms: [{ t: 1, h: hist(6, [2, 1]) }, { t: 2, h: hist(8, [3, 4]), float: true }], metadata: { type: 3, help: 'A histogram.' }, exemplars: [{ labels: { trace_id: 'x' }, v: 0.1, t: 1 }] },
      { labels: { __name__: 'nhcb' }, histograms: [{ t: 1, h: { ...hist(2, [1, 0]), zeroCount: 0, zeroThreshold: 0, schema: CUSTOM_BUCKETS_SCHEMA, positiveSpans: [{ offset: 0, length: 2 }], customValues: [1, 2] } }] },
    ],
    status: 204, written: [0, 3, 1],
    stored: { '{__name__="h"}': [[1, { count: 6, sum: 3.5, schema: 1, float: false }], [2, { count: 8, sum: 3.5, schema: 1, float: true }]], '{__name__="nhcb"}': [[1, { count: 2, sum: 3.5, schema: -53, float: false }]] },
  },
  {
    name: 'a histogram whose count disagrees with its buckets',
    series: [{ labels: { __name__: 'h' }, histograms: [{ t: 1, h: hist(5, [2, 1]) }, { t: 2, h: hist(9, [2, 1]) }] }],
    status: 400,
    body: "6 observations found in buckets, but the Count field is 5: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN) for series {__name__=\"h\"}\n"
      + "6 observations found in buckets, but the Count field is 9: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN) for series {__name__=\"h\"}\n",
    written: [0, 0, 0], stored: {},
  },
  {
    name: 'exemplars: trace and span ids, no labels, many labels, special values, older than the sample',
    series: [{
      labels: M, samples: [{ t: 10, v: 1 }],
      exemplars: [{ v: 1, t: 1 }, { labels: { trace_id: 'a', span_id: 'b' }, v: NaN, t: 2 }, { labels: { trace_id: 'ü', x: '"q"' }, v: Infinity, t: 3 }],
    }],
    status: 204, written: [1, 0, 3], stored: { [M_TEXT]: [[10, 1]] },
  },
  {
    name: 'exemplars with bad references or out of order are problems',
    series: [{ labels: M, samples: [{ t: 10, v: 1 }], exemplars: [{ refs: [1], v: 1, t: 1 }, { labels: { trace_id: 'a' }, v: 1, t: 5 }, { labels: { trace_id: 'b' }, v: 1, t: 4 }] }],
    status: 400,
    body: `parsing exemplar for series ${M_TEXT}: invalid labelRefs length 1\nout of order exemplar for series ${M_TEXT}\n`,
    written: [1, 0, 1], stored: { [M_TEXT]: [[10, 1]] },
  },
  {
    name: 'start timestamps are ignored without start-timestamp ingestion',
    series: [{ labels: M, samples: [{ t: 10, v: 5, st: 4 }] }],
    status: 204, written: [1, 0, 0], stored: { [M_TEXT]: [[10, 5]] },
  },
  {
    name: 'with start-timestamp ingestion, a zero sample at the start timestamp (not counted); older starts ignored',
    opts: { ingestStartZero: true },
    before: [{ labels: { __name__: 'old' }, samples: [{ t: 20, v: 1 }] }],
    series: [
      { labels: M, samples: [{ t: 10, v: 5, st: 4 }, { t: 11, v: 6, st: 4 }, { t: 12, v: 6, st: 12 }] },
      { labels: { __name__: 'old' }, samples: [{ t: 30, v: 2, st: 3 }] },
      { labels: { __name__: 'h' }, histograms: [{ t: 10, h: hist(6, [2, 1]), st: 7 }] },
    ],
    status: 204, written: [4, 1, 0],
    stored: {
      [M_TEXT]: [[4, 0], [10, 5], [11, 6], [12, 6]],
      '{__name__="old"}': [[20, 1], [30, 2]],
      '{__name__="h"}': [[7, { count: 0, sum: 0, schema: 1, float: false }], [10, { count: 6, sum: 3.5, schema: 1, float: false }]],
    },
  },
  {
    name: 'with type-and-unit labels, metadata replaces __type__ and __unit__',
    opts: { typeAndUnitLabels: true },
    series: [
      { labels: { __name__: 'c_seconds_total', __type__: 'gauge', __unit__: 'x' }, samples: [{ t: 1, v: 1 }], metadata: { type: 1, unit: 'seconds' } },
      { labels: { __name__: 'u', __type__: 'gauge' }, samples: [{ t: 1, v: 1 }] },
    ],
    status: 204, written: [2, 0, 0],
    stored: { '{__name__="c_seconds_total", __type__="counter", __unit__="seconds"}': [[1, 1]], '{__name__="u", __type__="gauge"}': [[1, 1]] },
  },
];

describe('remote write 2.0', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { storage, rx } = setup(c.opts);
      if (c.before !== undefined) assert.equal((await post(rx, build(c.before), { contentType: V2_CT })).status, 204);
      const r = await post(rx, build(c.series), { contentType: V2_CT });
      assert.equal(r.status, c.status, r.body);
      if (c.body !== undefined) assert.equal(r.body, c.body);
      if (c.status === 204) assert.equal(r.body, '');
      assert.deepEqual([
        r.headers['X-Prometheus-Remote-Write-Samples-Written'], r.headers['X-Prometheus-Remote-Write-Histograms-Written'], r.headers['X-Prometheus-Remote-Write-Exemplars-Written'],
      ], c.written.map(String));
      if (c.stored !== undefined) {
        const all = [...await dumpStorage(storage)].filter(([k]) => c.before === undefined || k in c.stored!);
        assert.deepEqual(Object.fromEntries(all), c.stored);
      }
    });
  }

  it('metadata is stored per series with metadata-wal-records, not without', async () => {
    for (const appendMetadata of [false, true]) {
      const { storage, rx } = setup({ appendMetadata });
      const r = await post(rx, build([{ labels: M, samples: [{ t: 1, v: 1 }], metadata: { type: 2, help: 'Help "me"\nplease.', unit: 'bytes' } }]), { contentType: V2_CT });
      assert.equal(r.status, 204);
      assert.deepEqual([...storage.metadata()], appendMetadata ? [['m', [{ type: 'gauge', help: 'Help "me"\nplease.', unit: 'bytes' }]]] : []);
    }
  });

  it('counts series rejected for labels in the invalid-labels counter (samples and histograms)', async () => {
    const { rx, registry } = setup();
    await post(rx, build([{ labels: { a: 'b' }, samples: [{ t: 1, v: 1 }, { t: 2, v: 1 }], histograms: [{ t: 3, h: hist(6, [2, 1]) }] }]), { contentType: V2_CT });
    const f = registry.collect().find((x) => x.name === 'prometheus_api_remote_write_invalid_labels_samples_total');
    assert.equal(f?.samples[0]?.value, 3);
  });

  it('many samples in one request are all counted', async () => {
    const { storage, rx } = setup();
    const series: SeriesIn[] = [];
    for (let i = 0; i < 1000; i++) series.push({ labels: { __name__: 'many', i: String(i) }, samples: [{ t: 1, v: i }, { t: 2, v: i }] });
    const r = await post(rx, build(series), { contentType: V2_CT });
    assert.equal(r.status, 204);
    assert.equal(r.headers['X-Prometheus-Remote-Write-Samples-Written'], '2000');
    assert.equal((await dumpStorage(storage)).size, 1000);
  });

  it('a storage failure rolls everything back: 500 with zero counts', async () => {
    const storage = new MemoryStorage();
    const failing: Appendable = {
      appender: () => {
        const app = storage.appender();
        let n = 0;
        return Object.assign(Object.create(app) as typeof app, {
          append: (...a: Parameters<typeof app.append>) => { if (++n === 3) throw new Error('no space left on device'); return app.append(...a); },
          rollback: () => app.rollback(),
          commit: () => app.commit(),
        });
      },
    };
    const { rx } = setup({}, failing);
    const r = await post(rx, build([{ labels: M, samples: [{ t: 1, v: 1 }, { t: 2, v: 1 }, { t: 3, v: 1 }] }]), { contentType: V2_CT });
    assert.deepEqual([r.status, r.body, r.headers['X-Prometheus-Remote-Write-Samples-Written']], [500, 'no space left on device\n', '0']);
    assert.equal((await dumpStorage(storage)).size, 0);
  });

  it('a 1.0 body labelled as 2.0 decodes as an empty request (the field numbers do not overlap)', async () => {
    const { rx } = setup();
    const v1 = encodeV1([{ labels: [['__name__', 'a']], samples: [{ t: 1, v: 1 }] }]);
    const r = await post(rx, v1, { contentType: V2_CT });
    assert.deepEqual([r.status, r.headers['X-Prometheus-Remote-Write-Samples-Written']], [204, '0']);
  });
});

describe('remote write 2.0: series known by their label strings', () => {
  it('repeated series with a new symbol table each time are stored alike, cached or not', async () => {
    for (const seriesCacheSize of [0, 1, 1000]) {
      const { storage, rx } = setup({ seriesCacheSize });
      for (const [k, t] of [10, 20, 30].entries()) {
        const sym = new Symbols();
        // A different symbol order per request, as senders build their tables as they go.
        if (k === 1) for (const s of ['j', 'job', 'x', '__name__', 'm']) sym.ref(s);
        const body = encodeV2(sym.list, [
          { refs: sym.refs(M), samples: [{ t, v: t }] },
          { refs: sym.refs({ __name__: 'x', job: 'j' }), samples: [{ t, v: -t }] },
          { refs: sym.refs({ job: 'j' }), samples: [{ t, v: 0 }] },
          { refs: [...sym.refs({ __name__: 'x' }), 99, 1], samples: [{ t, v: 0 }] },
        ]);
        const r = await post(rx, body, { contentType: V2_CT });
        assert.equal(r.status, 400);
        assert.equal(r.headers['X-Prometheus-Remote-Write-Samples-Written'], '2');
        assert.match(r.body, /^invalid metric name or labels, got \{job="j"\}\nparsing labels for series \[\d+ \d+ 99 1\]: labelRefs 99 \(name\) = 1 \(value\) outside of symbols table \(size \d\)\n$/);
      }
      assert.deepEqual(Object.fromEntries(await dumpStorage(storage)), {
        [M_TEXT]: [[10, 10], [20, 20], [30, 30]],
        '{__name__="x", job="j"}': [[10, -10], [20, -20], [30, -30]],
      }, `cache size ${seriesCacheSize}`);
    }
  });
});
