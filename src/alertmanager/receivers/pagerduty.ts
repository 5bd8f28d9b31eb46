/**
 * The PagerDuty integration: Events API v2 (`routing_key`, posted to `url`) or v1
 * (`service_key`, posted to the fixed v1 endpoint), with Alertmanager's bodies: the dedup
 * (v2) or incident (v1) key is the SHA-256 of the group key, `event_action`/`event_type` is
 * `trigger` while anything fires and `resolve` after, the description/summary is cut at 1024
 * runes, `details` are rendered templates, and a body over 512 KB has its details replaced by
 * an explanation. v2 retries 429 and 5xx, v1 retries 403 and 5xx; 400 answers explain
 * themselves in the error.
 */
import type { PagerdutyConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, type TemplateData, TextRenderer } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import type { Logger } from '../../util/log.js';
import {
  type NotifierDeps, NotifyFailure, checkResponse, hashKey, integrationClient, notificationData, post, secretValue, toResult,
  transportFailure, truncateInRunes,
} from './common.js';
import { type GoJSON, goJSONEncode } from './go-json.js';

/** The Events API v1 endpoint, fixed as in Alertmanager. */
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
const MAX_EVENT_SIZE = 512000;
const MAX_DESCRIPTION_RUNES = 1024;
const TRUNCATED_DETAILS = 'Custom details have been removed because the original event exceeds the maximum size of 512KB';

function errDetails(status: number, body: Buffer): string {
  if (status !== 400 || body.length === 0) return '';
  try {
    const r = JSON.parse(body.toString('utf8')) as { message?: unknown; errors?: unknown };
    const msg = typeof r.message === 'string' ? r.message : '';
    const errs = Array.isArray(r.errors) ? r.errors.filter((x): x is string => typeof x === 'string') : [];
    return `${msg}: ${errs.join(',')}`;
  } catch {
    return '';
  }
}

/** Go's units.MetricBytes text for a size (`1.2MB`, `600KB`), as the warning prints it. */
function metricBytes(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}MB`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}KB`;
  return `${n}B`;
}

interface Message {
  v1: boolean;
  fields: { [k: string]: GoJSON | undefined };
  details: Map<string, string>;
}

function encode(m: Message, logger: Logger | null): string {
  const body = (): string => {
    if (m.v1) return goJSONEncode({ ...m.fields, details: m.details.size > 0 ? m.details : undefined, ...trailing(m) });
    const payload = m.fields['payload'] as { [k: string]: GoJSON | undefined };
    return goJSONEncode({ ...m.fields, payload: { ...payload, custom_details: m.details.size > 0 ? m.details : undefined }, ...trailing(m) });
  };
  let out = body();
  if (Buffer.byteLength(out) > MAX_EVENT_SIZE) {
    logger?.warn(`Truncated Details because message of size ${metricBytes(Buffer.byteLength(out))} exceeds limit 512KB`);
    m.details = new Map([['error', TRUNCATED_DETAILS]]);
    out = body();
  }
  return out;
}

/** Members that come after `details` in Alertmanager's message struct. */
function trailing(m: Message): { [k: string]: GoJSON | undefined } {
  return { images: m.fields['images'], links: m.fields['links'] };
}

/** The event body and endpoint for a notification. */
export async function pagerdutyEvent(conf: PagerdutyConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[], logger: Logger | null = null, v1URL = PAGERDUTY_V1_URL): Promise<{ url: string; body: string; v1: boolean }> {
  const data = notificationData(ctx, alerts);
  const eventType = data.status === 'resolved' ? 'resolve' : 'trigger';
  const details = new Map<string, string>();
  for (const [k, v] of Object.entries(conf.details)) {
    try {
      details.set(k, tmpl.executeText(v, data));
    } catch (e) {
      throw new NotifyFailure(`${JSON.stringify(k)}: failed to template ${JSON.stringify(v)}: ${e instanceof Error ? e.message : String(e)}`, false, { cause: e });
    }
  }
  const key = hashKey(ctx.groupKey);
  const v1 = conf.service_key !== '' || conf.service_key_file !== '';
  return v1 ? v1Event(conf, tmpl, data, key, eventType, details, logger, v1URL) : v2Event(conf, tmpl, data, key, eventType, details, logger);
}

async function v1Event(conf: PagerdutyConfig, tmpl: NotificationTemplate, data: TemplateData, key: string, eventType: string, details: Map<string, string>, logger: Logger | null, url: string): Promise<{ url: string; body: string; v1: boolean }> {
  const r = new TextRenderer(tmpl, data);
  const description = truncateInRunes(r.render(conf.description), MAX_DESCRIPTION_RUNES);
  if (description.truncated) logger?.warn('Truncated description', { max_runes: MAX_DESCRIPTION_RUNES });
  const serviceKey = await secretValue(conf.service_key, conf.service_key_file, 'service key');
  const fields: { [k: string]: GoJSON | undefined } = {
    service_key: r.render(serviceKey) || undefined,
    incident_key: key,
    event_type: eventType,
    description: description.s || undefined,
    event_action: '',
    payload: null,
    client: eventType === 'trigger' ? r.render(conf.client) || undefined : undefined,
    client_url: eventType === 'trigger' ? r.render(conf.client_url) || undefined : undefined,
  };
  if (r.error !== null) throw new NotifyFailure(`failed to template PagerDuty v1 message: ${r.error.message}`, false, { cause: r.error });
  if (fields['service_key'] === undefined) throw new NotifyFailure('service key cannot be empty', false);
  return { url, body: encode({ v1: true, fields, details }, logger), v1: true };
}

async function v2Event(conf: PagerdutyConfig, tmpl: NotificationTemplate, data: TemplateData, key: string, eventType: string, details: Map<string, string>, logger: Logger | null): Promise<{ url: string; body: string; v1: boolean }> {
  const r = new TextRenderer(tmpl, data);
  const summary = truncateInRunes(r.render(conf.description), MAX_DESCRIPTION_RUNES);
  if (summary.truncated) logger?.warn('Truncated summary', { max_runes: MAX_DESCRIPTION_RUNES });
  const routingKey = await secretValue(conf.routing_key, conf.routing_key_file, 'routing key');
  const images: GoJSON[] = [];
  const links: GoJSON[] = [];
  const client = r.render(conf.client);
  const clientURL = r.render(conf.client_url);
  const rk = r.render(routingKey);
  const payload = {
    summary: summary.s,
    source: r.render(conf.source),
    severity: r.render(conf.severity === '' ? 'error' : conf.severity),
    timestamp: undefined,
    class: r.render(conf.class) || undefined,
    component: r.render(conf.component) || undefined,
    group: r.render(conf.group) || undefined,
  };
  for (const im of conf.images) {
    const img = { src: r.render(im.src), alt: r.render(im.alt), href: r.render(im.href) };
    if (img.src !== '') images.push(img);
  }
  for (const l of conf.links) {
    const link = { href: r.render(l.href), text: r.render(l.text) };
    if (link.href !== '') links.push(link);
  }
  if (r.error !== null) throw new NotifyFailure(`failed to template PagerDuty v2 message: ${r.error.message}`, false, { cause: r.error });
  if (rk === '') throw new NotifyFailure('routing key cannot be empty', false);
  const fields: { [k: string]: GoJSON | undefined } = {
    routing_key: rk,
    dedup_key: key,
    event_action: eventType,
    payload,
    client: client || undefined,
    client_url: clientURL || undefined,
    images: images.length > 0 ? images : undefined,
    links: links.length > 0 ? links : undefined,
  };
  return { url: conf.url, body: encode({ v1: false, fields, details }, logger), v1: false };
}

export class PagerdutyNotifier implements Notifier {
  private readonly client: HTTPClient;
  private readonly tmpl: NotificationTemplate;
  /** `v1URL` replaces the fixed Events API v1 endpoint (tests). */
  constructor(private readonly conf: PagerdutyConfig, deps: NotifierDeps, private readonly logger: Logger | null = null, private readonly v1URL = PAGERDUTY_V1_URL) {
    this.client = integrationClient(conf.http_config, 'pagerduty');
    this.tmpl = deps.template;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const ev = await pagerdutyEvent(this.conf, this.tmpl, ctx, alerts, this.logger, this.v1URL);
      let res;
      try {
        res = await post(this.client, ev.url, ev.body, ctx.signal);
      } catch (e) {
        throw transportFailure(e, ev.v1 ? 'failed to post message to PagerDuty v1' : 'failed to post message to PagerDuty');
      }
      const f = checkResponse(res.status, res.body, { retryCodes: ev.v1 ? [403] : [429], details: errDetails });
      if (f !== null) throw f;
      return { retry: false };
    } catch (e) {
      return toResult(e);
    }
  }
}
