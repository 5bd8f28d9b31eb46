/**
 * Replays seeded random operations whose results were computed by Prometheus 3.14's
 * histogram code (see testdata/README.md) and compares every result bit for bit, including
 * the raw (uncompacted) layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FloatHistogram } from '../../model/index.js';
import {
  addInPlace, subInPlace, kahanAddInPlace, mulInPlace, divInPlace, compactInPlace, detectReset,
  reduceResolutionInPlace, copyToSchema, floatHistogramEquals, validateFloatHistogram, trimBucketsInPlace,
  hasOverflow, compactHistogramInPlace, reduceHistogramResolutionInPlace, histogramToFloat, validateHistogram,
  histogramEquals,
} from './index.js';
import { decodeFH, decodeH, diffHistograms, jf, loadOps, type OpRecord } from './test-support.js';

function fhOrNull(v: unknown): FloatHistogram | null {
  return v === null || v === undefined ? null : decodeFH(v);
}

/** Runs one record; returns a failure description or null. */
function replay(r: OpRecord): string | null {
  const expectErr = (got: { message: string } | null): string | null => {
    const want = r['err'] as string | null;
    if (want === null && got !== null) return `unexpected error ${got.message}`;
    if (want !== null && got === null) return `missing error ${want}`;
    if (want !== null && got !== null && got.message !== want) return `error ${got.message} != ${want}`;
    return null;
  };
  switch (r.op) {
    case 'fh.add':
    case 'fh.sub': {
      const h = decodeFH(r['h']);
      const res = (r.op === 'fh.add' ? addInPlace : subInPlace)(h, decodeFH(r['other']));
      if (!res.ok) return expectErr(res.error);
      const e = expectErr(null);
      if (e !== null) return e;
      if (res.counterResetCollision !== r['collision']) return 'collision flag';
      if (res.nhcbBoundsReconciled !== r['reconciled']) return 'reconciled flag';
      return diffHistograms(h, decodeFH(r['after']));
    }
    case 'fh.kahanAdd': {
      const h = decodeFH(r['h']);
      const res = kahanAddInPlace(h, decodeFH(r['other']), fhOrNull(r['c']));
      if (!res.ok) return expectErr(res.error);
      if (res.counterResetCollision !== r['collision']) return 'collision flag';
      if (res.nhcbBoundsReconciled !== r['reconciled']) return 'reconciled flag';
      const d = diffHistograms(h, decodeFH(r['after']));
      if (d !== null) return d;
      const dc = diffHistograms(res.c, decodeFH(r['cAfter']));
      return dc === null ? null : `compensation: ${dc}`;
    }
    case 'fh.mul':
    case 'fh.div': {
      const h = decodeFH(r['h']);
      (r.op === 'fh.mul' ? mulInPlace : divInPlace)(h, jf(r['factor']));
      return diffHistograms(h, decodeFH(r['after']));
    }
    case 'fh.compact': {
      const h = decodeFH(r['h']);
      compactInPlace(h, r['n'] as number);
      return diffHistograms(h, decodeFH(r['after']));
    }
    case 'fh.detectReset': {
      const got = detectReset(decodeFH(r['h']), decodeFH(r['other']));
      return got === r['result'] ? null : `detectReset ${got}`;
    }
    case 'fh.reduceResolution': {
      const h = decodeFH(r['h']);
      const e = expectErr(reduceResolutionInPlace(h, r['target'] as number));
      if (e !== null || r['err'] !== null) return e;
      return diffHistograms(h, decodeFH(r['after']));
    }
    case 'fh.copyToSchema': {
      if (r['panic'] !== undefined) {
        try {
          copyToSchema(decodeFH(r['h']), r['target'] as number);
        } catch {
          return null;
        }
        return 'expected a throw';
      }
      return diffHistograms(copyToSchema(decodeFH(r['h']), r['target'] as number), decodeFH(r['result']));
    }
    case 'fh.equals': {
      const got = floatHistogramEquals(decodeFH(r['h']), fhOrNull(r['other']));
      return got === r['result'] ? null : `equals ${got}`;
    }
    case 'fh.validate':
      return expectErr(validateFloatHistogram(decodeFH(r['h'])));
    case 'fh.trim': {
      const h = decodeFH(r['h']);
      trimBucketsInPlace(h, jf(r['rhs']), r['upper'] as boolean);
      return diffHistograms(h, decodeFH(r['after']));
    }
    case 'fh.hasOverflow':
      return hasOverflow(decodeFH(r['h'])) === r['result'] ? null : 'hasOverflow';
    case 'h.compact': {
      const h = decodeH(r['h']);
      compactHistogramInPlace(h, r['n'] as number);
      return diffHistograms(h, decodeH(r['after']));
    }
    case 'h.reduceResolution': {
      const h = decodeH(r['h']);
      const e = expectErr(reduceHistogramResolutionInPlace(h, r['target'] as number));
      if (e !== null || r['err'] !== null) return e;
      return diffHistograms(h, decodeH(r['after']));
    }
    case 'h.toFloat':
      return diffHistograms(histogramToFloat(decodeH(r['h'])), decodeFH(r['result']));
    case 'h.validate':
      return expectErr(validateHistogram(decodeH(r['h'])));
    case 'h.equals': {
      const other = r['other'] === null ? null : decodeH(r['other']);
      return histogramEquals(decodeH(r['h']), other) === r['result'] ? null : 'equals';
    }
    default:
      return 'skip';
  }
}

for (const file of ['oracle-ops.jsonl.gz']) {
  test(`replays Prometheus histogram operations from ${file}`, () => {
    const ops = loadOps(file);
    const failures: string[] = [];
    const counts = new Map<string, number>();
    for (let i = 0; i < ops.length; i++) {
      const r = ops[i]!;
      let f: string | null;
      try {
        f = replay(r);
      } catch (e) {
        f = r['panic'] !== undefined ? null : `threw ${(e as Error).stack ?? String(e)}`;
      }
      if (f === 'skip') continue;
      counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
      if (f !== null) failures.push(`#${i} ${r.op} (${r.src ?? ''}): ${f}`);
    }
    assert.ok(counts.size > 0);
    assert.deepEqual(failures.slice(0, 15), [], `${failures.length} of ${ops.length} records failed`);
  });
}
