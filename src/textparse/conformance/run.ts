/**
 * `npm run conformance:exposition`: runs all exposition conformance cases, prints pass counts
 * per group and in total, and lists every failing case with its reason. Exits non-zero when
 * a case fails that is not in known-failures.json, or a listed case now passes.
 */
import { GROUPS, caseKey, loadKnownFailures, runExpositionConformance } from './harness.js';

const results = runExpositionConformance();
const known = loadKnownFailures();
let unexpected = 0;
for (const g of GROUPS) {
  const rs = results.filter((r) => r.group === g);
  console.log(`${g.padEnd(22)} ${rs.filter((r) => r.pass).length}/${rs.length}`);
}
const passed = results.filter((r) => r.pass).length;
console.log(`${'total'.padEnd(22)} ${passed}/${results.length}`);
for (const r of results) {
  const k = caseKey(r);
  if (!r.pass) {
    const listed = known.has(k);
    if (!listed) unexpected++;
    console.log(`FAIL ${k}${listed ? ' (known)' : ''}: ${r.reason}`);
  } else if (known.has(k)) {
    unexpected++;
    console.log(`PASS ${k} is listed in known-failures.json: remove it`);
  }
}
process.exitCode = unexpected > 0 ? 1 : 0;
