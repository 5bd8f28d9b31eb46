/**
 * Telegram: sends the rendered message with the Bot API's `sendMessage`
 * (`{api_url}/bot{token}/sendMessage`), the parameters as a JSON object of strings as the
 * Bot API client Alertmanager uses sends them (`chat_id`, `text`, `parse_mode`,
 * `disable_web_page_preview`, `disable_notification`, `message_thread_id`). With parse_mode
 * HTML the message is rendered with HTML escaping. Messages are cut at 4096 runes. Any
 * failure is retried, as Alertmanager does; the token never appears in errors.
 */
import type { TelegramConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, TextRenderer } from '../template/index.js';
import type { HTTPClient } from '../../httpclient/index.js';
import {
  type NotifierDeps, NotifyFailure, integrationClient, notificationData, post, secretValue, toResult, truncateInRunes,
} from './common.js';
import { goJSONEncode } from './go-json.js';

const MAX_MESSAGE_RUNES = 4096;

export function telegramBody(conf: TelegramConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): string {
  const r = new TextRenderer(tmpl, notificationData(ctx, alerts), conf.parse_mode === 'HTML');
  const text = truncateInRunes(r.render(conf.message), MAX_MESSAGE_RUNES).s;
  if (r.error !== null) throw new NotifyFailure(r.error.message, false, { cause: r.error });
  const params = new Map<string, string>([['chat_id', String(conf.chat_id)], ['text', text], ['disable_web_page_preview', 'true']]);
  if (conf.parse_mode !== '') params.set('parse_mode', conf.parse_mode);
  if (conf.disable_notifications) params.set('disable_notification', 'true');
  if (conf.message_thread_id !== 0) params.set('message_thread_id', String(conf.message_thread_id));
  return goJSONEncode(params);
}

export class TelegramNotifier implements Notifier {
  private readonly client: HTTPClient;
  private readonly tmpl: NotificationTemplate;
  constructor(private readonly conf: TelegramConfig, deps: NotifierDeps) {
    this.client = integrationClient(conf.http_config, 'telegram');
    this.tmpl = deps.template;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    try {
      const body = telegramBody(this.conf, this.tmpl, ctx, alerts);
      const token = await secretValue(this.conf.bot_token, this.conf.bot_token_file, 'bot token');
      const url = `${this.conf.api_url.replace(/\/+$/, '')}/bot${token}/sendMessage`;
      let res;
      try {
        res = await post(this.client, url, body, ctx.signal);
      } catch (e) {
        const msg = (e instanceof Error ? e.message : String(e)).split(token).join('<token>');
        throw new NotifyFailure(`telegram: ${msg}`, true, { cause: e });
      }
      let answer: { ok?: unknown; description?: unknown; error_code?: unknown } = {};
      try {
        answer = JSON.parse(res.body.toString('utf8')) as typeof answer;
      } catch {
        // A body that is not JSON counts as a failure below.
      }
      if (answer.ok !== true) {
        const desc = typeof answer.description === 'string' ? answer.description : `unexpected status code ${res.status}`;
        throw new NotifyFailure(`telegram: ${desc} (${typeof answer.error_code === 'number' ? answer.error_code : res.status})`, true);
      }
      return { retry: false };
    } catch (e) {
      return toResult(e);
    }
  }
}
