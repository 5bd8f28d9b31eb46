/**
 * `static_configs`: the targets written in the config file. Prometheus coalesces all static
 * configs of a scrape config into one provider whose groups have the config's index as
 * `source` ("0", "1", ...); this discoverer takes that whole list.
 */
import type { StaticConfig } from '../config/types.js';
import type { Discoverer, TargetGroup } from './interface.js';

/** The target groups of a list of static configs, sources numbered by position. */
export function staticTargetGroups(cfgs: readonly StaticConfig[]): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (let i = 0; i < cfgs.length; i++) {
    const c = cfgs[i]!;
    const targets: Record<string, string>[] = [];
    for (const t of c.targets) targets.push({ __address__: t });
    out.push({ targets, labels: { ...c.labels }, source: String(i) });
  }
  return out;
}

/** Sends its groups once and returns; the manager keeps them until the provider is stopped. */
export class StaticDiscoverer implements Discoverer {
  readonly #groups: TargetGroup[];

  constructor(cfgs: readonly StaticConfig[]) {
    this.#groups = staticTargetGroups(cfgs);
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (!signal.aborted) send(this.#groups);
    return Promise.resolve();
  }
}
