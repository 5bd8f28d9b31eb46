/**
 * Helpers for the engine's tests: storages filled from compact series descriptions, and a
 * plain-data view of query values for deep comparisons.
 */
import { Labels, type Millis } from '../../model/index.js';
import { MemoryStorage } from '../../storage/index.js';
import type { Value } from '../value.js';

export interface SeriesSpec {
  /** Labels as name/value pairs, `__name__` included. */
  labels: Record<string, string>;
  /** First sample's time and the interval between samples (ms). */
  start?: number;
  interval?: number;
  /** Values; null skips a position, 'stale' writes a staleness marker. */
  values: (number | null | 'stale')[];
}

export async function storageWith(series: readonly SeriesSpec[]): Promise<MemoryStorage> {
  const st = new MemoryStorage({ gcIntervalMs: 0 });
  const app = st.appender();
  for (const s of series) {
    const l = Labels.fromObject(s.labels);
    const start = s.start ?? 0, interval = s.interval ?? 60_000;
    let ref = 0;
    s.values.forEach((v, i) => {
      const t = (start + i * interval) as Millis;
      if (v === null) return;
      ref = v === 'stale' ? app.appendStale(ref, l, t) : app.append(ref, l, t, v);
    });
  }
  await app.commit();
  return st;
}

/** `n` counters `name{i="k"}` with `samples` samples every 15 s, growing by k+1 per sample. */
export async function counters(name: string, n: number, samples: number): Promise<MemoryStorage> {
  const st = new MemoryStorage({ gcIntervalMs: 0 });
  const app = st.appender();
  for (let k = 0; k < n; k++) {
    const l = Labels.fromStrings('__name__', name, 'i', String(k));
    let ref = 0;
    for (let j = 0; j < samples; j++) ref = app.append(ref, l, (j * 15_000) as Millis, j * (k + 1));
  }
  await app.commit();
  return st;
}

export type PlainValue =
  | { kind: 'vector'; v: { metric: string; t: number; f: number }[] }
  | { kind: 'matrix'; m: { metric: string; floats: [number, number][] }[] }
  | { kind: 'scalar'; t: number; f: number }
  | { kind: 'string'; t: number; s: string };

/** The value with label sets as strings and points as [t, f] pairs (floats only). */
export function plain(v: Value): PlainValue {
  switch (v.kind) {
    case 'vector': return { kind: 'vector', v: v.v.map((s) => ({ metric: s.metric.toString(), t: s.t, f: s.f })) };
    case 'matrix': return { kind: 'matrix', m: v.m.map((s) => ({ metric: s.metric.toString(), floats: s.floats.map((p): [number, number] => [p.t, p.f]) })) };
    case 'scalar': return { kind: 'scalar', t: v.t, f: v.f };
    case 'string': return { kind: 'string', t: v.t, s: v.s };
  }
}
