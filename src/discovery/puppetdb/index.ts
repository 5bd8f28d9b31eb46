export { PuppetDBDiscoverer, queryURL, type PuppetDBDiscovererOptions } from './puppetdb.js';
export { decodeResources, parameterLabels, type Resource } from './resources.js';
