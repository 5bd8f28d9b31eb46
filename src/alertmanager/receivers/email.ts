/**
 * The email integration, as Alertmanager sends mail: to the smarthost over plain SMTP, with
 * STARTTLS (`require_tls`, the default) or implicit TLS (port 465 or `force_implicit_tls`);
 * EHLO with `hello`; AUTH when the server offers it and `auth_username` is set, with the
 * first of the server's mechanisms that has credentials (CRAM-MD5 with `auth_secret`, PLAIN
 * or LOGIN with `auth_password[_file]`); one transaction for all `to` addresses. The message
 * has the configured headers (Q-encoded when needed), Subject/To/From defaults,
 * Message-Id, Date, and a multipart/alternative body: the text part first when `text` is
 * set, then the HTML part, both quoted-printable.
 *
 * Failures talking to the server are retried; a template error or a bad address is not.
 */
import { hostname } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import type { EmailConfig } from '../config/index.js';
import type { Notifier, NotifyContext, NotifyResult } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import type { NotificationTemplate, TemplateData } from '../template/index.js';
import { TLSSettings, defaultTLSConfig } from '../../httpclient/index.js';
import type { Logger } from '../../util/log.js';
import { type NotifierDeps, NotifyFailure, notificationData, secretValue, toResult } from './common.js';
import { messageId, multipartBody, qEncodeHeader, quotedPrintable, randomBoundary, rfc1123z, type MimePart } from './mime.js';
import { type SMTPAuth, SMTPClient } from './smtp-client.js';
import { parseAddressList } from './mail-address.js';

export const DEFAULT_EMAIL_SUBJECT = '{{ template "email.default.subject" . }}';

export interface EmailMessage {
  from: string;
  to: string[];
  /** The DATA of the mail (headers and body, CRLF line ends). */
  data: string;
}

/** Headers in the order they are written: custom ones, then Subject, To and From. */
function headerTemplates(conf: EmailConfig): [string, string][] {
  const h = conf.headers;
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(h)) if (k !== 'Subject' && k !== 'To' && k !== 'From') out.push([k, v]);
  out.push(['Subject', h['Subject'] ?? DEFAULT_EMAIL_SUBJECT]);
  out.push(['To', h['To'] ?? conf.to]);
  out.push(['From', h['From'] ?? conf.from]);
  return out;
}

const render = (tmpl: NotificationTemplate, text: string, data: TemplateData, what: string, html = false): string => {
  try {
    return html ? tmpl.executeHTML(text, data) : tmpl.executeText(text, data);
  } catch (e) {
    throw new NotifyFailure(`${what}: ${e instanceof Error ? e.message : String(e)}`, false, { cause: e });
  }
};

export interface MessageOptions {
  /** Unix ms of the Date header and Message-Id. */
  now: number;
  hostname: string;
  boundary: string;
}

/** Renders the envelope and the message of a notification. */
export function emailMessage(conf: EmailConfig, tmpl: NotificationTemplate, data: TemplateData, o: MessageOptions): EmailMessage {
  const from = render(tmpl, conf.from, data, "execute 'from' template");
  const to = render(tmpl, conf.to, data, "execute 'to' template");
  const fromAddrs = parseAddressList(from, "parse 'from' addresses");
  if (fromAddrs.length !== 1) throw new NotifyFailure(`must be exactly one 'from' address (got: ${fromAddrs.length})`, false);
  const toAddrs = parseAddressList(to, "parse 'to' addresses");
  let head = '';
  for (const [name, t] of headerTemplates(conf)) {
    head += `${name}: ${qEncodeHeader(render(tmpl, t, data, `execute ${JSON.stringify(name)} header template`))}\r\n`;
  }
  if (!('Message-Id' in conf.headers)) head += `Message-Id: ${messageId(o.now, o.hostname)}\r\n`;
  head += `Date: ${rfc1123z(o.now)}\r\n`;
  head += `Content-Type: multipart/alternative;  boundary=${o.boundary}\r\n`;
  head += 'MIME-Version: 1.0\r\n\r\n';
  const parts: MimePart[] = [];
  if (conf.text !== '') {
    parts.push({
      headers: { 'Content-Transfer-Encoding': 'quoted-printable', 'Content-Type': 'text/plain; charset=UTF-8' },
      body: quotedPrintable(render(tmpl, conf.text, data, 'execute text template')),
    });
  }
  if (conf.html !== '') {
    parts.push({
      headers: { 'Content-Transfer-Encoding': 'quoted-printable', 'Content-Type': 'text/html; charset=UTF-8' },
      body: quotedPrintable(render(tmpl, conf.html, data, 'execute html template', true)),
    });
  }
  return { from: fromAddrs[0]!, to: toAddrs, data: head + multipartBody(o.boundary, parts) };
}

function tlsOptions(conf: EmailConfig): ConnectionOptions {
  const base = new TLSSettings(conf.tls_config ?? defaultTLSConfig()).options;
  const o: ConnectionOptions = { ...base, servername: base.servername ?? conf.smarthost.host };
  return o;
}

/** The mechanism to authenticate with among those the server offers, or null (no username). */
async function chooseAuth(conf: EmailConfig, mechs: string): Promise<SMTPAuth | null> {
  if (conf.auth_username === '') return null;
  const errs: string[] = [];
  for (const mech of mechs.split(' ')) {
    switch (mech) {
      case 'CRAM-MD5': {
        const secret = await secretValue(conf.auth_secret, conf.auth_secret_file, 'auth secret');
        if (secret === '') { errs.push('missing secret for CRAM-MD5 auth mechanism'); continue; }
        return { mech, username: conf.auth_username, secret };
      }
      case 'PLAIN': case 'LOGIN': {
        const password = await secretValue(conf.auth_password, conf.auth_password_file, 'auth password');
        if (password === '') { errs.push(`missing password for ${mech} auth mechanism`); continue; }
        return mech === 'PLAIN'
          ? { mech, identity: conf.auth_identity, username: conf.auth_username, password, host: conf.smarthost.host }
          : { mech, username: conf.auth_username, password };
      }
      default: break;
    }
  }
  if (errs.length === 0) errs.push(`unknown auth mechanism: ${mechs}`);
  throw new Error(errs.join('; '));
}

export class EmailNotifier implements Notifier {
  private readonly tmpl: NotificationTemplate;
  private readonly hostname: string;
  constructor(private readonly conf: EmailConfig, deps: NotifierDeps, private readonly logger: Logger | null = null) {
    this.tmpl = deps.template;
    let h = 'localhost.localdomain';
    try {
      h = hostname();
    } catch {
      // Keep the fallback, as Alertmanager does when the hostname is unknown.
    }
    this.hostname = h;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    let client: SMTPClient | null = null;
    try {
      const msg = emailMessage(this.conf, this.tmpl, notificationData(ctx, alerts), { now: Date.now(), hostname: this.hostname, boundary: randomBoundary() });
      const c = this.conf;
      const port = Number(c.smarthost.port);
      const implicit = c.force_implicit_tls ?? c.smarthost.port === '465';
      const step = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
        try {
          return await f();
        } catch (e) {
          if (e instanceof NotifyFailure) throw e;
          throw new NotifyFailure(`${what}: ${e instanceof Error ? e.message : String(e)}`, true, { cause: e });
        }
      };
      client = await step(implicit ? 'establish TLS connection to server' : 'establish connection to server', () =>
        SMTPClient.dial({ host: c.smarthost.host, port, tls: implicit ? tlsOptions(c) : null, signal: ctx.signal }));
      const cl = client;
      if (c.hello !== '') await step('send EHLO command', () => cl.hello(c.hello));
      if (c.require_tls !== false && !cl.isTLS) {
        const st = await step('send EHLO command', () => cl.extension('STARTTLS'));
        if (!st.ok) {
          throw new NotifyFailure(`'require_tls' is true (default) but "${c.smarthost.host}:${c.smarthost.port}" does not advertise the STARTTLS extension`, true);
        }
        await step('send STARTTLS command', () => cl.startTLS(tlsOptions(c)));
      }
      const auth = await step('send EHLO command', () => cl.extension('AUTH'));
      if (auth.ok) {
        const a = await step('find auth mechanism', () => chooseAuth(c, auth.params));
        if (a !== null) await step(`${a.mech} auth`, () => cl.auth(a));
      }
      await step('send MAIL command', () => cl.mail(msg.from));
      for (const to of msg.to) await step('send RCPT command', () => cl.rcpt(to));
      await step('send DATA command', () => cl.data(msg.data));
      try {
        await cl.quit();
      } catch (e) {
        this.logger?.warn('failed to close SMTP connection', { err: e instanceof Error ? e.message : String(e) });
      }
      client = null;
      return { retry: false };
    } catch (e) {
      return toResult(e);
    } finally {
      client?.close();
    }
  }
}
