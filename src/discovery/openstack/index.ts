export { OpenStackDiscoverer, type OpenStackDiscovererOptions } from './openstack.js';
export {
  authenticate, authOptionsFromEnv, endpointFor, identityV3, tokenRequestBody, UnexpectedResponseError,
  type AuthOptions, type Token, type CatalogEntry, type CatalogEndpoint,
} from './keystone.js';
export { decodeServer, instanceTargets, floatingIPs, type Server, type FloatingIPs } from './instance.js';
export { hypervisorTargets } from './hypervisor.js';
export { loadBalancerTargets } from './loadbalancer.js';
export { listAll } from './api.js';
