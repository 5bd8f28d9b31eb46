/**
 * Memory storage hot paths: the scrape-loop append pattern (one appender per 10k-sample
 * batch, refs cached from the previous scrape), the same without cached refs, and
 * select + iterate throughput. Fixed seed; memory bounded by a retention window.
 */
import { Labels, Matcher, type Millis } from '../../model/index.js';
import { bench, benchAsync, seededRandom } from '../../util/bench.js';
import { ValueType, type SampleIterator } from '../interface.js';
import { MemoryStorage } from './memory.js';

const SERIES = 10_000;
const SCRAPE_MS = 15_000;
const rnd = seededRandom(1);

const labels: Labels[] = [];
for (let i = 0; i < SERIES; i++) {
  labels.push(Labels.fromStrings(
    '__name__', `metric_${i % 100}`, 'job', `job_${i % 10}`, 'instance', `host-${Math.floor(i / 100)}:9100`, 'idx', String(i),
  ));
}
const values = new Float64Array(SERIES);
for (let i = 0; i < SERIES; i++) values[i] = Math.floor(rnd() * 1e6);

function scrapeLoop(cachedRefs: boolean): () => void {
  // Keeps 60 scrapes per series; GC runs on commit once a second.
  const st = new MemoryStorage({ retentionMs: 60 * SCRAPE_MS, gcIntervalMs: 1000 });
  const refs = new Float64Array(SERIES);
  let t = 0;
  return () => {
    t += SCRAPE_MS;
    const app = st.appender();
    const ts = t as Millis;
    for (let i = 0; i < SERIES; i++) {
      const ref = app.append(cachedRefs ? refs[i]! : 0, labels[i]!, ts, values[i]! + t);
      refs[i] = ref;
    }
    void app.commit();
  };
}

bench('append 10k-sample batch, cached refs', scrapeLoop(true), { unitsPerOp: SERIES, unit: 'samples' });
bench('append 10k-sample batch, lookup by labels', scrapeLoop(false), { unitsPerOp: SERIES, unit: 'samples' });

// A storage with 10k series × 120 samples for the read cases.
const SAMPLES = 120;
const st = new MemoryStorage({ gcIntervalMs: 0 });
{
  const refs = new Float64Array(SERIES);
  for (let k = 1; k <= SAMPLES; k++) {
    const app = st.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, (k * SCRAPE_MS) as Millis, values[i]! + k);
    void app.commit();
  }
}
const q = await st.querier(0 as Millis, (SAMPLES * SCRAPE_MS) as Millis);

/** Selects and reads every sample; returns the number read. */
async function selectAndIterate(matchers: readonly Matcher[], reuse: { it: SampleIterator | null; sink: number }): Promise<number> {
  const set = await q.select(true, null, matchers);
  let n = 0;
  while (set.next()) {
    const it = set.at().iterator(reuse.it);
    reuse.it = it;
    while (it.next() !== ValueType.None) { reuse.sink += it.atF(); n++; }
  }
  return n;
}

const cases: [string, Matcher[]][] = [
  ['select+iterate {__name__="metric_7"} (100 series)', [new Matcher('=', '__name__', 'metric_7')]],
  ['select+iterate {job=~"job_1|job_2"} (2000 series)', [new Matcher('=~', 'job', 'job_1|job_2')]],
  ['select+iterate {__name__=~"metric_1.*",job!="job_1"}', [new Matcher('=~', '__name__', 'metric_1.*'), new Matcher('!=', 'job', 'job_1')]],
];
const reuse = { it: null as SampleIterator | null, sink: 0 };
for (const [name, matchers] of cases) {
  const samples = await selectAndIterate(matchers, reuse);
  await benchAsync(name, async () => { await selectAndIterate(matchers, reuse); }, { unitsPerOp: samples, unit: 'samples' });
}
if (reuse.sink === -1) console.log('unreachable');
