/**
 * `--enable-feature=st-storage` end to end: the server asks for protobuf first, keeps the
 * start timestamps a target exposes (OpenMetrics `_created`), answers `start_timestamp()`
 * with `use-start-timestamps`, and still does after a restart (WAL replay); st-storage
 * without XOR2 chunks, or with a configuration asking for XOR, does not start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startPeer, waitReady, watchfireCommand } from '../testing/peers.js';

const wf = watchfireCommand();
const CREATED = 1_700_000_000.25;

interface Vector { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }

async function query(base: string, q: string, time?: number): Promise<Vector> {
  const u = `${base}/api/v1/query?query=${encodeURIComponent(q)}${time === undefined ? '' : `&time=${time}`}`;
  const r = await (await fetch(u)).json() as Vector;
  assert.equal(r.status, 'success', JSON.stringify(r));
  return r;
}

test('st-storage keeps scraped start timestamps through a restart; XOR chunks refuse it', { timeout: 90000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-st-e2e-'));
  const accepts: string[] = [];
  let n = 0;
  const target = createServer((req, res) => {
    accepts.push(req.headers.accept ?? '');
    n++;
    res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    res.end(`# TYPE c counter\nc_total ${n}\nc_created ${CREATED}\n# TYPE g gauge\ng 3\n# EOF\n`);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const tport = (target.address() as AddressInfo).port;
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: t\n    static_configs: [{ targets: ['127.0.0.1:${tport}'] }]\n`);
  const data = join(dir, 'data');
  const features = '--enable-feature=st-storage,xor2-encoding,use-start-timestamps,promql-experimental-functions';
  const start = async (): Promise<{ base: string; p: ReturnType<typeof startPeer> }> => {
    const port = await freePort();
    const p = startPeer(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, features]);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/-/ready`);
    return { base, p };
  };
  try {
    let { base, p } = await start();
    let lastT = 0;
    try {
      const got = await eventually(async () => {
        const r = await query(base, 'start_timestamp(c_total)');
        return r.data.result.length === 1 ? r : undefined;
      }, 20000, 'a start timestamp for the counter');
      assert.deepEqual(got.data.result.map((s) => [s.metric['__name__'], Number(s.value[1])]), [[undefined, CREATED]]);
      // A gauge has none: 0, as Prometheus reports a sample without one.
      assert.deepEqual((await query(base, 'start_timestamp(g)')).data.result.map((s) => Number(s.value[1])), [0]);
      assert.ok(accepts[0]!.startsWith('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'), accepts[0]);
      // The _created line is a start timestamp, not a series.
      assert.equal((await query(base, 'c_created')).data.result.length, 0);
      lastT = Number((await query(base, 'timestamp(c_total)')).data.result[0]!.value[1]);
    } finally {
      await p.stop();
    }
    ({ base, p } = await start());
    try {
      const r = await query(base, 'start_timestamp(c_total)', lastT);
      assert.deepEqual(r.data.result.map((s) => Number(s.value[1])), [CREATED], 'replayed from the WAL with its start timestamp');
    } finally {
      await p.stop();
    }

    // Without XOR2 chunks the TSDB does not open; with a file asking for XOR the config is refused.
    const port = await freePort();
    let r = spawnSync(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'd2')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=st-storage'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /opening storage failed: float chunk encoding \\"xor\\" is incompatible with start-timestamp storage; XOR chunks do not store start timestamps, use \\"xor2\\"/);
    const xorCfg = join(dir, 'xor.yml');
    writeFileSync(xorCfg, 'storage:\n  tsdb:\n    chunk_encoding:\n      floats: xor\n');
    r = spawnSync(wf.cmd, [...wf.args, `--config.file=${xorCfg}`, `--storage.tsdb.path=${join(dir, 'd3')}`, `--web.listen-address=127.0.0.1:${port}`, features], { encoding: 'utf8', timeout: 20000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /'storage.tsdb.chunk_encoding.floats: xor' is incompatible with st-storage; XOR chunks do not store start timestamps/);
  } finally {
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
