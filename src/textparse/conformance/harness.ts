/**
 * Runs the exposition conformance data (`../shared/conformance/exposition/`) through the
 * parsers, in the README's "Prometheus-compatible mode": a case passes when accept/reject
 * matches Prometheus 3.14 and, for accepted `cases/`, the entries match (order, kinds,
 * metadata, exact label sets, values with NaN == NaN, timestamps, exemplars, and start
 * timestamps when start-timestamp parsing is on).
 *
 * Duplicate label names: Prometheus's parser returns such a series and its storage append
 * then fails the scrape. Our parser fails the scrape itself; for the cases marked as
 * "accepted by the parser, rejected later" the expected outcome is therefore that the
 * parser rejects with the duplicate-label error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EntryType, ParseError, newParser } from '../index.js';
import { expositionDataDir, repoRoot } from './repo-root.js';

export const GROUPS = ['openmetrics-parsers', 'cases/text', 'cases/openmetrics'] as const;
export type Group = (typeof GROUPS)[number];

export interface CaseResult {
  group: Group;
  id: string;
  pass: boolean;
  /** Why it failed ('' when it passed). */
  reason: string;
}

interface MetaEntry {
  kind: 'help' | 'type' | 'unit' | 'comment';
  name?: string;
  text: string;
}

interface ExemplarEntry {
  labels: Record<string, string>;
  value: string;
  timestamp_ms: number | null;
}

interface SampleEntry {
  kind: 'sample';
  labels: Record<string, string>;
  value: string;
  timestamp_ms?: number;
  exemplars?: ExemplarEntry[];
  start_timestamp_ms?: number;
}

type Entry = MetaEntry | SampleEntry;

interface CaseFile {
  id: string;
  format: string;
  content_type: string;
  rule: string;
  prometheus_3_14: 'accept' | 'reject';
  note?: string;
  entries?: Entry[];
  entries_with_start_timestamp_parsing?: Entry[];
}

interface Got {
  entries: Entry[];
  error: string | undefined;
}

const OM_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const DUPLICATE_RE = /duplicate label name/i;

/** Parses a body to the end as the scrape loop would, turning entries into the data's JSON shape. */
export function collectEntries(body: Uint8Array, contentType: string, parseStartTimestamps: boolean): Got {
  const entries: Entry[] = [];
  try {
    const p = newParser(body, contentType, '', { parseStartTimestamps, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false });
    for (;;) {
      const e = p.next();
      switch (e) {
        case EntryType.EOF:
          return { entries, error: undefined };
        case EntryType.Help: {
          const [name, text] = p.help();
          entries.push({ kind: 'help', name, text });
          break;
        }
        case EntryType.Type: {
          const [name, text] = p.type();
          entries.push({ kind: 'type', name, text });
          break;
        }
        case EntryType.Unit: {
          const [name, text] = p.unit();
          entries.push({ kind: 'unit', name, text });
          break;
        }
        case EntryType.Comment:
          entries.push({ kind: 'comment', text: p.comment() });
          break;
        case EntryType.Series:
        case EntryType.Histogram: {
          p.seriesKey();
          const s: SampleEntry = { kind: 'sample', labels: p.labels().toObject(), value: numberText(p.value()) };
          const ts = p.timestamp();
          if (ts !== undefined) s.timestamp_ms = ts;
          const exemplars: ExemplarEntry[] = [];
          for (let ex = p.exemplar(); ex !== null; ex = p.exemplar()) {
            exemplars.push({ labels: ex.labels.toObject(), value: numberText(ex.value), timestamp_ms: ex.ts ?? null });
          }
          if (exemplars.length > 0) s.exemplars = exemplars;
          const st = p.startTimestamp();
          if (st !== undefined) s.start_timestamp_ms = st;
          entries.push(s);
          break;
        }
      }
    }
  } catch (err) {
    if (err instanceof ParseError) return { entries, error: err.message };
    throw err;
  }
}

function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function parseNumberText(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function sameNumber(a: string, b: string): boolean {
  const x = parseNumberText(a), y = parseNumberText(b);
  return (Number.isNaN(x) && Number.isNaN(y)) || x === y;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i] || a[ka[i]!] !== b[kb[i]!]) return false;
  return true;
}

/** '' when the entries match, else the first difference. */
export function compareEntries(want: readonly Entry[], got: readonly Entry[], withStartTimestamps: boolean): string {
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const w = want[i], g = got[i];
    if (w === undefined) return `extra entry ${i}: ${JSON.stringify(g)}`;
    if (g === undefined) return `missing entry ${i}: ${JSON.stringify(w)}`;
    if (w.kind !== g.kind) return `entry ${i}: want ${w.kind}, got ${g.kind} ${JSON.stringify(g)}`;
    if (w.kind !== 'sample' || g.kind !== 'sample') {
      const wm = w as MetaEntry, gm = g as MetaEntry;
      if ((wm.name ?? '') !== (gm.name ?? '') || wm.text !== gm.text) return `entry ${i}: want ${JSON.stringify(w)}, got ${JSON.stringify(g)}`;
      continue;
    }
    const d = compareSample(w, g, withStartTimestamps);
    if (d !== '') return `entry ${i} ${JSON.stringify(w.labels)}: ${d}`;
  }
  return '';
}

function compareSample(w: SampleEntry, g: SampleEntry, withST: boolean): string {
  if (!sameLabels(w.labels, g.labels)) return `labels: got ${JSON.stringify(g.labels)}`;
  if (!sameNumber(w.value, g.value)) return `value: want ${w.value}, got ${g.value}`;
  if (w.timestamp_ms !== g.timestamp_ms) return `timestamp: want ${String(w.timestamp_ms)}, got ${String(g.timestamp_ms)}`;
  if (withST && w.start_timestamp_ms !== g.start_timestamp_ms) {
    return `start timestamp: want ${String(w.start_timestamp_ms)}, got ${String(g.start_timestamp_ms)}`;
  }
  const we = w.exemplars ?? [], ge = g.exemplars ?? [];
  if (we.length !== ge.length) return `exemplars: want ${we.length}, got ${ge.length}`;
  for (let k = 0; k < we.length; k++) {
    const a = we[k]!, b = ge[k]!;
    if (!sameLabels(a.labels, b.labels) || !sameNumber(a.value, b.value) || a.timestamp_ms !== b.timestamp_ms) {
      return `exemplar ${k}: want ${JSON.stringify(a)}, got ${JSON.stringify(b)}`;
    }
  }
  return '';
}

function verdict(wantAccept: boolean, failsLater: boolean, got: Got): string {
  if (failsLater) {
    if (got.error === undefined) return 'want the scrape to fail on duplicate label names, parser accepted';
    return /is not unique/.test(got.error) ? '' : `want a duplicate-label error, got: ${got.error}`;
  }
  if (wantAccept && got.error !== undefined) return `want accept, got error: ${got.error}`;
  if (!wantAccept && got.error === undefined) return 'want reject, parser accepted';
  return '';
}

function runOpenMetricsParsers(dir: string, out: CaseResult[]): void {
  const tsv = readFileSync(join(dir, 'openmetrics-prometheus-3.14.tsv'), 'utf8').split('\n').slice(1);
  for (const line of tsv) {
    if (line.trim() === '') continue;
    const [id, , verdictCol, note] = line.split('\t') as [string, string, string, string | undefined];
    const body = readFileSync(join(dir, 'openmetrics-parsers', id, 'metrics'));
    const got = collectEntries(body, OM_CONTENT_TYPE, false);
    const reason = verdict(verdictCol === 'accept', verdictCol === 'accept' && DUPLICATE_RE.test(note ?? ''), got);
    out.push({ group: 'openmetrics-parsers', id, pass: reason === '', reason });
  }
}

function runCases(dir: string, out: CaseResult[]): void {
  const root = join(dir, 'cases');
  for (const id of readdirSync(root).sort()) {
    if (id === 'INDEX.tsv') continue;
    const c = JSON.parse(readFileSync(join(root, id, 'case.json'), 'utf8')) as CaseFile;
    const body = readFileSync(join(root, id, 'input'));
    const group: Group = c.format.startsWith('openmetrics') ? 'cases/openmetrics' : 'cases/text';
    const wantAccept = c.prometheus_3_14 === 'accept';
    const failsLater = wantAccept && DUPLICATE_RE.test((c.note ?? '') + ' ' + c.rule);
    const got = collectEntries(body, c.content_type, false);
    let reason = verdict(wantAccept, failsLater, got);
    if (reason === '' && wantAccept && !failsLater && c.entries !== undefined) {
      reason = compareEntries(c.entries, got.entries, false);
    }
    if (reason === '' && wantAccept && !failsLater && c.entries_with_start_timestamp_parsing !== undefined) {
      const gotST = collectEntries(body, c.content_type, true);
      reason = gotST.error !== undefined ? `with start timestamps: error: ${gotST.error}`
        : compareEntries(c.entries_with_start_timestamp_parsing, gotST.entries, true);
      if (reason !== '') reason = 'with start-timestamp parsing: ' + reason;
    }
    out.push({ group, id, pass: reason === '', reason });
  }
}

/** Runs every case; results in a stable order (groups as in `GROUPS`, ids sorted). */
export function runExpositionConformance(dir: string = expositionDataDir()): CaseResult[] {
  const out: CaseResult[] = [];
  runOpenMetricsParsers(dir, out);
  runCases(dir, out);
  out.sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

/** The known-failures list: "group/id" → reason. May only shrink. */
export function loadKnownFailures(): Map<string, string> {
  // Read from src/ in both layouts: the compiled dist/ has no copy of the JSON file.
  const text = readFileSync(join(repoRoot(), 'src', 'textparse', 'conformance', 'known-failures.json'), 'utf8');
  const obj = JSON.parse(text) as Record<string, string>;
  return new Map(Object.entries(obj));
}

export function caseKey(r: CaseResult): string {
  return `${r.group}/${r.id}`;
}
