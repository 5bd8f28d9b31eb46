/**
 * The service discovery registry: every `*_sd_configs` key Prometheus 3 knows, with its
 * schema, and the handler that reads those keys inline in scrape and alertmanager configs
 * (and writes them back after the other fields, sorted by key, as Prometheus does).
 */
import { DecodeError } from '../errors.js';
import { list, resetting } from '../schema.js';
import type { ExtraKeys, Kind, StructKind, YOut } from '../schema.js';
import type { SDConfigByKey, SDConfigKey } from '../sd-types.js';
import type { ServiceDiscoveryConfigs } from '../types.js';
import {
  awsSD, azureSD, digitalOceanSD, ec2SD, ecsSD, elasticacheSD, gceSD, hetznerSD, ionosSD, lightsailSD, linodeSD, mskSD, ociSD,
  openStackSD, outscaleSD, ovhcloudSD, rdsSD, scalewaySD, stackitSD, vultrSD,
} from './cloud.js';
import { kubernetesSD } from './kubernetes.js';
import {
  consulSD, dnsSD, dockerSD, dockerSwarmSD, eurekaSD, httpSD, kumaSD, marathonSD, nerveSD, nomadSD, puppetDBSD, serversetSD, tritonSD, uyuniSD,
} from './services.js';
import { fileSD, staticConfig } from './static-file.js';

type Registry = { [K in SDConfigKey]: StructKind<SDConfigByKey[K]> };

export const SD_REGISTRY: Registry = {
  aws_sd_configs: awsSD,
  azure_sd_configs: azureSD,
  consul_sd_configs: consulSD,
  digitalocean_sd_configs: digitalOceanSD,
  dns_sd_configs: dnsSD,
  docker_sd_configs: dockerSD,
  dockerswarm_sd_configs: dockerSwarmSD,
  ec2_sd_configs: ec2SD,
  ecs_sd_configs: ecsSD,
  elasticache_sd_configs: elasticacheSD,
  eureka_sd_configs: eurekaSD,
  gce_sd_configs: gceSD,
  hetzner_sd_configs: hetznerSD,
  http_sd_configs: httpSD,
  ionos_sd_configs: ionosSD,
  kubernetes_sd_configs: kubernetesSD,
  kuma_sd_configs: kumaSD,
  lightsail_sd_configs: lightsailSD,
  linode_sd_configs: linodeSD,
  marathon_sd_configs: marathonSD,
  msk_sd_configs: mskSD,
  nerve_sd_configs: nerveSD,
  nomad_sd_configs: nomadSD,
  oci_sd_configs: ociSD,
  openstack_sd_configs: openStackSD,
  outscale_sd_configs: outscaleSD,
  ovhcloud_sd_configs: ovhcloudSD,
  puppetdb_sd_configs: puppetDBSD,
  rds_sd_configs: rdsSD,
  scaleway_sd_configs: scalewaySD,
  serverset_sd_configs: serversetSD,
  stackit_sd_configs: stackitSD,
  triton_sd_configs: tritonSD,
  uyuni_sd_configs: uyuniSD,
  vultr_sd_configs: vultrSD,
};

export function isSDKey(key: string): key is SDConfigKey {
  return Object.prototype.hasOwnProperty.call(SD_REGISTRY, key);
}

/** The typed configs of one kind from `sd.other` (empty when none). */
export function otherSDConfigs<K extends SDConfigKey>(sd: ServiceDiscoveryConfigs, key: K): SDConfigByKey[K][] {
  return (sd.other[key] ?? []) as SDConfigByKey[K][];
}

const staticList = list(staticConfig);
const fileList = list(resetting(fileSD));

/** Reads the discovery keys of a scrape or alertmanager config into its SD fields. */
export function sdExtraKeys<T extends ServiceDiscoveryConfigs>(): ExtraKeys<T> {
  return {
    accepts: (key) => key === 'static_configs' || key === 'file_sd_configs' || isSDKey(key),
    decode(v, key, n, d, path) {
      const nullItem = `empty or null section in ${key}`;
      if (n.kind === 'scalar' && n.tag === 'null') return;
      if (n.kind === 'seq') {
        n.items.forEach((it, i) => {
          if (it.kind === 'scalar' && it.tag === 'null') throw new DecodeError(it.line, `${path}[${i}]`, nullItem);
        });
      }
      if (key === 'static_configs') { v.static_configs = staticList.decode(n, d, path, []); return; }
      if (key === 'file_sd_configs') { v.file_sd_configs = fileList.decode(n, d, path, []); return; }
      if (isSDKey(key)) {
        const k = list(resetting(SD_REGISTRY[key] as StructKind<object>));
        v.other[key] = k.decode(n, d, path, []);
      }
    },
    encode(v) {
      const out: [string, YOut][] = [];
      const keys = Object.keys(v.other).filter((k) => (v.other[k]?.length ?? 0) > 0);
      if (v.file_sd_configs.length > 0) keys.push('file_sd_configs');
      if (v.static_configs.length > 0) keys.push('static_configs');
      keys.sort();
      for (const k of keys) {
        if (k === 'static_configs') out.push([k, staticList.encode(v.static_configs, false)]);
        else if (k === 'file_sd_configs') out.push([k, fileList.encode(v.file_sd_configs, false)]);
        else if (isSDKey(k)) out.push([k, list(SD_REGISTRY[k] as Kind<unknown>).encode(v.other[k] ?? [], false)]);
      }
      return out;
    },
  };
}

/** Hidden field specs for the SD properties of a holder struct (filled by `sdExtraKeys`). */
export const sdFields = {
  static_configs: { kind: staticList, hidden: true },
  file_sd_configs: { kind: fileList, hidden: true },
  other: {
    kind: {
      goType: 'discovery.Configs',
      decode: (): Record<string, unknown[]> => ({}),
      zero: (): Record<string, unknown[]> => ({}),
      isZero: (v: Record<string, unknown[]>) => Object.keys(v).length === 0,
      encode: (): YOut => ({ t: 'raw', v: '' }),
    },
    hidden: true,
  },
} as const;
