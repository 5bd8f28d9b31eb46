/**
 * Decodes a remote-write 2.0 `io.prometheus.write.v2.Request` into a reusable `V2Request`:
 * the symbol table (with a UTF-8 verdict per symbol) and, per series, label references,
 * samples with start timestamps, histograms, exemplars and metadata references. References
 * are resolved later, per series, so that a bad reference fails only its series, as in
 * Prometheus. Errors read as gogo-protobuf's.
 */
import { WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, WireReader, fieldNumber, wrongWireType } from '../../util/protobuf-wire.js';
import { decodeHistogram, readDouble, readUint32s } from './decode-common.js';
import type { V2Request } from './decoded.js';
import { ByteStrings } from './strings.js';

export class V2Decoder {
  readonly #strs = new ByteStrings();
  readonly #stale = { v: false };

  /** Decodes `body` into `out` (reset first). Throws `ProtoWireError` on malformed input. */
  decode(body: Uint8Array, out: V2Request): void {
    out.reset();
    this.#strs.reset(body);
    const r = new WireReader(body);
    const end = body.length;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.tag(end);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Request')) {
        case 4: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Symbols');
          const e = r.lengthDelimited(end);
          out.symbols.push(this.#strs.str(r.pos, e));
          out.symOK.push(this.#strs.valid ? 1 : 0);
          r.pos = e;
          break;
        }
        case 5: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Timeseries');
          const e = r.lengthDelimited(end);
          this.#series(r, r.pos, e, out);
          r.pos = e;
          break;
        }
        default:
          r.skipField(at, end);
      }
    }
  }

  #series(r: WireReader, s: number, e: number, out: V2Request): void {
    r.pos = s;
    const labStart = out.refs.n, smpStart = out.t.n, histStart = out.hists.length, exStart = out.exV.n;
    let metaType = 0, helpRef = 0, unitRef = 0;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'TimeSeries')) {
        case 1:
          readUint32s(r, wire, e, out.refs, 'LabelsRefs');
          break;
        case 2: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Samples');
          const se = r.lengthDelimited(e);
          this.#sample(r, r.pos, se, out);
          r.pos = se;
          break;
        }
        case 3: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Histograms');
          const he = r.lengthDelimited(e);
          out.hists.push(decodeHistogram(r, r.pos, he, true));
          r.pos = he;
          break;
        }
        case 4: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Exemplars');
          const xe = r.lengthDelimited(e);
          this.#exemplar(r, r.pos, xe, out);
          r.pos = xe;
          break;
        }
        case 5: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Metadata');
          const me = r.lengthDelimited(e);
          // An embedded message seen twice merges: fields present later overwrite.
          while (r.pos < me) {
            const mat = r.pos;
            const mtag = r.tag(me);
            const mwire = mtag % 8;
            switch (fieldNumber(mtag, mwire, 'Metadata')) {
              case 1:
                if (mwire !== WIRE_VARINT) wrongWireType(mwire, 'Type');
                metaType = r.int32(me);
                break;
              case 3:
                if (mwire !== WIRE_VARINT) wrongWireType(mwire, 'HelpRef');
                helpRef = r.uint32(me);
                break;
              case 4:
                if (mwire !== WIRE_VARINT) wrongWireType(mwire, 'UnitRef');
                unitRef = r.uint32(me);
                break;
              default:
                r.skipField(mat, me);
            }
          }
          break;
        }
        default:
          r.skipField(at, e);
      }
    }
    out.labStart.push(labStart);
    out.labLen.push(out.refs.n - labStart);
    out.smpStart.push(smpStart);
    out.smpLen.push(out.t.n - smpStart);
    out.histStart.push(histStart);
    out.histLen.push(out.hists.length - histStart);
    out.exStart.push(exStart);
    out.exLen.push(out.exV.n - exStart);
    out.metaType.push(metaType);
    out.helpRef.push(helpRef);
    out.unitRef.push(unitRef);
    out.n++;
  }

  #sample(r: WireReader, s: number, e: number, out: V2Request): void {
    r.pos = s;
    let v = 0, t = 0, st = 0, stale = 0;
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
        case 3:
          if (wire !== WIRE_VARINT) wrongWireType(wire, 'StartTimestamp');
          st = r.int64(e);
          break;
        default:
          r.skipField(at, e);
      }
    }
    out.t.push(t);
    out.v.push(v);
    out.st.push(st);
    out.stale.push(stale);
  }

  #exemplar(r: WireReader, s: number, e: number, out: V2Request): void {
    r.pos = s;
    const labStart = out.exRefs.n;
    let v = 0, t = 0;
    while (r.pos < e) {
      const at = r.pos;
      const tag = r.tag(e);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'Exemplar')) {
        case 1:
          readUint32s(r, wire, e, out.exRefs, 'LabelsRefs');
          break;
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
    out.exLabLen.push(out.exRefs.n - labStart);
    out.exV.push(v);
    out.exT.push(t);
  }
}
