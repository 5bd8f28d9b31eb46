/**
 * Interop with Prometheus 2.42's promtool, both ways: blocks that promtool builds from an
 * OpenMetrics file read back here exactly as `promtool tsdb dump`/`analyze` see them, and
 * the same blocks rewritten through our writer dump identically and analyze cleanly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher, formatFloatG } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { expandPostings, postingsForMatchers } from '../index/index.js';
import { peer } from '../../testing/peers.js';
import {
  Block, isValidULID, writeBlock,
  type BlockSeries, type SeriesToWrite, type WrittenBlock,
} from './index.js';
import { generateOpenMetrics, type GeneratedSeries } from './testing/openmetrics-gen.js';
import { analyzeBlock, dumpBlock, runPromtool } from './testing/promtool.js';

const promtool = peer('promtool');
const ALL = [new Matcher('=~', '__name__', '.+')];
const MIN = -(2 ** 53), MAX = 2 ** 53;

const openBlock = (dir: string): Promise<Block> => Block.open(dir);

/** The first differing line of two large texts (a full diff of megabytes would take minutes). */
function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: ours ${JSON.stringify(x[i])}, promtool ${JSON.stringify(y[i])}`;
  }
  return 'equal';
}

/** What `promtool tsdb dump` prints for these series, rendered from our reader. */
async function renderDump(b: Block, series: readonly BlockSeries[]): Promise<string> {
  const out: string[] = [];
  for (const s of series) {
    const head = s.labels.toString();
    for (const m of s.chunks) {
      const it = (await b.chunks.chunk(m.ref)).iterator(null);
      let first = true, last = 0;
      while (it.next() !== ValueType.None) {
        if (first) assert.equal(it.atT(), m.mint, `chunk ${m.ref} mint`);
        first = false;
        last = it.atT();
        out.push(`${head} ${formatFloatG(it.atF())} ${it.atT()}`);
      }
      assert.equal(last, m.maxt, `chunk ${m.ref} maxt`);
    }
  }
  return out.join('\n') + (out.length > 0 ? '\n' : '');
}

describe('promtool interop', { skip: promtool.skip }, () => {
  let dir = '';
  let gen: GeneratedSeries[] = [];
  let blocks: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wf-interop-'));
    // 2.5 hours of 30 s samples starting half an hour into a 2 h range: two blocks.
    const startSec = Math.floor(Date.now() / 7_200_000) * 7200 - 6 * 3600 + 1800;
    const g = generateOpenMetrics({ startSec, stepSec: 30, samples: 300, perFamily: 100 });
    gen = g.series;
    writeFileSync(join(dir, 'data.om'), g.text);
    mkdirSync(join(dir, 'prom'));
    runPromtool(promtool.path, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'data.om'), join(dir, 'prom')]);
    blocks = readdirSync(join(dir, 'prom')).filter(isValidULID).sort();
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('Prometheus blocks read back as promtool dumps and analyzes them', async () => {
    assert.equal(blocks.length, 2);
    for (const ulid of blocks) {
      const b = await openBlock(join(dir, 'prom', ulid));
      try {
        assert.equal(b.ulid, ulid);
        const series = await b.select(ALL, MIN, MAX);
        const ours = await renderDump(b, series);
        const theirs = dumpBlock(promtool.path, b.dir);
        assert.ok(ours === theirs, `dump of ${ulid}: ${firstDiff(ours, theirs)}`);
        assert.equal(series.length, b.meta.stats.numSeries);
        assert.equal(series.reduce((n, s) => n + s.chunks.length, 0), b.meta.stats.numChunks);

        const a = analyzeBlock(promtool.path, join(dir, 'prom'), ulid);
        const names = b.index.labelNames();
        let pairs = 0;
        for (const n of names) pairs += (await b.index.labelValues(n)).length;
        assert.deepEqual(
          { series: a.series, labelNames: a.labelNames, postings: a.postings, postingEntries: a.postingEntries },
          { series: series.length, labelNames: names.length, postings: pairs, postingEntries: series.reduce((n, s) => n + s.labels.length, 0) },
        );

        // Ground truth: the generated series with samples inside the block.
        const inBlock = gen.filter((g) => g.ts.some((t) => t >= b.meta.minTime && t < b.meta.maxTime));
        assert.deepEqual(series.map((s) => s.labels.toString()).sort(), inBlock.map((g) => g.labels.toString()).sort());
        for (const n of ['job', 'path', 'code', 'zone', '__name__']) {
          const want = [...new Set(inBlock.map((g) => g.labels.get(n)).filter((v) => v !== ''))].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
          assert.deepEqual(await b.labelValues(n), want, `values of ${n}`);
        }
        const matcherSets: Matcher[][] = [
          [new Matcher('=', '__name__', 'wf_bytes')],
          [new Matcher('=', '__name__', 'wf_requests_total'), new Matcher('=', 'job', 'job-1')],
          [new Matcher('=~', 'path', '/a"quoted"|café|emoji 😀')],
          [new Matcher('=~', 'instance', '10\\.0\\.3\\..*'), new Matcher('!=', 'code', '')],
          [new Matcher('=', '__name__', 'wf_queue_length'), new Matcher('=', 'code', '')],
          [new Matcher('!~', 'job', 'job-[01]'), new Matcher('=~', 'shard', '1.')],
          [new Matcher('=', 'zone', 'eu-west-1'), new Matcher('!=', 'path', 'back\\slash')],
        ];
        for (const ms of matcherSets) {
          const want = inBlock.filter((g) => ms.every((m) => m.matches(g.labels.get(m.name)))).map((g) => g.labels.toString()).sort();
          const got = await b.select(ms, MIN, MAX);
          assert.deepEqual(got.map((s) => s.labels.toString()).sort(), want, ms.map(String).join(','));
          assert.equal(expandPostings(await postingsForMatchers(b.index, ms)).length, want.length);
        }
        // A time range selects chunks overlapping it, trimming at its edges.
        const mid = b.meta.maxTime - 600_000;
        const part = await b.select([new Matcher('=', 'shard', '5')], mid, mid + 60_000);
        assert.ok(part.length > 0);
        for (const s of part) {
          for (const c of s.chunks) assert.ok(c.maxt >= mid && c.mint <= mid + 60_000);
          const outside = s.chunks.some((c) => c.mint < mid || c.maxt > mid + 60_000);
          assert.equal(s.intervals.length > 0, outside);
        }
      } finally {
        await b.close();
      }
    }
  });

  test('blocks rewritten through our writer dump identically and analyze cleanly', async () => {
    const mine = join(dir, 'mine');
    const mine3 = join(dir, 'mine-v3-style');
    mkdirSync(mine);
    mkdirSync(mine3);
    for (const ulid of blocks) {
      const srcDir = join(dir, 'prom', ulid);
      const written = await rewrite(srcDir, mine, true);
      assert.deepEqual(readdirSync(mine).filter((n) => n.includes('tmp')), []);
      assert.deepEqual(readdirSync(written.dir).sort(), ['chunks', 'index', 'meta.json', 'tombstones']);
      // Same chunks in the same order, same symbols: the files come out byte for byte.
      assert.ok(readFileSync(join(written.dir, 'index')).equals(readFileSync(join(srcDir, 'index'))), 'index bytes');
      assert.ok(readFileSync(join(written.dir, 'chunks', '000001')).equals(readFileSync(join(srcDir, 'chunks', '000001'))), 'chunk bytes');
      assert.ok(readFileSync(join(written.dir, 'tombstones')).equals(readFileSync(join(srcDir, 'tombstones'))), 'tombstones bytes');
      const srcMeta = JSON.parse(readFileSync(join(srcDir, 'meta.json'), 'utf8')) as { stats: Record<string, number> };
      assert.deepEqual(written.meta.stats.numSamples, srcMeta.stats['numSamples']);
      assert.deepEqual(written.meta.stats.numSeries, srcMeta.stats['numSeries']);
      assert.deepEqual(written.meta.stats.numChunks, srcMeta.stats['numChunks']);

      const theirs = dumpBlock(promtool.path, srcDir);
      const ours = dumpBlock(promtool.path, written.dir);
      assert.ok(ours.length > 1000 && ours === theirs, `dump of ${written.ulid}: ${firstDiff(ours, theirs)}`);
      const a = analyzeBlock(promtool.path, mine, written.ulid);
      const b = analyzeBlock(promtool.path, join(dir, 'prom'), ulid);
      assert.deepEqual([a.series, a.labelNames, a.postings, a.postingEntries], [b.series, b.labelNames, b.postings, b.postingEntries]);

      // Without the legacy label indices, as Prometheus 3 writes indexes: 2.42 reads it the same.
      const v3 = await rewrite(srcDir, mine3, false);
      const ours3 = dumpBlock(promtool.path, v3.dir);
      assert.ok(ours3 === theirs, `dump of ${v3.ulid}: ${firstDiff(ours3, theirs)}`);
      const a3 = analyzeBlock(promtool.path, mine3, v3.ulid);
      assert.deepEqual([a3.series, a3.labelNames, a3.postings, a3.postingEntries], [b.series, b.labelNames, b.postings, b.postingEntries]);
    }
  });
});

/** Reads a block with our reader and writes it again with our writer. */
async function rewrite(srcDir: string, parentDir: string, labelIndices: boolean): Promise<WrittenBlock> {
  const src = await openBlock(srcDir);
  try {
    const symbols: string[] = [];
    await src.index.symbols((s) => symbols.push(s));
    const all = await src.select(ALL, MIN, MAX);
    const series = async function* (): AsyncGenerator<SeriesToWrite> {
      for (const s of all) {
        const chunks = [];
        for (const m of s.chunks) chunks.push({ mint: m.mint, maxt: m.maxt, chunk: await src.chunks.chunk(m.ref), ref: 0 });
        yield { labels: s.labels, chunks };
      }
    };
    const w = await writeBlock({ symbols, series: series() }, { parentDir, minTime: src.meta.minTime, maxTime: src.meta.maxTime, labelIndices });
    assert.ok(w !== null);
    return w;
  } finally {
    await src.close();
  }
}
