/**
 * Test support for the requests captured from real senders (`../shared/conformance/
 * remote-write/captured-from-real-senders/`): reading them, rendering a decoded request in
 * the proto3 JSON mapping the capture's `*.decoded.json` files use, and the series a receiver
 * must store for one. Not part of the API.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../../testing/peers.js';
import type { V1Request } from './decoded.js';
import type { StoredValue } from './test-support.js';

export const CAPTURED_WRITES = [
  'prometheus-2.42.write-samples',
  'prometheus-2.42.write-metadata',
  'vmagent-1.79.write-samples',
  'vmalert-1.79.write-recording-rule',
] as const;

export interface Captured {
  body: Uint8Array;
  headers: Record<string, string>;
  decoded: ProtoJSONWriteRequest;
}

interface ProtoJSONSample { value?: number | string; timestamp?: string }
interface ProtoJSONSeries { labels: { name?: string; value?: string }[]; samples?: ProtoJSONSample[] }
interface ProtoJSONMetadata { type?: string; metricFamilyName?: string; help?: string; unit?: string }
export interface ProtoJSONWriteRequest { timeseries?: ProtoJSONSeries[]; metadata?: ProtoJSONMetadata[] }

export function readCaptured(name: string): Captured {
  const dir = sharedPath('conformance', 'remote-write', 'captured-from-real-senders');
  const req = JSON.parse(readFileSync(`${dir}/${name}.request.json`, 'utf8')) as { headers: Record<string, string> };
  return {
    body: new Uint8Array(readFileSync(`${dir}/${name}.snappy.bin`)),
    headers: req.headers,
    decoded: JSON.parse(readFileSync(`${dir}/${name}.decoded.json`, 'utf8')) as ProtoJSONWriteRequest,
  };
}

const TYPE_NAMES = ['UNKNOWN', 'COUNTER', 'GAUGE', 'HISTOGRAM', 'GAUGEHISTOGRAM', 'SUMMARY', 'INFO', 'STATESET'];

function jsonDouble(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** A decoded 1.0 request (series with labels and float samples, metadata) in the proto3 JSON mapping: defaults omitted, int64 as strings. */
export function toProtoJSON(req: V1Request): ProtoJSONWriteRequest {
  const out: ProtoJSONWriteRequest = {};
  const series: ProtoJSONSeries[] = [];
  for (let i = 0; i < req.n; i++) {
    const labels: { name?: string; value?: string }[] = [];
    const ls = req.labStart.a[i]!;
    for (let k = ls; k < ls + req.labLen.a[i]!; k += 2) {
      const l: { name?: string; value?: string } = {};
      if (req.strs[k] !== '') l.name = req.strs[k]!;
      if (req.strs[k + 1] !== '') l.value = req.strs[k + 1]!;
      labels.push(l);
    }
    const s: ProtoJSONSeries = { labels };
    const ss = req.smpStart.a[i]!, n = req.smpLen.a[i]!;
    if (n > 0) {
      s.samples = [];
      for (let k = ss; k < ss + n; k++) {
        const x: ProtoJSONSample = {};
        const v = req.v.a[k]!;
        if (!Object.is(v, 0)) x.value = jsonDouble(v);
        if (req.t.a[k] !== 0) x.timestamp = String(req.t.a[k]);
        s.samples.push(x);
      }
    }
    series.push(s);
  }
  if (series.length > 0) out.timeseries = series;
  if (req.metadata.length > 0) {
    out.metadata = req.metadata.map((m) => {
      const j: ProtoJSONMetadata = {};
      if (m.type !== 0) j.type = TYPE_NAMES[m.type] ?? String(m.type);
      if (m.familyName !== '') j.metricFamilyName = m.familyName;
      if (m.help !== '') j.help = m.help;
      if (m.unit !== '') j.unit = m.unit;
      return j;
    });
  }
  return out;
}

/**
 * What a receiver stores for a captured request: per series (labels sorted, empty values
 * dropped, as `Labels.toString` prints them) its samples in order. A JSON NaN may be a plain
 * NaN or the stale marker (the mapping cannot tell); it is given as NaN here.
 */
export function expectedStorage(d: ProtoJSONWriteRequest): Map<string, [number, StoredValue][]> {
  const out = new Map<string, [number, StoredValue][]>();
  for (const s of d.timeseries ?? []) {
    const pairs = s.labels.map((l) => [l.name ?? '', l.value ?? ''] as const).filter(([, v]) => v !== '');
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const key = '{' + pairs.map(([n, v]) => `${/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) ? n : JSON.stringify(n)}=${JSON.stringify(v)}`).join(', ') + '}';
    const rows = out.get(key) ?? [];
    for (const x of s.samples ?? []) {
      const v = x.value === undefined ? 0 : typeof x.value === 'number' ? x.value : x.value === 'NaN' ? NaN : x.value === 'Infinity' ? Infinity : -Infinity;
      rows.push([Number(x.timestamp ?? '0'), v]);
    }
    out.set(key, rows);
  }
  return out;
}

/** Equal, where an expected NaN may be stored as NaN or as the stale marker. */
export function assertStoredEqual(got: Map<string, [number, StoredValue][]>, want: Map<string, [number, StoredValue][]>): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [k, rows] of want) {
    const g = got.get(k)!;
    assert.equal(g.length, rows.length, k);
    for (let i = 0; i < rows.length; i++) {
      const [t, v] = rows[i]!;
      assert.equal(g[i]![0], t, k);
      if (typeof v === 'number' && Number.isNaN(v)) assert.ok(g[i]![1] === 'stale' || Number.isNaN(g[i]![1]), `${k}: ${JSON.stringify(g[i]![1])}`);
      else assert.ok(Object.is(g[i]![1], v), `${k} at ${t}: got ${JSON.stringify(g[i]![1])}, want ${JSON.stringify(v)}`);
    }
  }
}
