/**
 * `watchfire tool tsdb list|analyze|dump|dump-openmetrics` against promtool 2.42 on the same
 * directories: blocks made by promtool's backfill and blocks made by ours. Where promtool
 * 3.x (which Watchfire follows) prints differently from 2.42, the difference is named and
 * checked in its 3.x form.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peer } from '../testing/peers.js';
import { isValidULID } from '../tsdb/block/index.js';
import { generateOpenMetrics } from '../tsdb/block/testing/openmetrics-gen.js';
import { captureIO, copyWithWal, firstDiff, runProgram, type Run } from '../tsdb/tools/testing/fixtures.js';
import { runTool } from './tool.js';

const promtool = peer('promtool');

async function ours(args: string[]): Promise<Run> {
  const io = captureIO();
  const code = await runTool(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function theirs(args: string[]): Run {
  return runProgram(promtool.path, args);
}

/** promtool 3.x renamed analyze's "Series:" line; everything else of the report is as in 2.42. */
function as3x(analyze242: string): string {
  return analyze242.replace(/^Series: /m, 'Total Series: ');
}

/**
 * An analyze report with each ranked list sorted, for comparing with promtool, which orders
 * equal counts at random (map order).
 */
function canonicalAnalyze(text: string): string {
  return text.split('\n\n').map((sec) => {
    const lines = sec.split('\n');
    if (!lines[0]!.endsWith(':') || lines.length < 2) return sec;
    return [lines[0]!, ...lines.slice(1).sort()].join('\n');
  }).join('\n\n');
}

/** Counts of each ranked list, in order (these must match exactly, ties or not). */
function rankedCounts(text: string): string[] {
  return text.split('\n\n').map((sec) => sec.split('\n').slice(1).map((l) => l.split(' ')[0]).join(','));
}

describe('tool tsdb vs promtool 2.42', { skip: promtool.skip }, () => {
  let dir = '';
  let pt = '', wf = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wf-tool-tsdb-'));
    // Seven hours of minute samples from 120 series: four 2h blocks, the first partial.
    const g = generateOpenMetrics({ startSec: 1_700_000_000, stepSec: 60, samples: 400, perFamily: 30 });
    writeFileSync(join(dir, 'in.om'), g.text);
    const r = theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'in.om'), join(dir, 'pt-src')]);
    assert.equal(r.code, 0, r.stderr);
    const o = await ours(['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'in.om'), join(dir, 'wf-src')]);
    assert.equal(o.code, 0, o.stderr);
    pt = copyWithWal(join(dir, 'pt-src'), join(dir, 'pt'));
    wf = copyWithWal(join(dir, 'wf-src'), join(dir, 'wf'));
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('list and list -r print what promtool prints', async () => {
    for (const d of [pt, wf]) {
      for (const flags of [[], ['-r'], ['--human-readable']]) {
        const a = await ours(['tsdb', 'list', ...flags, d]);
        const b = theirs(['tsdb', 'list', ...flags, d]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(a.stdout, b.stdout, `${d} ${flags.join(' ')}`);
      }
    }
    const a = await ours(['tsdb', 'list', pt]);
    assert.equal(a.stdout.split('\n').length, 4 + 2);
  });

  test('analyze: the report of promtool (3.x wording), lists equal up to the order of ties', async () => {
    for (const d of [pt, wf]) {
      const blocks = readdirSync(d).filter(isValidULID).sort();
      // `full`: every entry is listed, so the lists must hold the same entries.
      const cases: { args: string[]; full: boolean }[] = [
        { args: [], full: false },
        { args: [blocks[0]!], full: false },
        { args: ['--limit=1000'], full: true },
        { args: ['--limit=3'], full: false },
      ];
      for (const c of cases) {
        const flags = c.args.filter((x) => x.startsWith('--')), args = c.args.filter((x) => !x.startsWith('--'));
        const a = await ours(['tsdb', 'analyze', ...flags, d, ...args]);
        const b = theirs(['tsdb', 'analyze', ...flags, d, ...args]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(b.code, 0, b.stderr);
        const want = as3x(b.stdout);
        assert.deepEqual(rankedCounts(a.stdout), rankedCounts(want), c.args.join(' '));
        const fixed = (s: string): string[] => s.split('\n').filter((l) => !/^\d+ /.test(l));
        assert.deepEqual(fixed(a.stdout), fixed(want), c.args.join(' '));
        if (c.full) assert.equal(canonicalAnalyze(a.stdout), canonicalAnalyze(want), firstDiff(canonicalAnalyze(a.stdout), canonicalAnalyze(want)));
      }
    }
  });

  test('analyze --match (3.x): the report of a block holding only the matched series', async () => {
    // promtool 2.42 has no --match: compare with its report of a block backfilled from the
    // matching lines only.
    const text = readFileSync(join(dir, 'in.om'), 'utf8').split('\n').filter((l) => l.startsWith('#') || l.includes('job="job-1"')).join('\n') + '\n';
    writeFileSync(join(dir, 'job1.om'), text);
    const r = theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'job1.om'), join(dir, 'job1')]);
    assert.equal(r.code, 0, r.stderr);
    const theirBlocks = readdirSync(join(dir, 'job1')).filter(isValidULID).sort();
    const ourBlocks = readdirSync(pt).filter(isValidULID).sort();
    assert.equal(theirBlocks.length, ourBlocks.length);
    for (let i = 0; i < ourBlocks.length; i++) {
      const a = await ours(['tsdb', 'analyze', '--limit=1000', '--match={job="job-1"}', pt, ourBlocks[i]!]);
      assert.equal(a.code, 0, a.stderr);
      const b = theirs(['tsdb', 'analyze', '--limit=1000', join(dir, 'job1'), theirBlocks[i]!]);
      const series = /^Series: (\d+)$/m.exec(b.stdout)![1]!;
      assert.match(a.stdout, new RegExp(`^Matcher: \\{job="job-1"\\}\nLabel names: \\d+\nMatched series: ${series}\n`, 'm'));
      const drop = (s: string): string => s.split('\n').filter((l) => !/^(Block ID|Series|Total Series|Matcher|Matched series):/.test(l)).join('\n');
      assert.equal(canonicalAnalyze(drop(a.stdout)), canonicalAnalyze(drop(b.stdout)), `block ${i}`);
    }
  });

  test('analyze --extended: 3.x chunk statistics, consistent with the block', async () => {
    const a = await ours(['tsdb', 'analyze', '--extended', pt]);
    assert.equal(a.code, 0, a.stderr);
    const ext = a.stdout.slice(a.stdout.indexOf('\nCompaction analysis:\n'));
    assert.match(ext, /^\nCompaction analysis:\n\nsamples per float chunk \(min\/avg\/max\): \d+\/\d+\/\d+\n/);
    assert.match(ext, /\nsamples per histogram chunk: N\/A\n\nbytes per histogram chunk: N\/A\n\nbuckets per histogram chunk: N\/A\n\n$/);
    // The bucket counts of "samples per float chunk" add up to the block's chunks.
    const blocks = readdirSync(pt).filter(isValidULID).sort();
    const list = (await ours(['tsdb', 'list', pt])).stdout.split('\n');
    const last = list.find((l) => l.startsWith(blocks[blocks.length - 1]!))!.split(/\s+/);
    const sec = ext.split('\n\n')[1]!.split('\n').slice(1);
    const total = sec.reduce((n, l) => n + Number(/\]:\s+(\d+)/.exec(l)![1]), 0);
    assert.equal(total, Number(last[5]));
    // The alias the brief of this command used.
    assert.equal((await ours(['tsdb', 'analyze', '--run-extended', pt])).stdout, a.stdout);
  });

  test('dump: every sample exactly as promtool prints it, with selectors and time ranges', async () => {
    const cases: string[][] = [
      [],
      ['--match={__name__="wf_bytes",zone="eu-west-1"}'],
      ['--match={path=~"caf.|emoji.*|tab\\\\there"}'],
      ['--min-time=1700006420000', '--max-time=1700013620000'],
      ['--min-time=1700010000000', '--max-time=1700010000000'],
      ['--max-time=1700000060000'],
      ['--match={job!="job-1",code=""}', '--min-time=1700020000000'],
    ];
    for (const d of [pt, wf]) {
      for (const c of cases) {
        const a = await ours(['tsdb', 'dump', ...c, d]);
        const b = theirs(['tsdb', 'dump', ...c, d]);
        assert.equal(a.code, 0, a.stderr);
        assert.ok(a.stdout === b.stdout, `${d} ${c.join(' ')}: ${firstDiff(a.stdout, b.stdout)}`);
      }
    }
    // Both backfills hold the same samples.
    const x = theirs(['tsdb', 'dump', pt]).stdout, y = theirs(['tsdb', 'dump', wf]).stdout;
    assert.ok(x === y, firstDiff(x, y));
  });

  test('dump with several selectors (3.x): the union of the series, merged in label order', async () => {
    const m1 = '--match={__name__="wf_bytes",job="job-0"}', m2 = '--match={zone="eu-west-1"}';
    const a = (await ours(['tsdb', 'dump', m1, m2, pt])).stdout;
    const one = (await ours(['tsdb', 'dump', m1, pt])).stdout.split('\n');
    const two = (await ours(['tsdb', 'dump', m2, pt])).stdout.split('\n');
    const union = [...new Set([...one, ...two])].filter((l) => l !== '');
    const seriesOf = (l: string): string => l.slice(0, l.indexOf('} ') + 1);
    assert.deepEqual(a.split('\n').filter((l) => l !== '').sort(), union.sort());
    const order = a.split('\n').filter((l) => l !== '').map(seriesOf);
    assert.deepEqual(order, [...order].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  });

  test('dump --format=seriesjson (3.x): one JSON object per series', async () => {
    const a = await ours(['tsdb', 'dump', '--format=seriesjson', '--match={__name__="wf_requests_total"}', pt]);
    assert.equal(a.code, 0, a.stderr);
    const lines = a.stdout.trim().split('\n');
    assert.equal(lines.length, 30);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, string>);
    assert.ok(parsed.every((o) => o['__name__'] === 'wf_requests_total'));
    assert.ok(lines.some((l) => l.includes('"path":"/a\\"quoted\\""')));
    // Go's encoder: keys in byte order, HTML characters escaped.
    assert.ok(lines.every((l) => l.startsWith('{"__name__":')));
  });

  test('dump-openmetrics (3.x): promtool backfills it back into the same samples', async () => {
    // promtool quotes label values with Go's strconv.Quote, whose `\t` OpenMetrics reads as
    // a backslash and a `t`: values with a tab do not survive the round trip (in promtool
    // either), so they are left out.
    const sel = '--match={path!~"tab.*"}';
    const a = await ours(['tsdb', 'dump-openmetrics', sel, pt]);
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.endsWith('\n# EOF\n'));
    assert.match(a.stdout, /^wf_bytes\{code="200",instance="10\.0\.0\.0:9100",job="job-0",path="\/",shard="0",zone="eu-west-1"\} 1\.5e\+07 1700000000\.000\n/);
    writeFileSync(join(dir, 'round.om'), a.stdout);
    const r = theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'round.om'), join(dir, 'round')]);
    assert.equal(r.code, 0, r.stderr);
    copyWithWal(join(dir, 'round'), join(dir, 'round-w'));
    const x = theirs(['tsdb', 'dump', join(dir, 'round-w')]).stdout, y = theirs(['tsdb', 'dump', sel, pt]).stdout;
    assert.ok(x === y, firstDiff(x, y));
  });

  test('errors read as promtool\'s', async () => {
    const same: string[][] = [
      ['tsdb', 'list', join(dir, 'nope')],
      ['tsdb', 'dump', '--match={', pt],
      ['tsdb', 'dump', '--min-time=abc', pt],
      ['tsdb', 'dump', '--max-time=99999999999999999999', pt],
      ['tsdb', 'analyze', '--limit=x', pt],
      ['tsdb', 'analyze', join(dir, 'nope')],
      ['tsdb', 'list', pt, 'extra'],
    ];
    for (const args of same) {
      const a = await ours(args);
      const b = theirs(args);
      assert.equal(a.code, b.code, args.join(' '));
      assert.equal(a.stderr.replace(/^watchfire tool: /, 'promtool: '), b.stderr, args.join(' '));
    }
    // 3.x words a missing block differently from 2.42 ("block NOPE not found").
    const a = await ours(['tsdb', 'analyze', pt, 'NOPE']);
    assert.equal(a.code, 1);
    assert.equal(a.stderr, 'invalid block ID NOPE\n');
  });
});
