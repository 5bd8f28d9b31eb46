#!/usr/bin/env node
// Runs the test suite with Node's test runner, with explicit file paths (node --test finds
// nothing from a quoted glob). Default: the compiled tests under dist/ (run `npm run build`
// first). `--src`: the TypeScript sources through tsx, no build needed. Further arguments
// filter files by substring. Finding no test file is a failure.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const src = args.includes('--src');
const filters = args.filter((a) => !a.startsWith('--'));
const root = src ? 'src' : 'dist';
const suffix = src ? '.test.ts' : '.test.js';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

let files;
try {
  files = walk(root, []).sort();
} catch (e) {
  console.error(`run-tests: cannot read ${root}/: ${e.message}`);
  process.exit(1);
}
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`run-tests: no test files found under ${root}/ — a run without tests is a failure`);
  process.exit(1);
}
console.error(`run-tests: ${files.length} test files under ${relative('.', root)}/`);
const nodeArgs = ['--test', `--test-concurrency=${Math.max(1, availableParallelism())}`];
if (src) nodeArgs.push('--import', 'tsx');
const r = spawnSync(process.execPath, [...nodeArgs, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
