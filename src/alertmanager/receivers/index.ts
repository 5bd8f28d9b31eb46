/**
 * The integrations that deliver notifications: webhook, email (SMTP written here on
 * node:net/node:tls), Slack, PagerDuty (Events API v2 and v1), Opsgenie, Microsoft Teams
 * (MessageCard and Adaptive Card), Telegram and Discord, each sending what Alertmanager
 * sends and classifying failures as it does. `registerReceivers()` plugs them into the
 * notification pipeline; `sendTestNotification` and `renderTemplate` serve the test-send and
 * preview tools and API routes.
 */
import { registerReceivers } from './registry.js';

export { registerReceivers, templateFor, IMPLEMENTED_KINDS } from './registry.js';
export {
  receiversUserAgent, setReceiversUserAgent, NotifyFailure, truncateInRunes, truncateInBytes, hashKey, notificationData,
  type NotifierDeps,
} from './common.js';
export { WebhookNotifier, webhookBody, dataJSON } from './webhook.js';
export { SlackNotifier, slackBody } from './slack.js';
export { PagerdutyNotifier, pagerdutyEvent, PAGERDUTY_V1_URL } from './pagerduty.js';
export { EmailNotifier, emailMessage, DEFAULT_EMAIL_SUBJECT, type EmailMessage } from './email.js';
export { OpsgenieNotifier, opsgenieRequests } from './opsgenie.js';
export { MSTeamsNotifier, MSTeamsV2Notifier, msteamsBody, msteamsV2Body } from './msteams.js';
export { DiscordNotifier, discordBody } from './discord.js';
export { TelegramNotifier, telegramBody } from './telegram.js';
export { SMTPClient, SMTPReplyError, type SMTPAuth } from './smtp-client.js';
export { quotedPrintable, qEncodeHeader, multipartBody, rfc1123z } from './mime.js';
export { goJSON, goJSONEncode, goJSONString, goTimeJSON } from './go-json.js';
export {
  sendTestNotification, renderTemplate, sampleTemplateData, sampleAlerts, parseTemplateData, parseAlerts, dataForAlerts,
  type TestResult, type TestSendOptions, type RenderOptions,
} from './tools.js';

// Importing this module installs the integrations (the service loads it for that effect).
registerReceivers();
