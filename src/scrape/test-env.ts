/**
 * Test support for manager-level tests (not used by production code): configs with short
 * intervals, target groups, polling, and HTTP targets on 127.0.0.1.
 */
import { defaultGlobalConfig, newScrapeConfig, type ScrapeConfig } from '../config/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { Registry } from '../instrument/index.js';
import type { Millis } from '../model/index.js';
import { ScrapeManager, type ScrapeManagerOptions } from './manager.js';
import { RecordingStorage } from './test-support.js';

export function job(name: string, fields: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return newScrapeConfig(name, defaultGlobalConfig(), { scrape_interval: 200 as Millis, scrape_timeout: 100 as Millis, ...fields });
}

/** One group of targets; each target is an address or a full label set. */
export function group(source: string, targets: (string | Record<string, string>)[], labels: Record<string, string> = {}): TargetGroup {
  return { source, labels, targets: targets.map((t) => (typeof t === 'string' ? { __address__: t } : t)) };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Env {
  storage: RecordingStorage;
  registry: Registry;
  manager: ScrapeManager;
}

export function newEnv(o: Partial<ScrapeManagerOptions> = {}): Env {
  const storage = new RecordingStorage();
  const registry = new Registry();
  const manager = new ScrapeManager({ appendable: storage, registry, skipOffset: true, ...o });
  return { storage, registry, manager };
}
