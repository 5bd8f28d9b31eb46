/**
 * Differential test against a real Prometheus 2.42 (Debian's package): the same generated
 * data (differential-data.ts) backfilled into Prometheus with `promtool tsdb
 * create-blocks-from openmetrics` and loaded into Watchfire's memory storage, the same
 * queries (differential-queries.ts) sent to both, answers compared with tolerance. Where
 * Prometheus 3 deliberately changed semantics, the exceptions are named and each side must
 * answer as its version does.
 *
 * The harness is checked on its own as well: Prometheus must hold exactly the generated
 * data, run every query (failing exactly the error cases), answer the exceptions as 2.x did,
 * and agree with the runner's mini engine on plain selectors over the memory storage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, type Millis } from '../../model/index.js';
import { MemoryStorage } from '../../storage/index.js';
import { freePort, peer, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { QueryError, type Engine, type Query, type Value } from '../value.js';
import { closeEnough, diffValues } from './differential-compare.js';
import { END, generateDataset, loadDataset, seriesCount, toOpenMetrics, type Dataset } from './differential-data.js';
import { FUZZ_INSTANT_TIMES, FUZZ_RANGE, randomQueries } from './differential-fuzz.js';
import { EXCEPTIONS, INSTANT_TIMES, QUERIES, RANGE, type DiffQuery, type Expected } from './differential-queries.js';
import { PROMETHEUS_DEFAULT_OPTIONS, watchfireEngine } from './engine.js';
import { MiniEngine } from './mini-engine.js';
import { repoRoot } from './paths.js';
import { promInstantQuery, promRangeQuery, valueFormatCheck, type PromAnswer } from './prom-api.js';

/**
 * Queries on which Watchfire's engine is known to answer differently from 2.42 outside the
 * named exceptions (engine gaps), key → difference. The list may only shrink; rewrite it with
 * WATCHFIRE_UPDATE_KNOWN_FAILURES=1.
 */
const KNOWN_PATH = join(repoRoot(), 'src', 'promql', 'promqltest', 'differential-known-failures.json');

const prometheus = peer('prometheus');
const promtool = peer('promtool');
const skip = prometheus.skip !== false ? prometheus.skip : promtool.skip;

type Answer = { ok: true; value: Value } | { ok: false; error: string };

/** Runs a query on an engine like the HTTP API would: errors become answers. */
async function ask(make: () => Query): Promise<Answer> {
  let q: Query | null = null;
  try {
    q = make();
    return { ok: true, value: (await q.exec()).value };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e.message };
    throw e;
  } finally {
    q?.close();
  }
}

function fromProm(a: PromAnswer): Answer {
  return a.ok ? { ok: true, value: a.value } : { ok: false, error: `${a.errorType}: ${a.error}` };
}

/** Every question the test asks of one query: instant at each time, and a range query unless instant-only. */
interface Ask {
  label: string;
  prom: (base: string) => Promise<PromAnswer>;
  engine: (e: Engine, s: MemoryStorage) => Promise<Answer>;
}

function asks(query: DiffQuery, times: readonly number[] = INSTANT_TIMES, range: typeof RANGE = RANGE): Ask[] {
  const out: Ask[] = times.map((t) => ({
    label: `instant at ${t}`,
    prom: (base) => promInstantQuery(base, query.expr, t),
    engine: (e, s) => ask(() => e.newInstantQuery(s, query.expr, t as Millis)),
  }));
  if (query.instantOnly !== true) {
    out.push({
      label: 'range',
      prom: (base) => promRangeQuery(base, query.expr, range.start, range.end, range.step),
      engine: (e, s) => ask(() => e.newRangeQuery(s, query.expr, range.start as Millis, range.end as Millis, range.step)),
    });
  }
  return out;
}

function compare(query: DiffQuery, want: Answer, got: Answer): string | null {
  if (query.error === true) {
    if (want.ok) return `Prometheus answered an error case: ${JSON.stringify(want.value).slice(0, 200)}`;
    return got.ok ? 'no error, want one' : null;
  }
  if (!want.ok) return `Prometheus failed: ${want.error}`;
  if (!got.ok) return `error: ${got.error}`;
  return diffValues(want.value, got.value, query.ordered === true);
}

/** Random queries (differential-fuzz.ts): both fail, or both answer alike. */
function compareRandom(want: Answer, got: Answer, ordered: boolean): string | null {
  if (!want.ok) return got.ok ? `answered, Prometheus failed: ${want.error}` : null;
  if (!got.ok) return `error: ${got.error}`;
  return diffValues(want.value, got.value, ordered);
}

/**
 * How many random queries the test asks, and from which seed: a fixed sample in the suite;
 * WATCHFIRE_FUZZ_SEED and WATCHFIRE_FUZZ_COUNT ask others.
 */
const FUZZ_SEED = Number(process.env['WATCHFIRE_FUZZ_SEED'] ?? '1');
const FUZZ_COUNT = Number(process.env['WATCHFIRE_FUZZ_COUNT'] ?? '400');

function meets(e: Expected, a: Answer): string | null {
  switch (e.kind) {
    case 'error': return a.ok ? 'answered, want an error' : null;
    case 'empty':
      if (!a.ok) return `error ${a.error}`;
      return a.value.kind === 'vector' && a.value.v.length === 0 ? null : `want an empty vector, got ${JSON.stringify(a.value)}`;
    case 'any':
    case 'value': {
      if (!a.ok) return `error ${a.error}`;
      if (a.value.kind !== 'vector' || a.value.v.length !== 1) return `want one sample, got ${JSON.stringify(a.value)}`;
      const got = a.value.v[0]!;
      if (e.kind === 'any') return null;
      if (e.metric !== undefined && !got.metric.equals(Labels.fromObject(e.metric))) return `got ${got.metric.toString()}, want ${Labels.fromObject(e.metric).toString()}`;
      return closeEnough(e.f, got.f) ? null : `got ${got.f}, want ${e.f}`;
    }
  }
}

describe('differential test against Prometheus 2.42', { skip, timeout: 600_000 }, () => {
  let dir = '';
  let server: RunningPeer | null = null;
  let base = '';
  let data: Dataset;
  const storage = new MemoryStorage({ gcIntervalMs: 0, maxExemplars: 0 });

  before(async () => {
    data = generateDataset();
    dir = mkdtempSync(join(tmpdir(), 'watchfire-differential-'));
    writeFileSync(join(dir, 'data.om'), toOpenMetrics(data));
    const blocks = join(dir, 'tsdb');
    const r = spawnSync(promtool.path, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'data.om'), blocks], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `promtool failed: ${r.stderr}`);
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startPeer(prometheus.path, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${blocks}`,
      `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=100y', '--log.level=warn',
    ]);
    await waitReady(`${base}/-/ready`, 30_000).catch((e: unknown) => {
      throw new Error(`prometheus did not start: ${server?.output() ?? ''}`, { cause: e });
    });
    await loadDataset(data, storage);
  });

  after(async () => {
    await server?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('Prometheus holds exactly the generated data', async () => {
    const series = await fetch(`${base}/api/v1/series?${new URLSearchParams({ 'match[]': '{__name__=~"dt_.+"}', start: '0', end: String(END / 1000 + 1) }).toString()}`);
    const body = await series.json() as { data: Record<string, string>[] };
    assert.equal(body.data.length, seriesCount(data));
    assert.ok(seriesCount(data) >= 250, 'a few hundred series');
    for (const fam of data.families) {
      const names = [...new Set(fam.series.map((s) => s.labels.metricName()))];
      for (const name of names) {
        for (const fn of ['count_over_time', 'sum_over_time']) {
          const a = await promInstantQuery(base, `${fn}(${name}[3h])`, END + 1000);
          assert.ok(a.ok && a.value.kind === 'vector', `${fn}(${name}): ${JSON.stringify(a)}`);
          const got = new Map(a.value.v.map((s) => [s.metric.key(), s.f]));
          const mine = fam.series.filter((s) => s.labels.metricName() === name);
          assert.equal(got.size, mine.length, name);
          for (const s of mine) {
            const want = fn === 'count_over_time' ? s.vs.length : s.vs.reduce((x, y) => x + y, 0);
            const g = got.get(s.labels.withoutMetricName().key());
            assert.ok(g !== undefined && closeEnough(want, g), `${fn} of ${s.labels.toString()}: ${g}, want ${want}`);
          }
        }
      }
    }
  });

  test('every query runs in Prometheus 2.42, and exactly the error cases fail', async () => {
    assert.ok(QUERIES.length >= 250, `only ${QUERIES.length} queries`);
    const wrong: string[] = [];
    for (const query of QUERIES) {
      for (const a of asks(query)) {
        const ans = await a.prom(base);
        if (ans.ok === (query.error === true)) wrong.push(`${query.expr} (${a.label}): ${ans.ok ? 'answered' : ans.error}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('the named exceptions: Prometheus 2.42 answers as 2.x did', async () => {
    const wrong: string[] = [];
    for (const e of EXCEPTIONS) {
      const m = meets(e.v2, fromProm(await promInstantQuery(base, e.expr, e.at)));
      if (m !== null) wrong.push(`${e.name}: ${e.expr}: ${m}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('harness check: the mini engine on the memory storage agrees with Prometheus on plain selectors', async () => {
    const mini = new MiniEngine();
    let compared = 0;
    const wrong: string[] = [];
    for (const query of QUERIES) {
      if (query.error === true) continue;
      for (const a of asks(query)) {
        const got = await a.engine(mini, storage);
        if (!got.ok && got.error.startsWith('mini engine:')) continue;
        compared++;
        const d = compare(query, fromProm(await a.prom(base)), got);
        if (d !== null) wrong.push(`${query.expr} (${a.label}): ${d}`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(compared >= 40, `only ${compared} answers compared`);
  });

  test('Watchfire agrees with Prometheus 2.42 on every query (but the listed known differences)', async (t) => {
    const loaded = watchfireEngine(PROMETHEUS_DEFAULT_OPTIONS);
    if (!loaded.ok) {
      t.skip(`engine not available: ${loaded.reason}`);
      return;
    }
    const wrong = new Map<string, string>();
    let compared = 0;
    for (const query of QUERIES) {
      for (const a of asks(query)) {
        compared++;
        const d = compare(query, fromProm(await a.prom(base)), await a.engine(loaded.engine, storage));
        if (d !== null) wrong.set(`${query.expr} (${a.label})`, d.slice(0, 300));
      }
    }
    t.diagnostic(`${compared - wrong.size}/${compared} answers agree`);
    if (process.env['WATCHFIRE_UPDATE_KNOWN_FAILURES'] === '1') {
      writeFileSync(KNOWN_PATH, JSON.stringify(Object.fromEntries([...wrong].sort((x, y) => (x[0] < y[0] ? -1 : 1))), null, 1) + '\n');
      return;
    }
    const known = new Set(Object.keys(JSON.parse(readFileSync(KNOWN_PATH, 'utf8')) as Record<string, string>));
    assert.deepEqual([...wrong].filter(([k]) => !known.has(k)).map(([k, d]) => `${k}: ${d}`), [], 'differences not in differential-known-failures.json');
    assert.deepEqual([...known].filter((k) => !wrong.has(k)), [], 'listed differences that are gone: remove them from differential-known-failures.json');
  });

  test(`Watchfire agrees with Prometheus 2.42 on ${FUZZ_COUNT} random queries (seed ${FUZZ_SEED})`, async (t) => {
    const loaded = watchfireEngine(PROMETHEUS_DEFAULT_OPTIONS);
    if (!loaded.ok) {
      t.skip(`engine not available: ${loaded.reason}`);
      return;
    }
    const wrong: string[] = [];
    let compared = 0, answered = 0;
    for (const rq of randomQueries(FUZZ_SEED, FUZZ_COUNT)) {
      const query: DiffQuery = { expr: rq.expr, ordered: rq.ordered };
      for (const a of asks(query, FUZZ_INSTANT_TIMES, FUZZ_RANGE)) {
        compared++;
        const want = fromProm(await a.prom(base));
        if (want.ok) answered++;
        const d = compareRandom(want, await a.engine(loaded.engine, storage), rq.ordered && a.label !== 'range');
        if (d !== null) wrong.push(`${rq.expr} (${a.label}): ${d.slice(0, 300)}`);
      }
    }
    t.diagnostic(`${compared - wrong.length}/${compared} answers agree, ${answered} of them not errors`);
    assert.ok(answered >= compared / 2, `only ${answered} of ${compared} random questions answered by Prometheus`);
    assert.deepEqual(wrong, []);
  });

  test('every value Prometheus printed, Watchfire prints the same', (t) => {
    t.diagnostic(`${valueFormatCheck.checked} values checked`);
    assert.ok(valueFormatCheck.checked >= 10_000, `only ${valueFormatCheck.checked} values checked`);
    assert.deepEqual(valueFormatCheck.mismatches, []);
  });

  test('the named exceptions: Watchfire answers as Prometheus 3 does', async (t) => {
    const loaded = watchfireEngine(PROMETHEUS_DEFAULT_OPTIONS);
    if (!loaded.ok) {
      t.skip(`engine not available: ${loaded.reason}`);
      return;
    }
    const wrong: string[] = [];
    for (const e of EXCEPTIONS) {
      const m = meets(e.v3, await ask(() => loaded.engine.newInstantQuery(storage, e.expr, e.at as Millis)));
      if (m !== null) wrong.push(`${e.name}: ${e.expr}: ${m}`);
    }
    assert.deepEqual(wrong, []);
  });
});
