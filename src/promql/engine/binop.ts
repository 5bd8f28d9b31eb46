/**
 * Binary operators on single values: scalar with scalar, and sample with sample (floats and
 * native histograms), with Prometheus's results for every type combination: histograms
 * support + and - with histograms, * and / by floats, == and != between histograms, and
 * the trim operators `</` `>/` with a float bound; anything else yields no sample and an
 * info about incompatible types.
 */
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';
import type { BinaryOp, PositionRange } from '../parser/index.js';
import {
  addInPlace, compactInPlace, copyHistogram, divInPlace, equals, IncompatibleSchemaError, mulInPlace, subInPlace, trimBucketsInPlace,
} from '../functions/histogram-ops.js';
import { goPow } from '../functions/go-math.js';
import { annos, type Annotation } from './annotations.js';

export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

/** Arithmetic changes what the metric means: its name (with type and unit) is dropped. */
export function changesMetricSchema(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '^' || op === '%' || op === 'atan2';
}

export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    case '^': return goPow(l, r);
    case '%': return l % r;
    case '==': return l === r ? 1 : 0;
    case '!=': return l !== r ? 1 : 0;
    case '>': return l > r ? 1 : 0;
    case '<': return l < r ? 1 : 0;
    case '>=': return l >= r ? 1 : 0;
    case '<=': return l <= r ? 1 : 0;
    case 'atan2': return Math.atan2(l, r);
    default: throw new Error(`operator "${op}" not allowed for scalar operations`);
  }
}

/** The outcome of one element operation; a reused object. */
export interface ElemResult {
  f: number;
  h: FloatHistogram | null;
  keep: boolean;
  /** An info to report for this element (the sample is kept). */
  info: Annotation | null;
  /** An annotation that also drops the sample. */
  err: Annotation | null;
}

export const elemResult: ElemResult = { f: 0, h: null, keep: false, info: null, err: null };

function set(f: number, h: FloatHistogram | null, keep: boolean): ElemResult {
  const r = elemResult;
  r.f = f;
  r.h = h;
  r.keep = keep;
  r.info = null;
  r.err = null;
  return r;
}

function incompatible(lt: string, op: BinaryOp, rt: string, pos: PositionRange): ElemResult {
  const r = set(0, null, false);
  r.err = annos.incompatibleTypesInBinOp(lt, op, rt, pos);
  return r;
}

/** Applies `op` to two elements (h null for floats). The result is valid until the next call. */
export function vectorElemBinop(op: BinaryOp, l: number, r: number, hl: FloatHistogram | null, hr: FloatHistogram | null, pos: PositionRange): ElemResult {
  if (hl === null && hr === null) {
    switch (op) {
      case '+': return set(l + r, null, true);
      case '-': return set(l - r, null, true);
      case '*': return set(l * r, null, true);
      case '/': return set(l / r, null, true);
      case '^': return set(goPow(l, r), null, true);
      case '%': return set(l % r, null, true);
      case '==': return set(l, null, l === r);
      case '!=': return set(l, null, l !== r);
      case '>': return set(l, null, l > r);
      case '<': return set(l, null, l < r);
      case '>=': return set(l, null, l >= r);
      case '<=': return set(l, null, l <= r);
      case 'atan2': return set(Math.atan2(l, r), null, true);
      case '</': case '>/': return incompatible('float', op, 'float', pos);
      default: break;
    }
  } else if (hl === null && hr !== null) {
    if (op === '*') return set(0, compactInPlace(mulInPlace(copyHistogram(hr), l), 0), true);
    return incompatible('float', op, 'histogram', pos);
  } else if (hl !== null && hr === null) {
    switch (op) {
      case '*': return set(0, compactInPlace(mulInPlace(copyHistogram(hl), r), 0), true);
      case '/': return set(0, compactInPlace(divInPlace(copyHistogram(hl), r), 0), true);
      case '</': return set(0, trimBucketsInPlace(copyHistogram(hl), r, true), true);
      case '>/': return set(0, trimBucketsInPlace(copyHistogram(hl), r, false), true);
      default: return incompatible('histogram', op, 'float', pos);
    }
  } else if (hl !== null && hr !== null) {
    switch (op) {
      case '+': case '-': {
        const res = copyHistogram(hl);
        let cr;
        try {
          cr = op === '+' ? addInPlace(res, hr) : subInPlace(res, hr);
        } catch (e) {
          if (!(e instanceof IncompatibleSchemaError)) throw e;
          const out = set(0, null, false);
          out.err = annos.incompatibleBucketLayoutInBinOp(op, pos);
          return out;
        }
        if (op === '-') res.counterResetHint = CounterResetHint.Gauge;
        const out = set(0, compactInPlace(res, 0), true);
        if (cr.counterResetCollision) out.err = annos.histogramCounterResetCollision(pos, op === '+' ? 'addition' : 'subtraction');
        if (cr.nhcbBoundsReconciled) out.info = annos.mismatchedCustomBuckets(pos, op === '+' ? 'addition' : 'subtraction');
        return out;
      }
      case '==': return set(0, hl, equals(hl, hr));
      case '!=': return set(0, hl, !equals(hl, hr));
      default: return incompatible('histogram', op, 'histogram', pos);
    }
  }
  throw new Error(`operator "${op}" not allowed for operations between vectors`);
}
