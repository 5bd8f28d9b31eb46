/**
 * `test rules`: runs promtool's rule unit-test files and reports as promtool does: per file
 * `  SUCCESS`, or `  FAILED:` and each problem on stderr; exit code 1 when any file failed.
 * Optionally the results as JUnit XML (`--junit`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { RE2JS } from 're2js';
import type { Millis } from '../../model/index.js';
import type { ParseOptions } from '../../promql/parser/index.js';
import { errnoText } from '../../util/errno.js';
import { GlobPatternError, globSync } from '../../util/glob.js';
import { runTestGroup } from './run-group.js';
import { decodeUnitTestFile } from './test-file.js';
import { JUnitXML, type JUnitSuite } from './junit.js';

export interface UnitTestOptions {
  /** `--run` patterns (Go regular expressions), joined with `|`; empty runs every group. */
  run: readonly string[];
  diff: boolean;
  debug: boolean;
  ignoreUnknownFields: boolean;
  parseOptions?: ParseOptions;
  delayedNameRemoval?: boolean;
  out: (s: string) => void;
  err: (s: string) => void;
}

const MINUTE = 60_000;

/** Runs one file; returns promtool's error texts (empty when it passed). */
export async function ruleUnitTestFile(file: string, o: UnitTestOptions, suite: JUnitSuite): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const msg = `open ${file}: ${errnoText(e)}`;
    suite.abort(msg);
    return [msg];
  }
  let f;
  try {
    f = decodeUnitTestFile(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    suite.abort(msg);
    return [msg];
  }
  const ruleFiles: string[] = [];
  for (const rf of f.rule_files) {
    const pattern = rf !== '' && !isAbsolute(rf) ? join(dirname(file), rf) : rf;
    let m: string[];
    try {
      m = globSync(pattern);
    } catch (e) {
      const msg = e instanceof GlobPatternError ? e.message : String(e);
      suite.abort(msg);
      return [msg];
    }
    if (m.length === 0) o.err(`  WARNING: no file match pattern ${pattern}\n`);
    ruleFiles.push(...m);
  }
  const evalIntervalMs = f.evaluation_interval !== 0 ? f.evaluation_interval : MINUTE;
  suite.timestamp = new Date().toISOString().slice(0, 19);
  const order = new Map<string, number>();
  for (let i = 0; i < f.group_eval_order.length; i++) {
    const gn = f.group_eval_order[i]!;
    if (order.has(gn)) {
      const msg = `group name repeated in evaluation order: ${gn}`;
      suite.abort(msg);
      return [msg];
    }
    order.set(gn, i);
  }
  const run = o.run.length > 0 ? RE2JS.compile(o.run.join('|')) : null;
  const errs: string[] = [];
  for (let i = 0; i < f.tests.length; i++) {
    const t = f.tests[i]!;
    if (run !== null && !run.matcher(t.name).find()) continue;
    const testName = t.name !== '' ? t.name : `unnamed#${i}`;
    suite.case(testName);
    const tg = { ...t, interval: (t.interval !== 0 ? t.interval : evalIntervalMs) as Millis };
    const ers = await runTestGroup(tg, {
      testName, evalIntervalMs, groupOrder: order, ruleFiles, diff: o.diff, debug: o.debug, ignoreUnknownFields: o.ignoreUnknownFields,
      fuzzyCompare: f.fuzzy_compare, parseOptions: o.parseOptions ?? {}, delayedNameRemoval: o.delayedNameRemoval ?? false, err: o.err,
    });
    for (const e of ers) suite.fail(e);
    errs.push(...ers);
  }
  return errs;
}

/** Runs the files; returns the exit code (0 all passed, 1 otherwise). `junit` receives the XML. */
export async function rulesUnitTest(files: readonly string[], o: UnitTestOptions, junit?: (xml: string) => void): Promise<number> {
  let failed = false;
  const report = new JUnitXML();
  for (const f of files) {
    const errs = await ruleUnitTestFile(f, o, report.suite(f));
    if (errs.length > 0) {
      o.err('  FAILED:\n');
      for (const e of errs) {
        o.err(e + '\n');
        o.out('\n');
      }
      failed = true;
    } else {
      o.out('  SUCCESS\n');
    }
    o.out('\n');
  }
  junit?.(report.xml());
  return failed ? 1 : 0;
}
