import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryType } from './interface.js';
import { NHCBParser } from './nhcb-parser.js';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { PromParser } from './prom-parser.js';
import { compactBuckets } from './histogram-compact.js';
import { entryLinesOrError } from './testing-entries.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const BODY = `# TYPE h histogram
h_bucket{a="1",le="1"} 1
h_bucket{a="1",le="2"} 3
h_bucket{a="1",le="+Inf"} 4
h_sum{a="1"} 10
h_count{a="1"} 4
h_bucket{a="2",le="1"} 0
h_bucket{a="2",le="+Inf"} 2.5
h_sum{a="2"} 1
h_count{a="2"} 2.5
# TYPE g gauge
g 1
`;

const H1 = 'HIST {__name__="h", a="1"} {"counterResetHint":0,"schema":-53,"zeroThreshold":0,"zeroCount":0,"count":4,"sum":10,"positiveSpans":[{"offset":0,"length":3}],"negativeSpans":[],"positiveBuckets":[1,1,-1],"negativeBuckets":[],"customValues":[1,2]}';
const H2 = 'HIST {__name__="h", a="2"} {"counterResetHint":0,"schema":-53,"zeroThreshold":0,"zeroCount":0,"count":2.5,"sum":1,"positiveSpans":[{"offset":1,"length":1}],"negativeSpans":[],"positiveBuckets":[2.5],"negativeBuckets":[],"customValues":[1]}';

test('NHCB: classic text histograms become custom-bucket histograms', () => {
  assert.deepEqual(entryLinesOrError(new NHCBParser(new PromParser(enc(BODY)), false, false)), ['TYPE h histogram', H1, H2, 'TYPE g gauge', '{__name__="g"} 1']);
});

test('NHCB: keepClassicHistograms keeps the classic series before each histogram', () => {
  const got = entryLinesOrError(new NHCBParser(new PromParser(enc(BODY)), true, false));
  assert.deepEqual(got, [
    'TYPE h histogram', '{__name__="h_bucket", a="1", le="1.0"} 1', '{__name__="h_bucket", a="1", le="2.0"} 3', '{__name__="h_bucket", a="1", le="+Inf"} 4',
    '{__name__="h_sum", a="1"} 10', '{__name__="h_count", a="1"} 4', H1,
    '{__name__="h_bucket", a="2", le="1.0"} 0', '{__name__="h_bucket", a="2", le="+Inf"} 2.5', '{__name__="h_sum", a="2"} 1', '{__name__="h_count", a="2"} 2.5', H2,
    'TYPE g gauge', '{__name__="g"} 1',
  ]);
});

test('NHCB: OpenMetrics exemplars move to the histogram, _created gives its start timestamp', () => {
  const om = '# TYPE h histogram\nh_bucket{le="1"} 1 # {id="x"} 0.5 12\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\nh_created 100\n# EOF\n';
  const got = entryLinesOrError(new NHCBParser(new OpenMetricsParser(enc(om), true), false, true));
  assert.equal(got.length, 2);
  assert.match(got[1]!, /^HIST \{__name__="h"\} .*"customValues":\[1\]\} st=100000 # \{id="x"\} 0.5 @12000$/);
});

test('NHCB: series keys of converted histograms are distinct from text keys and stable', () => {
  const keys = (): string[] => {
    const p = new NHCBParser(new PromParser(enc(BODY)), false, false);
    const out: string[] = [];
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) if (e === EntryType.Histogram) out.push(p.seriesKey());
    return out;
  };
  const a = keys();
  assert.equal(new Set(a).size, 2);
  assert.deepEqual(keys(), a);
});

test('bucket compaction as Prometheus Compact does', () => {
  const cases: { name: string; b: number[]; s: [number, number][]; max: number; delta: boolean; wantB: number[]; wantS: [number, number][] }[] = [
    { name: 'nothing to do', b: [1, 2], s: [[0, 2]], max: 0, delta: false, wantB: [1, 2], wantS: [[0, 2]] },
    { name: 'empty buckets at both ends', b: [0, 1, 2, 0], s: [[3, 4]], max: 0, delta: false, wantB: [1, 2], wantS: [[4, 2]] },
    { name: 'empty bucket in the middle splits', b: [1, 0, 2], s: [[0, 3]], max: 0, delta: false, wantB: [1, 2], wantS: [[0, 1], [1, 1]] },
    { name: 'empty bucket in the middle kept under maxEmpty', b: [1, 0, 2], s: [[0, 3]], max: 1, delta: false, wantB: [1, 0, 2], wantS: [[0, 3]] },
    { name: 'delta encoding adjusted across a cut', b: [1, -1, 0, 3], s: [[0, 4]], max: 0, delta: true, wantB: [1, 2], wantS: [[0, 1], [2, 1]] },
    { name: 'close spans merged with empty buckets', b: [1, 2], s: [[0, 1], [2, 1]], max: 2, delta: true, wantB: [1, -1, 0, 3], wantS: [[0, 4]] },
    { name: 'zero-offset and zero-length spans merged', b: [1, 1], s: [[0, 1], [5, 0], [0, 1]], max: 0, delta: true, wantB: [1, 1], wantS: [[0, 1], [5, 1]] },
    { name: 'all empty', b: [0, 0], s: [[0, 2]], max: 0, delta: true, wantB: [], wantS: [] },
  ];
  for (const c of cases) {
    const got = compactBuckets(c.b, c.s.map(([offset, length]) => ({ offset, length })), c.max, c.delta);
    assert.deepEqual(got.buckets, c.wantB, c.name);
    assert.deepEqual(got.spans.map((x) => [x.offset, x.length]), c.wantS, c.name);
  }
});
