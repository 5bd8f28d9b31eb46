/**
 * End to end: a Watchfire server on a data directory scrapes itself, is stopped and started
 * again on the same directory, and still has the samples it had (replayed from its WAL; with
 * memory-snapshot-on-shutdown, loaded from the chunk snapshot written at the stop).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerHandle } from '../../cmd/server.js';
import { launchTestServer } from '../../testing/server.js';
import { eventually, freePort } from '../../testing/peers.js';
import { ReadyStorage } from './ready-storage.js';
import { tempDir } from './test-support.js';

const { dir, cleanup } = tempDir('wf-restart-');
after(cleanup);

async function start(port: number, data = 'data', extra: string[] = []): Promise<ServerHandle> {
  const h = await launchTestServer([
    `--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.path=${join(dir, data)}`, '--scrape.discovery-reload-interval=100ms', '--log.level=error', ...extra,
  ]);
  if (typeof h === 'number') throw new Error(`server did not start: exit code ${h}`);
  return h;
}

async function upSamples(port: number): Promise<number[]> {
  const now = Date.now() / 1000;
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('up{job="self"}[10m]')}&time=${now}`);
  const j = await r.json() as { status: string; data: { result: { values: [number, string][] }[] } };
  assert.equal(j.status, 'success');
  return j.data.result[0]?.values.map(([t]) => Math.round(t * 1000)) ?? [];
}

/** Starts a server scraping itself every 500 ms, waits for three scrapes of `up`, stops it; returns their times. */
async function scrapeItselfAndStop(port: number, data: string, extra: string[]): Promise<number[]> {
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 500ms\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
  const h = await start(port, data, extra);
  try {
    assert.equal((await fetch(`http://127.0.0.1:${port}/-/ready`)).status, 200);
    return await eventually(async () => {
      const s = await upSamples(port);
      return s.length >= 3 ? s : undefined;
    }, 15_000, 'three scrapes of up');
  } finally {
    await h.stop();
  }
}

test('a restarted server has the samples it scraped before', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const before = await scrapeItselfAndStop(port, 'data', []);
  assert.ok(existsSync(join(dir, 'data', 'wal')), 'the WAL is in the data directory');
  assert.ok(!existsSync(join(dir, 'data', 'lock')), 'the lock is released at shutdown');
  const h = await start(port);
  try {
    const afterRestart = await upSamples(port);
    for (const t of before) assert.ok(afterRestart.includes(t), `sample at ${t} survived the restart`);
  } finally {
    await h.stop();
  }
});

test('with memory-snapshot-on-shutdown a restarted server has its samples from the chunk snapshot', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const feature = ['--enable-feature=memory-snapshot-on-shutdown'];
  const before = await scrapeItselfAndStop(port, 'data-snap', feature);
  const data = join(dir, 'data-snap');
  assert.equal(readdirSync(data).filter((n) => n.startsWith('chunk_snapshot.')).length, 1, 'one chunk snapshot written at the stop');
  // Blank the WAL: what the restarted server has can only come from the snapshot.
  for (const name of readdirSync(join(data, 'wal'))) {
    const f = join(data, 'wal', name);
    if (/^[0-9]+$/.test(name)) writeFileSync(f, Buffer.alloc(statSync(f).size));
  }
  const h = await start(port, 'data-snap', feature);
  try {
    const afterRestart = await upSamples(port);
    for (const t of before) assert.ok(afterRestart.includes(t), `sample at ${t} came back from the snapshot`);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^prometheus_tsdb_snapshot_replay_error_total 0$/m);
  } finally {
    await h.stop();
  }
});

test('retention and the out-of-order window follow the configuration file: percentage at start, a reload changes them', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const cfgFile = join(dir, 'prometheus.yml');
  writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    retention:\n      percentage: 50\n');
  const h = await start(port, 'data-retention');
  const gauge = async (name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(m !== null, `${name} exposed`);
    return Number(m[1]);
  };
  try {
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).status === 200 ? true : undefined), 10_000, 'ready');
    assert.equal(await gauge('prometheus_tsdb_retention_limit_percentage'), 50);
    assert.equal(await gauge('prometheus_tsdb_retention_limit_seconds'), 0, 'a retention section with a percentage only sets no time limit');
    assert.ok(!existsSync(join(dir, 'data-retention', 'wbl')), 'no out-of-order window: no WBL');
    writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 30m\n    retention:\n      time: 7d\n      size: 1GB\n');
    await h.reload();
    assert.ok(existsSync(join(dir, 'data-retention', 'wbl')), 'the out-of-order window set by the reload started the WBL');
    assert.equal(await gauge('prometheus_tsdb_retention_limit_percentage'), 0);
    assert.equal(await gauge('prometheus_tsdb_retention_limit_seconds'), 7 * 86400);
    assert.equal(await gauge('prometheus_tsdb_retention_limit_bytes'), 2 ** 30);
  } finally {
    await h.stop();
  }
});

test('float chunk encoding: xor2-encoding makes XOR2 the default, the configuration chooses, xor2 needs the feature', { timeout: 30_000 }, async () => {
  const cfgFile = join(dir, 'prometheus.yml');
  const encodingOf = (h: ServerHandle): string | undefined => h.storage instanceof ReadyStorage ? h.storage.db?.floatChunkEncoding : undefined;
  const ready = async (port: number): Promise<void> => {
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).status === 200 ? true : undefined), 10_000, 'ready');
  };
  writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\n');
  let port = await freePort();
  let h = await start(port, 'data-xor2', ['--enable-feature=xor2-encoding']);
  try {
    await ready(port);
    assert.equal(encodingOf(h), 'xor2');
    const f = await (await fetch(`http://127.0.0.1:${port}/api/v1/features`)).json() as { data: { tsdb: Record<string, boolean> } };
    assert.equal(f.data.tsdb['xor2_encoding'], true);
    writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    chunk_encoding:\n      floats: xor\n');
    await h.reload();
    assert.equal(encodingOf(h), 'xor');
  } finally {
    await h.stop();
  }

  // Without the feature a configuration asking for xor2 is refused at start...
  writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    chunk_encoding:\n      floats: xor2\n');
  port = await freePort();
  let refusedWith: string;
  try {
    const r = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data-xor2-refused')}`, '--log.level=error']);
    refusedWith = typeof r === 'number' ? `exit code ${r}` : 'started';
    if (typeof r !== 'number') await r.stop();
  } catch (e) {
    refusedWith = e instanceof Error ? e.message : String(e);
  }
  assert.match(refusedWith, /'storage.tsdb.chunk_encoding.floats: xor2' requires the xor2-encoding feature flag to be enabled at startup/);

  // ... and by a reload, which keeps the running configuration whole.
  writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 0s\n');
  port = await freePort();
  h = await start(port, 'data-xor2-reload');
  try {
    await ready(port);
    assert.equal(encodingOf(h), 'xor');
    writeFileSync(cfgFile, 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 30m\n    chunk_encoding:\n      floats: xor2\n');
    await assert.rejects(h.reload(), /'storage.tsdb.chunk_encoding.floats: xor2' requires the xor2-encoding feature flag to be enabled at startup/);
    assert.equal(encodingOf(h), 'xor');
    assert.ok(!existsSync(join(dir, 'data-xor2-reload', 'wbl')), 'nothing of the refused file was applied');
    assert.equal((await fetch(`http://127.0.0.1:${port}/-/ready`)).status, 200);
  } finally {
    await h.stop();
  }
});

test('stale series compaction: a target that goes away leaves the head for a block of its own', { timeout: 40_000 }, async () => {
  const cfgFile = join(dir, 'prometheus.yml');
  const port = await freePort();
  const scrapeSelf = `global:\n  scrape_interval: 200ms\nstorage:\n  tsdb:\n    stale_series_compaction_threshold: 0.5\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  writeFileSync(cfgFile, scrapeSelf);
  const h = await start(port, 'data-stale', ['--storage.tsdb.block-reload-interval=1s']);
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m === null ? NaN : Number(m[1]);
  };
  try {
    await eventually(async () => ((await upSamples(port)).length >= 3 ? true : undefined), 10_000, 'three scrapes of itself');
    assert.equal(await metric('prometheus_tsdb_stale_series_compactions_triggered_total'), 0);
    // The target goes away: its series get stale markers, and all of them are stale.
    writeFileSync(cfgFile, 'global:\n  scrape_interval: 200ms\nstorage:\n  tsdb:\n    stale_series_compaction_threshold: 0.5\n');
    await h.reload();
    // Checked once a second (the reload interval); a run that comes before the stale markers
    // are committed finds nothing to take, the next one takes them.
    await eventually(async () => {
      const blocks = await (await fetch(`http://127.0.0.1:${port}/api/v1/status/tsdb/blocks`)).json() as { data: { blocks: { compaction: { hints?: string[] } }[] } };
      return blocks.data.blocks.some((b) => b.compaction.hints?.includes('from-stale-series')) ? true : undefined;
    }, 15_000, 'a from-stale-series block');
    assert.ok((await metric('prometheus_tsdb_stale_series_compactions_triggered_total')) >= 1);
    assert.equal(await metric('prometheus_tsdb_head_stale_series'), 0);
    // The scraped samples are still there, read from the block now.
    assert.ok((await upSamples(port)).length >= 3);
  } finally {
    await h.stop();
  }
});
