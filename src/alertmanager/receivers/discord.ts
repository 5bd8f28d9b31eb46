/**
 * Discord: posts to the channel webhook a message with `content` (cut at 2000 runes) and one
 * embed with the title (256 runes), the description (4096 runes) and a colour (red while
 * firing, green when resolved); `username` and `avatar_url` when set. 5xx is retried.
 */
import type { DiscordConfig } from '../config/index.js';
import type { NotifyContext } from '../notify/index.js';
import type { Alert } from '../store/index.js';
import { type NotificationTemplate, TextRenderer } from '../template/index.js';
import { type NotifierDeps, NotifyFailure, notificationData, truncateInRunes } from './common.js';
import { goJSONEncode } from './go-json.js';
import { WebhookURLNotifier } from './msteams.js';

const COLOR_RED = 0x992d22;
const COLOR_GREEN = 0x2ecc71;

export function discordBody(conf: DiscordConfig, tmpl: NotificationTemplate, ctx: NotifyContext, alerts: readonly Alert[]): string {
  const data = notificationData(ctx, alerts);
  const r = new TextRenderer(tmpl, data);
  const title = truncateInRunes(r.render(conf.title), 256).s;
  const description = truncateInRunes(r.render(conf.message), 4096).s;
  const content = truncateInRunes(r.render(conf.content), 2000).s;
  if (r.error !== null) throw new NotifyFailure(r.error.message, false, { cause: r.error });
  let avatar: string | undefined;
  if (conf.avatar_url !== '') {
    try {
      new URL(conf.avatar_url);
      avatar = conf.avatar_url;
    } catch {
      avatar = undefined;
    }
  }
  return goJSONEncode({
    content,
    embeds: [{ title, description, color: data.status === 'firing' ? COLOR_RED : COLOR_GREEN }],
    username: conf.username || undefined,
    avatar_url: avatar,
  });
}

export class DiscordNotifier extends WebhookURLNotifier {
  constructor(private readonly conf: DiscordConfig, deps: NotifierDeps) {
    super(conf, 'discord', conf.http_config, deps.template);
  }

  protected body(ctx: NotifyContext, alerts: readonly Alert[]): string {
    return discordBody(this.conf, this.tmpl, ctx, alerts);
  }
}
