/** `watchfire tool tsdb create-blocks-from openmetrics` (backfill). */
export {};
