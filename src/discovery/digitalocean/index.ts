export { DigitalOceanDiscoverer, dropletTargets, databaseTargets, DO_META, type DigitalOceanDiscovererOptions } from './digitalocean.js';
export { DigitalOceanClient, DEFAULT_BASE_URL } from './client.js';
