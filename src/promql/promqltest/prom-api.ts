/**
 * A minimal client of Prometheus's query API (`/api/v1/query`, `/api/v1/query_range`) that
 * turns its JSON answers into the engine's public value types, so that answers of a real
 * Prometheus and of Watchfire's engine compare with the same code. Float histograms are
 * not read (the differential dataset has none).
 */
import { Labels, formatFloatAPI, formatFloatF, type Millis } from '../../model/index.js';
import type { Matrix, Value, Vector } from '../value.js';

export type PromAnswer =
  | { ok: true; value: Value; warnings: string[] }
  | { ok: false; errorType: string; error: string };

type Json = unknown;

/**
 * Every sample value Prometheus printed, checked against Watchfire's own printing of the same
 * float (formatFloatAPI for samples, formatFloatF for scalar results): how many were checked,
 * and the first few that print otherwise.
 */
export const valueFormatCheck = { checked: 0, mismatches: [] as string[] };

function num(s: Json, scalar = false): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (typeof s !== 'string') throw new Error(`reading a Prometheus answer: value ${JSON.stringify(s)} is not a string`);
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`reading a Prometheus answer: bad value ${JSON.stringify(s)}`);
  valueFormatCheck.checked++;
  const mine = scalar ? formatFloatF(v) : formatFloatAPI(v);
  if (mine !== s && valueFormatCheck.mismatches.length < 20) valueFormatCheck.mismatches.push(`Prometheus ${s}, Watchfire ${mine}`);
  return v;
}

function ms(t: Json): Millis {
  if (typeof t !== 'number') throw new Error(`reading a Prometheus answer: timestamp ${JSON.stringify(t)} is not a number`);
  return Math.round(t * 1000) as Millis;
}

function labels(m: Json): Labels {
  if (typeof m !== 'object' || m === null) throw new Error('reading a Prometheus answer: metric is not an object');
  return Labels.fromObject(m as Record<string, string>);
}

function pair(p: Json): [Json, Json] {
  if (!Array.isArray(p) || p.length !== 2) throw new Error(`reading a Prometheus answer: ${JSON.stringify(p)} is not a [time, value] pair`);
  return [p[0], p[1]];
}

/** Reads the `data` member of a successful answer. */
export function readData(data: Json): Value {
  const d = data as { resultType?: string; result?: Json };
  switch (d.resultType) {
    case 'scalar': {
      const [t, v] = pair(d.result);
      return { kind: 'scalar', t: ms(t), f: num(v, true) };
    }
    case 'string': {
      const [t, v] = pair(d.result);
      return { kind: 'string', t: ms(t), s: String(v) };
    }
    case 'vector': {
      const out: Vector = [];
      for (const e of d.result as { metric: Json; value: Json }[]) {
        const [t, v] = pair(e.value);
        out.push({ metric: labels(e.metric), t: ms(t), f: num(v), h: null });
      }
      return { kind: 'vector', v: out };
    }
    case 'matrix': {
      const out: Matrix = [];
      for (const e of d.result as { metric: Json; values: Json[] }[]) {
        out.push({ metric: labels(e.metric), floats: e.values.map((p) => { const [t, v] = pair(p); return { t: ms(t), f: num(v) }; }), histograms: [] });
      }
      return { kind: 'matrix', m: out };
    }
    default:
      throw new Error(`reading a Prometheus answer: unknown result type ${JSON.stringify(d.resultType)}`);
  }
}

async function call(url: string, form: Record<string, string>): Promise<PromAnswer> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(30_000) });
  const body = await res.json() as { status?: string; data?: Json; errorType?: string; error?: string; warnings?: string[] };
  if (body.status === 'success') return { ok: true, value: readData(body.data), warnings: body.warnings ?? [] };
  return { ok: false, errorType: body.errorType ?? `HTTP ${res.status}`, error: body.error ?? '' };
}

const seconds = (t: number): string => String(t / 1000);

export function promInstantQuery(base: string, query: string, t: number): Promise<PromAnswer> {
  return call(`${base}/api/v1/query`, { query, time: seconds(t) });
}

export function promRangeQuery(base: string, query: string, start: number, end: number, step: number): Promise<PromAnswer> {
  return call(`${base}/api/v1/query_range`, { query, start: seconds(start), end: seconds(end), step: seconds(step) });
}
