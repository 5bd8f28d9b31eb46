/**
 * Test-send and template preview, for `watchfire tool alertmanager test-receiver` /
 * `template render` and the API routes (`POST /api/v2/receivers/{name}/test`,
 * `POST /api/v2/templates/render`): send one notification through every integration of a
 * configured receiver with sample (or given) alerts, and render any template text against
 * sample (or given) data, as amtool's `template render` does.
 */
import { type AlertmanagerConfig, templateFiles } from '../config/index.js';
import { labelSetString } from '../labels/index.js';
import { buildIntegrations, integrationString } from '../notify/index.js';
import { type Alert, compareAlerts, newAlert, parseTime } from '../store/index.js';
import { NotificationTemplate, type TemplateData, type TemplateSource, templateData } from '../template/index.js';
import { type Logger, nopLogger } from '../../util/log.js';
import { registerReceivers } from './registry.js';

/** amtool's sample data for `template render` (times relative to `now`). */
export function sampleTemplateData(now = Date.now()): TemplateData {
  const common = { commonlabelkey1: 'commonlabelvalue1', commonlabelkey2: 'commonlabelvalue2' };
  const commonAnn = { commonannotationkey1: 'commonannotationvalue1', commonannotationkey2: 'commonannotationvalue2' };
  return {
    receiver: 'receiver',
    status: 'alertstatus',
    alerts: [
      {
        status: 'firing', labels: { label1: 'value1', label2: 'value2', instance: 'foo.bar:1234', ...common },
        annotations: { annotation1: 'value1', annotation2: 'value2', ...commonAnn },
        startsAt: now - 5 * 60_000, endsAt: now, generatorURL: 'https://generatorurl.com', fingerprint: 'fingerprint1',
      },
      {
        status: 'resolved', labels: { foo: 'bar', baz: 'qux', ...common }, annotations: { aaa: 'bbb', ccc: 'ddd', ...commonAnn },
        startsAt: now - 10 * 60_000, endsAt: now, generatorURL: 'https://generatorurl.com', fingerprint: 'fingerprint2',
      },
    ],
    groupLabels: { grouplabelkey1: 'grouplabelvalue1', grouplabelkey2: 'grouplabelvalue2' },
    commonLabels: common,
    commonAnnotations: commonAnn,
    externalURL: 'https://example.com',
  };
}

function stringRecord(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw new Error(`${what}.${k}: expected a string`);
    out[k] = x;
  }
  return out;
}

function timeField(v: unknown, what: string): number {
  if (v === undefined || v === null || v === '') return 0;
  const t = typeof v === 'string' ? parseTime(v) : undefined;
  if (t === undefined) throw new Error(`${what}: invalid time ${JSON.stringify(v)}`);
  return t;
}

/** Template data from JSON in the webhook / `template.Data` layout (amtool's `--template.data`). */
export function parseTemplateData(json: unknown): TemplateData {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('template data: expected a JSON object');
  const d = json as Record<string, unknown>;
  const alerts = Array.isArray(d['alerts']) ? (d['alerts'] as unknown[]) : [];
  const str = (k: string): string => (typeof d[k] === 'string' ? d[k] : '');
  return {
    receiver: str('receiver'),
    status: str('status'),
    alerts: alerts.map((x, i) => {
      const a = (x ?? {}) as Record<string, unknown>;
      return {
        status: typeof a['status'] === 'string' ? a['status'] : '',
        labels: stringRecord(a['labels'], `alerts[${i}].labels`),
        annotations: stringRecord(a['annotations'], `alerts[${i}].annotations`),
        startsAt: timeField(a['startsAt'], `alerts[${i}].startsAt`),
        endsAt: timeField(a['endsAt'], `alerts[${i}].endsAt`),
        generatorURL: typeof a['generatorURL'] === 'string' ? a['generatorURL'] : '',
        fingerprint: typeof a['fingerprint'] === 'string' ? a['fingerprint'] : '',
      };
    }),
    groupLabels: stringRecord(d['groupLabels'], 'groupLabels'),
    commonLabels: stringRecord(d['commonLabels'], 'commonLabels'),
    commonAnnotations: stringRecord(d['commonAnnotations'], 'commonAnnotations'),
    externalURL: str('externalURL'),
  };
}

/**
 * Alerts from JSON in the API v2 `postableAlerts` layout (`labels`, `annotations`,
 * `startsAt`, `endsAt`, `generatorURL`), sorted as the dispatcher sorts them. A missing start
 * is `now`; an end time at or before `now` makes the alert resolved.
 */
export function parseAlerts(json: unknown, now = Date.now()): Alert[] {
  if (!Array.isArray(json)) throw new Error('alerts: expected a JSON array');
  const out = json.map((x, i) => {
    const a = (x ?? {}) as Record<string, unknown>;
    const labels = stringRecord(a['labels'], `[${i}].labels`);
    if (Object.keys(labels).length === 0) throw new Error(`[${i}]: at least one label pair required`);
    const endsAt = timeField(a['endsAt'], `[${i}].endsAt`);
    return newAlert({
      labels, annotations: stringRecord(a['annotations'], `[${i}].annotations`),
      startsAt: timeField(a['startsAt'], `[${i}].startsAt`) || now, endsAt: endsAt !== 0 && endsAt <= now ? endsAt : 0,
      updatedAt: now, generatorURL: typeof a['generatorURL'] === 'string' ? a['generatorURL'] : '', timeout: false,
    });
  });
  return out.sort(compareAlerts);
}

/** The sample alert a test notification carries when none are given. */
export function sampleAlerts(now = Date.now()): Alert[] {
  return [newAlert({
    labels: { alertname: 'TestAlert', instance: 'localhost:9093', job: 'alertmanager', severity: 'info' },
    annotations: { summary: 'Test notification from Watchfire', description: 'This is a test notification sent to check the receiver configuration.' },
    startsAt: now, endsAt: 0, updatedAt: now, generatorURL: '', timeout: false,
  })];
}

export interface RenderOptions {
  /** Template text to render (`--template.text`). */
  readonly text: string;
  /** Template files: globs (`--template.glob`) or sources given directly. */
  readonly globs?: readonly string[];
  readonly files?: readonly TemplateSource[];
  /** `html` renders with html/template escaping (`--template.type=html`). */
  readonly type?: 'text' | 'html';
  /** The data; default amtool's sample data. */
  readonly data?: TemplateData;
}

/** Renders a template against sample or given data; throws on template errors (Go's wording). */
export function renderTemplate(o: RenderOptions): string {
  let files: readonly TemplateSource[] = o.files ?? [];
  if (o.globs !== undefined && o.globs.length > 0) {
    const f = templateFiles(o.globs);
    if (typeof f === 'string') throw new Error(f);
    files = [...files, ...f];
  }
  const t = new NotificationTemplate(files);
  const data = o.data ?? sampleTemplateData();
  return o.type === 'html' ? t.executeHTML(o.text, data) : t.executeText(o.text, data);
}

/** Template data for alerts as a receiver would render them (for previews of real alerts). */
export function dataForAlerts(receiver: string, alerts: readonly Alert[], externalURL: string, now = Date.now()): TemplateData {
  const first = alerts[0]?.labels['alertname'];
  return templateData(receiver, first === undefined ? {} : { alertname: first }, alerts, externalURL.replace(/\/+$/, ''), now);
}

export interface TestResult {
  /** `email[0]`, as Alertmanager names an integration. */
  readonly integration: string;
  readonly ok: boolean;
  readonly error?: string;
  /** Whether the failure would have been retried. */
  readonly retryable?: boolean;
}

export interface TestSendOptions {
  readonly alerts?: readonly Alert[];
  readonly externalURL?: string;
  /** Default: 30 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  readonly now?: number;
}

/**
 * Sends one notification through each integration of a receiver (once, no retries) and
 * reports each outcome. Throws when the receiver does not exist.
 */
export async function sendTestNotification(config: AlertmanagerConfig, receiverName: string, o: TestSendOptions = {}): Promise<TestResult[]> {
  registerReceivers();
  const r = config.receivers.find((x) => x.name === receiverName);
  if (r === undefined) throw new Error(`receiver ${JSON.stringify(receiverName)} not found`);
  const files = templateFiles(config.templates);
  if (typeof files === 'string') throw new Error(files);
  const now = o.now ?? Date.now();
  const alerts = o.alerts ?? sampleAlerts(now);
  const externalURL = o.externalURL ?? 'http://localhost:9093';
  const integrations = buildIntegrations(r, { logger: o.logger ?? nopLogger, externalURL, templateFiles: files.map((f) => f.path) });
  const first = alerts[0]?.labels['alertname'];
  const groupLabels: Record<string, string> = first === undefined ? {} : { alertname: first };
  const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs ?? 30_000), ...(o.signal !== undefined ? [o.signal] : [])]);
  const ctx = {
    signal, groupKey: `{}/test:${labelSetString(groupLabels)}`, receiverName, groupLabels, now, repeatIntervalMs: 0,
    routeID: '{}/test', firingAlerts: [], resolvedAlerts: [], externalURL,
  };
  return Promise.all(integrations.map(async (i): Promise<TestResult> => {
    const name = integrationString(i);
    try {
      const res = await i.notifier.notify(ctx, alerts);
      return res.error === undefined ? { integration: name, ok: true } : { integration: name, ok: false, error: res.error.message, retryable: res.retry };
    } catch (e) {
      return { integration: name, ok: false, error: e instanceof Error ? e.message : String(e), retryable: true };
    }
  }));
}
