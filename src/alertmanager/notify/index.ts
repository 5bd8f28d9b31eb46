export type { Notifier, NotifyContext, NotifyResult, Integration } from './notifier.js';
export { integrationString } from './notifier.js';
export { registerIntegration, hasIntegration, buildIntegrations, type IntegrationFactory, type IntegrationDeps } from './registry.js';
export { Pipeline, NotifyError, needsUpdate, type FlushContext, type PipelineDeps, type PipelineObserver, type NotifiedEvent } from './pipeline.js';
export { NotifyMetrics, INTEGRATION_NAMES } from './metrics.js';
export { StubNotifier, type StubCall } from './stub.js';
export { hashAlert, hashAlertLabels } from './alert-hash.js';
