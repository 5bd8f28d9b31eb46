export * from './labels.js';
export * from './time.js';
export * from './value.js';
export * from './histogram.js';
export * from './exemplar.js';
export * from './metadata.js';
export * from './regex.js';
export * from './matcher.js';
