export { containsTime, isKnownTimeZone, Intervener, type TimeInterval, type TimeRange, type InclusiveRange } from './interval.js';
