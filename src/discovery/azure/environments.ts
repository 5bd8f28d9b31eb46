/**
 * Azure clouds by `environment` name (compared in upper case), as Prometheus names them:
 * AzurePublicCloud (also AzureCloud and AzureGermanCloud, which Prometheus maps to the
 * public cloud), AzureChinaCloud, AzureUSGovernment(Cloud).
 *
 * Beyond Prometheus 3 (which dropped it), `AzureStackCloud` reads its endpoints from the JSON
 * file named by `AZURE_ENVIRONMENT_FILEPATH` (the go-autorest format Prometheus 2 and
 * vmagent accept: `activeDirectoryEndpoint`, `resourceManagerEndpoint`, optional
 * `tokenAudience`), which is also how the tests point discovery at a fake cloud.
 */
import { readFileSync } from 'node:fs';

export interface CloudConfig {
  /** The Entra ID (Azure AD) authority, with a trailing slash. */
  activeDirectoryEndpoint: string;
  /** The Resource Manager endpoint, with a trailing slash. */
  resourceManagerEndpoint: string;
  /** The audience of Resource Manager tokens (scope `<audience>/.default`). */
  audience: string;
}

const PUBLIC: CloudConfig = { activeDirectoryEndpoint: 'https://login.microsoftonline.com/', resourceManagerEndpoint: 'https://management.azure.com/', audience: 'https://management.core.windows.net/' };
const CHINA: CloudConfig = { activeDirectoryEndpoint: 'https://login.chinacloudapi.cn/', resourceManagerEndpoint: 'https://management.chinacloudapi.cn/', audience: 'https://management.core.chinacloudapi.cn' };
const USGOV: CloudConfig = { activeDirectoryEndpoint: 'https://login.microsoftonline.us/', resourceManagerEndpoint: 'https://management.usgovcloudapi.net/', audience: 'https://management.core.usgovcloudapi.net' };

const ENVIRONMENTS: Readonly<Record<string, CloudConfig>> = {
  AZURECHINACLOUD: CHINA, AZURECLOUD: PUBLIC, AZUREGERMANCLOUD: PUBLIC, AZUREPUBLICCLOUD: PUBLIC, AZUREUSGOVERNMENT: USGOV, AZUREUSGOVERNMENTCLOUD: USGOV,
};

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

export function cloudConfigFromName(name: string, env: Readonly<Record<string, string | undefined>>): CloudConfig {
  const upper = name.toUpperCase();
  const known = ENVIRONMENTS[upper];
  if (known !== undefined) return known;
  if (upper === 'AZURESTACKCLOUD') {
    const path = env['AZURE_ENVIRONMENT_FILEPATH'] ?? '';
    if (path === '') throw new Error('cannot read the AzureStackCloud environment: AZURE_ENVIRONMENT_FILEPATH is not set');
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`cannot read the AzureStackCloud environment from ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const ad = doc['activeDirectoryEndpoint'], rm = doc['resourceManagerEndpoint'], aud = doc['tokenAudience'];
    if (typeof ad !== 'string' || typeof rm !== 'string') throw new Error(`cannot read the AzureStackCloud environment from ${path}: activeDirectoryEndpoint and resourceManagerEndpoint are required`);
    return { activeDirectoryEndpoint: withSlash(ad), resourceManagerEndpoint: withSlash(rm), audience: typeof aud === 'string' && aud !== '' ? aud : rm };
  }
  throw new Error(`there is no cloud configuration matching the name ${JSON.stringify(upper)}`);
}
