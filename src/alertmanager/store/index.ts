export * from './alert.js';
export { AlertStore, type AlertListener } from './alerts.js';
export { Marker, type AlertState, type AlertStatusView, type MarkerListener } from './marker.js';
export { systemClock, ManualClock, settle, type Clock, type TimerHandle } from './clock.js';
export { PBWriter, GO_ZERO_SECONDS, readDelimited, readString, readTimestamp, writeDelimited, readSnapshotFile, writeSnapshotFile } from './delimited-proto.js';
export { fixtureAlert, type AlertSpec } from './fixtures.js';
