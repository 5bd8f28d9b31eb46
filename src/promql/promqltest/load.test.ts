import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterResetHint, Matcher, type Millis } from '../../model/index.js';
import { ValueType } from '../../storage/index.js';
import { histogramText } from './histogram-ops.js';
import { TestStorage } from './load.js';
import { parseScript } from './parse-script.js';
import type { LoadCmd } from './script.js';

function loadCmd(text: string): LoadCmd {
  const c = parseScript('l.test', text).commands[0];
  assert.equal(c?.kind, 'load');
  return c;
}

interface Read { t: number; v: string; hint?: CounterResetHint; st: number }

async function read(ts: TestStorage, name: string): Promise<Read[]> {
  const q = await ts.queryable.querier(-1e12 as Millis, 1e12 as Millis);
  const set = await q.select(true, null, [new Matcher('=', '__name__', name)]);
  const out: Read[] = [];
  while (set.next()) {
    const it = set.at().iterator(null);
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      const st = it.atST?.() ?? 0;
      if (vt === ValueType.Float) out.push({ t: it.atT(), v: it.atStale() ? 'stale' : String(it.atF()), st });
      else {
        const h = it.atFloatHistogram();
        out.push({ t: it.atT(), v: histogramText({ ...h, counterResetHint: CounterResetHint.Unknown }), hint: h.counterResetHint, st });
      }
    }
  }
  await q.close();
  return out;
}

test('float loads: k * interval, blanks skipped, stale markers kept as such', async () => {
  const ts = new TestStorage();
  await ts.load(loadCmd('load 5m\n  m 1 _ stale 4\n'));
  assert.deepEqual(await read(ts, 'm'), [{ t: 0, v: '1', st: 0 }, { t: 600_000, v: 'stale', st: 0 }, { t: 900_000, v: '4', st: 0 }]);
  await ts.load(loadCmd('load 5m\n  m _ _ _ _ 5\n'));
  assert.equal((await read(ts, 'm')).length, 4, 'loads are additive');
  await assert.rejects(ts.load(loadCmd('load 5m\n  m 9\n')), /out of order/);
});

test('load_with_nhcb adds custom-bucket histograms beside the classic series', async () => {
  const ts = new TestStorage();
  await ts.load(loadCmd([
    'load_with_nhcb 1m',
    '  h_bucket{le="1", job="a"} 1 2',
    '  h_bucket{le="+Inf", job="a"} 3 5',
    '  h_bucket{le="0.5", job="a"} 0 _',
    '  h_bucket{le="nonsense", job="a"} 100 100',
    '  h_count{job="a"} 3 5',
    '  h_sum{job="a"} 10 20',
    '',
  ].join('\n')));
  assert.deepEqual((await read(ts, 'h')).map((r) => r.v), [
    '{{schema:-53 count:3 sum:10 custom_values:[0.5 1] buckets:[1 2] offset:1 counter_reset_hint:unknown}}',
    '{{schema:-53 count:5 sum:20 custom_values:[1] buckets:[2 3] counter_reset_hint:unknown}}',
  ]);
  assert.equal((await read(ts, 'h_bucket')).length, 7, 'the classic series stay');
  await assert.rejects(new TestStorage().load(loadCmd('load_with_nhcb 1m\n  x_bucket{le="1"} 5\n  x_bucket{le="2"} 3\n')), /not cumulative/);
  await assert.rejects(new TestStorage().load(loadCmd('load_with_nhcb 1m\n  x_bucket 5\n')), /expected bucket label/);
});

test('histograms read back with the hints of the TSDB chunks they would be in', async () => {
  const ts = new TestStorage();
  await ts.load(loadCmd([
    'load 1m',
    '  c {{sum:1 count:1}} {{sum:2 count:2}} {{sum:1 count:1}} {{sum:2 count:2 counter_reset_hint:reset}} stale {{sum:3 count:3}} 7 {{sum:4 count:4}}',
    '  g {{count:1 counter_reset_hint:gauge}}x2',
    '',
  ].join('\n')));
  const U = CounterResetHint.Unknown, N = CounterResetHint.NotCounterReset;
  assert.deepEqual((await read(ts, 'c')).map((r) => r.hint ?? r.v), [U, N, U, U, 'stale', U, '7', U]);
  assert.deepEqual((await read(ts, 'g')).map((r) => r.hint), [CounterResetHint.Gauge, CounterResetHint.Gauge, CounterResetHint.Gauge]);

  // A new chunk starts at each 2h chunk range.
  const long = new TestStorage();
  await long.load(loadCmd('load 1h\n  c {{sum:1 count:1}}+{{sum:1 count:1}}x3\n'));
  assert.deepEqual((await read(long, 'c')).map((r) => r.hint), [U, N, U, N]);
});

test('@st offsets become start timestamps readable through atST', async () => {
  const ts = new TestStorage();
  await ts.load(loadCmd('load 1m\n  c@st _ -30s -1m _\n  c _ 1 2 3\n  d 1\n'));
  assert.deepEqual((await read(ts, 'c')).map((r) => [r.t, r.st]), [[60_000, 30_000], [120_000, 60_000], [180_000, 0]]);
  assert.deepEqual((await read(ts, 'd')).map((r) => r.st), [0]);
});
