export { Route, routeReceivers, DEFAULT_ROUTE_OPTS, type RouteOpts } from './route.js';
export { AggrGroup, MIN_FLUSH_TIMEOUT_MS, type FlushFunc } from './aggr-group.js';
export { Dispatcher, DispatcherMetrics, groupLabels, type AlertGroupView, type DispatcherOptions } from './dispatcher.js';
