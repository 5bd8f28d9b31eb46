/**
 * The region of an AWS mechanism, found as Prometheus finds it: the configured `region`,
 * else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the `region` of the shared config's profile
 * (`AWS_PROFILE` or "default"), else the instance metadata service. Resolution happens when
 * the discoverer first refreshes, so that checking a config never touches the network.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { IMDSClient } from './imds.js';
import { envProfile, SharedConfig, type AWSEnv } from './shared-config.js';

export async function loadRegion(configured: string, env: AWSEnv, http: HTTPClient, signal: AbortSignal): Promise<string> {
  if (configured !== '') return configured;
  const fromEnv = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? '';
  if (fromEnv !== '') return fromEnv;
  let files: SharedConfig;
  try {
    files = await SharedConfig.load(env);
  } catch (e) {
    throw new Error(`could not determine AWS region: failed to load AWS config: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const fromProfile = files.profile(envProfile(env) ?? 'default')?.['region'] ?? '';
  if (fromProfile !== '') return fromProfile;
  let region: string;
  try {
    region = await new IMDSClient(http, env).region(signal);
  } catch (e) {
    throw new Error(`could not determine AWS region: failed to get region from IMDS: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (region === '') throw new Error('could not determine AWS region: region not found in AWS config or IMDS');
  return region;
}
