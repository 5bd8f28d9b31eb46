export { WebServer, splitHostPort, type WebServerOptions } from './server.js';
export { Router, type Handler, type RequestContext, type RequestHook, type Method } from './router.js';
export { registerLifecycle, type LifecycleDeps } from './lifecycle.js';
export { registerMetrics } from './metrics-handler.js';
export { registerFederation } from './federate.js';
export { registerTargets, globalURL, type TargetSource, type ActiveTargetView, type DroppedTargetView, type MetricMetadataEntry } from './api/v1/targets.js';
export { registerStatus, type BuildInfo, type RuntimeInfo, type StatusDeps } from './api/v1/status.js';
export { ApiError, respond, respondError, type ErrorType } from './api/v1/envelope.js';
export { registerRemoteWrite, readBodyLimited, ERR_RECEIVER_DISABLED } from './api/v1/write.js';
