/**
 * `watchfire tool tsdb dump` on a data directory written by a real Prometheus 2.42 (all of
 * it still in the WAL, with staleness markers), alone and with blocks beside it, against
 * `promtool tsdb dump` on the same directories.
 *
 * Named difference: with the head alone and promtool's default time range, promtool 2.42
 * prints series in label order (an empty out-of-order head querier makes it merge), while
 * 3.x (and Watchfire) keep the head's order, by series ref. With any explicit time range
 * both print the head's order; the default range is compared after sorting.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peer } from '../testing/peers.js';
import { isValidULID } from '../tsdb/block/index.js';
import { generateOpenMetrics } from '../tsdb/block/testing/openmetrics-gen.js';
import { captureIO, firstDiff, prometheusDataDir, runProgram, type Run } from '../tsdb/tools/testing/fixtures.js';
import { runTool } from './tool.js';

const promtool = peer('promtool');
const prometheus = peer('prometheus');

async function ours(args: string[]): Promise<Run> {
  const io = captureIO();
  const code = await runTool(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const sortLines = (s: string): string => s.split('\n').sort().join('\n');

describe('tool tsdb dump of a Prometheus 2.42 data directory', { skip: promtool.skip || prometheus.skip }, () => {
  let dir = '', data = '', mixed = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wf-tool-wal-'));
    data = await prometheusDataDir(prometheus.path, dir);
    // The same WAL with two hours of backfilled blocks from 2023 beside it.
    mixed = join(dir, 'mixed');
    cpSync(data, mixed, { recursive: true });
    const g = generateOpenMetrics({ startSec: 1_700_000_000, stepSec: 60, samples: 150, perFamily: 10 });
    writeFileSync(join(dir, 'in.om'), g.text);
    const r = runProgram(promtool.path, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'in.om'), mixed]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('the head replayed from the WAL dumps as promtool dumps it, staleness markers included', async () => {
    const a = await ours(['tsdb', 'dump', '--min-time=0', data]);
    const b = runProgram(promtool.path, ['tsdb', 'dump', '--min-time=0', data]);
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.length > 10_000);
    assert.ok(a.stdout === b.stdout, firstDiff(a.stdout, b.stdout));
    assert.match(a.stdout, /^\{__name__="wf_fixture_requests", code="200", instance="127\.0\.0\.1:\d+", job="exporter", path="\/a\\"b"\} NaN \d+$/m);
    assert.match(a.stdout, /^\{__name__="wf_fixture_temperature", instance="127\.0\.0\.1:\d+", job="exporter", room="café 😀"\} 20\.125 \d+$/m);
    // Default range: the same samples; promtool 2.42 sorts them (see above).
    const c = await ours(['tsdb', 'dump', data]);
    const d = runProgram(promtool.path, ['tsdb', 'dump', data]);
    assert.equal(sortLines(c.stdout), sortLines(d.stdout));
    assert.equal(c.stdout, a.stdout);
    // The head's order is not label order here: the exporter's late series came after others.
    const order = [...new Set(a.stdout.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf('} ') + 1)))];
    assert.notDeepEqual(order, [...order].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    assert.ok(order.indexOf(order.find((s) => s.includes('wf_fixture_late'))!) > order.indexOf(order.find((s) => s.includes('wf_fixture_requests'))!));
  });

  test('selectors and time ranges over the head', async () => {
    const all = (await ours(['tsdb', 'dump', '--min-time=0', data])).stdout.split('\n').filter((l) => l !== '');
    const ts = all.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))).sort((x, y) => x - y);
    const mid = ts[Math.floor(ts.length / 2)]!;
    const cases: string[][] = [
      ['--match=up', '--min-time=0'],
      ['--match={job="exporter"}', `--min-time=${mid}`],
      [`--min-time=${mid}`, `--max-time=${mid + 1500}`],
      ['--match={__name__=~"prometheus_tsdb_head_.*",job="self"}', '--min-time=1'],
    ];
    for (const c of cases) {
      const a = await ours(['tsdb', 'dump', ...c, data]);
      const b = runProgram(promtool.path, ['tsdb', 'dump', ...c, data]);
      assert.equal(a.code, 0, a.stderr);
      assert.ok(a.stdout === b.stdout, `${c.join(' ')}: ${firstDiff(a.stdout, b.stdout)}`);
    }
  });

  test('blocks and head together: merged in label order, as promtool prints them', async () => {
    assert.equal(readdirSync(mixed).filter(isValidULID).length, 2);
    for (const c of [[], ['--match={job=~"self|job-1"}'], ['--max-time=1700004000000'], ['--min-time=1700007000000']]) {
      const a = await ours(['tsdb', 'dump', ...c, mixed]);
      const b = runProgram(promtool.path, ['tsdb', 'dump', ...c, mixed]);
      assert.equal(a.code, 0, a.stderr);
      assert.ok(a.stdout === b.stdout, `${c.join(' ')}: ${firstDiff(a.stdout, b.stdout)}`);
    }
    // list shows the blocks only.
    const l = await ours(['tsdb', 'list', mixed]);
    assert.equal(l.stdout, runProgram(promtool.path, ['tsdb', 'list', mixed]).stdout);
  });

  test('dump-openmetrics and seriesjson (3.x) over blocks and head', async () => {
    const om = await ours(['tsdb', 'dump-openmetrics', '--match={job="self"}', '--min-time=0', data]);
    assert.equal(om.code, 0, om.stderr);
    const prom = (await ours(['tsdb', 'dump', '--match={job="self"}', '--min-time=0', data])).stdout.split('\n').filter((l) => l !== '');
    const lines = om.stdout.split('\n').filter((l) => l !== '' && l !== '# EOF');
    assert.equal(lines.length, prom.length);
    assert.match(lines[0]!, /^[a-z_:]+\{[^ ]*\} \S+ \d+\.\d{3}$/);
    const sj = await ours(['tsdb', 'dump', '--format=seriesjson', mixed]);
    const series = new Set((await ours(['tsdb', 'dump', mixed])).stdout.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf('} ') + 1)));
    assert.equal(sj.stdout.trim().split('\n').length, series.size);
  });
});
