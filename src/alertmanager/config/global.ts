/** The `global` section of alertmanager.yml with Alertmanager's defaults. */
import { tlsConfig } from '../../config/http-client.js';
import { bool, duration, string } from '../../config/scalars.js';
import { ptr, resetting, struct } from '../../config/schema.js';
import { amHTTPClient, amSecret, amURL, hostPort, nullable, secretURL } from './kinds.js';
import type { GlobalConfig } from './types.js';

const s = { kind: string, omitempty: true } as const;
const u = (def: string) => ({ kind: amURL, omitempty: true, default: () => def });

export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;

export const globalConfig = resetting(struct<GlobalConfig>('config.plain', {
  resolve_timeout: { kind: duration, default: () => DEFAULT_RESOLVE_TIMEOUT_MS as never },
  http_config: { kind: amHTTPClient, omitempty: true },
  smtp_from: s,
  smtp_hello: { kind: string, omitempty: true, default: () => 'localhost' },
  smtp_smarthost: { kind: hostPort, omitempty: true },
  smtp_auth_username: s,
  smtp_auth_password: { kind: amSecret, omitempty: true },
  smtp_auth_password_file: s,
  smtp_auth_secret: { kind: amSecret, omitempty: true },
  smtp_auth_secret_file: s,
  smtp_auth_identity: s,
  smtp_require_tls: { kind: bool, default: () => true },
  smtp_tls_config: { kind: ptr(tlsConfig), omitempty: true },
  smtp_force_implicit_tls: { kind: nullable(bool), omitempty: true },
  slack_api_url: { kind: secretURL, omitempty: true },
  slack_api_url_file: s,
  slack_app_token: { kind: amSecret, omitempty: true },
  slack_app_token_file: s,
  slack_app_url: u('https://slack.com/api/chat.postMessage'),
  pagerduty_url: u('https://events.pagerduty.com/v2/enqueue'),
  opsgenie_api_url: u('https://api.opsgenie.com/'),
  opsgenie_api_key: { kind: amSecret, omitempty: true },
  opsgenie_api_key_file: s,
  wechat_api_url: u('https://qyapi.weixin.qq.com/cgi-bin/'),
  wechat_api_secret: { kind: amSecret, omitempty: true },
  wechat_api_secret_file: s,
  wechat_api_corp_id: s,
  victorops_api_url: u('https://alert.victorops.com/integrations/generic/20131114/alert/'),
  victorops_api_key: { kind: amSecret, omitempty: true },
  victorops_api_key_file: s,
  telegram_api_url: u('https://api.telegram.org'),
  telegram_bot_token: { kind: amSecret, omitempty: true },
  telegram_bot_token_file: s,
  webex_api_url: u('https://webexapis.com/v1/messages'),
}));
