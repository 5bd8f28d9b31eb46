/**
 * Schemas of the chat integrations: Slack, Microsoft Teams (both webhook generations),
 * Discord, Telegram, Webex and WeChat, with Alertmanager's defaults and checks.
 */
import { bool, int, int64, string } from '../../config/scalars.js';
import { list, ptr, struct } from '../../config/schema.js';
import { quoteGoString } from '../../model/index.js';
import { amHTTPClient, amSecret, amURL, nullable, secretURL } from './kinds.js';
import type {
  DiscordConfig, MSTeamsConfig, MSTeamsV2Config, SlackAction, SlackConfig, SlackConfirmationField, SlackField,
  TelegramConfig, WebexConfig, WechatConfig,
} from './receivers-types.js';

const s = { kind: string, omitempty: true } as const;
const str = (def: string) => ({ kind: string, omitempty: true, default: () => def });
const http = { kind: ptr(amHTTPClient), omitempty: true } as const;
const tpl = (name: string): string => `{{ template "${name}" . }}`;

const slackConfirm = struct<SlackConfirmationField>('config.plain', {
  text: s, title: s, ok_text: s, dismiss_text: s,
}, {
  validate(c, d) { if (c.text === '') d.fail(c, 'missing text in Slack confirmation configuration'); },
});

const slackAction = struct<SlackAction>('config.plain', {
  type: s, text: s, url: s, style: s, name: s, value: s,
  confirm: { kind: ptr(slackConfirm), omitempty: true },
}, {
  validate(c, d) {
    if (c.type === '') d.fail(c, 'missing type in Slack action configuration');
    if (c.text === '') d.fail(c, 'missing text in Slack action configuration');
    if (c.url !== '') {
      c.name = '';
      c.value = '';
      c.confirm = null;
    } else if (c.name === '') {
      d.fail(c, 'missing name or url in Slack action configuration');
    }
  },
});

const slackField = struct<SlackField>('config.plain', {
  title: s, value: s, short: { kind: nullable(bool), omitempty: true },
}, {
  validate(c, d) {
    if (c.title === '') d.fail(c, 'missing title in Slack field configuration');
    if (c.value === '') d.fail(c, 'missing value in Slack field configuration');
  },
});

export const slackConfig = struct<SlackConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => false },
  http_config: http,
  api_url: { kind: secretURL, omitempty: true },
  api_url_file: s,
  app_token: { kind: amSecret, omitempty: true },
  app_token_file: s,
  app_url: { kind: amURL, omitempty: true },
  channel: s,
  username: str(tpl('slack.default.username')),
  color: str('{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
  title: str(tpl('slack.default.title')),
  title_link: str(tpl('slack.default.titlelink')),
  pretext: str(tpl('slack.default.pretext')),
  text: str(tpl('slack.default.text')),
  fields: { kind: list(slackField), omitempty: true },
  short_fields: { kind: bool },
  footer: str(tpl('slack.default.footer')),
  fallback: str(tpl('slack.default.fallback')),
  callback_id: str(tpl('slack.default.callbackid')),
  icon_emoji: str(tpl('slack.default.iconemoji')),
  icon_url: str(tpl('slack.default.iconurl')),
  image_url: s,
  thumb_url: s,
  link_names: { kind: bool },
  mrkdwn_in: { kind: list(string), omitempty: true },
  actions: { kind: list(slackAction), omitempty: true },
}, {
  validate(c, d) {
    if (c.api_url !== '' && c.api_url_file !== '') d.fail(c, 'at most one of api_url & api_url_file must be configured');
    if (c.app_token !== '' && c.app_token_file !== '') d.fail(c, 'at most one of app_token & app_token_file must be configured');
  },
});

function webhookURLCheck(c: { webhook_url: string; webhook_url_file: string }, d: { fail(o: object, r: string): never }): void {
  if (c.webhook_url === '' && c.webhook_url_file === '') d.fail(c, 'one of webhook_url or webhook_url_file must be configured');
  if (c.webhook_url !== '' && c.webhook_url_file !== '') d.fail(c, 'at most one of webhook_url & webhook_url_file must be configured');
}

export const msteamsConfig = struct<MSTeamsConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  webhook_url: { kind: secretURL, omitempty: true },
  webhook_url_file: s,
  title: str(tpl('msteams.default.title')),
  summary: str(tpl('msteams.default.summary')),
  text: str(tpl('msteams.default.text')),
}, { validate: webhookURLCheck });

export const msteamsV2Config = struct<MSTeamsV2Config>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  webhook_url: { kind: secretURL, omitempty: true },
  webhook_url_file: s,
  title: str(tpl('msteamsv2.default.title')),
  text: str(tpl('msteamsv2.default.text')),
}, { validate: webhookURLCheck });

export const discordConfig = struct<DiscordConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  webhook_url: { kind: secretURL, omitempty: true },
  webhook_url_file: s,
  content: s,
  title: str(tpl('discord.default.title')),
  message: str(tpl('discord.default.message')),
  username: s,
  avatar_url: s,
}, { validate: webhookURLCheck });

const PARSE_MODES = new Set(['', 'Markdown', 'MarkdownV2', 'HTML']);

export const telegramConfig = struct<TelegramConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  api_url: { kind: amURL },
  bot_token: { kind: amSecret, omitempty: true },
  bot_token_file: s,
  chat_id: { kind: int64, omitempty: true },
  message_thread_id: { kind: int, omitempty: true },
  message: str(tpl('telegram.default.message')),
  disable_notifications: { kind: bool, omitempty: true },
  parse_mode: str('HTML'),
}, {
  validate(c, d) {
    // A missing bot token may come from the global section; checked after it is applied.
    if (c.bot_token !== '' && c.bot_token_file !== '') d.fail(c, 'at most one of bot_token & bot_token_file must be configured');
    if (c.chat_id === 0) d.fail(c, 'missing chat_id on telegram_config');
    if (!PARSE_MODES.has(c.parse_mode)) d.fail(c, 'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string');
  },
});

export const webexConfig = struct<WebexConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  api_url: { kind: amURL, omitempty: true },
  message: str(tpl('webex.default.message')),
  room_id: { kind: string },
}, {
  validate(c, d) {
    if (c.room_id === '') d.fail(c, 'missing room_id on webex_config');
    if (c.http_config === null || c.http_config.authorization === null) d.fail(c, 'missing webex_configs.http_config.authorization');
  },
});

export const wechatConfig = struct<WechatConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => false },
  http_config: http,
  api_secret: { kind: amSecret, omitempty: true },
  api_secret_file: s,
  corp_id: s,
  message: str(tpl('wechat.default.message')),
  api_url: { kind: amURL, omitempty: true },
  to_user: str(tpl('wechat.default.to_user')),
  to_party: str(tpl('wechat.default.to_party')),
  to_tag: str(tpl('wechat.default.to_tag')),
  agent_id: str(tpl('wechat.default.agent_id')),
  message_type: s,
}, {
  validate(c, d) {
    if (c.message_type === '') c.message_type = 'text';
    if (c.message_type !== 'text' && c.message_type !== 'markdown') {
      d.fail(c, `weChat message type ${quoteGoString(c.message_type)} does not match valid options ^(text|markdown)$`);
    }
  },
});
