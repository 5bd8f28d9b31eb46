/**
 * Copies `global` settings into the integrations of a receiver that leave them unset, and
 * fails where neither gives a required value, as Alertmanager's Config.UnmarshalYAML does.
 * Receivers' HTTP client settings default to `global.http_config`.
 */
import type { DecodeContext } from '../../config/schema.js';
import type { HTTPClientConfig } from '../../config/types.js';
import type { ReceiverConfig } from './receivers-types.js';
import type { GlobalConfig } from './types.js';

function withSlash(u: string): string {
  // Alertmanager appends '/' to the URL's path; a URL without a path gets '/'.
  const q = u.search(/[?#]/);
  const base = q < 0 ? u : u.slice(0, q);
  const rest = q < 0 ? '' : u.slice(q);
  return base.endsWith('/') ? u : base + '/' + rest;
}

function copyHTTP(g: HTTPClientConfig): HTTPClientConfig {
  return structuredClone(g);
}

export function applyGlobals(r: ReceiverConfig, g: GlobalConfig, d: DecodeContext): void {
  const http = (c: { http_config: HTTPClientConfig | null }): void => {
    c.http_config ??= copyHTTP(g.http_config);
  };
  for (const c of r.webhook_configs) http(c);
  for (const ec of r.email_configs) {
    ec.tls_config ??= g.smtp_tls_config !== null ? structuredClone(g.smtp_tls_config) : null;
    if (ec.smarthost.host === '' && ec.smarthost.port === '') ec.smarthost = { ...g.smtp_smarthost };
    if (ec.smarthost.host === '' && ec.smarthost.port === '') d.fail(ec, 'no global SMTP smarthost set');
    if (ec.from === '') ec.from = g.smtp_from;
    if (ec.from === '') d.fail(ec, 'no global SMTP from set');
    if (ec.hello === '') ec.hello = g.smtp_hello;
    if (ec.auth_username === '') ec.auth_username = g.smtp_auth_username;
    if (ec.auth_password === '' && ec.auth_password_file === '') {
      ec.auth_password = g.smtp_auth_password;
      ec.auth_password_file = g.smtp_auth_password_file;
    }
    if (ec.auth_secret === '' && ec.auth_secret_file === '') {
      ec.auth_secret = g.smtp_auth_secret;
      ec.auth_secret_file = g.smtp_auth_secret_file;
    }
    if (ec.auth_identity === '') ec.auth_identity = g.smtp_auth_identity;
    ec.require_tls ??= g.smtp_require_tls;
    ec.force_implicit_tls ??= g.smtp_force_implicit_tls;
  }
  for (const sc of r.slack_configs) {
    if (sc.app_url === '') sc.app_url = g.slack_app_url;
    if (sc.app_token === '' && sc.app_token_file === '' && (sc.http_config === null || sc.http_config.authorization === null) && sc.api_url === '') {
      sc.app_token = g.slack_app_token;
      sc.app_token_file = g.slack_app_token_file;
    }
    if (sc.api_url === '' && sc.api_url_file === '') {
      sc.api_url = g.slack_api_url;
      sc.api_url_file = g.slack_api_url_file;
    }
    if (sc.api_url === '' && sc.api_url_file === '' && sc.app_token === '' && sc.app_token_file === '') {
      d.fail(sc, 'no global Slack API URL set either inline or in a file');
    }
    http(sc);
    if (sc.app_token !== '' || sc.app_token_file !== '') {
      if (sc.http_config!.authorization !== null && sc.http_config!.authorization.credentials !== sc.app_token) {
        d.fail(sc, "http authorization can't be set when using Slack App tokens");
      }
      sc.http_config!.authorization = { type: 'Bearer', credentials: sc.app_token, credentials_file: sc.app_token_file, credentials_ref: '' };
      sc.api_url = sc.app_url;
    }
  }
  for (const c of r.pushover_configs) http(c);
  for (const pc of r.pagerduty_configs) {
    http(pc);
    if (pc.url === '') pc.url = g.pagerduty_url;
    if (pc.url === '') d.fail(pc, 'no global PagerDuty URL set');
  }
  for (const oc of r.opsgenie_configs) {
    http(oc);
    if (oc.api_url === '') oc.api_url = g.opsgenie_api_url;
    if (oc.api_url === '') d.fail(oc, 'no global OpsGenie URL set');
    oc.api_url = withSlash(oc.api_url);
    if (oc.api_key === '' && oc.api_key_file === '') {
      oc.api_key = g.opsgenie_api_key;
      oc.api_key_file = g.opsgenie_api_key_file;
    }
    if (oc.api_key === '' && oc.api_key_file === '') d.fail(oc, 'no global OpsGenie API Key set either inline or in a file');
  }
  for (const wc of r.wechat_configs) {
    http(wc);
    if (wc.api_url === '') wc.api_url = g.wechat_api_url;
    if (wc.api_url === '') d.fail(wc, 'no global Wechat URL set');
    if (wc.api_secret === '' && wc.api_secret_file === '') {
      if (g.wechat_api_secret === '' && g.wechat_api_secret_file === '') d.fail(wc, 'no global Wechat Api Secret set either inline or in a file');
      wc.api_secret = g.wechat_api_secret;
      wc.api_secret_file = g.wechat_api_secret_file;
    }
    if (wc.corp_id === '') wc.corp_id = g.wechat_api_corp_id;
    if (wc.corp_id === '') d.fail(wc, 'no global Wechat CorpID set');
    wc.api_url = withSlash(wc.api_url);
  }
  for (const vc of r.victorops_configs) {
    http(vc);
    if (vc.api_url === '') vc.api_url = g.victorops_api_url;
    if (vc.api_url === '') d.fail(vc, 'no global VictorOps URL set');
    vc.api_url = withSlash(vc.api_url);
    if (vc.api_key === '' && vc.api_key_file === '') {
      vc.api_key = g.victorops_api_key;
      vc.api_key_file = g.victorops_api_key_file;
    }
    if (vc.api_key === '' && vc.api_key_file === '') d.fail(vc, 'no global VictorOps API Key set');
  }
  for (const c of r.sns_configs) http(c);
  for (const tc of r.telegram_configs) {
    http(tc);
    if (tc.api_url === '') tc.api_url = g.telegram_api_url;
    if (tc.bot_token === '' && tc.bot_token_file === '') {
      if (g.telegram_bot_token === '' && g.telegram_bot_token_file === '') d.fail(tc, 'missing bot_token or bot_token_file on telegram_config');
      tc.bot_token = g.telegram_bot_token;
      tc.bot_token_file = g.telegram_bot_token_file;
    }
  }
  for (const c of r.discord_configs) http(c);
  for (const wc of r.webex_configs) {
    http(wc);
    if (wc.api_url === '') wc.api_url = g.webex_api_url;
    if (wc.api_url === '') d.fail(wc, 'no global Webex URL set');
  }
  for (const c of r.msteams_configs) http(c);
  for (const c of r.msteamsv2_configs) http(c);
}

/** Global-level checks of mutually exclusive settings. */
export function checkGlobal(g: GlobalConfig, fail: (msg: string) => never): void {
  const both = (a: string, b: string, what: string): void => {
    if (a !== '' && b !== '') fail(`at most one of ${what} must be configured`);
  };
  both(g.slack_app_token, g.slack_app_token_file, 'slack_app_token & slack_app_token_file');
  both(g.slack_api_url, g.slack_api_url_file, 'slack_api_url & slack_api_url_file');
  if ((g.slack_app_token !== '' || g.slack_app_token_file !== '') && (g.slack_api_url !== '' || g.slack_api_url_file !== '')) {
    fail('at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured');
  }
  both(g.opsgenie_api_key, g.opsgenie_api_key_file, 'opsgenie_api_key & opsgenie_api_key_file');
  both(g.victorops_api_key, g.victorops_api_key_file, 'victorops_api_key & victorops_api_key_file');
  both(g.telegram_bot_token, g.telegram_bot_token_file, 'telegram_bot_token & telegram_bot_token_file');
  both(g.smtp_auth_password, g.smtp_auth_password_file, 'smtp_auth_password & smtp_auth_password_file');
  both(g.smtp_auth_secret, g.smtp_auth_secret_file, 'smtp_auth_secret & smtp_auth_secret_file');
  both(g.wechat_api_secret, g.wechat_api_secret_file, 'wechat_api_secret & wechat_api_secret_file');
}
