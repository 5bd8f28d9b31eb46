export { EurekaDiscoverer, targetsForApp, type EurekaDiscovererOptions } from './eureka.js';
export {
  fetchApps, decodeApplications, appsURL, parseGoInt, parseGoBool,
  type EurekaApplications, type EurekaApplication, type EurekaInstance, type EurekaPort, type EurekaMetaItem, type EurekaDataCenterInfo,
} from './client.js';
