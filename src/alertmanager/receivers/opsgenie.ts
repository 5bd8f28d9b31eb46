/**
 * The Opsgenie integration (Alert API v2): while anything fires, creates the alert
 * (`POST {api_url}v2/alerts`) with the group key's SHA-256 as alias, the message cut at 130
 * runes, details = common labels overlaid with the configured ones, responders (a `teams`
 * responder expands to one team per comma-separated name), tags and actions split on
 * commas; with `update_alerts` also updates message and description. Once all resolved,
 * closes it (`POST {api_url}v2/alerts/{alias}/close?identifierType=alias`). Requests carry
 * `Authorization: GenieKey <key>`; 429 and 5xx are retried.
 */
import type { OpsGenieConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, TextRenderer } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import {
  type NotifierDeps, NotifyFailure, checkResponse, hashKey, integrationClient, notificationData, post, secretValue, toResult,
  transportFailure, truncateInRunes,
} from './common.js';
import { type GoJSON, goJSONEncode } from './go-json.js';

const MAX_MESSAGE_RUNES = 130;

export interface OpsgenieRequest {
  method: 'POST' | 'PUT';
  url: string;
  body: string;
}

function splitNonEmpty(s: string): string[] {
  return s.trim().split(',').filter((x) => x !== '');
}

/** The requests of a notification, and the API key. */
export async function opsgenieRequests(conf: OpsGenieConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): Promise<{ requests: OpsgenieRequest[]; apiKey: string }> {
  const data = notificationData(ctx, alerts);
  const r = new TextRenderer(tmpl, data);
  const t = (s: string): string => r.render(s);
  const alias = hashKey(ctx.groupKey);
  const base = conf.api_url;
  const requests: OpsgenieRequest[] = [];
  if (data.status === 'resolved') {
    requests.push({ method: 'POST', url: `${base}v2/alerts/${alias}/close?identifierType=alias`, body: goJSONEncode({ source: t(conf.source) }) });
  } else {
    const details = new Map<string, string>(Object.entries(data.commonLabels));
    for (const [k, v] of Object.entries(conf.details)) details.set(k, t(v));
    const responders: GoJSON[] = [];
    for (const rc of conf.responders) {
      const resp = { id: t(rc.id), name: t(rc.name), username: t(rc.username), type: t(rc.type) };
      if (resp.id === '' && resp.name === '' && resp.username === '' && resp.type === '') continue;
      if (resp.type === 'teams') {
        for (const team of splitNonEmpty(resp.name)) responders.push({ name: t(team) || undefined, type: t('team') });
        continue;
      }
      responders.push({ id: resp.id || undefined, name: resp.name || undefined, username: resp.username || undefined, type: resp.type });
    }
    const message = truncateInRunes(t(conf.message), MAX_MESSAGE_RUNES).s;
    const description = t(conf.description);
    const tags = splitNonEmpty(t(conf.tags));
    const actions = splitNonEmpty(t(conf.actions));
    const msg = {
      alias,
      message,
      description: description || undefined,
      details,
      source: t(conf.source),
      responders: responders.length > 0 ? responders : undefined,
      tags: tags.length > 0 ? tags : undefined,
      note: t(conf.note) || undefined,
      priority: t(conf.priority) || undefined,
      entity: t(conf.entity) || undefined,
      actions: actions.length > 0 ? actions : undefined,
    };
    requests.push({ method: 'POST', url: `${base}v2/alerts`, body: goJSONEncode(msg) });
    if (conf.update_alerts) {
      requests.push({ method: 'PUT', url: `${base}v2/alerts/${alias}/message?identifierType=alias`, body: goJSONEncode({ message: message || undefined }) });
      requests.push({ method: 'PUT', url: `${base}v2/alerts/${alias}/description?identifierType=alias`, body: goJSONEncode({ description: description || undefined }) });
    }
  }
  const apiKey = t(await secretValue(conf.api_key, conf.api_key_file, 'api key'));
  if (r.error !== null) throw new NotifyFailure(`templating error: ${r.error.message}`, false, { cause: r.error });
  return { requests, apiKey };
}

export class OpsgenieNotifier implements Notifier {
  private readonly client: HTTPClient;
  private readonly tmpl: NotificationTemplate;
  constructor(private readonly conf: OpsGenieConfig, deps: NotifierDeps) {
    this.client = integrationClient(conf.http_config, 'opsgenie');
    this.tmpl = deps.template;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const { requests, apiKey } = await opsgenieRequests(this.conf, this.tmpl, ctx, alerts);
      for (const req of requests) {
        let res;
        try {
          res = await post(this.client, req.url, req.body, ctx.signal, { method: req.method, headers: { Authorization: `GenieKey ${apiKey}` } });
        } catch (e) {
          throw transportFailure(e);
        }
        const f = checkResponse(res.status, res.body, { retryCodes: [429] });
        if (f !== null) throw f;
      }
      return { retry: false };
    } catch (e) {
      return toResult(e);
    }
  }
}
