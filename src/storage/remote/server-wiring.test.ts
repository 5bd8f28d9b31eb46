/**
 * The receiver as the server wires it from its flags: off by default (404 with the flag to
 * set), on with `--web.enable-remote-write-receiver`, limited by
 * `--web.remote-write-receiver.accepted-protobuf-messages`, writing into the server's storage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../../cmd/server.js';
import { launchTestServer } from '../../testing/server.js';
import { freePort } from '../../testing/peers.js';
import { Symbols, encodeV1, encodeV2, snappy } from './test-encoder.js';
import { dumpStorage } from './test-support.js';

async function withServer(flags: string[], fn: (base: string, h: ServerHandle) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-rw-wiring-'));
  const cfg = join(dir, 'w.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const h = await launchTestServer([`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error', ...flags]);
  assert.notEqual(typeof h, 'number');
  try {
    await fn(`http://127.0.0.1:${port}`, h as ServerHandle);
  } finally {
    await (h as ServerHandle).stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const now = Date.now();
const V1 = snappy(encodeV1([{ labels: [['__name__', 'wired'], ['v', '1']], samples: [{ t: now, v: 1 }] }]));
const sym = new Symbols();
const V2 = snappy(encodeV2(sym.list, [{ refs: sym.refs({ __name__: 'wired', v: '2' }), samples: [{ t: now, v: 2 }] }]));
const V2_HEADERS = { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request', 'Content-Encoding': 'snappy' };

test('the receiver is off by default', async () => {
  await withServer([], async (base) => {
    const r = await fetch(`${base}/api/v1/write`, { method: 'POST', body: V1 });
    assert.deepEqual([r.status, await r.text()], [404, 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n']);
  });
});

test('--web.enable-remote-write-receiver: 1.0 and 2.0 into the server storage; self-metrics registered', async () => {
  await withServer(['--web.enable-remote-write-receiver'], async (base, h) => {
    assert.equal((await fetch(`${base}/api/v1/write`, { method: 'POST', body: V1 })).status, 204);
    const r = await fetch(`${base}/api/v1/write`, { method: 'POST', headers: V2_HEADERS, body: V2 });
    assert.deepEqual([r.status, r.headers.get('x-prometheus-remote-write-samples-written')], [204, '1']);
    assert.deepEqual([...(await dumpStorage(h.storage)).keys()], ['{__name__="wired", v="1"}', '{__name__="wired", v="2"}']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^prometheus_api_remote_write_invalid_labels_samples_total 0$/m);
    assert.match(metrics, /^prometheus_api_remote_write_without_metadata_appended_samples_total 0$/m);
  });
});

test('--web.remote-write-receiver.accepted-protobuf-messages limits the messages', async () => {
  await withServer(['--web.enable-remote-write-receiver', '--web.remote-write-receiver.accepted-protobuf-messages=prometheus.WriteRequest'], async (base) => {
    assert.equal((await fetch(`${base}/api/v1/write`, { method: 'POST', body: V1 })).status, 204);
    const r = await fetch(`${base}/api/v1/write`, { method: 'POST', headers: V2_HEADERS, body: V2 });
    assert.deepEqual([r.status, await r.text()], [415, 'io.prometheus.write.v2.Request protobuf message is not accepted by this server; only accepts prometheus.WriteRequest\n']);
  });
});
