/**
 * Test helper: reads a parser to the end and prints every entry as one compact line, so that
 * table-driven tests can compare whole outputs. Not used by the parsers.
 */
import { EntryType, type Parser } from './interface.js';

function num(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

/** One line per entry; series: `labels value[ @ts][ st=ms][ # exemplar]...`. */
export function entryLines(p: Parser, out: string[] = []): string[] {
  for (;;) {
    const e = p.next();
    switch (e) {
      case EntryType.EOF:
        return out;
      case EntryType.Help:
        out.push('HELP ' + p.help().join(' '));
        break;
      case EntryType.Type:
        out.push('TYPE ' + p.type().join(' '));
        break;
      case EntryType.Unit:
        out.push('UNIT ' + p.unit().join(' '));
        break;
      case EntryType.Comment:
        out.push('COMMENT ' + p.comment());
        break;
      case EntryType.Series:
      case EntryType.Histogram: {
        let s = p.labels().toString();
        if (e === EntryType.Series) s += ' ' + num(p.value());
        else {
          const { h, fh } = p.histogram();
          s = 'HIST ' + s + ' ' + JSON.stringify(h ?? fh);
        }
        const ts = p.timestamp();
        if (ts !== undefined) s += ' @' + String(ts);
        const st = p.startTimestamp();
        if (st !== undefined) s += ' st=' + String(st);
        for (let x = p.exemplar(); x !== null; x = p.exemplar()) s += ` # ${x.labels.toString()} ${num(x.value)}${x.ts === undefined ? '' : ' @' + String(x.ts)}`;
        out.push(s);
        break;
      }
    }
  }
}

/** The entries, or `ERROR: message` as the last line when the parser failed. */
export function entryLinesOrError(p: Parser): string[] {
  const out: string[] = [];
  try {
    entryLines(p, out);
  } catch (err) {
    out.push('ERROR: ' + (err instanceof Error ? err.message : String(err)));
  }
  return out;
}
