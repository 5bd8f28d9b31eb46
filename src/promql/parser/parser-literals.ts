/**
 * Number and duration literal tokens as values, with Prometheus's error texts.
 */
import { numberLiteral, type NumberLiteral } from './ast.js';
import { DurationParseError, msToSeconds, parsePromDuration } from './duration.js';
import { parseNumberToken } from './go-number.js';
import type { ParserState } from './parser-state.js';
import { T, type Token } from './token.js';

/** A NUMBER or DURATION token as a number literal (durations in seconds). */
export function numberDurationLiteral(p: ParserState, t: Token): NumberLiteral {
  const end = t.pos + t.val.length;
  if (t.type === T.NUMBER) {
    const { value, err } = parseNumberToken(t.val);
    if (err !== null) p.addError(t.pos, end, `error parsing number: ${err}`);
    return numberLiteral(value, t.pos, end);
  }
  return numberLiteral(msToSeconds(durationTokenMs(p, t)), t.pos, end, true);
}

/** Milliseconds of a DURATION token; an invalid one is reported and counts as 0. */
export function durationTokenMs(p: ParserState, t: Token): number {
  try {
    return parsePromDuration(t.val);
  } catch (e) {
    if (!(e instanceof DurationParseError)) throw e;
    p.addError(t.pos, t.pos + t.val.length, e.message);
    return 0;
  }
}

