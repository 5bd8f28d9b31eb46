/**
 * The Slack integration: one legacy attachment rendered from the configured templates
 * (title truncated to 1024 runes), posted to the incoming-webhook URL (`api_url`,
 * `api_url_file`) or to `chat.postMessage` with an app token. The JSON has Alertmanager's
 * field order and `omitempty` choices. 2xx with body `ok` (webhooks) or `{"ok":true}` (Web
 * API) is success; 5xx is retried; a Slack error answer fails for good.
 */
import type { SlackConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, TextRenderer } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import {
  type NotifierDeps, NotifyFailure, checkResponse, integrationClient, notificationData, post, secretValue, toResult, transportFailure,
  truncateInRunes,
} from './common.js';
import { type GoJSON, goJSONEncode } from './go-json.js';
import { redactURL } from './webhook.js';

const MAX_TITLE_RUNES = 1024;

const orUndef = (s: string): string | undefined => (s === '' ? undefined : s);

/** The request body Slack gets, or the template error. */
export function slackBody(conf: SlackConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): { body: string; channel: string; titleTruncated: boolean } {
  const r = new TextRenderer(tmpl, notificationData(ctx, alerts));
  const t = (s: string): string => r.render(s);
  const title = truncateInRunes(t(conf.title), MAX_TITLE_RUNES);
  const fields: GoJSON[] = conf.fields.map((f) => ({
    title: orUndef(t(f.title)),
    value: orUndef(t(f.value)),
    short: f.short ?? conf.short_fields,
  }));
  const actions: GoJSON[] = conf.actions.map((a) => ({
    type: orUndef(t(a.type)),
    text: orUndef(t(a.text)),
    url: orUndef(t(a.url)),
    style: orUndef(t(a.style)),
    name: orUndef(t(a.name)),
    value: orUndef(t(a.value)),
    confirm: a.confirm === null ? undefined : {
      text: orUndef(t(a.confirm.text)),
      title: orUndef(t(a.confirm.title)),
      ok_text: orUndef(t(a.confirm.ok_text)),
      dismiss_text: orUndef(t(a.confirm.dismiss_text)),
    },
  }));
  const attachment = {
    title: orUndef(title.s),
    title_link: orUndef(t(conf.title_link)),
    pretext: orUndef(t(conf.pretext)),
    text: t(conf.text),
    fallback: t(conf.fallback),
    callback_id: t(conf.callback_id),
    fields: fields.length > 0 ? fields : undefined,
    actions: actions.length > 0 ? actions : undefined,
    image_url: orUndef(t(conf.image_url)),
    thumb_url: orUndef(t(conf.thumb_url)),
    footer: t(conf.footer),
    color: orUndef(t(conf.color)),
    mrkdwn_in: conf.mrkdwn_in.length > 0 ? conf.mrkdwn_in : ['fallback', 'pretext', 'text'],
  };
  const channel = t(conf.channel);
  const req = {
    channel: orUndef(channel),
    username: orUndef(t(conf.username)),
    icon_emoji: orUndef(t(conf.icon_emoji)),
    icon_url: orUndef(t(conf.icon_url)),
    link_names: conf.link_names ? true : undefined,
    attachments: [attachment],
  };
  if (r.error !== null) throw new NotifyFailure(r.error.message, false, { cause: r.error });
  return { body: goJSONEncode(req), channel, titleTruncated: title.truncated };
}

/** Slack's answer: `ok` as text from webhooks, `{"ok": true}` from the Web API. */
function slackAnswer(contentType: string, body: Buffer): NotifyFailure | null {
  const text = body.toString('utf8');
  if (!contentType.startsWith('application/json')) {
    return text === 'ok' ? null : new NotifyFailure(`received an error response from Slack: ${text}`, false);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return new NotifyFailure(`could not unmarshal JSON response ${JSON.stringify(text)}: ${e instanceof Error ? e.message : String(e)}`, true);
  }
  const d = data as { ok?: unknown; error?: unknown };
  if (d.ok !== true) return new NotifyFailure(`error response from Slack: ${typeof d.error === 'string' ? d.error : ''}`, false);
  return null;
}

export class SlackNotifier implements Notifier {
  private readonly client: HTTPClient;
  private readonly tmpl: NotificationTemplate;
  constructor(private readonly conf: SlackConfig, deps: NotifierDeps) {
    this.client = integrationClient(conf.http_config, 'slack');
    this.tmpl = deps.template;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const { body, channel } = slackBody(this.conf, this.tmpl, ctx, alerts);
      let url = this.conf.api_url;
      if (url === '') url = await secretValue('', this.conf.api_url_file, 'api_url');
      let res;
      try {
        res = await post(this.client, url, body, ctx.signal);
      } catch (e) {
        throw transportFailure(new Error(redactURL(e instanceof Error ? e.message : String(e)), { cause: e }));
      }
      const where = `channel ${JSON.stringify(channel)}`;
      const f = checkResponse(res.status, res.body) ?? slackAnswer(res.headers['content-type'] ?? '', res.body);
      if (f !== null) throw new NotifyFailure(`${where}: ${f.message}`, f.retry);
      return { retry: false };
    } catch (e) {
      return toResult(e);
    }
  }
}
