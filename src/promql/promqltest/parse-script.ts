/**
 * The script parser: text of a `*.test` file to commands, as Prometheus's promqltest reads
 * it. Lines are trimmed, whole-line comments count as empty lines, a block ends at the first
 * empty line; the command word chooses the command case-insensitively, then the whole line
 * must match the (case-sensitive) command pattern. Any error fails the whole script with
 * its line number, as in Prometheus, except an eval expression that does not parse: that
 * is recorded on the eval (so one parser gap fails one eval, not a whole file).
 */
import { RE2JS } from 're2js';
import { parseDuration, type Labels } from '../../model/index.js';
import { parseExpr, type ParseOptions } from '../parser/index.js';
import { goUnquote, parseGoNumber } from './go-literals.js';
import { floatValue, parseSeriesDesc, parseSeriesLabels } from './series-desc.js';
import { isSTLine, parseSTSequence, splitSTLine } from './st-sequence.js';
import {
  ScriptError, type Command, type EvalCmd, type LoadCmd, type LoadSeries, type Script, type TextMatcher,
} from './script.js';

/** The parser settings of the reference runner (all experimental syntax on). */
export const RUNNER_PARSE_OPTIONS: ParseOptions = {
  experimentalFunctions: true, durationExpr: true, extendedRangeSelectors: true, binopFillModifiers: true,
};

const PAT_LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const PAT_EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const PAT_EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const PAT_EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const PAT_EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;
const RANGE_VECTOR_PREFIX = 'expect range vector';
const STRING_PREFIX = 'expect string';

/** Trimmed lines; comment lines become empty, as they end blocks exactly like empty lines. */
function scriptLines(text: string): string[] {
  return text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
}

function duration(s: string, line: number, what: string): number {
  try {
    return parseDuration(s);
  } catch (e) {
    throw new ScriptError(line, `invalid ${what} ${JSON.stringify(s)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A regular expression as Go's `regexp` matches it: RE2 syntax, unanchored search. */
export function regexMatcher(source: string): TextMatcher {
  const re = RE2JS.compile(source);
  return { kind: 'regex', source, test: (s) => re.matcher(s).find() };
}

export function matchText(m: TextMatcher, s: string): boolean {
  switch (m.kind) {
    case 'any': return true;
    case 'msg': return m.text === s;
    case 'regex': return m.test(s);
  }
}

function parseLoad(lines: string[], i0: number): { next: number; cmd: LoadCmd } {
  let i = i0;
  const m = PAT_LOAD.exec(lines[i]!);
  if (m === null) throw new ScriptError(i + 1, 'invalid load command. (load[_with_nhcb] <step:duration>)');
  const cmd: LoadCmd = { kind: 'load', line: i + 1, intervalMs: duration(m[2]!, i + 1, 'step definition'), withNHCB: m[1] === 'with_nhcb', series: [] };
  const byKey = new Map<string, number>();
  let pendingST: { labels: Labels; st: (number | null)[]; line: number } | null = null;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const def = lines[i]!;
    if (isSTLine(def)) {
      if (pendingST !== null) throw new ScriptError(pendingST.line, '@st line has no following sample line');
      const { metric, items } = splitSTLine(def);
      let labels: Labels, st: (number | null)[];
      try {
        labels = parseSeriesLabels(metric);
        st = parseSTSequence(items);
      } catch (e) {
        throw new ScriptError(i + 1, `invalid @st line: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      pendingST = { labels, st, line: i + 1 };
      continue;
    }
    let desc;
    try {
      desc = parseSeriesDesc(def);
    } catch (e) {
      throw new ScriptError(i + 1, e instanceof Error ? e.message : String(e), { cause: e });
    }
    let st: (number | null)[] | null = null;
    if (pendingST !== null) {
      if (!pendingST.labels.equals(desc.labels)) throw new ScriptError(pendingST.line, '@st metric does not match the following sample line metric');
      if (pendingST.st.length !== desc.values.length) {
        throw new ScriptError(pendingST.line, `@st line has ${pendingST.st.length} values but sample line has ${desc.values.length}`);
      }
      st = pendingST.st;
      pendingST = null;
    }
    const series: LoadSeries = { labels: desc.labels, values: desc.values, st, line: i + 1 };
    const k = byKey.get(desc.labels.key());
    if (k === undefined) {
      byKey.set(desc.labels.key(), cmd.series.length);
      cmd.series.push(series);
    } else {
      cmd.series[k] = series;
    }
  }
  if (pendingST !== null) throw new ScriptError(pendingST.line, '@st line has no following sample line');
  return { next: i, cmd };
}

function parseExpectLine(def: string, ev: EvalCmd, line: number): void {
  const m = PAT_EXPECT.exec(def.trim());
  if (m === null) throw new ScriptError(line, 'invalid expect statement, must match `expect <type> <match_type>: <string>` format');
  const type = m[1]!;
  let matcher: TextMatcher = { kind: 'any' };
  if (m[2] === 'msg') {
    matcher = { kind: 'msg', text: m[3]!.trim() };
  } else if (m[2] === 'regex') {
    const src = m[3]!.trim();
    try {
      matcher = regexMatcher(src);
    } catch (e) {
      throw new ScriptError(line, `invalid regex ${src} for ${type}`, { cause: e });
    }
  }
  switch (type) {
    case 'ordered': ev.ordered = true; break;
    case 'fail':
      if (ev.fail !== null) throw new ScriptError(line, 'invalid expect lines, multiple expect fail lines are not allowed');
      ev.fail = matcher;
      break;
    case 'warn': ev.warn.push(matcher); break;
    case 'no_warn': ev.noWarn = true; break;
    case 'info': ev.info.push(matcher); break;
    case 'no_info': ev.noInfo = true; break;
  }
  if (ev.info.length > 0 && ev.noInfo) throw new ScriptError(line, 'invalid expect lines, info and no_info cannot be used together');
  if (ev.warn.length > 0 && ev.noWarn) throw new ScriptError(line, 'invalid expect lines, warn and no_warn cannot be used together');
}

function newEval(line: number, expr: string, mode: EvalCmd['mode'], mod: string | undefined): EvalCmd {
  return {
    kind: 'eval', line, expr, mode, rangeVector: null,
    legacyFail: mod === 'fail', legacyWarn: mod === 'warn', legacyInfo: mod === 'info', legacyOrdered: mod === 'ordered',
    fail: null, failMessage: null, failRegexp: null, warn: [], noWarn: false, info: [], noInfo: false, ordered: false,
    scalar: null, string: null, series: [], excludeFromRangeQuery: false, parseError: null,
  };
}

function parseEval(lines: string[], i0: number): { next: number; cmd: EvalCmd } {
  let i = i0;
  const head = lines[i]!;
  const line = i + 1;
  const im = PAT_EVAL_INSTANT.exec(head);
  const rm = PAT_EVAL_RANGE.exec(head);
  if (im === null && rm === null) {
    throw new ScriptError(line, "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'");
  }
  let ev: EvalCmd;
  if (im !== null) {
    const at = duration(im[2] ?? '', line, 'timestamp definition');
    ev = newEval(line, im[3]!, { kind: 'instant', at }, im[1]);
  } else {
    const start = duration(rm![2]!, line, 'start timestamp definition');
    const end = duration(rm![3]!, line, 'end timestamp definition');
    if (end < start) throw new ScriptError(line, `invalid test definition, end timestamp (${rm![3]!}) is before start timestamp (${rm![2]!})`);
    const step = duration(rm![4]!, line, 'step definition');
    ev = newEval(line, rm![5]!, { kind: 'range', start, end, step }, rm![1]);
  }
  try {
    parseExpr(ev.expr, RUNNER_PARSE_OPTIONS);
  } catch (e) {
    ev.parseError = e instanceof Error ? e.message : String(e);
  }
  // Series lines are numbered from 1; expect lines do not count (as the reference runner counts them).
  let pos = 0;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    pos++;
    const def = lines[i]!;
    const dl = i + 1;
    if (ev.legacyFail && def.startsWith('expected_fail_message')) {
      ev.failMessage = def.slice('expected_fail_message'.length).trim();
      break;
    }
    if (ev.legacyFail && def.startsWith('expected_fail_regexp')) {
      const src = def.slice('expected_fail_regexp'.length).trim();
      try {
        ev.failRegexp = regexMatcher(src);
      } catch (e) {
        throw new ScriptError(dl, `invalid regexp '${src}' for expected_fail_regexp`, { cause: e });
      }
      break;
    }
    if (def.startsWith(RANGE_VECTOR_PREFIX)) {
      const m = PAT_EXPECT_RANGE.exec(def);
      if (m === null) throw new ScriptError(dl, `invalid range vector definition ${JSON.stringify(def)}`);
      const start = duration(m[1]!, dl, 'start timestamp definition');
      const end = duration(m[2]!, dl, 'end timestamp definition');
      if (end < start) throw new ScriptError(dl, `invalid test definition, end timestamp (${m[2]!}) is before start timestamp (${m[1]!})`);
      ev.rangeVector = { start, end, step: duration(m[3]!, dl, 'step definition') };
      ev.excludeFromRangeQuery = true;
      continue;
    }
    if (def.startsWith(STRING_PREFIX)) {
      const lit = def === STRING_PREFIX ? '' : def.startsWith(STRING_PREFIX + ' ') ? def.slice(STRING_PREFIX.length + 1) : def.slice(STRING_PREFIX.length);
      if (lit === '') throw new ScriptError(dl, 'expected string literal not valid - a quoted string literal is required');
      const s = goUnquote(lit);
      if (s === undefined) throw new ScriptError(dl, 'expected string literal not valid - check that the string is correctly quoted');
      ev.string = s;
      ev.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      parseExpectLine(def, ev, dl);
      pos--;
      continue;
    }
    const f = parseGoNumber(def);
    if (f !== undefined) {
      ev.scalar = floatValue(f);
      break;
    }
    let desc;
    try {
      desc = parseSeriesDesc(def);
    } catch (e) {
      throw new ScriptError(dl, e instanceof Error ? e.message : String(e), { cause: e });
    }
    if (desc.values.length > 1 && ev.mode.kind === 'instant' && ev.rangeVector === null) {
      throw new ScriptError(dl, "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query");
    }
    // A later line for the same label set replaces the earlier one.
    const k = ev.series.findIndex((s) => s.labels.equals(desc.labels));
    const entry = { labels: desc.labels, values: desc.values, pos };
    if (k >= 0) ev.series.splice(k, 1);
    ev.series.push(entry);
    ev.scalar = null;
  }
  return { next: i, cmd: ev };
}

/** Parses a whole script; throws ScriptError (with the 1-based line) on the first error. */
export function parseScript(name: string, text: string): Script {
  const lines = scriptLines(text);
  const commands: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const word = l.split(/[\t ]+/, 1)[0]!.toLowerCase();
    if (word === 'clear') {
      commands.push({ kind: 'clear', line: i + 1 });
    } else if (word.startsWith('load')) {
      const r = parseLoad(lines, i);
      commands.push(r.cmd);
      i = r.next;
    } else if (word.startsWith('eval')) {
      const r = parseEval(lines, i);
      commands.push(r.cmd);
      i = r.next;
    } else {
      throw new ScriptError(i + 1, `invalid command ${JSON.stringify(l)}`);
    }
  }
  return { name, commands };
}
