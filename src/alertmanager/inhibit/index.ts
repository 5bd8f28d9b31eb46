export { Inhibitor, InhibitRule, fromMaps } from './inhibitor.js';
