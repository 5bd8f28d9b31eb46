/**
 * `aws_sd_configs`, Prometheus 3's role-based AWS discovery. The `ec2` role is EC2 discovery
 * with the shared fields laid over EC2's defaults (port 80, refresh 1 m), as Prometheus
 * does; the other roles (ecs, elasticache, lightsail, msk, rds) are not implemented by
 * Watchfire and fail when the discoverer is created.
 */
import type { AWSSDConfig, EC2SDConfig } from '../../config/sd-types.js';
import { asMillis } from '../../model/index.js';

export function ec2ConfigFromAWS(c: AWSSDConfig): EC2SDConfig {
  if (c.role !== 'ec2') throw new Error(`aws SD role ${JSON.stringify(c.role)} is not supported by Watchfire (only "ec2" is)`);
  return {
    endpoint: c.endpoint, region: c.region, access_key: c.access_key, secret_key: c.secret_key, profile: c.profile,
    role_arn: c.role_arn, external_id: c.external_id,
    refresh_interval: c.refresh_interval !== 0 ? c.refresh_interval : asMillis(60_000),
    port: c.port !== 0 ? c.port : 80,
    filters: c.filters,
    http_client: c.http_client,
  };
}
