/**
 * How a long-running role (the server, the Alertmanager) lives under process signals: SIGTERM
 * and SIGINT stop it, SIGHUP reloads its configuration, until it has stopped.
 */

export interface Stoppable {
  /** Resolves when the role has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
  /** Rejects when the new configuration is bad; the role logs why and keeps the old one. */
  reload(): Promise<void>;
}

/** Serves signals until `s` is done. `onStop` runs first on SIGTERM/SIGINT (to log it). */
export async function runUntilStopped(s: Stoppable, onStop: (signal: NodeJS.Signals) => void): Promise<void> {
  const stop = (sig: NodeJS.Signals): void => {
    onStop(sig);
    void s.stop();
  };
  const reload = (): void => {
    s.reload().catch(() => { /* logged by reload */ });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', reload);
  try {
    await s.done;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', reload);
  }
}
