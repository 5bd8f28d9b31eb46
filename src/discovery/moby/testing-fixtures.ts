/**
 * Test support: the API fixtures and expected label sets under src/discovery/moby/testdata
 * (Prometheus's discovery/moby test cases, abridged to the fields discovery reads), found
 * from the repository root so that tests run from src/ and dist/ alike. Not part of the
 * component's API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerSDConfig, DockerSwarmSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import type { Millis } from '../../model/index.js';
import { repoRoot } from '../../testing/peers.js';
import type { APIObject, FakeDocker } from './testing-fake-docker.js';

function readJSON(parts: string[]): unknown {
  return JSON.parse(readFileSync(join(repoRoot(), 'src', 'discovery', 'moby', 'testdata', ...parts), 'utf8'));
}

export function fixture(...parts: string[]): APIObject[] {
  return readJSON(parts) as APIObject[];
}

export function expected(name: string): Record<string, string>[] {
  return readJSON(['expected', `${name}.json`]) as Record<string, string>[];
}

/** Loads a scenario's lists into the fake (the lists the scenario has). */
export function load(f: FakeDocker, scenario: string, lists: readonly ('containers' | 'networks' | 'services' | 'tasks' | 'nodes')[]): void {
  for (const l of lists) f[l] = fixture(scenario, `${l}.json`);
}

export function dockerConfig(host: string, o: Partial<DockerSDConfig> = {}): DockerSDConfig {
  return {
    http_client: defaultHTTPClientConfig(), host, port: 80, filters: [], host_networking_host: 'localhost',
    refresh_interval: 60_000 as Millis, match_first_network: true, ...o,
  };
}

export function swarmConfig(host: string, role: DockerSwarmSDConfig['role'], o: Partial<DockerSwarmSDConfig> = {}): DockerSwarmSDConfig {
  return { http_client: defaultHTTPClientConfig(), host, role, port: 80, filters: [], refresh_interval: 60_000 as Millis, ...o };
}

export function byAddress(ts: readonly Record<string, string>[]): Record<string, string>[] {
  return [...ts].sort((a, b) => (a['__address__']! < b['__address__']! ? -1 : a['__address__']! > b['__address__']! ? 1 : 0));
}
