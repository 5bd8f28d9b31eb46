/**
 * analyze and dump over a block with native histograms (which promtool 2.42 cannot print,
 * so no peer comparison): the 3.x histogram statistics and histogram lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterResetHint, Labels, type Histogram, type Millis } from '../../model/index.js';
import { writeBlock } from '../block/index.js';
import { HistogramChunk, XorChunk, type Chunk } from '../chunkenc/index.js';
import { analyzeBlock, dumpTSDB } from './index.js';

const h = (count: number, buckets: number[]): Histogram => ({
  counterResetHint: CounterResetHint.Unknown, schema: 1, zeroThreshold: 0.001, zeroCount: 0, count, sum: count * 1.5,
  positiveSpans: [{ offset: 0, length: buckets.length }], negativeSpans: [], positiveBuckets: buckets, negativeBuckets: [], customValues: [],
});

test('analyze --extended and dump of a block with float and histogram chunks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-analyze-'));
  try {
    const x = XorChunk.empty();
    const xa = x.appender();
    for (let i = 0; i < 3; i++) xa.append((1000 + i * 1000) as Millis, i);
    const hc = HistogramChunk.empty();
    const ha = hc.appender();
    ha.appendHistogram(null, 1000 as Millis, h(3, [1, 1]), true);
    ha.appendHistogram(null, 2000 as Millis, h(5, [2, 1]), true);
    const series: { labels: Labels; chunks: { mint: number; maxt: number; chunk: Chunk; ref: number }[] }[] = [
      { labels: Labels.fromStrings('__name__', 'f'), chunks: [{ mint: 1000, maxt: 3000, chunk: x, ref: 0 }] },
      { labels: Labels.fromStrings('__name__', 'h'), chunks: [{ mint: 1000, maxt: 2000, chunk: hc, ref: 0 }] },
    ];
    const w = await writeBlock({ symbols: ['__name__', 'f', 'h'], series }, { parentDir: dir, minTime: 1000, maxTime: 3001 });
    assert.ok(w !== null);
    let out = '';
    await analyzeBlock({ dir, blockID: '', limit: 20, extended: true, match: '' }, (s) => { out += s; });
    assert.equal(out.slice(0, out.indexOf('\n\n')), `Block ID: ${w.ulid}\nDuration: 2.001s\nTotal Series: 2\nLabel names: 1\nPostings (unique label pairs): 2\nPostings entries (total label pairs): 2`);
    assert.match(out, /\nLabel pairs most involved in churning:\n0 __name__=f\n0 __name__=h\n/);
    assert.match(out, /\nHighest cardinality metric names:\n1 f\n1 h\n/);
    assert.match(out, /\nsamples per float chunk \(min\/avg\/max\): 3\/3\/3\n\[ 1, 10\]: 1 #{50}\n\[11, 20\]: 0 \n\n/);
    assert.match(out, /\nsamples per histogram chunk \(min\/avg\/max\): 2\/2\/2\n/);
    assert.match(out, /\nbuckets per histogram chunk \(min\/avg\/max\): 4\/4\/4\n/);
    let d = '';
    await dumpTSDB({ dir, sandboxDirRoot: '', mint: -(2 ** 63), maxt: 2 ** 63, match: ['{__name__=~".+"}'], format: 'prom' }, (s) => { d += s; });
    assert.equal(d, '{__name__="f"} 0 1000\n{__name__="f"} 1 2000\n{__name__="f"} 2 3000\n'
      + '{__name__="h"} {count:3, sum:4.5, (0.7071067811865475,1]:1, (1,1.414213562373095]:2} 1000\n'
      + '{__name__="h"} {count:5, sum:7.5, (0.7071067811865475,1]:2, (1,1.414213562373095]:3} 2000\n');
    // With a selector, only the matching series' report.
    out = '';
    await analyzeBlock({ dir, blockID: w.ulid, limit: 1, extended: false, match: 'h' }, (s) => { out += s; });
    assert.match(out, /^Block ID: \w+\nDuration: 2\.001s\nTotal Series: 2\nMatcher: h\nLabel names: 1\nMatched series: 1\n/);
    assert.match(out, /\nMost common label pairs:\n1 __name__=h\n/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
