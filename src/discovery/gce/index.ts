export { GCEDiscoverer, instanceLabels, DEFAULT_COMPUTE_ENDPOINT, type GCEDiscovererOptions } from './gce.js';
export {
  defaultTokenSource, sourceFromJSON, signJWT, ServiceAccountSource, AuthorizedUserSource, MetadataSource, COMPUTE_READONLY_SCOPE,
  type TokenSource, type GCEEnv,
} from './credentials.js';
