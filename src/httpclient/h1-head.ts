/**
 * Parsing an HTTP/1.x response head as Go's client does: the status line, `Name: value`
 * header lines (a bare LF ends a line too; repeated names joined with ", "), and how the body
 * is framed: none for HEAD, 1xx, 204 and 304, `Transfer-Encoding: chunked` before
 * `Content-Length`, otherwise the connection's end. Keep-alive unless `Connection: close`
 * (HTTP/1.0: unless no `Connection: keep-alive`).
 */
import { HTTPClientError } from './errors.js';

export const enum Framing { None, Length, Chunked, Close }

export interface ParsedHead {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Informational (1xx but 101): the real response follows; nothing else is meaningful. */
  informational: boolean;
  keepAlive: boolean;
  framing: Framing;
  /** Body length for Framing.Length. */
  length: number;
}

/** Parses the head's text (status line to the empty line); throws HTTPClientError on a malformed head. */
export function parseResponseHead(text: string, isHead: boolean): ParsedHead {
  const lines = text.split('\n');
  let status = lines[0]!;
  if (status.endsWith('\r')) status = status.slice(0, -1);
  const sp = status.indexOf(' ');
  const proto = sp < 0 ? status : status.slice(0, sp);
  if (sp < 0 || !proto.startsWith('HTTP/')) throw new HTTPClientError('other', `malformed HTTP response ${JSON.stringify(status)}`);
  const rest = status.slice(sp + 1).trimStart();
  const sp2 = rest.indexOf(' ');
  const codeText = sp2 < 0 ? rest : rest.slice(0, sp2);
  const code = Number(codeText);
  if (codeText.length !== 3 || !Number.isInteger(code) || code < 100) throw new HTTPClientError('other', `malformed HTTP status code ${JSON.stringify(codeText)}`);
  const http10 = proto === 'HTTP/1.0';
  if (!http10 && proto !== 'HTTP/1.1') throw new HTTPClientError('other', `malformed HTTP version ${JSON.stringify(proto)}`);
  const headers: Record<string, string> = {};
  // The head ends with an empty line (and the split leaves an empty last element).
  for (let k = 1; k < lines.length; k++) {
    let line = lines[k]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) throw new HTTPClientError('other', `malformed MIME header line: ${line}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const cur = headers[name];
    headers[name] = cur === undefined ? value : `${cur}, ${value}`;
  }
  const out: ParsedHead = {
    status: code, statusText: sp2 < 0 ? '' : rest.slice(sp2 + 1), headers,
    informational: code >= 100 && code < 200 && code !== 101, keepAlive: true, framing: Framing.None, length: 0,
  };
  if (out.informational) return out;
  const conn = headers['connection']?.toLowerCase() ?? '';
  out.keepAlive = http10 ? /(^|,)\s*keep-alive\s*(,|$)/.test(conn) : !/(^|,)\s*close\s*(,|$)/.test(conn);
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  if (isHead || code === 204 || code === 304 || code === 101) {
    if (code === 101) out.keepAlive = false;
  } else if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked') throw new HTTPClientError('other', `unsupported transfer encoding: ${JSON.stringify(te)}`);
    out.framing = Framing.Chunked;
  } else if (cl !== undefined) {
    const parts = cl.split(',');
    const first = parts[0]!.trim();
    for (const p of parts) if (p.trim() !== first) throw new HTTPClientError('other', `http: message cannot contain multiple Content-Length headers; got ${JSON.stringify(parts.map((x) => x.trim()))}`);
    const n = /^[0-9]+$/.test(first) ? Number(first) : NaN;
    if (!Number.isSafeInteger(n)) throw new HTTPClientError('other', `bad Content-Length ${JSON.stringify(first)}`);
    out.framing = n === 0 ? Framing.None : Framing.Length;
    out.length = n;
  } else {
    out.framing = Framing.Close;
    out.keepAlive = false;
  }
  return out;
}
