/**
 * The MIME pieces of Alertmanager's emails, written as Go's libraries write them so that
 * messages match byte for byte: quoted-printable bodies (mime/quotedprintable: 76-column
 * lines with `=` soft breaks, LF written as CRLF, trailing blanks encoded), RFC 2047
 * Q-encoded header values (mime.QEncoding, only when a value needs it), multipart/alternative
 * bodies (mime/multipart: part headers sorted, CRLF before each later delimiter), the
 * RFC 1123 date with numeric zone and Alertmanager's Message-Id.
 */
import { randomBytes } from 'node:crypto';

const UPPER_HEX = '0123456789ABCDEF';
const LINE_MAX = 76;

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09;
}

/** Go's quotedprintable.Writer over the UTF-8 bytes of `s` (Write then Close). */
export function quotedPrintable(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  const line: number[] = [];
  let cr = false;
  const flush = (): void => {
    for (const b of line) out.push(b);
    line.length = 0;
  };
  const crlf = (): void => {
    line.push(0x0d, 0x0a);
    flush();
  };
  const softBreak = (): void => {
    line.push(0x3d);
    crlf();
  };
  const encode = (b: number): void => {
    if (LINE_MAX - 1 - line.length < 3) softBreak();
    line.push(0x3d, UPPER_HEX.charCodeAt(b >> 4), UPPER_HEX.charCodeAt(b & 15));
  };
  // A blank just before a line break (or the end) is encoded.
  const checkLastByte = (): void => {
    if (line.length === 0) return;
    const b = line[line.length - 1]!;
    if (isBlank(b)) {
      line.pop();
      encode(b);
    }
  };
  const writeLiteral = (b: number): void => {
    if (b === 0x0a || b === 0x0d) {
      if (cr && b === 0x0a) {
        cr = false;
        return;
      }
      if (b === 0x0d) cr = true;
      checkLastByte();
      crlf();
      return;
    }
    if (line.length === LINE_MAX - 1) softBreak();
    line.push(b);
    cr = false;
  };
  for (const b of src) {
    if ((b >= 0x21 && b <= 0x7e && b !== 0x3d) || isBlank(b) || b === 0x0a || b === 0x0d) writeLiteral(b);
    else encode(b);
  }
  checkLastByte();
  flush();
  return Buffer.from(out).toString('latin1');
}

/** Whether Go's Q encoder leaves the value as it is (printable ASCII and tabs only). */
function needsEncoding(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 || c > 0x7e) && c !== 0x09) return true;
  }
  return false;
}

const MAX_CONTENT_LEN = 75 - '=?UTF-8?q?'.length - '?='.length;

/** mime.QEncoding.Encode("utf-8", s): RFC 2047 encoded words, split without breaking characters. */
export function qEncodeHeader(s: string): string {
  if (!needsEncoding(s)) return s;
  let out = '=?utf-8?q?';
  let cur = 0;
  for (const ch of s) {
    const bytes = Buffer.from(ch, 'utf8');
    const b = bytes[0]!;
    const plain = bytes.length === 1 && b >= 0x20 && b <= 0x7e && b !== 0x3d && b !== 0x3f && b !== 0x5f;
    const encLen = plain ? 1 : 3 * bytes.length;
    if (cur + encLen > MAX_CONTENT_LEN) {
      out += '?= =?utf-8?q?';
      cur = 0;
    }
    for (const x of bytes) {
      if (x === 0x20) out += '_';
      else if (x >= 0x21 && x <= 0x7e && x !== 0x3d && x !== 0x3f && x !== 0x5f) out += String.fromCharCode(x);
      else out += '=' + UPPER_HEX[x >> 4]! + UPPER_HEX[x & 15]!;
    }
    cur += encLen;
  }
  return out + '?=';
}

/** A random multipart boundary as Go makes it: 30 random bytes in hex. */
export function randomBoundary(): string {
  return randomBytes(30).toString('hex');
}

export interface MimePart {
  /** Header name to value; written sorted by name, as Go's multipart writer does. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A multipart body with its closing delimiter. */
export function multipartBody(boundary: string, parts: readonly MimePart[]): string {
  let out = '';
  parts.forEach((p, i) => {
    out += i === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
    for (const k of Object.keys(p.headers).sort()) out += `${k}: ${p.headers[k]!}\r\n`;
    out += '\r\n' + p.body;
  });
  return out + `\r\n--${boundary}--\r\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** time.RFC1123Z (`Mon, 02 Jan 2006 15:04:05 -0700`) in the machine's local zone. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const p = (n: number): string => String(n).padStart(2, '0');
  const zone = (off < 0 ? '-' : '+') + p(Math.floor(Math.abs(off) / 60)) + p(Math.abs(off) % 60);
  return `${DAYS[d.getDay()]!}, ${p(d.getDate())} ${MONTHS[d.getMonth()]!} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone}`;
}

/** Alertmanager's Message-Id: `<unix-nanoseconds.random-uint64@hostname>`. */
export function messageId(ms: number, hostname: string): string {
  const ns = BigInt(ms) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
  return `<${ns}.${randomBytes(8).readBigUInt64BE()}@${hostname}>`;
}
