/**
 * Parses every query of Prometheus's PromQL test scripts (../shared/conformance/promql).
 * Prometheus parses each `eval` query when it loads a script, and one syntax error fails
 * the whole script, so every query there must parse. Queries known not to parse yet are
 * listed in testdata/conformance-known-failures.json; that list may only shrink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { exprToString, parseExpr, ParseErrors, walk, type DurationExpr, type DurationNode, type Expr, type ParseOptions } from './index.js';
import { stripPositions, summarize } from './summary.js';
import { conformancePath, fixture } from './testdata.js';

// The reference runner's parser settings (FORMAT.md, section 6).
const RUNNER: ParseOptions = { experimentalFunctions: true, durationExpr: true, extendedRangeSelectors: true, binopFillModifiers: true };

// The eval command lines, as the reference runner matches them.
const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

interface Query { file: string; line: number; expr: string }

function queries(): Query[] {
  const dir = conformancePath('testdata');
  const out: Query[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    const lines = readFileSync(`${dir}/${file}`, 'utf8').split('\n');
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const m = EVAL_INSTANT.exec(line) ?? EVAL_RANGE.exec(line);
      if (m === null) return;
      out.push({ file, line: i + 1, expr: EVAL_INSTANT.test(line) ? m[3]! : m[5]! });
    });
  }
  return out;
}

function parseError(expr: string, opts: ParseOptions): string | null {
  try {
    parseExpr(expr, opts);
    return null;
  } catch (e) {
    if (e instanceof ParseErrors) return e.message;
    throw e;
  }
}

test('every query of the PromQL conformance scripts parses', (t) => {
  const qs = queries();
  assert.ok(qs.length >= 2214, `found ${qs.length} eval commands`);
  const known = new Set(fixture('conformance-known-failures.json') as string[]);
  const failing: string[] = [];
  for (const q of qs) {
    const err = parseError(q.expr, RUNNER);
    if (err !== null && !known.has(q.expr)) failing.push(`${q.file}:${q.line}: ${q.expr}: ${err}`);
    if (err === null && known.has(q.expr)) failing.push(`${q.file}:${q.line}: ${q.expr}: parses now; remove it from the known failures`);
  }
  t.diagnostic(`${qs.length} queries, ${qs.length - failing.length - known.size} parse, ${known.size} known failures`);
  assert.deepEqual(failing, []);
});

test('queries behind feature flags fail only with the flag errors when the flags are off', (t) => {
  let flagged = 0;
  const unexpected: string[] = [];
  for (const q of queries()) {
    const err = parseError(q.expr, {});
    if (err === null) continue;
    flagged++;
    if (!/experimental|is not enabled/.test(err)) unexpected.push(`${q.file}:${q.line}: ${err}`);
  }
  t.diagnostic(`${flagged} queries need parser feature flags`);
  assert.ok(flagged > 300, `only ${flagged} flagged queries`);
  assert.deepEqual(unexpected, []);
});

/**
 * Prometheus does not print a unary plus on a duration (`offset +step()` prints as
 * `offset step()`), so the reparsed tree lacks that no-op node; drop it before comparing.
 */
function dropUnaryPlus(e: Expr): Expr {
  const strip = <D extends DurationNode | null>(d: D): D | DurationNode => {
    if (d === null || d.kind !== 'DurationExpr') return d;
    if (d.op === '+' && d.lhs === null && !d.wrapped && d.rhs !== null) return strip(d.rhs);
    d.lhs = strip(d.lhs);
    d.rhs = strip(d.rhs);
    return d;
  };
  const expr = (d: DurationExpr | null): DurationExpr | null => {
    const r = strip(d);
    return r !== null && r.kind === 'DurationExpr' ? r : d;
  };
  walk(e, (n) => {
    if (n.kind === 'VectorSelector') n.originalOffsetExpr = expr(n.originalOffsetExpr);
    if (n.kind === 'SubqueryExpr') n.originalOffsetExpr = expr(n.originalOffsetExpr);
  });
  return e;
}

test('printing every conformance query and parsing it again gives the same tree', () => {
  const known = new Set(fixture('conformance-known-failures.json') as string[]);
  const diffs: string[] = [];
  for (const q of queries()) {
    if (known.has(q.expr)) continue;
    const e = parseExpr(q.expr, RUNNER);
    const printed = exprToString(e);
    const again = parseExpr(printed, RUNNER);
    if (exprToString(again) !== printed || stripPositions(summarize(again, true)) !== stripPositions(summarize(dropUnaryPlus(e), true))) {
      diffs.push(`${q.file}:${q.line}: ${q.expr} -> ${printed}`);
    }
  }
  assert.deepEqual(diffs, []);
});
