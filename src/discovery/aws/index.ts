export { EC2Discoverer, ec2Targets, instanceIPv6, type EC2DiscovererOptions } from './ec2.js';
export { ec2ConfigFromAWS } from './aws-role.js';
export {
  describeInstances, describeAvailabilityZones, decodeDescribeInstances, filterParams, EC2_API_VERSION,
  type EC2Instance, type EC2Reservation, type EC2Filter, type EC2NetworkInterface, type EC2Tag, type EC2IPv6Address,
} from './ec2-api.js';
export { signV4, verifyV4, parseAuthorization, canonicalRequest, canonicalQuery, canonicalURI, uriEncode, sha256Hex, amzDate, type AWSCredentials, type Signed, type SignInput } from './sigv4.js';
export {
  resolveCredentials, CachedProvider, StaticProvider, AssumeRoleProvider, WebIdentityProvider, ContainerProvider, IMDSProvider,
  type CredentialsProvider, type ResolveOptions,
} from './credentials.js';
export { queryCall, queryBody, resolveEndpoint, AWSAPIError, DEFAULT_RETRY, type QueryCall, type RetryPolicy } from './query-client.js';
export { loadRegion } from './region.js';
export { IMDSClient } from './imds.js';
export { SharedConfig, parseINI, type AWSEnv } from './shared-config.js';
export { LightsailDiscoverer, lightsailLabels, type LightsailDiscovererOptions } from './lightsail.js';
export { jsonCall, type JSONCall } from './json-client.js';
