import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadAlertmanagerConfigString, type ReceiverConfig } from '../config/index.js';
import type { Notifier } from '../notify/index.js';
import { NotificationTemplate } from '../template/index.js';
import { hashKey } from './common.js';
import { DiscordNotifier } from './discord.js';
import { MSTeamsNotifier, MSTeamsV2Notifier } from './msteams.js';
import { OpsgenieNotifier } from './opsgenie.js';
import { PagerdutyNotifier } from './pagerduty.js';
import { SlackNotifier } from './slack.js';
import { TelegramNotifier } from './telegram.js';
import { type HTTPSink, dispatchedAlerts, notifyContext, startHTTPSink, vendorAnswer } from './test-sink.js';
import { WebhookNotifier } from './webhook.js';

const NOW = Date.parse('2026-11-27T02:00:00Z');
const tmpl = new NotificationTemplate();
let sink: HTTPSink;
let dir: string;

before(async () => {
  sink = await startHTTPSink();
  dir = mkdtempSync(join(tmpdir(), 'wf-recv-'));
});
after(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

function receiver(body: string): ReceiverConfig {
  const yml = `route: { receiver: r }\nreceivers:\n- name: r\n${body.replaceAll('SINK', sink.base)}`;
  return loadAlertmanagerConfigString(yml, '').config.receivers[0]!;
}

const FIRING = [
  { labels: { alertname: 'Down', job: 'api', instance: 'a:1', team: 'db' }, annotations: { summary: 'api down' }, startsAt: '2026-11-27T01:00:00Z', generatorURL: 'http://prom/g' },
  { labels: { alertname: 'Down', job: 'api', instance: 'b:1', team: 'db' }, annotations: { summary: 'api down' }, startsAt: '2026-11-27T01:00:00Z', generatorURL: 'http://prom/g' },
];
const RESOLVED = FIRING.map((a) => ({ ...a, endsAt: '2026-11-27T01:30:00Z' }));

async function notify(n: Notifier, input: typeof FIRING | typeof RESOLVED = FIRING, signal?: AbortSignal) {
  const ctx = notifyContext({ receiver: 'r', groupKey: '{}:{alertname="Down"}', groupLabels: { alertname: 'Down' }, now: NOW, externalURL: 'http://am:9093/', ...(signal !== undefined ? { signal } : {}) });
  return n.notify(ctx, dispatchedAlerts(input, NOW));
}

function lastJSON(): Record<string, unknown> {
  return JSON.parse(sink.requests.at(-1)!.body.toString('utf8')) as Record<string, unknown>;
}

// [integration, status answered, retried?]
const STATUS_CASES: [string, number, boolean | null][] = [
  ['webhook', 200, null], ['webhook', 400, false], ['webhook', 429, false], ['webhook', 500, true], ['webhook', 503, true],
  ['pagerduty-v2', 202, null], ['pagerduty-v2', 429, true], ['pagerduty-v2', 403, false], ['pagerduty-v2', 400, false],
  ['pagerduty-v1', 403, true], ['pagerduty-v1', 429, false],
  ['opsgenie', 429, true], ['opsgenie', 422, false], ['msteams', 502, true], ['discord', 404, false],
];

function make(kind: string): Notifier {
  switch (kind) {
    case 'webhook': return new WebhookNotifier(receiver('  webhook_configs: [{ url: SINK/hook }]').webhook_configs[0]!);
    case 'pagerduty-v2': return new PagerdutyNotifier(receiver('  pagerduty_configs: [{ routing_key: k, url: SINK/enqueue }]').pagerduty_configs[0]!, { template: tmpl });
    case 'pagerduty-v1': return new PagerdutyNotifier(receiver('  pagerduty_configs: [{ service_key: k }]').pagerduty_configs[0]!, { template: tmpl }, null, `${sink.base}/create_event.json`);
    case 'opsgenie': return new OpsgenieNotifier(receiver('  opsgenie_configs: [{ api_key: k, api_url: SINK/og/ }]').opsgenie_configs[0]!, { template: tmpl });
    case 'msteams': return new MSTeamsNotifier(receiver('  msteams_configs: [{ webhook_url: SINK/teams }]').msteams_configs[0]!, { template: tmpl });
    case 'discord': return new DiscordNotifier(receiver('  discord_configs: [{ webhook_url: SINK/discord }]').discord_configs[0]!, { template: tmpl });
    default: throw new Error(kind);
  }
}

for (const [kind, status, retry] of STATUS_CASES) {
  test(`${kind}: answer ${status} → ${retry === null ? 'success' : retry ? 'retried' : 'permanent failure'}`, async () => {
    sink.answer = () => ({ status, body: status === 400 ? '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'routing_key\' is incorrect"]}' : 'details' });
    try {
      const r = await notify(make(kind));
      if (retry === null) {
        assert.equal(r.error, undefined);
      } else {
        assert.equal(r.retry, retry);
        assert.match(r.error?.message ?? '', new RegExp(`unexpected status code ${status}`));
      }
      if (kind === 'pagerduty-v2' && status === 400) {
        assert.match(r.error?.message ?? '', /unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect/);
      }
    } finally {
      sink.answer = vendorAnswer;
    }
  });
}

test('transport failures are retried and URLs are redacted', async () => {
  const n = new WebhookNotifier(receiver('  webhook_configs: [{ url: "http://127.0.0.1:9/secret-token" }]').webhook_configs[0]!);
  const r = await notify(n);
  assert.equal(r.retry, true);
  assert.ok(!(r.error?.message ?? '').includes('secret-token'), r.error?.message);
  const ac = new AbortController();
  ac.abort();
  const r2 = await notify(make('webhook'), FIRING, ac.signal);
  assert.equal(r2.retry, true);
  assert.ok(r2.error !== undefined);
});

test('webhook: url_file and max_alerts', async () => {
  const f = join(dir, 'url');
  writeFileSync(f, `${sink.base}/from-file\n`);
  const n = new WebhookNotifier(receiver(`  webhook_configs: [{ url_file: ${f}, max_alerts: 1 }]`).webhook_configs[0]!);
  assert.equal((await notify(n)).error, undefined);
  assert.equal(sink.requests.at(-1)!.url, '/from-file');
  const body = lastJSON();
  assert.equal((body['alerts'] as unknown[]).length, 1);
  assert.equal(body['truncatedAlerts'], 1);
  assert.deepEqual(body['commonLabels'], { alertname: 'Down', instance: 'a:1', job: 'api', team: 'db' });
});

test('slack: error answers from webhooks and the Web API fail for good', async () => {
  const n = new SlackNotifier(receiver('  slack_configs: [{ api_url: SINK/slack, channel: "#c" }]').slack_configs[0]!, { template: tmpl });
  for (const [headers, body, want] of [
    [{ 'content-type': 'text/plain' }, 'invalid_token', /channel "#c": received an error response from Slack: invalid_token/],
    [{ 'content-type': 'application/json; charset=utf-8' }, '{"ok":false,"error":"channel_not_found"}', /error response from Slack: channel_not_found/],
  ] as const) {
    sink.answer = () => ({ status: 200, headers, body });
    try {
      const r = await notify(n);
      assert.equal(r.retry, false);
      assert.match(r.error?.message ?? '', want);
    } finally {
      sink.answer = vendorAnswer;
    }
  }
  sink.answer = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  try {
    assert.equal((await notify(n)).error, undefined);
  } finally {
    sink.answer = vendorAnswer;
  }
});

test('opsgenie: create with alias, details, responders and tags; close when resolved; updates', async () => {
  const conf = receiver([
    '  opsgenie_configs:',
    '  - api_key: secret-key',
    '    api_url: SINK/og/',
    '    update_alerts: true',
    '    tags: "a, b,,c"',
    '    details: { extra: "{{ .CommonLabels.team }}" }',
    '    responders: [{ name: "t1,t2", type: teams }, { username: u@x.test, type: user }]',
  ].join('\n')).opsgenie_configs[0]!;
  const n = new OpsgenieNotifier(conf, { template: tmpl });
  const start = sink.requests.length;
  assert.equal((await notify(n)).error, undefined);
  const reqs = sink.requests.slice(start);
  const alias = hashKey('{}:{alertname="Down"}');
  assert.deepEqual(reqs.map((r) => `${r.method} ${r.url}`), [
    'POST /og/v2/alerts',
    `PUT /og/v2/alerts/${alias}/message?identifierType=alias`,
    `PUT /og/v2/alerts/${alias}/description?identifierType=alias`,
  ]);
  assert.equal(reqs[0]!.headers['authorization'], 'GenieKey secret-key');
  const create = JSON.parse(reqs[0]!.body.toString('utf8')) as Record<string, unknown>;
  assert.equal(create['message'], '[FIRING:2] Down (api db)');
  assert.deepEqual(create['details'], { alertname: 'Down', extra: 'db', job: 'api', team: 'db' });
  assert.deepEqual(create['responders'], [{ name: 't1', type: 'team' }, { name: 't2', type: 'team' }, { username: 'u@x.test', type: 'user' }]);
  assert.deepEqual(create['tags'], ['a', ' b', 'c']);
  assert.equal(create['source'], 'http://am:9093/#/alerts?receiver=r');
  assert.equal(create['alias'], alias);
  assert.equal((await notify(n, RESOLVED)).error, undefined);
  assert.equal(sink.requests.at(-1)!.url, `/og/v2/alerts/${alias}/close?identifierType=alias`);
  assert.deepEqual(lastJSON(), { source: 'http://am:9093/#/alerts?receiver=r' });
});

test('microsoft teams: MessageCard and Adaptive Card', async () => {
  assert.equal((await notify(make('msteams'))).error, undefined);
  const card = lastJSON();
  assert.equal(card['@context'], 'http://schema.org/extensions');
  assert.equal(card['type'], 'MessageCard');
  assert.equal(card['title'], '[FIRING:2] Down (api db)');
  assert.equal(card['summary'], '[FIRING:2] Down (api db)');
  assert.equal(card['themeColor'], '8C1A1A');
  assert.match(card['text'] as string, /^\n\n# Alerts Firing:\n\nLabels:\n {2}- alertname = Down\n/);
  const v2 = new MSTeamsV2Notifier(receiver('  msteamsv2_configs: [{ webhook_url: SINK/teams2 }]').msteamsv2_configs[0]!, { template: tmpl });
  assert.equal((await notify(v2, RESOLVED)).error, undefined);
  const msg = lastJSON() as { type: string; attachments: { contentType: string; contentUrl: null; content: { body: { text: string; color?: string }[]; msteams: unknown } }[] };
  assert.equal(msg.type, 'message');
  assert.equal(msg.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(msg.attachments[0]!.contentUrl, null);
  assert.equal(msg.attachments[0]!.content.body[0]!.text, '[RESOLVED] Down (api db)');
  assert.equal(msg.attachments[0]!.content.body[0]!.color, 'Good');
  assert.deepEqual(msg.attachments[0]!.content.msteams, { width: 'full' });
});

test('discord: content, embed title, description and colour', async () => {
  const n = new DiscordNotifier(receiver('  discord_configs: [{ webhook_url: SINK/discord, username: bot, content: "hey {{ .Status }}" }]').discord_configs[0]!, { template: tmpl });
  assert.equal((await notify(n)).error, undefined);
  const m = lastJSON() as { content: string; username: string; embeds: { title: string; description: string; color: number }[] };
  assert.equal(m.content, 'hey firing');
  assert.equal(m.username, 'bot');
  assert.equal(m.embeds[0]!.title, '[FIRING:2] Down (api db)');
  assert.equal(m.embeds[0]!.color, 0x992d22);
  assert.match(m.embeds[0]!.description, /^\n\nAlerts Firing:\nLabels:\n - alertname = Down\n/);
});

test('telegram: sendMessage with the bot token in the path and HTML-escaped text', async () => {
  const n = new TelegramNotifier(receiver('  telegram_configs: [{ bot_token: "123:abc", chat_id: -1001, api_url: SINK/tg, message: "<b>{{ .CommonLabels.job }}</b> {{ \\"a<b\\" }}", message_thread_id: 7 }]').telegram_configs[0]!, { template: tmpl });
  sink.answer = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"result":{"message_id":1,"chat":{"id":-1001}}}' });
  try {
    assert.equal((await notify(n)).error, undefined);
    assert.equal(sink.requests.at(-1)!.url, '/tg/bot123:abc/sendMessage');
    assert.deepEqual(lastJSON(), { chat_id: '-1001', disable_web_page_preview: 'true', message_thread_id: '7', parse_mode: 'HTML', text: '<b>api</b> a&lt;b' });
    sink.answer = () => ({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' });
    const r = await notify(n);
    assert.equal(r.retry, true);
    assert.equal(r.error?.message, 'telegram: Bad Request: chat not found (400)');
  } finally {
    sink.answer = vendorAnswer;
  }
});

test('pagerduty: an event over 512 KB has its details replaced, the summary is cut at 1024 runes', async () => {
  const big = [{ ...FIRING[0]!, annotations: { summary: 'x', blob: 'y'.repeat(600_000) } }];
  const n = new PagerdutyNotifier(receiver('  pagerduty_configs: [{ routing_key: k, url: SINK/enqueue, description: "{{ range .Alerts }}{{ .Annotations.blob }}{{ end }}" }]').pagerduty_configs[0]!, { template: tmpl });
  assert.equal((await notify(n, big)).error, undefined);
  const ev = lastJSON() as { payload: { summary: string; custom_details: Record<string, string> } };
  assert.deepEqual(ev.payload.custom_details, { error: 'Custom details have been removed because the original event exceeds the maximum size of 512KB' });
  assert.equal(Array.from(ev.payload.summary).length, 1024);
  assert.ok(ev.payload.summary.endsWith('…'));
});
