/**
 * The whole conformance suite: every script of the shared testdata run against one engine,
 * the failures named by stable keys, compared with the known-failures list (which may only
 * shrink), and summarised per file.
 *
 * Failure keys: `file.test` (the script does not parse), `file.test:L` (the eval on line L
 * fails), `file.test:L @` (its `@` variants fail), `file.test:L range` (its range-mode pass
 * fails), `file.test:L load` (the load on line L fails).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../value.js';
import { parseScript } from './parse-script.js';
import { knownFailuresPath, testdataDir } from './paths.js';
import { ScriptRunner, type ScriptResult } from './runner.js';
import { ScriptError } from './script.js';

export interface FileSummary {
  file: string;
  /** Set when the script does not parse: nothing of it ran. */
  parseError: string | null;
  evals: number;
  passed: number;
  atRun: number;
  atPassed: number;
  rangeRun: number;
  rangePassed: number;
}

/** Failure key → short description (expression and reason). */
export type FailureMap = Map<string, string>;

export interface SuiteResult {
  files: FileSummary[];
  failures: FailureMap;
  /** The per-eval results of the scripts that ran. */
  results: ScriptResult[];
}

const EVAL_LINE = /^\s*eval/;

export function listScripts(): string[] {
  return readdirSync(testdataDir()).filter((f) => f.endsWith('.test')).sort();
}

/** Runs the named scripts (all by default) against the engine, or reports every eval as failing when there is none. */
export async function runSuite(engine: Engine | { unavailable: string }, files: readonly string[] = listScripts(), opts: { variants?: boolean } = {}): Promise<SuiteResult> {
  const out: SuiteResult = { files: [], failures: new Map(), results: [] };
  for (const file of files) {
    const text = readFileSync(join(testdataDir(), file), 'utf8');
    const sum: FileSummary = { file, parseError: null, evals: 0, passed: 0, atRun: 0, atPassed: 0, rangeRun: 0, rangePassed: 0 };
    out.files.push(sum);
    let script;
    try {
      script = parseScript(file, text);
    } catch (e) {
      sum.parseError = e instanceof ScriptError ? `line ${e.line}: ${e.message}` : String(e);
      sum.evals = text.split('\n').filter((l) => EVAL_LINE.test(l)).length;
      out.failures.set(file, `script does not parse: ${sum.parseError}`);
      continue;
    }
    if ('unavailable' in engine) {
      for (const c of script.commands) {
        if (c.kind !== 'eval') continue;
        sum.evals++;
        out.failures.set(`${file}:${c.line}`, `${c.expr}: no engine`);
      }
      continue;
    }
    const r = await new ScriptRunner(engine, opts).run(script);
    out.results.push(r);
    for (const l of r.loadErrors) out.failures.set(`${file}:${l.line} load`, l.error);
    for (const ev of r.evals) {
      sum.evals++;
      const key = `${file}:${ev.line}`;
      if (ev.plain === null) sum.passed++;
      else out.failures.set(key, `${ev.expr}: ${ev.plain}`);
      if (ev.at !== null) {
        sum.atRun++;
        if (ev.at.failure === null) sum.atPassed++;
        else out.failures.set(`${key} @`, `${ev.expr}: ${ev.at.failure}`);
      }
      if (ev.rangeMode !== undefined) {
        sum.rangeRun++;
        if (ev.rangeMode === null) sum.rangePassed++;
        else out.failures.set(`${key} range`, `${ev.expr}: ${ev.rangeMode}`);
      }
    }
  }
  return out;
}

/** Orders keys by file, then line, then variant. */
export function compareKeys(a: string, b: string): number {
  const pa = /^([^:]+)(?::(\d+))?(.*)$/.exec(a)!, pb = /^([^:]+)(?::(\d+))?(.*)$/.exec(b)!;
  if (pa[1] !== pb[1]) return pa[1]! < pb[1]! ? -1 : 1;
  const la = Number(pa[2] ?? -1), lb = Number(pb[2] ?? -1);
  if (la !== lb) return la - lb;
  return pa[3]! < pb[3]! ? -1 : pa[3]! > pb[3]! ? 1 : 0;
}

/** The known failures: key → what failed when the list was written (kept for readers). */
export function loadKnownFailures(): Map<string, string> {
  const raw = JSON.parse(readFileSync(knownFailuresPath(), 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('reading known-failures.json: not an object of key to description');
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) m.set(k, typeof v === 'string' ? v : '');
  return m;
}

/** Writes the current failures as the known-failures list (descriptions cut to one short line). */
export function writeKnownFailures(failures: FailureMap): void {
  const keys = [...failures.keys()].sort(compareKeys);
  const o: Record<string, string> = {};
  for (const k of keys) {
    const d = failures.get(k)!.replace(/\s+/g, ' ');
    o[k] = d.length > 160 ? d.slice(0, 157) + '...' : d;
  }
  writeFileSync(knownFailuresPath(), JSON.stringify(o, null, 1) + '\n');
}

export interface Verdict {
  /** Failures not in the list. */
  unexpected: string[];
  /** Listed failures that now pass (the list must shrink). */
  fixed: string[];
}

/** Compares failures with the known list, restricted to the files that ran. */
export function verdict(failures: FailureMap, known: ReadonlyMap<string, string>, files: readonly string[]): Verdict {
  const ran = new Set(files);
  const unexpected = [...failures.keys()].filter((k) => !known.has(k)).sort(compareKeys);
  const fixed = [...known.keys()].filter((k) => ran.has(k.replace(/[: ].*$/, '')) && !failures.has(k)).sort(compareKeys);
  return { unexpected, fixed };
}
