/**
 * Finds the `_created` line that gives an OpenMetrics sample its start timestamp, with
 * Prometheus's rule: from the sample, read ahead over further samples until the first
 * `_created` sample or the first entry that is not a sample (metadata, `# EOF`, an error).
 * That stopper decides for every sample before it: a `_created` sample of the same family
 * and label set (`le`/`quantile` aside) gives its value in ms, anything else gives none.
 * Remembering the stopper makes a whole body cost one extra pass instead of one per sample.
 */
import type { MetricType } from '../model/index.js';
import { EntryType } from './interface.js';

/** What the look-ahead needs from a second parser over the same body. */
export interface LookaheadParser {
  resetTo(pos: number, mtype: MetricType, mfNameLen: number): void;
  next(): EntryType;
  entryStart(): number;
  nameStart(): number;
  nameEnd(): number;
  value(): number;
  /** The current sample's metric name ends in `_created`. */
  nameEndsWithCreated(): boolean;
  familyKey(nameStart: number, nameEnd: number): string;
}

/** What it needs from the parser it answers for. */
export interface LookaheadOwner {
  entryStart(): number;
  metricType(): MetricType;
  mfNameLen: number;
}

export class CreatedLookahead {
  readonly #peek: LookaheadParser;
  /** The cached stopper answers for samples starting in [from, until). */
  #from = -1;
  #until = -1;
  #key: string | null = null;
  #st = 0;

  constructor(peek: LookaheadParser) {
    this.#peek = peek;
  }

  /** The start timestamp in ms for the owner's current sample (identity `key`, line ending at `end`), or 0. */
  find(owner: LookaheadOwner, key: string, end: number): number {
    const start = owner.entryStart();
    if (start >= this.#from && start < this.#until) return this.#key === key ? this.#st : 0;
    const p = this.#peek;
    p.resetTo(end, owner.metricType(), owner.mfNameLen);
    let stopKey: string | null = null;
    let st = 0;
    for (;;) {
      let e: EntryType;
      try {
        e = p.next();
      } catch {
        break;
      }
      if (e !== EntryType.Series) break;
      if (!p.nameEndsWithCreated()) continue;
      stopKey = p.familyKey(p.nameStart(), p.nameEnd() - 8);
      st = Math.trunc(p.value() * 1000) + 0;
      break;
    }
    this.#from = end;
    this.#until = Math.max(end, p.entryStart());
    this.#key = stopKey;
    this.#st = st;
    return stopKey === key ? st : 0;
  }
}
