/**
 * Functions that work on whole series rather than samples: label_replace and label_join
 * (new label sets, computed once per series) and timestamp()/start_timestamp() over a plain
 * selector (which need the samples' own timestamps, not the step's).
 */
import { FastRegexMatcher, isValidLabelName, METRIC_NAME, type Labels } from '../../model/index.js';
import { expand, parseTemplate } from '../../relabel/index.js';
import type { Expr, StringLiteral, VectorSelector } from '../parser/index.js';
import { EvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { evalSeries } from './eval-selectors.js';
import { dropMetadata, withLabel } from './labels-util.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import { SeriesData } from './types.js';

/**
 * label_replace's compiled patterns by source: compiling one costs as much as the rest of a
 * small query, and the same few come again and again. Matchers keep no state between
 * calls, so queries share them. Bounded: emptied when full.
 */
const replaceRegexes = new Map<string, FastRegexMatcher>();
const MAX_REPLACE_REGEXES = 256;

function str(e: Expr): string {
  return (e as StringLiteral).val;
}

export async function evalLabelReplace(ev: Evaluator, args: readonly Expr[]): Promise<SeriesData[]> {
  const dst = str(args[1]!), repl = str(args[2]!), src = str(args[3]!), regexStr = str(args[4]!);
  let re = replaceRegexes.get(regexStr);
  if (re === undefined) {
    try {
      re = new FastRegexMatcher(regexStr);
    } catch {
      throw new EvalError(`invalid regular expression in label_replace(): ${regexStr}`);
    }
    if (replaceRegexes.size >= MAX_REPLACE_REGEXES) replaceRegexes.clear();
    replaceRegexes.set(regexStr, re);
  }
  if (!isValidLabelName(dst)) throw new EvalError(`invalid destination label name in label_replace(): ${dst}`);
  const template = parseTemplate(repl, namedGroups(re));
  const mat = await ev.evalMatrix(args[0]!);
  // Series often share label sets' source values: remember results per input label set.
  const cache = new Map<Labels, Labels | null>();
  // Whether an input label set already has the destination label.
  let dstSeen = false;
  for (const s of mat) {
    if (!dstSeen && s.metric.get(dst) !== '') dstSeen = true;
    let nl = cache.get(s.metric);
    if (nl === undefined) {
      const groups = re.exec(s.metric.get(src));
      nl = groups === null ? null : withLabel(s.metric, dst, expand(template, groups));
      cache.set(s.metric, nl);
    }
    if (nl === null) continue;
    s.metric = nl;
    if (dst === METRIC_NAME) s.dropName = false;
  }
  // Distinct input label sets without the destination label stay distinct: each keeps all
  // its labels and at most gains that one. Under delayed name removal the input may hold
  // sets that differ only in a name still to be dropped: merged as usual.
  if (!dstSeen && !ev.opts.delayedNameRemoval) return mat;
  return mergeSeriesWithSameLabelset(mat);
}

function namedGroups(re: FastRegexMatcher): Record<string, number> {
  try {
    return re.namedGroups();
  } catch {
    return {};
  }
}

export async function evalLabelJoin(ev: Evaluator, args: readonly Expr[]): Promise<SeriesData[]> {
  const dst = str(args[1]!), sep = str(args[2]!);
  const srcs: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const s = str(args[i]!);
    if (!isValidLabelName(s)) throw new EvalError(`invalid source label name in label_join(): ${s}`);
    srcs.push(s);
  }
  if (!isValidLabelName(dst)) throw new EvalError(`invalid destination label name in label_join(): ${dst}`);
  const mat = await ev.evalMatrix(args[0]!);
  for (const s of mat) {
    let v = '';
    for (let i = 0; i < srcs.length; i++) v += (i > 0 ? sep : '') + s.metric.get(srcs[i]!);
    s.metric = withLabel(s.metric, dst, v);
    if (dst === METRIC_NAME) s.dropName = false;
  }
  return mergeSeriesWithSameLabelset(mat);
}

/**
 * timestamp(v) or start_timestamp(v) with a selector argument: the timestamps of the
 * samples the selector picks at each step. With @, every step looks at the pinned time.
 */
export async function evalTimestampOverSelector(ev: Evaluator, vs: VectorSelector, startTs: boolean): Promise<SeriesData[]> {
  const series = ev.selectedSeries(vs);
  // start_timestamp() reports nothing unless start timestamps are in use (use-start-timestamps).
  if (startTs && !ev.opts.useStartTimestamps) return [];
  const offset = vs.timestamp !== null ? 0 : vs.offset;
  const mat = await evalSeries(ev, series, offset, startTs ? 'startTimestamp' : 'timestamp', vs.timestamp);
  const delayed = ev.opts.delayedNameRemoval;
  const out: SeriesData[] = [];
  for (const s of mat) {
    const sd = new SeriesData(delayed ? s.metric : dropMetadata(s.metric), true);
    sd.fT = s.fT;
    sd.fV = s.fV;
    for (let i = 0; i < sd.fV.length; i++) sd.fV[i] = sd.fV[i]! / 1000;
    out.push(sd);
  }
  if (!delayed) return mergeSeriesWithSameLabelset(out);
  return out;
}
