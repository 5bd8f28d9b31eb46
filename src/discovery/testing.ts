/**
 * Helpers for discovery tests: a controllable fake mechanism and a bounded wait. Not part of
 * the component's API.
 */
import type { Discoverer, TargetGroup } from './interface.js';

/** Polls `pred` every few ms until it holds; fails after `timeoutMs`. */
export async function waitFor(pred: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A discoverer driven by the test: `send` pushes groups, `aborted` tells whether it was stopped. */
export class FakeDiscoverer implements Discoverer {
  readonly config: unknown;
  aborted = false;
  started = false;
  #send: ((groups: TargetGroup[]) => void) | null = null;
  readonly #initial: TargetGroup[] | null;

  constructor(config: unknown, initial: TargetGroup[] | null) {
    this.config = config;
    this.#initial = initial;
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    this.started = true;
    this.#send = send;
    if (this.#initial !== null) send(this.#initial);
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => { this.aborted = true; resolve(); }, { once: true });
    });
  }

  send(groups: TargetGroup[]): void {
    if (this.#send === null) throw new Error('fake discoverer not running');
    this.#send(groups);
  }
}

export function group(source: string, ...addrs: string[]): TargetGroup {
  return { source, labels: {}, targets: addrs.map((a) => ({ __address__: a })) };
}
