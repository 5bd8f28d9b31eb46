/**
 * Test support: Alertmanager 0.25's captured notifications
 * (`../shared/conformance/notifications/alertmanager-0.25/`) and how a received request or
 * email is compared with one of them. Shared by the integration-level conformance test (the
 * notifiers called directly) and the end-to-end one (`watchfire alertmanager` with the same
 * configuration). Not used by production code.
 *
 * What is compared: HTTP bodies byte for byte and, for a readable failure, JSON leaf by leaf;
 * method, path, the set of header fields (`connection` aside), `content-type`,
 * `content-length` and `user-agent` (the expected product token is the caller's:
 * Alertmanager's captures say `Alertmanager/0.25.0`); for requests that went
 * through a CONNECT tunnel, the tunnel target and `host`. Emails byte for byte once their
 * per-run values (Date, Message-Id, MIME boundary) are replaced by the capture's, after
 * checking those values' shape; the SMTP envelope (MAIL FROM with its parameters, RCPT TO),
 * HELO name, authenticated user and AUTH method.
 */
import assert from 'node:assert/strict';
import { readShared } from '../../testing/peers.js';
import type { Captured, Mail } from './test-sink.js';

export const CONFORMANCE_DIR = 'conformance/notifications/alertmanager-0.25';
/** The external URL the captures were made with. */
export const CAPTURE_EXTERNAL_URL = 'http://alertmanager.example.test:9093/';
export const CAPTURE_GROUP_KEY = '{}:{alertname="HighErrorRate", job="api"}';
/** The User-Agent of every captured request. */
export const CAPTURE_USER_AGENT = 'Alertmanager/0.25.0';
/** Where the captured configuration points its receivers. */
const CAPTURE_HTTP_BASE = 'http://127.0.0.1:18080';
const CAPTURE_SMTP_ADDR = '127.0.0.1:12525';

export type Phase = 'firing' | 'resolved';
export const PHASES: readonly Phase[] = ['firing', 'resolved'];

/** The HTTP captures, by integration: `config` is the index in the receiver's list of that kind. */
export const HTTP_CAPTURES = [
  { name: 'webhook/default', kind: 'webhook', config: 0 },
  { name: 'webhook/max_alerts_1', kind: 'webhook', config: 1 },
  { name: 'slack/default', kind: 'slack', config: 0 },
  { name: 'slack/rich', kind: 'slack', config: 1 },
  { name: 'pagerduty/v2-default', kind: 'pagerduty', config: 0 },
  { name: 'pagerduty/v2-rich', kind: 'pagerduty', config: 1 },
  { name: 'pagerduty/v1-service_key', kind: 'pagerduty', config: 2 },
] as const;

/** The email captures: `config` is the index in the receiver's `email_configs`. */
export const EMAIL_CAPTURES = [
  { name: 'default', config: 0 },
  { name: 'auth-text-headers', config: 1 },
] as const;

/** Captures in all: one per integration and phase. */
export const CAPTURE_COUNT = (HTTP_CAPTURES.length + EMAIL_CAPTURES.length) * PHASES.length;

export function readCapture(...parts: string[]): string {
  return readShared(CONFORMANCE_DIR, ...parts);
}

/** The input alerts of a phase: the exact bytes that were POSTed to Alertmanager. */
export function inputAlertsText(phase: Phase): string {
  return readCapture('input', `alerts-${phase}.json`);
}

/** The captured configuration with its sink addresses replaced by the test's. */
export function conformanceConfig(httpBase: string, smtpPort: number): string {
  return readCapture('alertmanager.yml').replaceAll(CAPTURE_HTTP_BASE, httpBase).replaceAll(CAPTURE_SMTP_ADDR, `127.0.0.1:${smtpPort}`);
}

export interface CaptureRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  received_via: string;
}

export function captureRequest(name: string, phase: Phase): CaptureRequest {
  return JSON.parse(readCapture(`${name}.${phase}.request.json`)) as CaptureRequest;
}

/** Leaf paths and values of a JSON document (empty objects and arrays are leaves). */
export function jsonLeaves(v: unknown, path = '$', out = new Map<string, unknown>()): Map<string, unknown> {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(path, Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) jsonLeaves(x, `${path}.${k}`, out);
  } else {
    out.set(path, v);
  }
  return out;
}

/** Captures matched and JSON fields compared, for the tests' summaries. */
export interface ConformanceTally {
  captures: number;
  fields: number;
}

export interface HTTPCompareOptions {
  /** The User-Agent the sender sends by design. */
  readonly userAgent: string;
  /**
   * True when the fixed endpoint was reached as in the capture (through a CONNECT tunnel):
   * the tunnel target and `host` are compared too; false when the test pointed the
   * integration at the sink directly (then the path of a fixed endpoint is not compared).
   */
  readonly tunnelled: boolean;
}

/** Asserts that a received request is the capture `name.phase`; counts it in `tally`. */
export function compareHTTPCapture(got: Captured, name: string, phase: Phase, o: HTTPCompareOptions, tally: ConformanceTally): void {
  const id = `${name}.${phase}`;
  const wantBody = readCapture(`${id}.json`);
  const wantReq = captureRequest(name, phase);
  const body = got.body.toString('utf8');
  const g = jsonLeaves(JSON.parse(body));
  const w = jsonLeaves(JSON.parse(wantBody));
  assert.deepEqual([...g.keys()].sort(), [...w.keys()].sort(), `${id}: fields`);
  for (const [k, v] of w) assert.deepEqual(g.get(k), v, `${id}: ${k}`);
  assert.equal(body, wantBody, `${id}: body bytes`);
  assert.equal(got.method, wantReq.method, `${id}: method`);
  const viaCapture = /^(CONNECT \S+)/.exec(wantReq.received_via)?.[1];
  if (viaCapture === undefined || o.tunnelled) assert.equal(got.url, wantReq.url, `${id}: path`);
  if (viaCapture !== undefined && o.tunnelled) {
    assert.equal(got.via, viaCapture, `${id}: tunnel`);
    assert.equal(got.headers.host, wantReq.headers['host'], `${id}: header host`);
  }
  // The same header fields, `connection` aside: Node's HTTP/1.1 client states keep-alive, Go's leaves it implied.
  const names = (h: Record<string, unknown>): string[] => Object.keys(h).filter((k) => k !== 'connection').sort();
  assert.deepEqual(names(got.headers), names(wantReq.headers), `${id}: header fields`);
  for (const h of ['content-type', 'content-length']) assert.equal(got.headers[h], wantReq.headers[h], `${id}: header ${h}`);
  assert.equal(wantReq.headers['user-agent'], CAPTURE_USER_AGENT, `${id}: captured user-agent`);
  assert.equal(got.headers['user-agent'], o.userAgent, `${id}: header user-agent`);
  tally.captures++;
  tally.fields += w.size;
}

const DATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

/** An email with its per-run values (checked for shape) replaced by the capture's. */
export function normaliseEml(got: string, want: string): string {
  const field = (s: string, name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(s)?.[1] ?? '';
  const boundary = (s: string): string => /boundary=([0-9a-f]+)/.exec(s)?.[1] ?? '';
  assert.match(field(got, 'Message-Id'), /^<\d+\.\d+@[^>]+>$/);
  assert.match(field(got, 'Date'), DATE_RE);
  assert.equal(boundary(got).length, 60);
  return got.replaceAll(boundary(got), boundary(want))
    .replace(field(got, 'Message-Id'), field(want, 'Message-Id'))
    .replace(field(got, 'Date'), field(want, 'Date'));
}

interface CaptureEnvelope {
  envelope: { mailFrom: unknown; rcptTo: unknown };
  helo: string;
  user: string | null;
}

export function captureEnvelope(name: string, phase: Phase): CaptureEnvelope {
  return JSON.parse(readCapture('email', `${name}.${phase}.envelope.json`)) as CaptureEnvelope;
}

/** Asserts that a received email is the capture `email/name.phase`; counts it in `tally`. */
export function compareEmailCapture(mail: Mail, name: string, phase: Phase, tally: ConformanceTally): void {
  const id = `email/${name}.${phase}`;
  const want = readCapture('email', `${name}.${phase}.eml`);
  const wantEnv = captureEnvelope(name, phase);
  assert.equal(normaliseEml(mail.data.toString('utf8'), want), want, `${id}: message`);
  assert.deepEqual(mail.envelope.mailFrom, wantEnv.envelope.mailFrom, `${id}: MAIL FROM`);
  assert.deepEqual(mail.envelope.rcptTo, wantEnv.envelope.rcptTo, `${id}: RCPT TO`);
  assert.equal(mail.helo, wantEnv.helo, `${id}: HELO`);
  assert.equal(mail.user, wantEnv.user, `${id}: AUTH user`);
  // Alertmanager chose LOGIN from smtp-server's default advertisement.
  if (wantEnv.user !== null) assert.equal(mail.authMethod, 'LOGIN', `${id}: AUTH method`);
  tally.captures++;
}
