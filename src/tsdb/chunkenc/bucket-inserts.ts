/**
 * Bucket layout changes between histogram samples of one chunk. When a new sample brings
 * buckets the chunk does not have, the chunk is re-encoded with those buckets inserted
 * ("forward" inserts); when the sample lacks buckets the chunk has (and they are empty in the
 * chunk), the sample gets them inserted ("backward" inserts). A bucket that disappears while
 * holding counts, or a bucket count that goes down, is a counter reset.
 */
import type { BucketSpan } from '../../model/index.js';

/** `num` new buckets go before the `pos`'th bucket of the original list; `bucketIdx` is the first one's index. */
export interface Insert {
  pos: number;
  num: number;
  bucketIdx: number;
}

/** Walks the absolute bucket indexes described by spans. */
export class BucketIndexIterator {
  private readonly spans: readonly BucketSpan[];
  private span = 0;
  private bucket = -1;
  private idx = -1;
  /** The index of the bucket `next()` moved to. */
  value = 0;

  constructor(spans: readonly BucketSpan[]) {
    this.spans = spans;
    if (spans.length > 0) this.idx += spans[0]!.offset;
  }

  next(): boolean {
    const spans = this.spans;
    if (this.span >= spans.length) return false;
    if (this.bucket < spans[this.span]!.length - 1) {
      this.bucket++;
      this.idx++;
      this.value = this.idx;
      return true;
    }
    while (this.span < spans.length - 1) {
      this.span++;
      this.idx += spans[this.span]!.offset + 1;
      this.bucket = 0;
      if (spans[this.span]!.length === 0) {
        this.idx--;
        continue;
      }
      this.value = this.idx;
      return true;
    }
    return false;
  }
}

/** Collects runs of consecutive inserted bucket indexes into Insert records. */
class InsertCollector {
  readonly out: Insert[] = [];
  private cur: Insert = { pos: 0, num: 0, bucketIdx: 0 };

  /** Notes a missing bucket at index `idx`, before original position `cur.pos`. */
  add(idx: number): void {
    const c = this.cur;
    if (c.num === 0) {
      c.bucketIdx = idx;
    } else if (c.bucketIdx + c.num !== idx) {
      this.out.push({ pos: c.pos, num: c.num, bucketIdx: c.bucketIdx });
      c.num = 0;
      c.bucketIdx = idx;
    }
    c.num++;
  }

  /** Moves past one original bucket, closing a pending run. */
  advance(): void {
    this.flush();
    this.cur.pos++;
  }

  flush(): void {
    const c = this.cur;
    if (c.num > 0) {
      this.out.push({ pos: c.pos, num: c.num, bucketIdx: c.bucketIdx });
      c.num = 0;
    }
  }
}

export interface Expansion {
  forward: Insert[];
  backward: Insert[];
}

/**
 * The inserts that make the chunk's buckets `a` (absolute counts `aCounts`) cover the new
 * sample's buckets `b` (absolute counts `bCounts`) and vice versa; null when a bucket count
 * went down or a used bucket disappeared (a counter reset).
 */
export function expandSpansAndBuckets(
  a: readonly BucketSpan[], b: readonly BucketSpan[], aCounts: ArrayLike<number>, bCounts: ArrayLike<number>,
): Expansion | null {
  const ai = new BucketIndexIterator(a);
  const bi = new BucketIndexIterator(b);
  const fwd = new InsertCollector(); // Buckets to insert into a.
  const bwd = new InsertCollector(); // Empty buckets of a to insert into b.
  let aOK = ai.next();
  let bOK = bi.next();
  let aPos = 0;
  let bPos = 0;
  for (;;) {
    if (aOK && bOK) {
      if (ai.value === bi.value) {
        if (aCounts[aPos]! > bCounts[bPos]!) return null;
        fwd.advance(); aOK = ai.next(); aPos++;
        bwd.advance(); bOK = bi.next(); bPos++;
      } else if (ai.value < bi.value) {
        if (aCounts[aPos]! !== 0) return null;
        bwd.add(ai.value);
        fwd.advance(); aOK = ai.next(); aPos++;
      } else {
        fwd.add(bi.value);
        bwd.advance(); bOK = bi.next(); bPos++;
      }
    } else if (aOK) {
      if (aCounts[aPos]! !== 0) return null;
      bwd.add(ai.value);
      fwd.advance(); aOK = ai.next(); aPos++;
    } else if (bOK) {
      fwd.add(bi.value);
      bwd.advance(); bOK = bi.next(); bPos++;
    } else {
      fwd.flush();
      bwd.flush();
      return { forward: fwd.out, backward: bwd.out };
    }
  }
}

/** Absolute counts of delta-encoded integer buckets. */
export function absoluteCounts(deltas: readonly number[]): number[] {
  const out = new Array<number>(deltas.length);
  let acc = 0;
  for (let i = 0; i < deltas.length; i++) {
    acc += deltas[i]!;
    out[i] = acc;
  }
  return out;
}

/** Appends bucket index `idx` to spans being built, merging with the last span when adjacent. */
class SpanBuilder {
  readonly spans: BucketSpan[] = [];
  private last = 0;

  add(idx: number): void {
    let offset = idx - this.last - 1;
    const spans = this.spans;
    if (offset === 0 && spans.length > 0) {
      spans[spans.length - 1]!.length++;
    } else {
      if (spans.length === 0) offset++;
      spans.push({ offset, length: 1 });
    }
    this.last = idx;
  }
}

export interface GaugeExpansion extends Expansion {
  merged: BucketSpan[];
}

/**
 * For gauge histograms: inserts in both directions so that chunk and sample both cover the
 * union of their buckets (counts are not compared), and the spans of that union.
 */
export function expandSpansBothWays(a: readonly BucketSpan[], b: readonly BucketSpan[]): GaugeExpansion {
  const ai = new BucketIndexIterator(a);
  const bi = new BucketIndexIterator(b);
  const fwd = new InsertCollector();
  const bwd = new InsertCollector();
  const merged = new SpanBuilder();
  let aOK = ai.next();
  let bOK = bi.next();
  for (;;) {
    if (aOK && bOK) {
      if (ai.value === bi.value) {
        merged.add(ai.value);
        fwd.advance(); aOK = ai.next();
        bwd.advance(); bOK = bi.next();
      } else if (ai.value < bi.value) {
        bwd.add(ai.value);
        fwd.flush();
        merged.add(ai.value);
        fwd.advance(); aOK = ai.next();
      } else {
        fwd.add(bi.value);
        bwd.flush();
        merged.add(bi.value);
        bwd.advance(); bOK = bi.next();
      }
    } else if (aOK) {
      bwd.add(ai.value);
      merged.add(ai.value);
      aOK = ai.next();
    } else if (bOK) {
      fwd.add(bi.value);
      merged.add(bi.value);
      bOK = bi.next();
    } else {
      fwd.flush();
      bwd.flush();
      return { forward: fwd.out, backward: bwd.out, merged: merged.spans };
    }
  }
}

/**
 * Merges `inserts` into bucket list `inp`, returning a list of length `outLen`. With `deltas`,
 * values are delta-encoded and inserted buckets get the deltas that make them zero while
 * keeping the following buckets' absolute counts; otherwise inserted buckets are plain zeros.
 */
export function applyInserts(inp: readonly number[], outLen: number, inserts: readonly Insert[], deltas: boolean): number[] {
  const out = new Array<number>(outLen).fill(0);
  let oi = 0;
  let v = 0; // The absolute value of the last original bucket seen.
  let ii = 0;
  for (let i = 0; i < inp.length; i++) {
    const d = inp[i]!;
    if (ii >= inserts.length || i !== inserts[ii]!.pos) {
      out[oi++] = d;
      v += d;
      continue;
    }
    let first = true;
    while (ii < inserts.length && i === inserts[ii]!.pos) {
      // The first inserted bucket brings the running value to zero; the rest stay zero.
      out[oi++] = deltas && first ? -v : 0;
      first = false;
      for (let x = 1; x < inserts[ii]!.num; x++) out[oi++] = 0;
      ii++;
    }
    out[oi++] = deltas ? d + v : d;
    v += d;
  }
  while (ii < inserts.length) {
    if (inserts[ii]!.pos < inp.length) throw new Error('leftover inserts must be after the current buckets');
    out[oi++] = deltas ? -v : 0;
    for (let x = 1; x < inserts[ii]!.num; x++) out[oi++] = 0;
    ii++;
    v = 0;
  }
  return out;
}

/** Spans widened by the buckets that `inserts` add. */
export function adjustForInserts(spans: readonly BucketSpan[], inserts: readonly Insert[]): BucketSpan[] {
  if (inserts.length === 0) return spans.map((s) => ({ offset: s.offset, length: s.length }));
  const it = new BucketIndexIterator(spans);
  const merged = new SpanBuilder();
  let i = 0;
  let insertIdx = inserts[0]!.bucketIdx;
  let insertNum = inserts[0]!.num;
  const consume = (): void => {
    insertNum--;
    if (insertNum === 0) {
      i++;
      if (i < inserts.length) {
        insertIdx = inserts[i]!.bucketIdx;
        insertNum = inserts[i]!.num;
      }
    } else {
      insertIdx++;
    }
  };
  let ok = it.next();
  while (ok) {
    if (i < inserts.length && insertIdx < it.value) {
      merged.add(insertIdx);
      consume();
    } else {
      merged.add(it.value);
      ok = it.next();
    }
  }
  while (i < inserts.length) {
    merged.add(insertIdx);
    consume();
  }
  return merged.spans;
}
