/**
 * The hot loop of XOR chunk reading: from the third sample on, every sample is a
 * delta-of-delta timestamp and an XOR value (layout in xor.ts). Range queries decode every
 * sample of the day, so this loop keeps the whole decoder state in locals (bit position,
 * time, value bits, window) and writes it back once when it stops.
 *
 * Every field group is one unaligned big-endian 32-bit load at the bit position, shifted to
 * the top: at least 25 bits at hand with no refill branch and no bounds logic. So the bytes
 * after the chunk must be readable (`XorRunSource`: in place when the buffer goes on, else a
 * zero-padded copy). A sample that ends past the chunk's bytes is the EOF error of the
 * per-sample path, whatever the bytes after them hold.
 */
import type { FloatColumns } from '../../storage/interface.js';
import type { BitReader } from './bstream.js';
import type { XorState } from './xor-value.js';
import { STALE_HI, STALE_LO, wordsInt } from './words.js';

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;
const EMPTY_COLUMN = new Float64Array(0);
const EMPTY_WORDS = new Int32Array(0);

// Values go into the output column as their two 32-bit words through an Int32Array view of
// it: building a double from words in a scratch array and reading it back costs a stalled
// load per sample. Columns are reused from series to series, so one cached view serves.
let viewOf: Float64Array = EMPTY_COLUMN;
let view: Int32Array = EMPTY_WORDS;
function wordsView(f: Float64Array): Int32Array {
  if (f !== viewOf) {
    viewOf = f;
    view = new Int32Array(f.buffer, f.byteOffset, f.length * 2);
  }
  return view;
}
/** Readable bytes a run may need past a chunk's end: a maximal sample (19 bytes) and a 5-byte load after it. */
const PADDING = 32;
/** Chunks are read in place only at offsets whose bit positions stay small integers. */
const MAX_IN_PLACE = 1 << 27;

// Views of the last buffer read in place: a select's chunks come from a few large buffers
// (pages, read runs, arena slabs), so consecutive chunks mostly share them.
let lastBuffer: ArrayBufferLike | null = null;
let lastView: DataView = new DataView(new ArrayBuffer(0));
let lastBytes: Uint8Array = new Uint8Array(0);

/**
 * Where a run reads a chunk's bytes: in place, through views of the whole buffer holding
 * them, when at least PADDING readable bytes follow the chunk (the bytes there belong to
 * something else: a run reads them only within a sample that ends past the chunk, which is
 * an error whatever they hold); otherwise from a private zero-padded copy.
 */
export class XorRunSource {
  view: DataView;
  bytes: Uint8Array;
  /** Offset of the chunk's first byte in `view` and `bytes`. */
  origin = 0;
  #copy: Uint8Array | null = null;
  #copyView: DataView | null = null;

  constructor() {
    this.view = lastView;
    this.bytes = lastBytes;
  }

  /** Attaches to the chunk b[start, end). */
  attach(b: Uint8Array, start: number, end: number): void {
    const ab = b.buffer;
    const at = b.byteOffset + start;
    if (b.byteOffset + end + PADDING <= ab.byteLength && at < MAX_IN_PLACE) {
      if (ab !== lastBuffer) {
        lastBuffer = ab;
        lastView = new DataView(ab);
        lastBytes = new Uint8Array(ab);
      }
      this.view = lastView;
      this.bytes = lastBytes;
      this.origin = at;
      return;
    }
    const n = end - start;
    let copy = this.#copy;
    if (copy === null || n + PADDING > copy.length) {
      let size = copy === null ? 256 : copy.length * 2;
      while (size < n + PADDING) size *= 2;
      copy = this.#copy = new Uint8Array(size);
      this.#copyView = new DataView(copy.buffer);
    }
    copy.set(b.subarray(start, end));
    copy.fill(0, n, n + PADDING);
    this.view = this.#copyView!;
    this.bytes = copy;
    this.origin = 0;
  }
}

/** The iterator state a run reads and writes back. */
export interface XorRunState {
  readonly br: BitReader;
  /** Where the chunk (the copy's byte 0) starts in the reader's bytes. */
  readonly base: number;
  readonly v: XorState;
  t: number;
  tDelta: number;
  numRead: number;
  readonly numTotal: number;
}

/** Outcomes of `decodeXorRun`. */
export const RunStop = {
  /** Stopped on a sample after maxt (now the current sample). */
  Later: 1,
  /** Passed the last sample of the chunk. */
  End: 0,
  /** A value header with more significant bits than fit 64 ("invalid xor window"). */
  BadWindow: -1,
  /** The bytes ended before the sample count did. */
  Eof: -2,
} as const;
export type RunStop = (typeof RunStop)[keyof typeof RunStop];

/**
 * From the current sample (the iterator has read at least two samples, and the current one
 * has t <= maxt) passes every sample with t <= maxt, appending those that are not stale
 * markers to `out` when given (a stale marker's time goes to `out.staleT`), and stops on the
 * first later sample or at the end. `src` is attached to the chunk's bytes. On an error
 * the samples before it have been appended and the state is left as it was (the caller
 * records the error).
 */
export function decodeXorRun(s: XorRunState, src: XorRunSource, maxt: number, out: FloatColumns | null): RunStop {
  const br = s.br;
  const dv = src.view;
  const o = src.origin;
  // Bit positions are counted in the copy, which starts at the reader's byte `base`.
  const base = s.base;
  const endBits = (br.end - base) * 8;
  let pos = (br.off - base) * 8 - br.valid;
  const st = s.v;
  let hi = st.hi, lo = st.lo, lead = st.leading, trail = st.trailing;
  let t = s.t, td = s.tDelta, read = s.numRead;
  const total = s.numTotal;
  const skip = out === null;
  let fT = skip ? EMPTY_COLUMN : out.fT, fW = skip ? EMPTY_WORDS : wordsView(out.fV), k = skip ? 0 : out.fN;
  let stop: RunStop = RunStop.End;
  for (;;) {
    if (!skip) {
      if (hi !== STALE_HI || lo !== STALE_LO) {
        if (k === fT.length) {
          out.fN = k;
          out.growF();
          fT = out.fT;
          fW = wordsView(out.fV);
        }
        fT[k] = t;
        fW[2 * k + HI] = hi;
        fW[2 * k + LO] = lo;
        k++;
      } else {
        out.staleT = t;
      }
    }
    if (read === total) break;

    // Timestamp: "0", or "10"/"110"/"1110" and a 14/17/20-bit delta of deltas, or "1111" and 64 bits.
    // Reads are chained (where a field starts depends on the one before): the common "0"
    // leaves at least 24 bits of this load for the value's header and often its bits.
    let w = dv.getInt32(o + (pos >>> 3)) << (pos & 7);
    let avail = 32 - (pos & 7);
    let dod = 0;
    if (w < 0) {
      const c = w >>> 28;
      if (c < 12) {
        pos += 16;
        dod = (w << 2) >>> 18;
        if (dod > 0x2000) dod -= 0x4000;
      } else if (c < 14) {
        pos += 20;
        dod = (w << 3) >>> 15;
        if (dod > 0x10000) dod -= 0x20000;
      } else if (c === 14) {
        pos += 24;
        dod = (w << 4) >>> 12;
        if (dod > 0x80000) dod -= 0x100000;
      } else {
        pos += 4;
        let dh = 0, dl = 0;
        for (let q = 0; q < 4; q++) {
          const x = (dv.getInt32(o + (pos >>> 3)) << (pos & 7)) >>> 16;
          pos += 16;
          dh = (dh << 16) | (dl >>> 16);
          dl = (dl << 16) | x;
        }
        dod = wordsInt(dh, dl);
      }
      w = dv.getInt32(o + (pos >>> 3)) << (pos & 7);
      avail = 32 - (pos & 7);
    } else {
      pos += 1;
      w <<= 1;
      avail -= 1;
    }
    td += dod;

    // Value: "0" unchanged, "10" XOR in the previous window, "11" + 5 + 6 bits a new window.
    if (w < 0) {
      if ((w & 0x40000000) === 0) {
        pos += 2;
        w <<= 2;
        avail -= 2;
      } else {
        const x = (w << 2) >>> 21;
        pos += 13;
        const sig = (x & 63) === 0 ? 64 : x & 63;
        if (64 - (x >>> 6) - sig < 0) {
          stop = pos > endBits ? RunStop.Eof : RunStop.BadWindow;
          break;
        }
        lead = x >>> 6;
        trail = 64 - lead - sig;
        w <<= 13;
        avail -= 13;
      }
      let sig = 64 - lead - trail;
      if (sig <= 25) {
        if (sig > avail) w = dv.getInt32(o + (pos >>> 3)) << (pos & 7);
        const x = w >>> (32 - sig);
        pos += sig;
        if (trail >= 32) {
          hi ^= x << (trail - 32);
        } else if (trail === 0) {
          lo ^= x;
        } else {
          lo ^= x << trail;
          hi ^= x >>> (32 - trail);
        }
      } else {
        // Wide XORs (new values unlike the last): the bits above the low 32, then 32 bits,
        // each from a 32-bit load and the byte after it.
        const buf = src.bytes;
        let xh = 0;
        if (sig > 32) {
          const n = sig - 32;
          const sh = pos & 7;
          const at = o + (pos >>> 3);
          xh = (((dv.getInt32(at) << sh) | (buf[at + 4]! >>> (8 - sh))) >>> (32 - n)) | 0;
          pos += n;
          sig = 32;
        }
        const sh = pos & 7;
        const at = o + (pos >>> 3);
        const xl = (((dv.getInt32(at) << sh) | (buf[at + 4]! >>> (8 - sh))) >>> (32 - sig)) | 0;
        pos += sig;
        if (trail >= 32) {
          hi ^= xl << (trail - 32);
        } else if (trail === 0) {
          hi ^= xh;
          lo ^= xl;
        } else {
          hi ^= (xh << trail) | (xl >>> (32 - trail));
          lo ^= xl << trail;
        }
      }
    } else {
      pos += 1;
    }
    if (pos > endBits) {
      stop = RunStop.Eof;
      break;
    }
    t += td;
    read++;
    if (t > maxt) {
      stop = RunStop.Later;
      break;
    }
  }
  if (!skip) out.fN = k;
  if (stop < 0) return stop;
  // The bit reader continues at pos: the rest of a partly read byte is loaded into it.
  const byte = pos >>> 3;
  const bit = pos & 7;
  if (bit === 0) {
    br.off = base + byte;
    br.cur = 0;
    br.valid = 0;
  } else {
    br.off = base + byte + 1;
    br.cur = br.b[base + byte]!;
    br.valid = 8 - bit;
  }
  st.hi = hi;
  st.lo = lo;
  st.leading = lead;
  st.trailing = trail;
  i32[HI] = hi;
  i32[LO] = lo;
  st.value = f64[0]!;
  s.t = t;
  s.tDelta = td;
  s.numRead = read;
  return stop;
}
