/**
 * `npm run conformance:promql [-- options] [file...]`: runs Prometheus's PromQL test scripts
 * against Watchfire's engine, prints pass counts per file and in total (evals, and separately
 * the `@` and range-mode re-runs of instant evals), lists every failure with file:line,
 * expression and reason, and exits non-zero when a failure is not in known-failures.json or
 * a listed one now passes.
 *
 * Options: `--update-known-failures` rewrites the list from this run (all files only);
 * `--no-variants` skips the `@` and range-mode passes; `--only-unexpected` lists only
 * failures that are not known. Arguments name script files (`functions.test`, or a part).
 */
import { watchfireEngine } from './engine.js';
import { listScripts, loadKnownFailures, runSuite, verdict, writeKnownFailures, type FileSummary } from './suite.js';

const args = process.argv.slice(2);
const update = args.includes('--update-known-failures');
const variants = !args.includes('--no-variants');
const onlyUnexpected = args.includes('--only-unexpected');
const filters = args.filter((a) => !a.startsWith('--'));
const all = listScripts();
const files = filters.length === 0 ? all : all.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`conformance:promql: no script matches ${filters.join(', ')}`);
  process.exit(2);
}
if (update && (files.length !== all.length || !variants)) {
  console.error('conformance:promql: --update-known-failures needs a full run (all files, with variants)');
  process.exit(2);
}

const loaded = watchfireEngine();
if (!loaded.ok) console.log(`engine not available, every eval fails: ${loaded.reason}\n`);
const started = Date.now();
const res = await runSuite(loaded.ok ? loaded.engine : { unavailable: loaded.reason }, files, { variants });
const seconds = (Date.now() - started) / 1000;

const ratio = (a: number, b: number): string => `${a}/${b}`.padStart(9);
const total: FileSummary = { file: 'total', parseError: null, evals: 0, passed: 0, atRun: 0, atPassed: 0, rangeRun: 0, rangePassed: 0 };
console.log(`${'file'.padEnd(28)}${'evals'.padStart(9)}${'@ variants'.padStart(12)}${'range mode'.padStart(12)}`);
for (const f of res.files) {
  console.log(`${f.file.padEnd(28)}${ratio(f.passed, f.evals)}${ratio(f.atPassed, f.atRun).padStart(12)}${ratio(f.rangePassed, f.rangeRun).padStart(12)}${f.parseError !== null ? `  script error: ${f.parseError}` : ''}`);
  total.evals += f.evals;
  total.passed += f.passed;
  total.atRun += f.atRun;
  total.atPassed += f.atPassed;
  total.rangeRun += f.rangeRun;
  total.rangePassed += f.rangePassed;
}
console.log(`${'total'.padEnd(28)}${ratio(total.passed, total.evals)}${ratio(total.atPassed, total.atRun).padStart(12)}${ratio(total.rangePassed, total.rangeRun).padStart(12)}`);
console.log(`(${seconds.toFixed(1)} s; "@ variants" and "range mode" count the re-runs of instant evals whose plain check passed)\n`);

if (update) {
  writeKnownFailures(res.failures);
  console.log(`known-failures.json rewritten with ${res.failures.size} entries`);
  process.exit(0);
}

const known = loadKnownFailures();
const v = verdict(res.failures, known, files);
const unexpected = new Set(v.unexpected);
for (const [k, d] of res.failures) {
  if (onlyUnexpected && !unexpected.has(k)) continue;
  console.log(`FAIL ${k}${unexpected.has(k) ? '' : ' (known)'}: ${d.length > 600 ? d.slice(0, 597) + '...' : d}`);
}
for (const k of v.fixed) console.log(`PASS ${k} is listed in known-failures.json: remove it (npm run conformance:promql -- --update-known-failures)`);
console.log(`\n${res.failures.size} failures, ${v.unexpected.length} not in the known list, ${v.fixed.length} listed ones now passing`);
process.exitCode = v.unexpected.length > 0 || v.fixed.length > 0 ? 1 : 0;
