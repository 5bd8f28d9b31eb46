export { NomadDiscoverer, nomadBase, NOMAD_META, type NomadDiscovererOptions } from './nomad.js';
export { NomadSDMetrics } from './metrics.js';
