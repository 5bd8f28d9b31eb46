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
