/**
 * Microsoft Teams: `msteams_configs` post an Office 365 connector MessageCard (title,
 * summary, text, theme colour red/green by status) to the incoming-webhook URL;
 * `msteamsv2_configs` post an Adaptive Card (a heading block coloured Attention/Good and a
 * text block) for Power Automate workflows. 5xx is retried.
 */
import type { MSTeamsConfig, MSTeamsV2Config } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, TextRenderer } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import {
  type NotifierDeps, NotifyFailure, checkResponse, integrationClient, notificationData, post, secretValue, toResult, transportFailure,
} from './common.js';
import { goJSONEncode } from './go-json.js';
import { redactURL } from './webhook.js';

/** The MessageCard of a notification. */
export function msteamsBody(conf: MSTeamsConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): string {
  const data = notificationData(ctx, alerts);
  const r = new TextRenderer(tmpl, data);
  const title = r.render(conf.title);
  const text = r.render(conf.text);
  const summary = r.render(conf.summary);
  if (r.error !== null) throw new NotifyFailure(r.error.message, false, { cause: r.error });
  return goJSONEncode({
    '@context': 'http://schema.org/extensions', type: 'MessageCard', title, summary, text,
    themeColor: data.status === 'firing' ? '8C1A1A' : '2DC72D',
  });
}

/** The Adaptive Card message of a notification. */
export function msteamsV2Body(conf: MSTeamsV2Config, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): string {
  const data = notificationData(ctx, alerts);
  const r = new TextRenderer(tmpl, data);
  const title = r.render(conf.title);
  const text = r.render(conf.text);
  if (r.error !== null) throw new NotifyFailure(r.error.message, false, { cause: r.error });
  return goJSONEncode({
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.2',
        body: [
          { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading', color: data.status === 'firing' ? 'Attention' : 'Good' },
          { type: 'TextBlock', text, wrap: true },
        ],
        msteams: { width: 'full' },
      },
    }],
  });
}

abstract class WebhookURLNotifier implements Notifier {
  protected readonly client: HTTPClient;
  constructor(protected readonly target: { webhook_url: string; webhook_url_file: string }, kind: string, http: MSTeamsConfig['http_config'], protected readonly tmpl: NotificationTemplate) {
    this.client = integrationClient(http, kind);
  }

  protected abstract body(ctx: NotifyContext, alerts: readonly Alert[]): string;

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const body = this.body(ctx, alerts);
      const url = this.target.webhook_url !== '' ? this.target.webhook_url : await secretValue('', this.target.webhook_url_file, 'webhook_url');
      let res;
      try {
        res = await post(this.client, url, body, ctx.signal);
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

export class MSTeamsNotifier extends WebhookURLNotifier {
  constructor(private readonly conf: MSTeamsConfig, deps: NotifierDeps) {
    super(conf, 'msteams', conf.http_config, deps.template);
  }

  protected body(ctx: NotifyContext, alerts: readonly Alert[]): string {
    return msteamsBody(this.conf, this.tmpl, ctx, alerts);
  }
}

export class MSTeamsV2Notifier extends WebhookURLNotifier {
  constructor(private readonly conf: MSTeamsV2Config, deps: NotifierDeps) {
    super(conf, 'msteamsv2', conf.http_config, deps.template);
  }

  protected body(ctx: NotifyContext, alerts: readonly Alert[]): string {
    return msteamsV2Body(this.conf, this.tmpl, ctx, alerts);
  }
}

export { WebhookURLNotifier };
