/** A `receivers` entry: a name and lists of integration configs. */
import { string } from '../../config/scalars.js';
import { list, resetting, struct } from '../../config/schema.js';
import type { StructKind } from '../../config/schema.js';
import { emailConfig, snsConfig, webhookConfig } from './receivers-basic.js';
import { discordConfig, msteamsConfig, msteamsV2Config, slackConfig, telegramConfig, webexConfig, wechatConfig } from './receivers-chat.js';
import { opsgenieConfig, pagerdutyConfig, pushoverConfig, victoropsConfig } from './receivers-paging.js';
import type { ReceiverConfig } from './receivers-types.js';

// Each integration config starts from its defaults, as its Go UnmarshalYAML does.
const l = <T extends object>(k: StructKind<T>) => ({ kind: list(resetting(k)), omitempty: true });

export const receiverConfig = struct<ReceiverConfig>('config.plain', {
  name: { kind: string },
  email_configs: l(emailConfig),
  pagerduty_configs: l(pagerdutyConfig),
  slack_configs: l(slackConfig),
  webhook_configs: l(webhookConfig),
  opsgenie_configs: l(opsgenieConfig),
  wechat_configs: l(wechatConfig),
  pushover_configs: l(pushoverConfig),
  victorops_configs: l(victoropsConfig),
  sns_configs: l(snsConfig),
  telegram_configs: l(telegramConfig),
  discord_configs: l(discordConfig),
  webex_configs: l(webexConfig),
  msteams_configs: l(msteamsConfig),
  msteamsv2_configs: l(msteamsV2Config),
}, {
  validate(r, d) {
    if (r.name === '') d.fail(r, 'missing name in receiver');
  },
});
