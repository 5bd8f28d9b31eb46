export * from './registry.js';
export * from './process.js';
