/**
 * Conformance with Alertmanager 0.25's captured notifications
 * (`../shared/conformance/notifications/alertmanager-0.25/`), at the integration level: the
 * same configuration and input alerts, grouped as its route says and handed over as the
 * dispatcher does, go through our webhook, Slack, PagerDuty and email integrations to a local
 * HTTP sink and an SMTP server; what they receive must be the captures (see
 * testing-conformance.ts for what is compared). The end-to-end version, through the running
 * service, is ../conformance.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadAlertmanagerConfigString, type ReceiverConfig } from '../config/index.js';
import { NotificationTemplate } from '../template/index.js';
import type { Notifier } from '../notify/index.js';
import { setReceiversUserAgent, receiversUserAgent } from './common.js';
import { EmailNotifier } from './email.js';
import { PagerdutyNotifier } from './pagerduty.js';
import { SlackNotifier } from './slack.js';
import { WebhookNotifier } from './webhook.js';
import { type HTTPSink, type SMTPSink, dispatchedAlerts, notifyContext, startHTTPSink, startSMTPSink } from './test-sink.js';
import {
  CAPTURE_COUNT, CAPTURE_EXTERNAL_URL, CAPTURE_GROUP_KEY, CAPTURE_USER_AGENT, EMAIL_CAPTURES, HTTP_CAPTURES, PHASES,
  type ConformanceTally, type Phase, compareEmailCapture, compareHTTPCapture, conformanceConfig, inputAlertsText,
} from './testing-conformance.js';

const FIRING_AT = Date.parse('2026-11-27T02:18:55Z');
const RESOLVED_AT = Date.parse('2026-11-27T02:19:04Z');

let http: HTTPSink;
let smtp: SMTPSink;
let receiver: ReceiverConfig;
const savedUA = receiversUserAgent();
const tmpl = new NotificationTemplate();

before(async () => {
  http = await startHTTPSink();
  smtp = await startSMTPSink();
  receiver = loadAlertmanagerConfigString(conformanceConfig(http.base, smtp.port), '').config.receivers[0]!;
  // The captures carry Alertmanager's product token; send it so that every header compares exactly.
  setReceiversUserAgent(CAPTURE_USER_AGENT);
});

after(async () => {
  setReceiversUserAgent(savedUA);
  await http.close();
  await smtp.close();
});

async function send(n: Notifier, phase: Phase): Promise<void> {
  const now = phase === 'firing' ? FIRING_AT : RESOLVED_AT;
  const input = JSON.parse(inputAlertsText(phase)) as Parameters<typeof dispatchedAlerts>[0];
  const ctx = notifyContext({
    receiver: 'reference', groupKey: CAPTURE_GROUP_KEY, groupLabels: { alertname: 'HighErrorRate', job: 'api' }, now,
    externalURL: CAPTURE_EXTERNAL_URL,
  });
  const r = await n.notify(ctx, dispatchedAlerts(input, now));
  assert.equal(r.error, undefined, r.error?.message);
}

function notifier(c: (typeof HTTP_CAPTURES)[number]): Notifier {
  switch (c.kind) {
    case 'webhook': return new WebhookNotifier(receiver.webhook_configs[c.config]!);
    case 'slack': return new SlackNotifier(receiver.slack_configs[c.config]!, { template: tmpl });
    case 'pagerduty': {
      const conf = receiver.pagerduty_configs[c.config]!;
      if (conf.service_key === '') return new PagerdutyNotifier(conf, { template: tmpl });
      // The fixed v1 endpoint is replaced by the sink; the capture went through a TLS-terminating
      // proxy (the end-to-end test goes that way too).
      const direct = structuredClone(conf);
      direct.http_config!.proxy_url = '';
      return new PagerdutyNotifier(direct, { template: tmpl }, null, `${http.base}/generic/2010-04-15/create_event.json`);
    }
  }
}

const tally: ConformanceTally = { captures: 0, fields: 0 };

for (const c of HTTP_CAPTURES) {
  for (const phase of PHASES) {
    test(`conformance ${c.name}.${phase}`, async () => {
      await send(notifier(c), phase);
      compareHTTPCapture(http.requests.at(-1)!, c.name, phase, { userAgent: CAPTURE_USER_AGENT, tunnelled: false }, tally);
    });
  }
}

for (const c of EMAIL_CAPTURES) {
  for (const phase of PHASES) {
    test(`conformance email/${c.name}.${phase}`, async () => {
      const before = smtp.mails.length;
      await send(new EmailNotifier(receiver.email_configs[c.config]!, { template: tmpl }), phase);
      assert.equal(smtp.mails.length, before + 1, 'one transaction for all recipients');
      compareEmailCapture(smtp.mails.at(-1)!, c.name, phase, tally);
    });
  }
}

test('conformance summary', (t) => {
  t.diagnostic(`captures matched: ${tally.captures}/${CAPTURE_COUNT}; JSON fields matched: ${tally.fields}`);
  assert.equal(tally.captures, CAPTURE_COUNT);
});
