/**
 * `watchfire tool check rules` and `watchfire tool test rules`, as promtool's: the same flags,
 * output (stdout/stderr split) and exit codes (0 fine, 1 errors, 3 lint problems with
 * --lint-fatal). Also the rule file check `check config` runs on the config's rule files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Labels } from '../model/index.js';
import type { RuleFileChecker } from '../config/index.js';
import { parseRuleFile, parseRules, type ParseResult, type RuleGroupsDef } from '../rules/index.js';
import { rulesUnitTest } from '../rules/unittest/index.js';
import { registerToolCommand, type ToolIO } from './tool.js';

interface LintSettings {
  duplicateRules: boolean;
  fatal: boolean;
  ignoreUnknownFields: boolean;
}

function lintSettings(value: string, fatal: boolean, ignoreUnknownFields: boolean, io: ToolIO): LintSettings {
  const s: LintSettings = { duplicateRules: false, fatal, ignoreUnknownFields };
  if (value === '') return s;
  for (const o of value.split(',')) {
    switch (o) {
      case 'all': case 'duplicate-rules': s.duplicateRules = true; break;
      case 'none': break;
      default: io.out(`WARNING: unknown lint option: ${JSON.stringify(o)}\n`);
    }
  }
  return s;
}

/** Rules with the same name and labels (group labels merged in), each reported once, sorted. */
export function duplicateRules(rgs: RuleGroupsDef): { metric: string; labels: Labels }[] {
  const all: { metric: string; labels: Labels }[] = [];
  for (const g of rgs.groups) {
    for (const r of g.rules) all.push({ metric: r.alert !== '' ? r.alert : r.record, labels: Labels.fromObject({ ...g.labels, ...r.labels }) });
  }
  const cmp = (a: { metric: string; labels: Labels }, b: { metric: string; labels: Labels }): number =>
    (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : Labels.compare(a.labels, b.labels));
  all.sort(cmp);
  const dups: { metric: string; labels: Labels }[] = [];
  for (let i = 1; i < all.length; i++) {
    if (cmp(all[i - 1]!, all[i]!) === 0 && (dups.length === 0 || cmp(all[i - 1]!, dups[dups.length - 1]!) !== 0)) dups.push(all[i]!);
  }
  return dups;
}

/** promtool's lint text for duplicate rules, or null when there are none. */
export function duplicateRulesLint(rgs: RuleGroupsDef): string | null {
  const d = duplicateRules(rgs);
  if (d.length === 0) return null;
  let s = `lint error ${d.length} duplicate rule(s) found.\n`;
  for (const x of d) {
    s += `Metric: ${x.metric}\nLabel(s):\n`;
    x.labels.forEach((n, v) => { s += `\t${n}: ${v}\n`; });
  }
  return s + 'Might cause inconsistency while recording expressions';
}

function countRules(rgs: RuleGroupsDef): number {
  let n = 0;
  for (const g of rgs.groups) n += g.rules.length;
  return n;
}

/** Checks parsed rules; updates and returns [failed, hasErrors] as promtool's checkRules loop. */
function report(res: ParseResult, ls: LintSettings, io: ToolIO, state: { failed: boolean; hasErrors: boolean }): void {
  if (!res.ok) {
    state.failed = true;
    io.err('  FAILED:\n');
    for (const e of res.errors) io.err(e.message + '\n');
    state.hasErrors = true;
    return;
  }
  const lint = ls.duplicateRules ? duplicateRulesLint(res.groups) : null;
  if (lint !== null) {
    io.err('  FAILED:\n');
    io.err(lint + '\n');
    state.failed = true;
  } else {
    io.out(`  SUCCESS: ${countRules(res.groups)} rules found\n`);
  }
  io.out('\n');
}

export async function checkRules(files: readonly string[], ls: LintSettings, io: ToolIO, readStdin: () => string): Promise<number> {
  const state = { failed: false, hasErrors: false };
  if (files.length === 0) {
    io.out('Checking standard input\n');
    let text: string;
    try {
      text = readStdin();
    } catch (e) {
      io.err(`  FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    report(parseRules(text, { ignoreUnknownFields: ls.ignoreUnknownFields }), ls, io, state);
  } else {
    for (const f of files) {
      io.out(`Checking ${f}\n`);
      report(await parseRuleFile(f, { ignoreUnknownFields: ls.ignoreUnknownFields }), ls, io, state);
    }
  }
  if (state.failed && state.hasErrors) return 1;
  if (state.failed && ls.fatal) return 3;
  return 0;
}

/** The rule file check of `check config`, on the real rule parser. */
export function ruleFileChecker(ignoreUnknownFields: boolean): RuleFileChecker {
  return async (path, lint) => {
    const res = await parseRuleFile(path, { ignoreUnknownFields });
    if (!res.ok) return { ok: false, errors: res.errors.map((e) => e.message), lintOnly: false };
    const l = lint.duplicateRules ? duplicateRulesLint(res.groups) : null;
    if (l !== null) return { ok: false, errors: [l], lintOnly: true };
    return { ok: true, rules: countRules(res.groups) };
  };
}

registerToolCommand({
  path: ['check', 'rules'],
  help: 'Check if the rule files are valid or not.',
  argsHelp: '[<rule-files>...]',
  minArgs: 0,
  flags: [
    { name: 'lint', kind: 'string', default: 'duplicate-rules', help: 'Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting' },
    { name: 'lint-fatal', kind: 'bool', default: 'false', help: 'Make lint errors exit with exit code 3.' },
    { name: 'ignore-unknown-fields', kind: 'bool', default: 'false', help: 'Ignore unknown fields in the rule files. This is useful when you want to extend rule files with custom metadata. Ensure that those fields are removed before loading them into the Prometheus server as it performs strict checks by default.' },
  ],
  async run(flags, args, io) {
    const ls = lintSettings(String(flags.get('lint')), flags.get('lint-fatal') === true, flags.get('ignore-unknown-fields') === true, io);
    return checkRules(args, ls, io, () => readFileSync(0, 'utf8'));
  },
});

registerToolCommand({
  path: ['test', 'rules'],
  help: 'Unit tests for rules.',
  argsHelp: '<test-rule-file>...',
  minArgs: 1,
  flags: [
    { name: 'run', kind: 'strings', help: 'If set, will only run test groups whose names match the regular expression. Can be specified multiple times.' },
    { name: 'debug', kind: 'bool', default: 'false', help: 'Enable unit test debugging.' },
    { name: 'diff', kind: 'bool', default: 'false', help: '[Experimental] Print colored differential output between expected & received output.' },
    { name: 'ignore-unknown-fields', kind: 'bool', default: 'false', help: 'Ignore unknown fields in the test files. This is useful when you want to extend rule files with custom metadata. Ensure that those fields are removed before loading them into the Prometheus server as it performs strict checks by default.' },
    { name: 'junit', kind: 'string', default: '', help: 'File path to store JUnit XML test results.' },
    { name: 'enable-feature', kind: 'strings', help: 'Comma separated feature names to enable. Valid options: promql-experimental-functions, promql-delayed-name-removal, promql-extended-range-selectors.' },
  ],
  async run(flags, args, io) {
    const features = new Set((flags.get('enable-feature') as string[] | undefined ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()));
    const junit = flags.get('junit') as string | undefined ?? '';
    return rulesUnitTest(args, {
      run: (flags.get('run') as string[] | undefined) ?? [],
      diff: flags.get('diff') === true,
      debug: flags.get('debug') === true,
      ignoreUnknownFields: flags.get('ignore-unknown-fields') === true,
      parseOptions: {
        experimentalFunctions: features.has('promql-experimental-functions'),
        extendedRangeSelectors: features.has('promql-extended-range-selectors'),
      },
      delayedNameRemoval: features.has('promql-delayed-name-removal'),
      out: (s) => { io.out(s); },
      err: (s) => { io.err(s); },
    }, junit !== '' ? (xml) => { writeFileSync(junit, xml); } : undefined);
  },
});
