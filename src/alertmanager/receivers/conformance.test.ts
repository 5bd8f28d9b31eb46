/**
 * Conformance with Alertmanager 0.25's captured notifications
 * (`../shared/conformance/notifications/alertmanager-0.25/`): the same configuration and input
 * alerts, grouped as its route says and handed over as the dispatcher does, go through our
 * webhook, Slack, PagerDuty and email integrations to a local HTTP sink and an SMTP server;
 * bodies must match the captures byte for byte (JSON also field by field), request headers
 * and the SMTP envelope must match, and emails must be identical once their per-run values
 * (Date, Message-Id, MIME boundary) are put aside.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readShared } from '../../testing/peers.js';
import { loadAlertmanagerConfigString, type ReceiverConfig } from '../config/index.js';
import { NotificationTemplate } from '../template/index.js';
import type { Notifier } from '../notify/index.js';
import { setReceiversUserAgent, receiversUserAgent } from './common.js';
import { EmailNotifier } from './email.js';
import { PagerdutyNotifier } from './pagerduty.js';
import { SlackNotifier } from './slack.js';
import { WebhookNotifier } from './webhook.js';
import { type HTTPSink, type SMTPSink, dispatchedAlerts, notifyContext, startHTTPSink, startSMTPSink } from './test-sink.js';

const DIR = 'conformance/notifications/alertmanager-0.25';
const FIRING_AT = Date.parse('2026-11-27T02:18:55Z');
const RESOLVED_AT = Date.parse('2026-11-27T02:19:04Z');
const GROUP_KEY = '{}:{alertname="HighErrorRate", job="api"}';

let http: HTTPSink;
let smtp: SMTPSink;
let receiver: ReceiverConfig;
const savedUA = receiversUserAgent();
const tmpl = new NotificationTemplate();

before(async () => {
  http = await startHTTPSink();
  smtp = await startSMTPSink();
  const yml = readShared(DIR, 'alertmanager.yml').replaceAll('http://127.0.0.1:18080', http.base).replaceAll('127.0.0.1:12525', `127.0.0.1:${smtp.port}`);
  receiver = loadAlertmanagerConfigString(yml, '').config.receivers[0]!;
  // The captures carry Alertmanager's product token; compare the rest of the headers exactly.
  setReceiversUserAgent('Alertmanager/0.25.0');
});

after(async () => {
  setReceiversUserAgent(savedUA);
  await http.close();
  await smtp.close();
});

type Phase = 'firing' | 'resolved';

async function send(n: Notifier, phase: Phase): Promise<void> {
  const now = phase === 'firing' ? FIRING_AT : RESOLVED_AT;
  const input = JSON.parse(readShared(DIR, 'input', `alerts-${phase}.json`)) as Parameters<typeof dispatchedAlerts>[0];
  const ctx = notifyContext({
    receiver: 'reference', groupKey: GROUP_KEY, groupLabels: { alertname: 'HighErrorRate', job: 'api' }, now,
    externalURL: 'http://alertmanager.example.test:9093/',
  });
  const r = await n.notify(ctx, dispatchedAlerts(input, now));
  assert.equal(r.error, undefined, r.error?.message);
}

/** Leaf paths and values of a JSON document. */
function leaves(v: unknown, path = '$', out = new Map<string, unknown>()): Map<string, unknown> {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(path, Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) leaves(x, `${path}.${k}`, out);
  } else {
    out.set(path, v);
  }
  return out;
}

const tally = { captures: 0, fields: 0 };

/** Compares the last request with a capture: body bytes, JSON fields, method, path and headers. */
function compareHTTP(name: string): void {
  const got = http.requests.at(-1)!;
  const wantBody = readShared(DIR, `${name}.json`);
  const wantReq = JSON.parse(readShared(DIR, `${name}.request.json`)) as { method: string; url: string; headers: Record<string, string> };
  const g = leaves(JSON.parse(got.body.toString('utf8')));
  const w = leaves(JSON.parse(wantBody));
  assert.deepEqual([...g.keys()].sort(), [...w.keys()].sort(), `${name}: fields`);
  for (const [k, v] of w) assert.deepEqual(g.get(k), v, `${name}: ${k}`);
  assert.equal(got.body.toString('utf8'), wantBody, `${name}: body bytes`);
  assert.equal(got.method, wantReq.method);
  if (!wantReq.url.startsWith('/generic/')) assert.equal(got.url, wantReq.url);
  for (const h of ['user-agent', 'content-type', 'content-length']) assert.equal(got.headers[h], wantReq.headers[h], `${name}: header ${h}`);
  tally.captures++;
  tally.fields += w.size;
}

const HTTP_CASES: [string, (r: ReceiverConfig) => Notifier][] = [
  ['webhook/default', (r) => new WebhookNotifier(r.webhook_configs[0]!)],
  ['webhook/max_alerts_1', (r) => new WebhookNotifier(r.webhook_configs[1]!)],
  ['slack/default', (r) => new SlackNotifier(r.slack_configs[0]!, { template: tmpl })],
  ['slack/rich', (r) => new SlackNotifier(r.slack_configs[1]!, { template: tmpl })],
  ['pagerduty/v2-default', (r) => new PagerdutyNotifier(r.pagerduty_configs[0]!, { template: tmpl })],
  ['pagerduty/v2-rich', (r) => new PagerdutyNotifier(r.pagerduty_configs[1]!, { template: tmpl })],
  ['pagerduty/v1-service_key', (r) => {
    // The fixed v1 endpoint is replaced by the sink; the capture went through a TLS-terminating proxy.
    const c = structuredClone(r.pagerduty_configs[2]!);
    c.http_config!.proxy_url = '';
    return new PagerdutyNotifier(c, { template: tmpl }, null, `${http.base}/generic/2010-04-15/create_event.json`);
  }],
];

for (const [name, make] of HTTP_CASES) {
  for (const phase of ['firing', 'resolved'] as const) {
    test(`conformance ${name}.${phase}`, async () => {
      await send(make(receiver), phase);
      compareHTTP(`${name}.${phase}`);
    });
  }
}

/** An email with its per-run values replaced by the capture's. */
function normaliseEml(got: string, want: string): string {
  const field = (s: string, name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(s)?.[1] ?? '';
  const boundary = (s: string): string => /boundary=([0-9a-f]+)/.exec(s)?.[1] ?? '';
  assert.match(field(got, 'Message-Id'), /^<\d+\.\d+@[^>]+>$/);
  assert.match(field(got, 'Date'), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
  assert.equal(boundary(got).length, 60);
  return got.replaceAll(boundary(got), boundary(want))
    .replace(field(got, 'Message-Id'), field(want, 'Message-Id'))
    .replace(field(got, 'Date'), field(want, 'Date'));
}

for (const [name, index] of [['default', 0], ['auth-text-headers', 1]] as const) {
  for (const phase of ['firing', 'resolved'] as const) {
    test(`conformance email/${name}.${phase}`, async () => {
      const before = smtp.mails.length;
      await send(new EmailNotifier(receiver.email_configs[index]!, { template: tmpl }), phase);
      assert.equal(smtp.mails.length, before + 1, 'one transaction for all recipients');
      const mail = smtp.mails.at(-1)!;
      const want = readShared(DIR, 'email', `${name}.${phase}.eml`);
      const wantEnv = JSON.parse(readShared(DIR, 'email', `${name}.${phase}.envelope.json`)) as { envelope: { mailFrom: unknown; rcptTo: unknown }; helo: string; user: string | null };
      assert.equal(normaliseEml(mail.data.toString('utf8'), want), want);
      assert.deepEqual(mail.envelope.mailFrom, wantEnv.envelope.mailFrom);
      assert.deepEqual(mail.envelope.rcptTo, wantEnv.envelope.rcptTo);
      assert.equal(mail.helo, wantEnv.helo);
      assert.equal(mail.user, wantEnv.user);
      if (wantEnv.user !== null) assert.equal(mail.authMethod, 'LOGIN');
      tally.captures++;
    });
  }
}

test('conformance summary', (t) => {
  t.diagnostic(`captures matched: ${tally.captures}/${HTTP_CASES.length * 2 + 4}; JSON fields matched: ${tally.fields}`);
  assert.equal(tally.captures, HTTP_CASES.length * 2 + 4);
});
