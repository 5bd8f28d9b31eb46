/**
 * `/-/healthy`, `/-/ready`, `/-/reload`, `/-/quit`: the management endpoints. Reload and quit
 * need `--web.enable-lifecycle` and take POST or PUT.
 */
import type { ServerResponse } from 'node:http';
import type { Router } from './router.js';

export interface LifecycleDeps {
  enableLifecycle: boolean;
  isReady(): boolean;
  /** Reloads the configuration; rejects with the reason when the new config is bad. */
  reload(): Promise<void>;
  /** Starts a clean shutdown. */
  quit(): void;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

export function registerLifecycle(r: Router, d: LifecycleDeps): void {
  r.get('/-/healthy', (c) => { text(c.res, 200, 'Watchfire Server is Healthy.\n'); });
  r.get('/-/ready', (c) => {
    if (d.isReady()) text(c.res, 200, 'Watchfire Server is Ready.\n');
    else text(c.res, 503, 'Service Unavailable');
  });
  const reload = async (c: { res: ServerResponse }): Promise<void> => {
    if (!d.enableLifecycle) { text(c.res, 403, 'Lifecycle API is not enabled.'); return; }
    try {
      await d.reload();
      text(c.res, 200, '');
    } catch (e) {
      text(c.res, 500, `failed to reload config: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  const quit = (c: { res: ServerResponse }): void => {
    if (!d.enableLifecycle) { text(c.res, 403, 'Lifecycle API is not enabled.'); return; }
    text(c.res, 200, 'Requesting termination... Goodbye!');
    d.quit();
  };
  r.post('/-/reload', reload).put('/-/reload', reload);
  r.post('/-/quit', quit).put('/-/quit', quit);
  // GET on reload/quit is refused whether or not the lifecycle API is enabled.
  const onlyPost = (c: { res: ServerResponse }): void => {
    text(c.res, 405, 'Only POST or PUT requests allowed');
  };
  r.get('/-/reload', onlyPost).get('/-/quit', onlyPost);
}
