export * from './alert.js';
export { AlertStore, type AlertListener } from './alerts.js';
export { Marker, type AlertState, type AlertStatusView } from './marker.js';
