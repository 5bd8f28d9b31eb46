/**
 * `watchfire tool tsdb create-blocks-from openmetrics` against promtool 2.42's backfill on
 * the same inputs: the same blocks (ranges, counts, chunk boundaries, samples as
 * `promtool tsdb dump` prints them), the same table, the same errors.
 *
 * Named differences, all following promtool 3.x:
 *  - SIZE: 3.x writes no legacy label indices into the index (2.42 does), and XOR chunks
 *    lack the trailing empty byte 2.42's bit writer leaves after a byte-aligned write;
 *    meta.json counts numFloatSamples.
 *  - errors: a missing input is reported by `stat` (2.42: "try lock file: open ..."), a
 *    duplicate sample names the timestamp and both values, OpenMetrics syntax errors quote
 *    the entry ("... while parsing: ...").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peer } from '../testing/peers.js';
import { Block, isValidULID } from '../tsdb/block/index.js';
import { generateOpenMetrics } from '../tsdb/block/testing/openmetrics-gen.js';
import { backfillOpenMetrics } from '../tsdb/tools/index.js';
import { captureIO, copyWithWal, firstDiff, runProgram, type Run } from '../tsdb/tools/testing/fixtures.js';
import { Matcher } from '../model/index.js';
import { runTool } from './tool.js';

const promtool = peer('promtool');

async function ours(args: string[]): Promise<Run> {
  const io = captureIO();
  const code = await runTool(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const theirs = (args: string[]): Run => runProgram(promtool.path, args);

/** `promtool tsdb dump` of a directory of blocks (on a copy with the `wal` 2.42 wants). */
function promDump(d: string, scratch: string): string {
  const r = theirs(['tsdb', 'dump', copyWithWal(d, scratch)]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Table rows without the ULID and SIZE columns, which differ by design. */
function rowsWithoutIdAndSize(table: string): string[] {
  return table.split('\n').filter((l) => l !== '').map((l) => l.slice(28).replace(/\s+\S+$/, ''));
}

/** Per series of every block: the chunks' time ranges and sample counts. */
async function chunkLayout(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const u of readdirSync(d).filter(isValidULID).sort()) {
    const b = await Block.open(join(d, u));
    try {
      for (const s of await b.select([new Matcher('=~', '__name__', '.+')], -(2 ** 53), 2 ** 53)) {
        const cs: string[] = [];
        for (const c of s.chunks) cs.push(`${c.mint}-${c.maxt}:${(await b.chunks.chunk(c.ref)).numSamples()}`);
        out.push(`${b.meta.minTime} ${s.labels.toString()} ${cs.join(' ')}`);
      }
    } finally {
      await b.close();
    }
  }
  return out.sort();
}

describe('tool tsdb create-blocks-from openmetrics vs promtool 2.42', { skip: promtool.skip }, () => {
  let dir = '';
  let n = 0;
  const fresh = (): string => join(dir, `out-${++n}`);
  const input = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  before(() => { dir = mkdtempSync(join(tmpdir(), 'wf-backfill-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('the same blocks, chunk for chunk, and the same table', async () => {
    // Irregular gaps and 20 s steps: chunks are cut by the head's end-time prediction.
    const g = generateOpenMetrics({ startSec: 1_700_001_234, stepSec: 20, samples: 1200, perFamily: 8 });
    const f = input('gen.om', g.text);
    for (const flags of [[], ['--max-block-duration=6h'], ['--max-block-duration=5h59m']]) {
      const a = fresh(), b = fresh();
      const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', ...flags, f, a]);
      const y = theirs(['tsdb', 'create-blocks-from', 'openmetrics', ...flags, f, b]);
      assert.equal(x.code, 0, x.stderr);
      assert.equal(y.code, 0, y.stderr);
      assert.deepEqual(rowsWithoutIdAndSize(x.stdout), rowsWithoutIdAndSize(y.stdout), flags.join(' '));
      assert.ok(x.stdout.split('\n').length > 3);
      assert.deepEqual(await chunkLayout(a), await chunkLayout(b), flags.join(' '));
      const da = promDump(a, a + '-w'), db = promDump(b, b + '-w');
      assert.ok(da === db, firstDiff(da, db));
    }
    // A rate that rises after the head predicted a chunk's end: cut at 240 samples.
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(`r ${i} ${1_700_000_000 + i * 60}`);
    for (let i = 0; i < 700; i++) lines.push(`r ${i} ${1_700_001_800 + i}`);
    const f2 = input('rate.om', lines.join('\n') + '\n# EOF\n');
    const a = fresh(), b = fresh();
    await ours(['tsdb', 'create-blocks-from', 'openmetrics', '-q', f2, a]);
    theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-q', f2, b]);
    const la = await chunkLayout(a);
    assert.deepEqual(la, await chunkLayout(b));
    assert.match(la[0]!, / \d+-\d+:240 /);
  });

  test('the bench harness invocation: 24h maximum, 18h-aligned blocks, quiet', async () => {
    const g = generateOpenMetrics({ startSec: 1_700_000_000, stepSec: 300, samples: 500, perFamily: 5 });
    const f = input('long.om', g.text);
    const a = fresh(), b = fresh();
    const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', f, a]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(x.stdout, '');
    // Parent flags may also come before `openmetrics`, as kingpin allows.
    const y = await ours(['tsdb', 'create-blocks-from', '-q', '--max-block-duration=24h', 'openmetrics', f, b]);
    assert.equal(y.code, 0, y.stderr);
    const c = fresh();
    assert.equal(theirs(['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', '--quiet', f, c]).code, 0);
    const list = (d: string): string[] => rowsWithoutIdAndSize(theirs(['tsdb', 'list', d]).stdout);
    assert.deepEqual(list(a), list(c));
    assert.deepEqual(list(b), list(c));
    const spans = list(a).slice(1).map((r) => r.split(/\s+/));
    assert.ok(spans.length >= 2);
    for (const r of spans) assert.equal(Math.floor(Number(r[0]) / 64_800_000), Math.floor((Number(r[1]) - 1) / 64_800_000));
    assert.ok(promDump(a, a + '-w') === promDump(c, c + '-w'));
  });

  test('human-readable table, custom labels, negative times', async () => {
    const g = generateOpenMetrics({ startSec: 1_700_000_000, stepSec: 60, samples: 100, perFamily: 3 });
    const f = input('small.om', g.text);
    const a = fresh(), b = fresh();
    const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', '-r', f, a]);
    const y = theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-r', f, b]);
    assert.deepEqual(rowsWithoutIdAndSize(x.stdout), rowsWithoutIdAndSize(y.stdout));
    assert.match(x.stdout, /2023-11-14 22:13:20 \+0000 UTC {2}2023-11-14 23:52:20 \+0000 UTC {2}1h39m0\.001s +\d+ +\d+ +\d+ +\d+KiB\d+B\n/);
    // --label (3.x) sets a label on every series; an empty value removes it.
    const c = fresh();
    const z = await ours(['tsdb', 'create-blocks-from', 'openmetrics', '-q', '--label=env=prod', '--label', 'job=', f, c]);
    assert.equal(z.code, 0, z.stderr);
    const relabel = (line: string): string => line.replace(/, job="[^"]*"/, '').replace(/^\{__name__="([^"]*)"(, code="[^"]*")?/, (_m, name: string, code: string | undefined) => `{__name__="${name}"${code ?? ''}, env="prod"`);
    const want = promDump(b, b + '-w').split('\n').map((l) => (l === '' ? l : relabel(l)));
    const got = promDump(c, c + '-w').split('\n');
    assert.deepEqual([...got].sort(), [...want].sort());
    const bad = await ours(['tsdb', 'create-blocks-from', 'openmetrics', '--label=nope', f, fresh()]);
    assert.equal(bad.stderr, "watchfire tool: error: expected KEY=VALUE got 'nope', try --help\n");
    // Samples before the first window promtool aligns (by truncating division) are dropped.
    const neg = input('neg.om', 'a 1 -1\na 2 1\na 3 7300\n# EOF\n');
    const p = fresh(), q = fresh();
    await ours(['tsdb', 'create-blocks-from', 'openmetrics', '-q', neg, p]);
    theirs(['tsdb', 'create-blocks-from', 'openmetrics', '-q', neg, q]);
    assert.equal(promDump(p, p + '-w'), promDump(q, q + '-w'));
    assert.equal(promDump(p, p + '-w2'), '{__name__="a"} 2 1000\n{__name__="a"} 3 7300000\n');
  });

  test('out-of-order and duplicate samples: dropped within a batch of 5000, errors across', async () => {
    const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
    const cases: { name: string; text: string; same: boolean }[] = [
      { name: 'in-batch', text: 'a 1 10\na 2 5\na 3 10\na 4 11\n# EOF\n', same: true },
      { name: 'ooo', text: lines(5000, (i) => `a ${i} ${i + 100}`) + 'a 7 50\n# EOF\n', same: true },
      { name: 'dup-same', text: lines(5000, (i) => `a ${i} ${i + 100}`) + 'a 4999 5099\n# EOF\n', same: true },
      { name: 'dup', text: lines(5000, (i) => `a ${i} ${i + 100}`) + 'a 7 5099\n# EOF\n', same: false },
      { name: 'two-windows', text: lines(5000, (i) => `b ${i} ${i}`) + lines(5000, (i) => `a ${i} ${7300 + i}`) + 'a 1 7300\n# EOF\n', same: true },
    ];
    for (const c of cases) {
      const f = input(`${c.name}.om`, c.text);
      const a = fresh(), b = fresh();
      const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', f, a]);
      const y = theirs(['tsdb', 'create-blocks-from', 'openmetrics', f, b]);
      assert.equal(x.code, y.code, `${c.name}: ${x.stderr} / ${y.stderr}`);
      assert.deepEqual(rowsWithoutIdAndSize(x.stdout), rowsWithoutIdAndSize(y.stdout), c.name);
      if (c.same) assert.equal(x.stderr, y.stderr, c.name);
      assert.equal(promDump(a, a + '-w'), promDump(b, b + '-w'), c.name);
    }
    const dup = await ours(['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'dup.om'), fresh()]);
    assert.equal(dup.stderr, 'block creation: process blocks: add sample: duplicate sample for timestamp 5099000; overrides not allowed: existing 4999, new value 7\n');
  });

  test('input errors read as promtool\'s', async () => {
    const cases: { text: string | null; same: boolean; want?: string }[] = [
      { text: 'a 1 10\na 2\n# EOF\n', same: true },
      { text: 'a 1 10\n', same: true },
      { text: '', same: true },
      { text: 'a 1 1\n# EOF\nb 1 1\n', same: true },
      { text: 'a{b="c"} x 10\n# EOF\n', same: false, want: 'getting min and max timestamp: next: strconv.ParseFloat: parsing "x": invalid syntax while parsing: "a{b=\\"c\\"} x"\n' },
      { text: null, same: false, want: `stat ${join(dir, 'missing.om')}: no such file or directory\n` },
    ];
    for (const c of cases) {
      const f = c.text === null ? join(dir, 'missing.om') : input(`e${++n}.om`, c.text);
      const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', f, fresh()]);
      const y = theirs(['tsdb', 'create-blocks-from', 'openmetrics', f, fresh()]);
      assert.equal(x.code, 1, JSON.stringify(c.text));
      assert.equal(y.code, 1, JSON.stringify(c.text));
      assert.equal(x.stderr, c.same ? y.stderr : c.want, JSON.stringify(c.text));
    }
    const file = input('plain.om', 'a 1 1\n# EOF\n');
    const x = await ours(['tsdb', 'create-blocks-from', 'openmetrics', file, join(file, 'sub')]);
    const y = theirs(['tsdb', 'create-blocks-from', 'openmetrics', file, join(file, 'sub')]);
    assert.equal(x.stderr, y.stderr);
    assert.equal(x.code, y.code);
  });

  test('several passes under a small memory budget and tiny pieces give the same blocks', async () => {
    const g = generateOpenMetrics({ startSec: 1_700_000_000, stepSec: 60, samples: 600, perFamily: 3 });
    // A quoted name with a line break inside (3.x syntax) must survive piece boundaries.
    const text = g.text.replace('# EOF\n', '{"odd\nname",x="1"} 1 1700000000\n{"odd\nname",x="1"} 2 1700000060\n# EOF\n');
    const f = input('passes.om', text);
    const ref = fresh(), small = fresh();
    const rows: string[] = [], rows2: string[] = [];
    await backfillOpenMetrics({ input: f, outputDir: ref, humanReadable: false, quiet: false, maxBlockDuration: 0, customLabels: new Map() }, (s) => { rows.push(s); });
    const progress = { pass: 0, bytesRead: 0, totalBytes: 0, samples: 0, blocks: 0 };
    await backfillOpenMetrics({
      input: f, outputDir: small, humanReadable: false, quiet: false, maxBlockDuration: 0, customLabels: new Map(),
      memoryBudget: 1, pieceSize: 331, progress,
    }, (s) => { rows2.push(s); });
    // One window per pass: the budget holds only the lowest window.
    assert.equal(progress.pass, progress.blocks);
    assert.ok(progress.pass >= 6);
    assert.deepEqual(rowsWithoutIdAndSize(rows2.join('')), rowsWithoutIdAndSize(rows.join('')));
    assert.ok(rowsWithoutIdAndSize(rows.join('')).length >= 6);
    assert.deepEqual(await chunkLayout(small), await chunkLayout(ref));
    const a = await ours(['tsdb', 'dump', ref]), b = await ours(['tsdb', 'dump', small]);
    assert.ok(a.stdout === b.stdout, firstDiff(a.stdout, b.stdout));
    assert.match(a.stdout, /^\{__name__="odd\\nname", x="1"\} 2 1700000060000$/m);
  });
});
