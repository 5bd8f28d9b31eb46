import { segmentName } from './segments.js';

/**
 * A damaged WAL: where it is and what is wrong. `offset` is the byte offset in the segment
 * where the first unreadable record starts: every record before it is intact, so a repair
 * truncates the segment there (and deletes later segments). A reader not positioned in a
 * segment (a raw stream) reports `segment` -1 and the stream offset.
 */
export class CorruptionError extends Error {
  override readonly name = 'CorruptionError';
  readonly dir: string;
  readonly segment: number;
  readonly offset: number;
  /** What was wrong, without the position. */
  readonly reason: string;

  constructor(dir: string, segment: number, offset: number, reason: string, opts?: { cause?: unknown }) {
    super(segment < 0 ? `corruption after ${offset} bytes: ${reason}` : `corruption in segment ${segmentName(dir, segment)} at ${offset}: ${reason}`, opts);
    this.dir = dir;
    this.segment = segment;
    this.offset = offset;
    this.reason = reason;
  }
}
