/**
 * Start-timestamp lines of `load` blocks: `metric{l="v"}@st _ -30s-1mx2 -1m`, giving the
 * offset of each position's start timestamp (ST) from its sample timestamp, for the series
 * on the next line. Offsets are Prometheus durations with an optional sign.
 */
import { parseDuration } from '../../model/index.js';

/** Whether a body line is an `@st` line: its first field ends in `@st`. */
export function isSTLine(line: string): boolean {
  const sp = line.search(/[ \t]/);
  return sp >= 0 && line.slice(0, sp).endsWith('@st');
}

/** Splits an `@st` line into its metric text and its offset items. */
export function splitSTLine(line: string): { metric: string; items: string } {
  const sp = line.search(/[ \t]/);
  return { metric: line.slice(0, sp - 3), items: line.slice(sp + 1).trim() };
}

/** Reads a signed duration from the start of `s`, stopping before `x` (the repeat mark). */
function durationPrefix(s: string): { ms: number; rest: string } {
  if (s === '') throw new Error('empty duration');
  let i = 0;
  const neg = s[0] === '-';
  if (s[0] === '-' || s[0] === '+') i++;
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) throw new Error(`expected digits in duration ${JSON.stringify(s)}`);
  while (i < s.length && /[a-zA-Z]/.test(s[i]!) && s[i] !== 'x') i++;
  const text = s.slice(start, i);
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw new Error(`invalid duration ${JSON.stringify(text)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { ms: neg ? -ms : ms, rest: s.slice(i) };
}

function count(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new Error('invalid repeat count');
  return Number(s);
}

function item(tok: string, out: (number | null)[]): void {
  if (tok === '_') {
    out.push(null);
    return;
  }
  if (tok.startsWith('_x')) {
    const n = count(tok.slice(2));
    if (n === 0) throw new Error('invalid repeat count');
    for (let i = 0; i < n; i++) out.push(null);
    return;
  }
  const base = durationPrefix(tok);
  if (base.rest === '') {
    out.push(base.ms);
    return;
  }
  if (base.rest[0] === 'x') {
    const n = count(base.rest.slice(1));
    for (let i = 0; i <= n; i++) out.push(base.ms);
    return;
  }
  if (base.rest[0] !== '+' && base.rest[0] !== '-') throw new Error(`unexpected character ${JSON.stringify(base.rest[0])} after duration`);
  const delta = durationPrefix(base.rest.slice(1));
  const step = base.rest[0] === '-' ? -delta.ms : delta.ms;
  if (!delta.rest.startsWith('x')) throw new Error("expected 'x<count>' after step duration");
  const n = count(delta.rest.slice(1));
  let off = base.ms;
  for (let i = 0; i <= n; i++) {
    out.push(off);
    off += step;
  }
}

/** Expands the offset items of an `@st` line; null marks a position without ST. */
export function parseSTSequence(items: string): (number | null)[] {
  const out: (number | null)[] = [];
  for (const tok of items.split(/[ \t]+/)) {
    if (tok === '') continue;
    try {
      item(tok, out);
    } catch (e) {
      throw new Error(`invalid ST item ${JSON.stringify(tok)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return out;
}
