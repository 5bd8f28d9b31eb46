/**
 * TLS settings from a `tls_config`: CA, client certificate and key (inline or files),
 * server name, verification and protocol versions. Files are watched: before each request
 * their stat is compared with the last read, and on change they are read again and the
 * connections rebuilt, so that rotated certificates take effect without a reload, as in
 * Prometheus.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext, type SecureVersion } from 'node:tls';
import type { TLSConfig } from '../config/types.js';

/** What undici's connector passes on to `tls.connect`. */
export interface TLSConnectOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

const VERSIONS: Readonly<Record<Exclude<TLSConfig['min_version'], ''>, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};
const ORDER = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

interface Material {
  ca: string;
  cert: string;
  key: string;
}

type FileKey = keyof Material;

function statKey(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

export class TLSSettings {
  readonly #cfg: TLSConfig;
  #material: Material;
  /** Stat fingerprints of the files last read, by field. */
  readonly #stamps = new Map<FileKey, string>();
  /** The file-based fields: [field, path, description]. */
  readonly #files: readonly [FileKey, string, string][];
  #options: TLSConnectOptions;

  /** Reads and checks the material now; throws as Prometheus does when it is unusable. */
  constructor(cfg: TLSConfig) {
    this.#cfg = cfg;
    if (cfg.min_version !== '' && cfg.max_version !== '' && ORDER.indexOf(cfg.max_version) < ORDER.indexOf(cfg.min_version)) {
      throw new Error('tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified');
    }
    const files: [FileKey, string, string][] = [];
    if (cfg.ca === '' && cfg.ca_file !== '') files.push(['ca', cfg.ca_file, 'CA cert']);
    if (cfg.cert === '' && cfg.cert_file !== '') files.push(['cert', cfg.cert_file, 'client cert']);
    if (cfg.key === '' && cfg.key_file !== '') files.push(['key', cfg.key_file, 'client key']);
    this.#files = files;
    const m: Material = { ca: cfg.ca, cert: cfg.cert, key: cfg.key };
    for (const [k, file, what] of files) {
      try {
        m[k] = readFileSync(file, 'utf8');
        this.#stamps.set(k, statKey(statSync(file)));
      } catch (e) {
        throw new Error(`unable to read ${what}: unable to read file ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    checkMaterial(m, cfg);
    this.#material = m;
    this.#options = this.#build();
  }

  /** True when any file-based material exists, i.e. `refresh` can change anything. */
  get watched(): boolean {
    return this.#stamps.size > 0;
  }

  get options(): TLSConnectOptions {
    return this.#options;
  }

  /**
   * Re-reads files whose stat changed. Returns true when the material changed and connections
   * must be rebuilt. Throws when a changed file can no longer be read or used.
   */
  async refresh(): Promise<boolean> {
    if (this.#stamps.size === 0) return false;
    let next: Material | null = null;
    for (const [k, file, what] of this.#files) {
      let st: Stats;
      try {
        st = await stat(file);
      } catch (e) {
        throw new Error(`unable to read ${what}: unable to read file ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const key = statKey(st);
      if (this.#stamps.get(k) === key) continue;
      next ??= { ...this.#material };
      next[k] = await readFile(file, 'utf8');
      this.#stamps.set(k, key);
    }
    if (next === null) return false;
    const m = this.#material;
    if (next.ca === m.ca && next.cert === m.cert && next.key === m.key) return false;
    checkMaterial(next, this.#cfg);
    this.#material = next;
    this.#options = this.#build();
    return true;
  }

  #build(): TLSConnectOptions {
    const c = this.#cfg;
    const m = this.#material;
    const o: TLSConnectOptions = { rejectUnauthorized: !c.insecure_skip_verify };
    if (m.ca !== '') o.ca = m.ca;
    if (m.cert !== '' && m.key !== '') {
      o.cert = m.cert;
      o.key = m.key;
    }
    if (c.server_name !== '') o.servername = c.server_name;
    if (c.min_version !== '') o.minVersion = VERSIONS[c.min_version];
    if (c.max_version !== '') o.maxVersion = VERSIONS[c.max_version];
    return o;
  }
}

function checkMaterial(m: Material, cfg: TLSConfig): void {
  if (m.ca !== '') {
    try {
      createSecureContext({ ca: m.ca });
    } catch (e) {
      throw new Error(`unable to use specified CA cert ${cfg.ca_file !== '' ? 'file ' + cfg.ca_file : 'inline'}`, { cause: e });
    }
    if (!m.ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error(`unable to use specified CA cert ${cfg.ca_file !== '' ? 'file ' + cfg.ca_file : 'inline'}`);
    }
  }
  if (m.cert !== '' || m.key !== '') {
    try {
      createSecureContext({ cert: m.cert, key: m.key });
    } catch (e) {
      const cd = cfg.cert_file !== '' ? 'file ' + cfg.cert_file : 'inline';
      const kd = cfg.key_file !== '' ? 'file ' + cfg.key_file : 'inline';
      throw new Error(`unable to use specified client cert (${cd}) & key (${kd}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}
