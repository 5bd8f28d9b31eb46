/** Alert history: events kept on disk under --storage.path and queried by time, labels and kind. */
export { HISTORY_EVENT_KINDS, parseEventLine, type HistoryEvent, type HistoryEventKind } from './event.js';
export { HistoryStore, type HistoryQuery, type HistoryStoreOptions } from './store.js';
export { HistoryRecorder } from './recorder.js';
