/**
 * Decodes a remote-write 1.0 `prometheus.WriteRequest` (with Prometheus's native histogram
 * and exemplar extensions) into a reusable `V1Request`. Unknown fields are skipped; errors
 * read as gogo-protobuf's (`proto: TimeSeries: illegal tag 0 (wire type 0)`, `unexpected
 * EOF`, ...). Strings are not checked for UTF-8 here: the receiver validates labels later.
 */
import { WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, WireReader, fieldNumber, wrongWireType } from '../../util/protobuf-wire.js';
import { decodeHistogram, readDouble } from './decode-common.js';
import type { V1Request } from './decoded.js';
import { ByteStrings } from './strings.js';
import type { CachedSeries, SeriesCache } from './series-cache.js';

export class V1Decoder {
  readonly #strs = new ByteStrings();
  readonly #stale = { v: false };
  readonly #cache: SeriesCache | null;

  /** With a cache, series whose label bytes were seen before (and passed validation) skip label decoding. */
  constructor(cache: SeriesCache | null = null) {
    this.#cache = cache;
  }

  /** Decodes `body` into `out` (reset first). Throws `ProtoWireError` on malformed input. */
  decode(body: Uint8Array, out: V1Request): void {
    out.reset();
    this.#strs.reset(body);
    const r = new WireReader(body);
    const end = body.length;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.tag(end);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'WriteRequest')) {
        case 1: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Timeseries');
          const e = r.lengthDelimited(end);
          this.#series(r, r.pos, e, out);
          r.pos = e;
          break;
        }
        case 3: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Metadata');
          const e = r.lengthDelimited(end);
          this.#metadata(r, r.pos, e, out);
          r.pos = e;
          break;
        }
        default:
          r.skipField(at, end);
      }
    }
  }

  #series(r: WireReader, s: number, e: number, out: V1Request): void {
    r.pos = s;
    const labStart = out.strs.length, smpStart = out.t.n, histStart = out.hists.length, exStart = out.exV.n;
    // Labels are decoded after the walk, from the cache when their bytes are known: the walk
    // notes where the Label fields are and whether they are one contiguous run.
    let labFirst = -1, labEnd = -1, contiguous = true, otherSinceLabel = false;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      const field = fieldNumber(tag, wire, 'TimeSeries');
      if (field !== 1 && labFirst >= 0) otherSinceLabel = true;
      switch (field) {
        case 1: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Labels');
          const le = r.lengthDelimited(e);
          this.#checkLabel(r, r.pos, le);
          if (labFirst < 0) labFirst = at;
          else if (otherSinceLabel) contiguous = false;
          labEnd = le;
          r.pos = le;
          break;
        }
        case 2: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Samples');
          const se = r.lengthDelimited(e);
          this.#sample(r, r.pos, se, out);
          r.pos = se;
          break;
        }
        case 3: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Exemplars');
          const xe = r.lengthDelimited(e);
          this.#exemplar(r, r.pos, xe, out);
          r.pos = xe;
          break;
        }
        case 4: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Histograms');
          const he = r.lengthDelimited(e);
          out.hists.push(decodeHistogram(r, r.pos, he, false));
          r.pos = he;
          break;
        }
        default:
          r.skipField(at, e);
      }
    }
    let ok = 1;
    let key: string | null = null;
    let cached: CachedSeries | null = null;
    if (labFirst >= 0 && contiguous && this.#cache !== null) {
      key = this.#strs.latin1(labFirst, labEnd);
      cached = this.#cache.get(key) ?? null;
    }
    if (cached === null && labFirst >= 0) ok = this.#labels(r, contiguous ? labFirst : s, contiguous ? labEnd : e, out.strs) ? 1 : 0;
    out.cached.push(cached);
    out.keys.push(cached === null ? key : null);
    out.labStart.push(labStart);
    out.labLen.push(out.strs.length - labStart);
    out.utf8OK.push(ok);
    out.smpStart.push(smpStart);
    out.smpLen.push(out.t.n - smpStart);
    out.histStart.push(histStart);
    out.histLen.push(out.hists.length - histStart);
    out.exStart.push(exStart);
    out.exLen.push(out.exV.n - exStart);
    out.n++;
  }

  /** Decodes the Label fields among the TimeSeries fields in `[s, e)` (already checked by the walk). */
  #labels(r: WireReader, s: number, e: number, strs: string[]): boolean {
    r.pos = s;
    let ok = true;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      if (tag !== 10) {
        r.skipField(at, e);
        continue;
      }
      const le = r.lengthDelimited(e);
      if (!this.#label(r, r.pos, le, strs)) ok = false;
      r.pos = le;
    }
    return ok;
  }

  /** Checks a `Label` message's wire format without decoding its strings. */
  #checkLabel(r: WireReader, s: number, e: number): void {
    r.pos = s;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Label')) {
        case 1:
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Name');
          r.pos = r.lengthDelimited(e);
          break;
        case 2:
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Value');
          r.pos = r.lengthDelimited(e);
          break;
        default:
          r.skipField(at, e);
      }
    }
  }

  /** A `Label` message: pushes name and value; returns false when either was not valid UTF-8. */
  #label(r: WireReader, s: number, e: number, strs: string[]): boolean {
    r.pos = s;
    let name = '', value = '', ok = true;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Label')) {
        case 1: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Name');
          const se = r.lengthDelimited(e);
          name = this.#strs.str(r.pos, se);
          ok &&= this.#strs.valid;
          r.pos = se;
          break;
        }
        case 2: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Value');
          const se = r.lengthDelimited(e);
          value = this.#strs.str(r.pos, se);
          ok &&= this.#strs.valid;
          r.pos = se;
          break;
        }
        default:
          r.skipField(at, e);
      }
    }
    strs.push(name, value);
    return ok;
  }

  #sample(r: WireReader, s: number, e: number, out: V1Request): void {
    r.pos = s;
    let v = 0, t = 0, stale = 0;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Sample')) {
        case 1:
          if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Value');
          v = readDouble(r, e, this.#stale);
          stale = this.#stale.v ? 1 : 0;
          break;
        case 2:
          if (wire !== WIRE_VARINT) wrongWireType(wire, 'Timestamp');
          t = r.int64(e);
          break;
        default:
          r.skipField(at, e);
      }
    }
    out.t.push(t);
    out.v.push(v);
    out.st.push(0);
    out.stale.push(stale);
  }

  #exemplar(r: WireReader, s: number, e: number, out: V1Request): void {
    r.pos = s;
    const labStart = out.exStrs.length;
    let v = 0, t = 0;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Exemplar')) {
        case 1: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Labels');
          const le = r.lengthDelimited(e);
          this.#label(r, r.pos, le, out.exStrs);
          r.pos = le;
          break;
        }
        case 2:
          if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Value');
          v = r.double(e);
          break;
        case 3:
          if (wire !== WIRE_VARINT) wrongWireType(wire, 'Timestamp');
          t = r.int64(e);
          break;
        default:
          r.skipField(at, e);
      }
    }
    out.exLabStart.push(labStart);
    out.exLabLen.push(out.exStrs.length - labStart);
    out.exV.push(v);
    out.exT.push(t);
  }

  #metadata(r: WireReader, s: number, e: number, out: V1Request): void {
    r.pos = s;
    const m = { type: 0, familyName: '', help: '', unit: '' };
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      const field = fieldNumber(tag, wire, 'MetricMetadata');
      switch (field) {
        case 1:
          if (wire !== WIRE_VARINT) wrongWireType(wire, 'Type');
          m.type = r.int32(e);
          break;
        case 2:
        case 4:
        case 5: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, field === 2 ? 'MetricFamilyName' : field === 4 ? 'Help' : 'Unit');
          const se = r.lengthDelimited(e);
          const str = this.#strs.str(r.pos, se);
          if (field === 2) m.familyName = str; else if (field === 4) m.help = str; else m.unit = str;
          r.pos = se;
          break;
        }
        default:
          r.skipField(at, e);
      }
    }
    out.metadata.push(m);
  }
}
