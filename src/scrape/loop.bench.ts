/**
 * One scrape-loop iteration without the network: parse a text body, look every series up in
 * the series cache (labels parsed and merged only on the first pass), and append into a
 * no-op appender or the memory storage. Bodies of ~1000 and 10k series, fixed seed.
 */
import { Registry } from '../instrument/index.js';
import { Labels, type Millis } from '../model/index.js';
import type { Appender } from '../storage/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { bench, seededRandom } from '../util/bench.js';
import { appendScrape, type AppendContext } from './append.js';
import { mergeTargetLabels } from './merge-labels.js';
import { ScrapeMetrics } from './metrics.js';
import { testAppendContext } from './test-support.js';

function body(series: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  const families = Math.max(1, Math.floor(series / 50));
  let s = '';
  let n = 0;
  for (let f = 0; n < series; f++) {
    const name = `app_requests_${f % families}_total`;
    s += `# HELP ${name} Requests handled.\n# TYPE ${name} counter\n`;
    for (let i = 0; i < 50 && n < series; i++, n++) {
      s += `${name}{method="${['GET', 'POST', 'PUT'][i % 3]!}",code="${200 + (i % 5)}",path="/api/v1/item/${f}/${i}"} ${Math.floor(rnd() * 1e6)}\n`;
    }
  }
  return Buffer.from(s);
}

const noop: Appender = {
  append: () => 1,
  appendStale: () => 1,
  appendHistogram: () => 1,
  appendExemplar: () => 1,
  updateMetadata: () => 1,
  commit: () => Promise.resolve(),
  rollback: () => Promise.resolve(),
};

function context(): AppendContext {
  const metrics = new ScrapeMetrics(new Registry(), { metadataSizes: () => new Map() });
  const target = Labels.fromStrings('instance', 'host:9100', 'job', 'bench');
  return testAppendContext((l) => mergeTargetLabels(l, target, false).labels(), metrics);
}

for (const n of [1000, 10_000]) {
  const b = body(n, 7);
  const ctx = context();
  let t = 1_700_000_000_000;
  bench(`scrape append ${n} series, no-op appender`, () => {
    t += 1000;
    const r = appendScrape(ctx, noop, b, 'text/plain; version=0.0.4', t as Millis);
    if (r.err !== null) throw r.err;
  }, { unitsPerOp: n, unit: 'samples' });

  const storage = new MemoryStorage({ retentionMs: 60_000 });
  const mctx = context();
  let mt = 1_700_000_000_000;
  bench(`scrape append ${n} series, memory storage`, () => {
    mt += 1000;
    const app = storage.appender();
    const r = appendScrape(mctx, app, b, 'text/plain; version=0.0.4', mt as Millis);
    if (r.err !== null) throw r.err;
    void app.commit();
  }, { unitsPerOp: n, unit: 'samples' });
}
