/**
 * The webhook integration: POSTs Alertmanager's version-4 message (the template data plus
 * `version`, `groupKey` and `truncatedAlerts`) as Go's JSON encoder writes it, trailing
 * newline included. With `max_alerts`, only the first alerts are sent and the common labels,
 * annotations and status are computed over those. 2xx is success, 5xx is retried, anything
 * else fails for good; transport errors are retried with the URL redacted.
 */
import type { WebhookConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import type { TemplateData } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import {
  NotifyFailure, checkResponse, integrationClient, notificationData, post, secretValue, toResult, transportFailure,
} from './common.js';
import { type GoJSON, goJSONEncode, goMap, goTimeJSON } from './go-json.js';

/** The template data as Alertmanager's webhook JSON (field order of `template.Data`). */
export function dataJSON(d: TemplateData): { [k: string]: GoJSON } {
  return {
    receiver: d.receiver,
    status: d.status,
    alerts: d.alerts.map((a) => ({
      status: a.status,
      labels: goMap(a.labels),
      annotations: goMap(a.annotations),
      startsAt: goTimeJSON(a.startsAt),
      endsAt: goTimeJSON(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: goMap(d.groupLabels),
    commonLabels: goMap(d.commonLabels),
    commonAnnotations: goMap(d.commonAnnotations),
    externalURL: d.externalURL,
  };
}

/** The body of a webhook notification. */
export function webhookBody(ctx: NotifyContext, alerts: readonly Alert[], maxAlerts: number): string {
  let sent = alerts;
  let truncated = 0;
  if (maxAlerts > 0 && alerts.length > maxAlerts) {
    sent = alerts.slice(0, maxAlerts);
    truncated = alerts.length - maxAlerts;
  }
  const d = notificationData(ctx, sent);
  return goJSONEncode({ ...dataJSON(d), version: '4', groupKey: ctx.groupKey, truncatedAlerts: truncated });
}

/** Go's RedactURL: the URL of a request error hidden (it may carry credentials). */
export function redactURL(msg: string): string {
  return msg.replace(/^(\w+) "[^"]*"/, '$1 "<redacted>"');
}

export class WebhookNotifier implements Notifier {
  private readonly client: HTTPClient;
  /** The webhook body uses no templates, hence no dependencies. */
  constructor(private readonly conf: WebhookConfig) {
    this.client = integrationClient(conf.http_config, 'webhook');
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const body = webhookBody(ctx, alerts, this.conf.max_alerts);
      let url = this.conf.url;
      if (url === '') {
        url = await secretValue('', this.conf.url_file, 'url');
        if (url === '') throw new NotifyFailure('webhook URL is empty', false);
      }
      let res;
      try {
        res = await post(this.client, url, body, ctx.signal, { timeoutMs: this.conf.timeout });
      } catch (e) {
        throw transportFailure(new Error(redactURL(e instanceof Error ? e.message : String(e)), { cause: e }));
      }
      const f = checkResponse(res.status, res.body);
      if (f !== null) throw f;
      return { retry: false };
    } catch (e) {
      return toResult(e);
    }
  }
}
