import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryType, newParser, type ParserOptions } from './index.js';
import { nodeLikePayload } from './bench-payload.js';

const OPTS: ParserOptions = { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };

function samples(body: Uint8Array, ct: string): Map<string, number> {
  const p = newParser(body, ct, '', OPTS);
  const out = new Map<string, number>();
  const byKey = new Map<string, string>();
  for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
    if (e !== EntryType.Series) continue;
    const k = p.seriesKey();
    const l = p.labels().toString();
    const seen = byKey.get(k);
    assert.ok(seen === undefined || seen === l, `key ${JSON.stringify(k)} names two label sets`);
    byKey.set(k, l);
    out.set(l, p.value());
  }
  return out;
}

test('text, OpenMetrics and protobuf renderings of one payload parse to the same samples', () => {
  const p = nodeLikePayload(1);
  const text = samples(p.text, 'text/plain; version=0.0.4');
  const om = samples(p.openMetrics, 'application/openmetrics-text; version=1.0.0');
  const proto = samples(p.protobuf, 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited');
  assert.equal(text.size, p.samples);
  assert.deepEqual(om, text);
  assert.deepEqual(proto, text);
});

test('a released parser of any format no longer holds its body (or a copy of it)', async () => {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const payload = nodeLikePayload(40);
  const cts: [string, Uint8Array][] = [
    ['text/plain; version=0.0.4', payload.text],
    ['application/openmetrics-text; version=1.0.0', payload.openMetrics],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', payload.protobuf],
  ];
  // Array-buffer memory still held through a parser kept alive after parsing a fresh copy of the body.
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setImmediate(r)); }
  };
  const held = async (ct: string, body: Uint8Array, release: boolean): Promise<{ p: unknown; bytes: number }> => {
    await settle();
    const base = process.memoryUsage().arrayBuffers;
    const p = ((): unknown => {
      const q = newParser(body.slice(), ct, '', OPTS);
      let n = 0;
      for (let e = q.next(); e !== EntryType.EOF; e = q.next()) if (e === EntryType.Series) n++;
      assert.equal(n, payload.samples, ct);
      if (release) q.release();
      return q;
    })();
    await settle();
    return { p, bytes: process.memoryUsage().arrayBuffers - base };
  };
  for (const [ct, body] of cts) {
    assert.ok(body.length > 1 << 20, `${ct}: a body of ${body.length} bytes`);
    const kept = await held(ct, body, false);
    const released = await held(ct, body, true);
    assert.ok(kept.bytes >= body.length, `${ct}: an unreleased parser holds ${kept.bytes} bytes for a ${body.length}-byte body`);
    assert.ok(released.bytes < body.length / 10, `${ct}: a released parser holds ${released.bytes} bytes for a ${body.length}-byte body`);
    assert.ok(kept.p !== null && released.p !== null);
  }
});
