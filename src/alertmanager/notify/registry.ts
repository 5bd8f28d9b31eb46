/**
 * Where integrations come from: a factory per kind builds a Notifier from its validated
 * configuration. The receivers component registers its factories at start-up; a kind
 * without a factory gets a notifier that fails permanently and says so.
 */
import type { IntegrationConfig, IntegrationConfigs, IntegrationKind, ReceiverConfig } from '../config/index.js';
import { integrationsOf } from '../config/index.js';
import type { Logger } from '../../util/log.js';
import type { Integration, Notifier } from './notifier.js';

export interface IntegrationDeps {
  logger: Logger;
  /** Alertmanager's external URL. */
  externalURL: string;
  /** Template files (expanded globs) of the configuration. */
  templateFiles: readonly string[];
}

export type IntegrationFactory<K extends IntegrationKind> = (config: IntegrationConfigs[K], receiver: ReceiverConfig, deps: IntegrationDeps) => Notifier;

const factories = new Map<IntegrationKind, IntegrationFactory<IntegrationKind>>();

export function registerIntegration<K extends IntegrationKind>(kind: K, f: IntegrationFactory<K>): void {
  factories.set(kind, f as unknown as IntegrationFactory<IntegrationKind>);
}

export function hasIntegration(kind: IntegrationKind): boolean {
  return factories.has(kind);
}

class Unimplemented implements Notifier {
  constructor(private readonly kind: string) {}
  notify(): Promise<{ retry: boolean; error: Error }> {
    return Promise.resolve({ retry: false, error: new Error(`integration ${this.kind} is not available in this build`) });
  }
}

/** Builds the integrations of a receiver, in Alertmanager's order. */
export function buildIntegrations(r: ReceiverConfig, deps: IntegrationDeps): Integration[] {
  return integrationsOf(r).map((ic: IntegrationConfig) => {
    const f = factories.get(ic.kind);
    const notifier = f !== undefined ? f(ic.config, r, deps) : new Unimplemented(ic.kind);
    return { name: ic.kind, index: ic.index, receiverName: r.name, sendResolved: ic.config.send_resolved, notifier };
  });
}
