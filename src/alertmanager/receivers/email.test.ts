import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SMTPServerOptions } from 'smtp-server';
import { makeTestPKI, type TestPKI } from '../../httpclient/test-certs.js';
import { loadAlertmanagerConfigString, type EmailConfig } from '../config/index.js';
import { NotificationTemplate, templateData } from '../template/index.js';
import { EmailNotifier, emailMessage } from './email.js';
import { type SMTPSink, dispatchedAlerts, notifyContext, startSMTPSink } from './test-sink.js';

const NOW = Date.parse('2026-11-27T02:00:00Z');
const tmpl = new NotificationTemplate();
let pki: TestPKI;

before(() => { pki = makeTestPKI(); });
after(() => { pki.cleanup(); });

function emailConfig(port: number, extra: string): EmailConfig {
  const yml = `global: { smtp_from: am@x.test, smtp_smarthost: "127.0.0.1:${port}", smtp_hello: am.x.test }\nroute: { receiver: r }\nreceivers:\n- name: r\n  email_configs:\n  - to: "ops@x.test, Second <two@x.test>"\n${extra.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  return loadAlertmanagerConfigString(yml, '').config.receivers[0]!.email_configs[0]!;
}

const ALERTS = [{ labels: { alertname: 'Dîsk', job: 'node' }, annotations: { summary: 'disk full' }, startsAt: '2026-11-27T01:00:00Z', generatorURL: 'http://prom/g' }];

async function send(conf: EmailConfig) {
  const ctx = notifyContext({ receiver: 'r', groupKey: '{}:{alertname="Dîsk"}', groupLabels: { alertname: 'Dîsk' }, now: NOW, externalURL: 'http://am:9093' });
  return new EmailNotifier(conf, { template: tmpl }).notify(ctx, dispatchedAlerts(ALERTS, NOW));
}

async function withServer(opts: Partial<SMTPServerOptions>, f: (s: SMTPSink) => Promise<void>): Promise<void> {
  const s = await startSMTPSink(opts);
  try {
    await f(s);
  } finally {
    await s.close();
  }
}

const TLS = (): Partial<SMTPServerOptions> => ({ key: pki.serverKey, cert: pki.serverCert });

// [name, server options, config lines, expected: user/method or error pattern and retry]
const CASES: [string, () => Partial<SMTPServerOptions>, string, { method?: string | null; secure?: boolean; error?: RegExp; retry?: boolean }][] = [
  ['STARTTLS required and offered', () => ({ ...TLS(), disabledCommands: [] }), `tls_config: { ca_file: CA }`, { method: null, secure: true }],
  ['STARTTLS required but not offered', () => ({}), '', { error: /'require_tls' is true \(default\) but "127\.0\.0\.1:\d+" does not advertise the STARTTLS extension/, retry: true }],
  ['STARTTLS with an untrusted certificate', () => ({ ...TLS(), disabledCommands: [] }), '', { error: /^send STARTTLS command: /, retry: true }],
  ['implicit TLS', () => ({ ...TLS(), secure: true }), `force_implicit_tls: true\ntls_config: { ca_file: CA }`, { method: null, secure: true }],
  ['AUTH PLAIN to localhost without TLS', () => ({ authMethods: ['PLAIN'] }), `require_tls: false\nauth_username: u\nauth_password: p`, { method: 'PLAIN' }],
  ['AUTH LOGIN (first offered)', () => ({ authMethods: ['LOGIN', 'PLAIN'] }), `require_tls: false\nauth_username: u\nauth_password: p`, { method: 'LOGIN' }],
  ['AUTH CRAM-MD5 with the secret', () => ({ authMethods: ['CRAM-MD5'] }), `require_tls: false\nauth_username: u\nauth_secret: s3cret`, { method: 'CRAM-MD5' }],
  ['CRAM-MD5 without a secret', () => ({ authMethods: ['CRAM-MD5'] }), `require_tls: false\nauth_username: u\nauth_password: p`, { error: /^find auth mechanism: missing secret for CRAM-MD5 auth mechanism$/, retry: true }],
  ['no username: no AUTH', () => ({ authMethods: ['PLAIN'] }), `require_tls: false`, { method: null }],
];

for (const [name, opts, extra, want] of CASES) {
  test(`email: ${name}`, async () => {
    let secure = false;
    await withServer({
      ...opts(),
      onConnect(session, cb) { cb(); },
      onMailFrom(_addr, session, cb) { secure = session.secure; cb(); },
      onAuth(auth, _session, cb) {
        if (auth.method === 'CRAM-MD5' && !auth.validatePassword('s3cret')) { cb(new Error('bad secret')); return; }
        if (auth.method !== 'CRAM-MD5' && auth.password !== 'p') { cb(new Error('bad password')); return; }
        cb(null, { user: auth.username });
      },
    }, async (s) => {
      const conf = emailConfig(s.port, extra.replaceAll('CA', pki.caFile));
      const r = await send(conf);
      if (want.error !== undefined) {
        assert.match(r.error?.message ?? '', want.error);
        assert.equal(r.retry, want.retry);
        assert.equal(s.mails.length, 0);
        return;
      }
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal(s.mails.length, 1);
      const m = s.mails[0]!;
      assert.deepEqual((m.envelope.rcptTo as { address: string }[]).map((x) => x.address), ['ops@x.test', 'two@x.test']);
      assert.equal(m.helo, 'am.x.test');
      assert.equal(m.authMethod, want.method);
      if (want.secure !== undefined) assert.equal(secure, want.secure);
    });
  });
}

test('email: wrong password fails with the server reply, retried', async () => {
  await withServer({ authMethods: ['PLAIN'], onAuth(_a, _s, cb) { cb(new Error('Invalid credentials')); } }, async (s) => {
    const r = await send(emailConfig(s.port, 'require_tls: false\nauth_username: u\nauth_password: p'));
    assert.equal(r.retry, true);
    assert.match(r.error?.message ?? '', /^PLAIN auth: 535 Invalid credentials/);
  });
});

test('email: message headers (Q-encoded when needed), custom headers and both parts', () => {
  const conf = emailConfig(25, 'headers: { Subject: "Ärger: {{ .CommonLabels.alertname }}", X-Team: ops, Reply-To: r@x.test }\ntext: "{{ .CommonAnnotations.summary }}"');
  const alerts = dispatchedAlerts(ALERTS, NOW);
  const m = emailMessage(conf, tmpl, templateData('r', { alertname: 'Dîsk' }, alerts, 'http://am:9093', NOW), { now: NOW, hostname: 'h', boundary: 'BOUNDARY' });
  assert.equal(m.from, 'am@x.test');
  assert.deepEqual(m.to, ['ops@x.test', 'two@x.test']);
  const [head, body] = m.data.split('\r\n\r\n--BOUNDARY\r\n') as [string, string];
  const lines = head.split('\r\n');
  assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(':'))), ['X-Team', 'Reply-To', 'Subject', 'To', 'From', 'Message-Id', 'Date', 'Content-Type', 'MIME-Version']);
  assert.equal(lines[2], 'Subject: =?utf-8?q?=C3=84rger:_D=C3=AEsk?=');
  assert.equal(lines[3], 'To: ops@x.test, Second <two@x.test>');
  assert.match(lines[5]!, /^Message-Id: <\d+\.\d+@h>$/);
  assert.equal(lines[7], 'Content-Type: multipart/alternative;  boundary=BOUNDARY');
  assert.ok(body.startsWith('Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\ndisk full\r\n--BOUNDARY\r\n'));
  assert.ok(body.includes('Content-Type: text/html; charset=UTF-8'));
  assert.ok(body.endsWith('\r\n--BOUNDARY--\r\n'));
});

test('email: a bad address is a permanent failure', async () => {
  const conf = emailConfig(25, '');
  const r = await send({ ...conf, to: '{{ .Status }}' });
  assert.equal(r.retry, false);
  assert.match(r.error?.message ?? '', /parse 'to' addresses: mail: missing @ in addr-spec/);
});
