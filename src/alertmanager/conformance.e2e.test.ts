/**
 * Conformance with Alertmanager 0.25's captured notifications, end to end: `watchfire
 * alertmanager` runs (in process, through the command's own launch function) with the
 * captured configuration, its sink addresses pointed at a local HTTP sink and an SMTP server
 * from npm, and the captures' external URL. The captured input alerts are POSTed to
 * /api/v2/alerts as Alertmanager got them — first the firing ones, then the resolved ones —
 * and every integration must send exactly one notification per phase, equal to the capture
 * (see receivers/testing-conformance.ts for what is compared). The PagerDuty Events API v1
 * endpoint is fixed, so, as in the capture, it is reached through the configured proxy_url:
 * the HTTP sink answers the CONNECT and terminates the TLS.
 *
 * Header values that are ours by design (the process is Watchfire, not Alertmanager):
 * `User-Agent: Watchfire/<version>` (Alertmanager sends `Alertmanager/0.25.0`) and the email
 * Message-Id's host name (this machine's); the sink's host and port differ from the capture
 * sink's (127.0.0.1:18080 / :12525) because the test listens on port 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchAlertmanager, type AlertmanagerHandle } from '../cmd/alertmanager.js';
import { BUILD_INFO } from '../cmd/version.js';
import { eventually } from '../testing/peers.js';
import { type Captured, type Mail, type HTTPSink, type SMTPSink, startHTTPSink, startSMTPSink } from './receivers/test-sink.js';
import {
  CAPTURE_COUNT, CAPTURE_EXTERNAL_URL, EMAIL_CAPTURES, HTTP_CAPTURES, PHASES,
  type ConformanceTally, type Phase, captureEnvelope, captureRequest, compareEmailCapture, compareHTTPCapture, conformanceConfig, inputAlertsText,
} from './receivers/testing-conformance.js';

/** Ours by design: the product token of Watchfire's notification requests. */
const OUR_USER_AGENT = `Watchfire/${BUILD_INFO.version}`;
/** Integrations of the captured receiver: one notification each per phase. */
const INTEGRATIONS = HTTP_CAPTURES.length + EMAIL_CAPTURES.length;
/** Bound on each wait; the flushes come after group_wait 1s and group_interval 3s. */
const WAIT_MS = 30_000;

interface Running { am: AlertmanagerHandle; base: string; http: HTTPSink; smtp: SMTPSink; dir: string }

async function start(): Promise<Running> {
  const http = await startHTTPSink({ tlsTunnelHost: 'events.pagerduty.com' });
  const smtp = await startSMTPSink();
  const dir = mkdtempSync(join(tmpdir(), 'wf-am-conformance-'));
  const cfg = join(dir, 'alertmanager.yml');
  writeFileSync(cfg, conformanceConfig(http.base, smtp.port));
  const am = await launchAlertmanager([
    `--config.file=${cfg}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0',
    `--web.external-url=${CAPTURE_EXTERNAL_URL}`, '--cluster.listen-address=', '--log.level=error',
  ]);
  assert.notEqual(typeof am, 'number', 'watchfire alertmanager did not start');
  const h = am as AlertmanagerHandle;
  return { am: h, base: `http://${h.addresses[0]!}`, http, smtp, dir };
}

async function stop(r: Running): Promise<void> {
  await r.am.stop();
  await r.http.close();
  await r.smtp.close();
  rmSync(r.dir, { recursive: true, force: true });
}

async function postAlerts(base: string, phase: Phase): Promise<void> {
  const res = await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: inputAlertsText(phase) });
  assert.equal(res.status, 200, await res.text());
}

async function metricSum(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/** The HTTP requests of one capture (by its path) and the emails of one (by recipients), in arrival order. */
function requestsOf(http: HTTPSink, name: string): Captured[] {
  const path = captureRequest(name, 'firing').url;
  return http.requests.filter((c) => c.url === path);
}

function mailsOf(smtp: SMTPSink, name: string): Mail[] {
  const want = JSON.stringify(captureEnvelope(name, 'firing').envelope.rcptTo);
  return smtp.mails.filter((m) => JSON.stringify(m.envelope.rcptTo) === want);
}

/** What each integration sent so far, as `name: count` (for messages). */
function counts(r: Running): string {
  return [...HTTP_CAPTURES.map((c) => `${c.name}: ${requestsOf(r.http, c.name).length}`), ...EMAIL_CAPTURES.map((c) => `email/${c.name}: ${mailsOf(r.smtp, c.name).length}`)].join(', ');
}

/** Resolves once every integration has sent `n` notifications (any integration sending more fails at once). */
async function waitForEach(r: Running, n: number, what: string): Promise<void> {
  const each = (): number[] => [...HTTP_CAPTURES.map((c) => requestsOf(r.http, c.name).length), ...EMAIL_CAPTURES.map((c) => mailsOf(r.smtp, c.name).length)];
  await eventually(() => {
    const got = each();
    assert.ok(got.every((x) => x <= n), `more than ${n} notification(s) from an integration: ${counts(r)}`);
    return got.every((x) => x === n) ? true : undefined;
  }, WAIT_MS, `${what} (${counts(r)})`);
  assert.equal(r.http.requests.length + r.smtp.mails.length, n * INTEGRATIONS, `only the receiver's integrations sent: ${counts(r)}`);
}

test('watchfire alertmanager sends the captured notifications end to end', { timeout: 120_000 }, async (t) => {
  const r = await start();
  const tally: ConformanceTally = { captures: 0, fields: 0 };
  try {
    // Firing: one notification per integration, and no second one at the next group_interval
    // (once two flushes ran the dedup stage of every integration, the second one is over).
    await postAlerts(r.base, 'firing');
    await waitForEach(r, 1, 'the firing notifications');
    await eventually(async () => (await metricSum(r.base, 'alertmanager_nflog_queries_total')) >= 2 * INTEGRATIONS ? true : undefined, WAIT_MS, 'a second flush of the group');
    await waitForEach(r, 1, 'no repeated firing notification');

    // Resolved: one more each; the flush that carried them empties the group, so nothing can follow.
    await postAlerts(r.base, 'resolved');
    await waitForEach(r, 2, 'the resolved notifications');
    await eventually(async () => {
      const groups = await (await fetch(`${r.base}/api/v2/alerts/groups`)).json() as unknown[];
      return groups.length === 0 ? true : undefined;
    }, WAIT_MS, 'the resolved alerts to leave their group');
    await waitForEach(r, 2, 'no further notification');
    assert.equal(await metricSum(r.base, 'alertmanager_notifications_failed_total'), 0);
    assert.equal(await metricSum(r.base, 'alertmanager_notification_requests_failed_total'), 0);

    for (const c of HTTP_CAPTURES) {
      const got = requestsOf(r.http, c.name);
      PHASES.forEach((phase, i) => { compareHTTPCapture(got[i]!, c.name, phase, { userAgent: OUR_USER_AGENT, tunnelled: true }, tally); });
    }
    for (const c of EMAIL_CAPTURES) {
      const got = mailsOf(r.smtp, c.name);
      PHASES.forEach((phase, i) => { compareEmailCapture(got[i]!, c.name, phase, tally); });
    }
  } finally {
    t.diagnostic(`captures matched end to end: ${tally.captures}/${CAPTURE_COUNT}; JSON fields matched: ${tally.fields}`);
    await stop(r);
  }
  assert.equal(tally.captures, CAPTURE_COUNT);
});
