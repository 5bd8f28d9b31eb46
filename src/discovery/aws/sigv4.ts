/**
 * AWS Signature Version 4 (header form), as AWS documents it: a canonical request (method,
 * URI, sorted query, sorted lower-case headers with trimmed values, signed header list,
 * payload hash) is hashed into a string to sign, which an HMAC-SHA256 key derived from the
 * secret key, date, region and service signs. The signer adds `X-Amz-Date`,
 * `X-Amz-Security-Token` (temporary credentials) and `Authorization` to a request.
 *
 * The same functions verify a signature (the fake AWS endpoints of the tests recompute it
 * with the secret they know), so a client and a server built on this file agree by
 * construction; the published test-suite vectors keep both honest.
 *
 * The canonical URI encodes each segment of the decoded path once, as the test suite does;
 * discovery only ever signs the endpoint's root or a fixed path, where single and double
 * encoding coincide.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface AWSCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials carry a session token, sent as `X-Amz-Security-Token`. */
  sessionToken?: string;
  /** When temporary credentials expire (ms since the epoch); absent: never. */
  expiresAt?: number;
  /** Where the credentials came from, for errors and logs. */
  source?: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token; names in any case. */
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  region: string;
  service: string;
  credentials: AWSCredentials;
  now: Date;
}

export interface Signed {
  /** The headers to send: the input's, plus x-amz-date, x-amz-security-token and authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `YYYYMMDDTHHMMSSZ`. */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Percent-encodes everything but RFC 3986's unreserved characters, with upper-case hex. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function canonicalURI(pathname: string): string {
  if (pathname === '') return '/';
  return pathname.split('/').map((seg) => uriEncode(decodeComponent(seg))).join('/');
}

/** Query parameters re-encoded and sorted by name, then value (byte order). */
export function canonicalQuery(search: string): string {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (q === '') return '';
  const pairs: [string, string][] = [];
  for (const part of q.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(decodeComponent(k)), uriEncode(decodeComponent(v))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** A header value as signed: trimmed, inner runs of spaces collapsed. */
function canonicalValue(v: string): string {
  return v.trim().replace(/ +/g, ' ');
}

export interface CanonicalParts {
  method: string;
  pathname: string;
  search: string;
  /** Lower-case name → value, exactly the signed headers. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): { text: string; signedHeaders: string } {
  const names = Object.keys(p.headers).sort();
  const headerLines = names.map((n) => `${n}:${canonicalValue(p.headers[n]!)}\n`).join('');
  const signedHeaders = names.join(';');
  return { text: `${p.method.toUpperCase()}\n${canonicalURI(p.pathname)}\n${canonicalQuery(p.search)}\n${headerLines}\n${signedHeaders}\n${p.payloadHash}`, signedHeaders };
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** Signs a request; returns the headers to send and the intermediate strings. */
export function signV4(i: SignInput): Signed {
  const stamp = amzDate(i.now);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['host'] ??= i.url.host;
  headers['x-amz-date'] = stamp;
  if (i.credentials.sessionToken !== undefined && i.credentials.sessionToken !== '') headers['x-amz-security-token'] = i.credentials.sessionToken;
  const payloadHash = sha256Hex(i.body ?? '');
  const cr = canonicalRequest({ method: i.method, pathname: i.url.pathname, search: i.url.search, headers, payloadHash });
  const scope = credentialScope(day, i.region, i.service);
  const stringToSign = `${ALGORITHM}\n${stamp}\n${scope}\n${sha256Hex(cr.text)}`;
  const signature = hmac(signingKey(i.credentials.secretAccessKey, day, i.region, i.service), stringToSign).toString('hex');
  headers['authorization'] = `${ALGORITHM} Credential=${i.credentials.accessKeyId}/${scope}, SignedHeaders=${cr.signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest: cr.text, stringToSign, signature };
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` value. */
export function parseAuthorization(h: string): ParsedAuthorization | null {
  if (!h.startsWith(`${ALGORITHM} `)) return null;
  const fields: Record<string, string> = {};
  for (const part of h.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const cred = fields['Credential']?.split('/');
  const sh = fields['SignedHeaders'];
  const sig = fields['Signature'];
  if (cred?.length !== 5 || cred[4] !== 'aws4_request' || sh === undefined || sig === undefined) return null;
  return { accessKeyId: cred[0]!, date: cred[1]!, region: cred[2]!, service: cred[3]!, signedHeaders: sh.split(';'), signature: sig };
}

export interface VerifyInput {
  method: string;
  /** Path and query as received (`/path?x=y`). */
  target: string;
  /** Received headers, lower-case names (Node's `IncomingMessage.headers`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string | Uint8Array;
  /** The secret of an access key id; undefined when the key is unknown. */
  secretFor: (accessKeyId: string) => string | undefined;
}

export type VerifyResult =
  | { ok: true; auth: ParsedAuthorization }
  | { ok: false; code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'AuthFailure' | 'SignatureDoesNotMatch'; message: string };

/** Recomputes a request's signature with the secret of its access key and compares them. */
export function verifyV4(v: VerifyInput): VerifyResult {
  const raw = v.headers['authorization'];
  if (raw === undefined || raw === '') return { ok: false, code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  const auth = parseAuthorization(Array.isArray(raw) ? raw.join(',') : raw);
  if (auth === null) return { ok: false, code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature parameters' };
  const secret = v.secretFor(auth.accessKeyId);
  if (secret === undefined) return { ok: false, code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' };
  const signed: Record<string, string> = {};
  for (const n of auth.signedHeaders) {
    const val = v.headers[n];
    if (val === undefined) return { ok: false, code: 'SignatureDoesNotMatch', message: `The request signature we calculated does not match the signature you provided: signed header ${n} is missing` };
    signed[n] = Array.isArray(val) ? val.join(',') : val;
  }
  const stamp = signed['x-amz-date'] ?? '';
  const q = v.target.indexOf('?');
  const cr = canonicalRequest({
    method: v.method, pathname: q < 0 ? v.target : v.target.slice(0, q), search: q < 0 ? '' : v.target.slice(q), headers: signed, payloadHash: sha256Hex(v.body),
  });
  const stringToSign = `${ALGORITHM}\n${stamp}\n${credentialScope(auth.date, auth.region, auth.service)}\n${sha256Hex(cr.text)}`;
  const want = hmac(signingKey(secret, auth.date, auth.region, auth.service), stringToSign);
  const got = Buffer.from(auth.signature, 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' };
  }
  return { ok: true, auth };
}
