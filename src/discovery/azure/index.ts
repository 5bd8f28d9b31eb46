export { AzureDiscoverer, mapVM, COMPUTE_API_VERSION, NETWORK_API_VERSION, VMSS_NETWORK_API_VERSION, type AzureDiscovererOptions, type VirtualMachine } from './azure.js';
export { AzureSDMetrics } from './metrics.js';
export { cloudConfigFromName, type CloudConfig } from './environments.js';
export { newCredential, ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential, type TokenCredential, type CredentialSettings, type AzureEnv } from './credentials.js';
export { parseResourceID, type ResourceID } from './resource-id.js';
export { armList, armGetURL, armURL, ARMError, type ARMCall } from './arm.js';
