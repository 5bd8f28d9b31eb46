/** The Alertmanager's HTTP API: v2 (Alertmanager's), the history, test-send and template preview extensions, and the web endpoints. */
import type { Router } from '../../web/index.js';
import { registerAPIv2 } from './v2.js';
import { registerHistoryAPI } from './history.js';
import { registerExtensionsAPI } from './extensions.js';
import { registerAlertmanagerWeb, type WebDeps } from './web.js';
import type { AlertmanagerAPIDeps } from './deps.js';

export type { AlertmanagerAPIDeps, VersionInfo } from './deps.js';
export type { WebDeps } from './web.js';
export { matchFilterLabels } from './v2.js';
export { alertToAPI, silenceToAPI, sortSilences, matcherToAPI, type APIMatcher } from './models.js';
export { decodePostableAlerts, decodePostableSilence, BodyError, type PostableAlert } from './decode.js';
export { historyEventToAPI, parseTimeParam } from './history.js';
export { goJSON } from './respond.js';

/** Registers every route of the Alertmanager on the router (hooks first, fallbacks last). */
export function registerAlertmanagerAPI(r: Router, d: AlertmanagerAPIDeps, web: WebDeps): void {
  registerAPIv2(r, d);
  registerHistoryAPI(r, () => d.history);
  registerExtensionsAPI(r, d);
  registerAlertmanagerWeb(r, web);
}
