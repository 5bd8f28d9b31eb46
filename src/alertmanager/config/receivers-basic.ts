/**
 * Schemas of `email_configs`, `webhook_configs` and `sns_configs`, with Alertmanager's
 * defaults and checks (errors in its wording).
 */
import { tlsConfig } from '../../config/http-client.js';
import { bool, string, uint64 } from '../../config/scalars.js';
import { dict, ptr, struct } from '../../config/schema.js';
import { canonicalMIMEHeaderKey } from './mime.js';
import { amHTTPClient, amSecret, goDuration, hostPort, nullable, secretURL } from './kinds.js';
import type { EmailConfig, SNSConfig, SigV4Config, WebhookConfig } from './receivers-types.js';
import { quoteGoString } from '../../model/index.js';

const str = (def: string) => ({ kind: string, omitempty: true, default: () => def });
const s = { kind: string, omitempty: true } as const;

export const emailConfig = struct<EmailConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => false },
  to: s,
  from: s,
  hello: s,
  smarthost: { kind: hostPort, omitempty: true },
  auth_username: s,
  auth_password: { kind: amSecret, omitempty: true },
  auth_password_file: s,
  auth_secret: { kind: amSecret, omitempty: true },
  auth_secret_file: s,
  auth_identity: s,
  headers: { kind: dict(string), omitempty: true },
  html: str('{{ template "email.default.html" . }}'),
  text: s,
  require_tls: { kind: nullable(bool), omitempty: true },
  force_implicit_tls: { kind: nullable(bool), omitempty: true },
  tls_config: { kind: ptr(tlsConfig), omitempty: true },
}, {
  validate(c, d) {
    if (c.to === '') d.fail(c, 'missing to address in email config');
    const norm: Record<string, string> = {};
    for (const [h, v] of Object.entries(c.headers)) {
      const k = canonicalMIMEHeaderKey(h);
      if (Object.prototype.hasOwnProperty.call(norm, k)) d.fail(c, `duplicate header ${quoteGoString(k)} in email config`, 'headers');
      norm[k] = v;
    }
    c.headers = norm;
    if (c.auth_password !== '' && c.auth_password_file !== '') d.fail(c, 'at most one of auth_password & auth_password_file must be configured');
    if (c.auth_secret !== '' && c.auth_secret_file !== '') d.fail(c, 'at most one of auth_secret & auth_secret_file must be configured');
  },
});

export const webhookConfig = struct<WebhookConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: { kind: ptr(amHTTPClient), omitempty: true },
  url: { kind: secretURL },
  url_file: { kind: string },
  max_alerts: { kind: uint64 },
  timeout: { kind: goDuration },
}, {
  validate(c, d) {
    if (c.url === '' && c.url_file === '') d.fail(c, 'one of url or url_file must be configured');
    if (c.url !== '' && c.url_file !== '') d.fail(c, 'at most one of url & url_file must be configured');
  },
});

const sigv4 = struct<SigV4Config>('sigv4.SigV4Config', {
  region: s,
  access_key: s,
  secret_key: { kind: amSecret, omitempty: true },
  profile: s,
  role_arn: s,
}, {
  validate(c, d) {
    if ((c.access_key === '') !== (c.secret_key === '')) d.fail(c, 'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config');
  },
});

export const snsConfig = struct<SNSConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: { kind: ptr(amHTTPClient), omitempty: true },
  api_url: s,
  sigv4: { kind: sigv4 },
  topic_arn: s,
  phone_number: s,
  target_arn: s,
  subject: str('{{ template "sns.default.subject" . }}'),
  message: str('{{ template "sns.default.message" . }}'),
  attributes: { kind: dict(string), omitempty: true },
}, {
  validate(c, d) {
    // Exactly one target: Go writes this as a chain of != over the three emptiness tests.
    if (((c.target_arn === '') !== (c.topic_arn === '')) !== (c.phone_number === '')) {
      d.fail(c, 'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
    }
  },
});
