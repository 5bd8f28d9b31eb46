import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EC2SDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig, newHTTPClient } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { RefreshMetrics } from '../refresh/index.js';
import { resolveCredentials } from './credentials.js';
import { EC2Discoverer } from './ec2.js';
import { loadRegion } from './region.js';
import { parseINI, type AWSEnv } from './shared-config.js';
import { FakeAWS } from './testing-fake-ec2.js';

const never = new AbortController().signal;
const NO_RETRY = { maxAttempts: 1, backoffMs: () => 0 };

function cfg(f: FakeAWS, o: Partial<EC2SDConfig> = {}): EC2SDConfig {
  return {
    endpoint: f.endpoint, region: f.region, access_key: '', secret_key: '', profile: '', role_arn: '', external_id: '',
    refresh_interval: 60_000 as Millis, port: 80, filters: [], http_client: defaultHTTPClientConfig(), ...o,
  };
}

async function listed(f: FakeAWS, c: EC2SDConfig, env: AWSEnv): Promise<string> {
  const d = new EC2Discoverer(c, { refreshMetrics: RefreshMetrics.for(new Registry()), env, retry: NO_RETRY });
  const [g] = await d.refresh(never);
  return g!.targets.map((t) => `${t['__meta_ec2_region']}/${t['__meta_ec2_instance_id']}`).join(',');
}

async function withSetup(fn: (f: FakeAWS, dir: string) => Promise<void>): Promise<void> {
  const f = new FakeAWS({ region: 'eu-central-1' });
  await f.up();
  f.instances = [{ id: 'i-1', privateIp: '10.0.0.1' }];
  const dir = mkdtempSync(join(tmpdir(), 'wf-aws-'));
  try {
    await fn(f, dir);
  } finally {
    await f.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('aws shared config: INI sections, comments, case-insensitive keys and sub-sections', () => {
  const m = parseINI('# c\n[default]\nAWS_Access_Key_ID = AK\ns3 =\n   max_concurrent_requests = 2\nregion=eu-west-1 \n; x\n[profile p]\nrole_arn=arn:aws:iam::1:role/r\n');
  assert.deepEqual(m.get('default'), { aws_access_key_id: 'AK', region: 'eu-west-1' });
  assert.deepEqual(m.get('profile p'), { role_arn: 'arn:aws:iam::1:role/r' });
});

test('aws credentials: config keys, environment, profiles (static, source_profile role, web identity), config role_arn with external_id', async () => {
  await withSetup(async (f, dir) => {
    f.addKey('AKCFG', 'cfg-secret');
    f.addKey('AKENV', 'env-secret');
    f.addKey('AKPROF', 'prof-secret');
    f.addKey('AKBASE', 'base-secret');
    f.roles.set('arn:aws:iam::123456789012:role/discovery', { externalId: 'ext-42' });
    f.roles.set('arn:aws:iam::123456789012:role/from-profile', { externalId: null });
    f.roles.set('arn:aws:iam::123456789012:role/web', { externalId: null, webIdentityToken: 'jwt-token' });
    writeFileSync(join(dir, 'credentials'), '[prof]\naws_access_key_id = AKPROF\naws_secret_access_key = prof-secret\n[base]\naws_access_key_id=AKBASE\naws_secret_access_key=base-secret\n');
    writeFileSync(join(dir, 'token'), 'jwt-token\n');
    writeFileSync(join(dir, 'config'), `[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/from-profile\nsource_profile = base\n[profile webid]\nrole_arn = arn:aws:iam::123456789012:role/web\nweb_identity_token_file = ${join(dir, 'token')}\n[profile loop]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = loop2\n[profile loop2]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = loop\n[profile proc]\ncredential_process = /bin/false\n`);
    const files = { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_ENDPOINT_URL_STS: f.endpoint, AWS_EC2_METADATA_DISABLED: 'true' };
    const env = { ...files, AWS_ACCESS_KEY_ID: 'AKENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
    const who = (): string => f.calls.filter((c) => c.action === 'DescribeInstances').at(-1)!.accessKeyId;

    assert.equal(await listed(f, cfg(f, { access_key: 'AKCFG', secret_key: 'cfg-secret' as Secret }), env), 'eu-central-1/i-1');
    assert.equal(who(), 'AKCFG', 'config keys win over the environment');
    await listed(f, cfg(f, { access_key: 'AKCFG' }), env);
    assert.equal(who(), 'AKENV', 'an access key without secret is ignored');
    await listed(f, cfg(f, { profile: 'prof' }), env);
    assert.equal(who(), 'AKPROF', 'a named profile wins over the environment');
    await listed(f, cfg(f), { ...env, AWS_PROFILE: 'prof' });
    assert.equal(who(), 'AKPROF', 'AWS_PROFILE names the profile');
    await listed(f, cfg(f, { profile: 'chained' }), files);
    assert.match(who(), /^ASIA/, 'source_profile credentials assume the profile role');
    await listed(f, cfg(f, { profile: 'webid' }), files);
    assert.match(who(), /^ASIA/, 'web identity profile');
    await listed(f, cfg(f), { ...files, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/web' });
    assert.match(who(), /^ASIA/, 'web identity from the environment');
    await listed(f, cfg(f, { role_arn: 'arn:aws:iam::123456789012:role/discovery', external_id: 'ext-42' }), env);
    assert.match(who(), /^ASIA/, 'config role_arn assumed with the environment credentials');
    const assume = f.calls.filter((c) => c.action === 'AssumeRole').at(-1)!;
    assert.equal(assume.accessKeyId, 'AKENV');

    await assert.rejects(listed(f, cfg(f, { role_arn: 'arn:aws:iam::123456789012:role/discovery', external_id: 'wrong' }), env),
      /operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: .*, api error AccessDenied: User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/discovery/);
    await assert.rejects(listed(f, cfg(f, { profile: 'missing' }), env), { message: 'could not create aws config: failed to get shared config profile, missing' });
    await assert.rejects(listed(f, cfg(f, { profile: 'loop' }), env), /infinite loop in credential configuration/);
    await assert.rejects(listed(f, cfg(f, { profile: 'proc' }), env), /credential_process is not supported/);
    await assert.rejects(listed(f, cfg(f), files), /access disabled to EC2 IMDS/);
  });
});

test('aws credentials and region: the instance metadata service and the container endpoint', async () => {
  await withSetup(async (f, dir) => {
    f.imdsRole = { name: 'discovery-role', accessKeyId: '', secretAccessKey: '' };
    const base = { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_CONFIG_FILE: join(dir, 'none'), AWS_EC2_METADATA_SERVICE_ENDPOINT: f.endpoint };
    assert.equal(await listed(f, cfg(f, { region: '' }), base), 'eu-central-1/i-1', 'region and credentials from IMDS');
    assert.match(f.calls.at(-1)!.accessKeyId, /^ASIA/);

    const http = newHTTPClient(defaultHTTPClientConfig(), 'test');
    try {
      assert.equal(await loadRegion('', { ...base, AWS_REGION: 'ap-south-1' }, http, never), 'ap-south-1');
      assert.equal(await loadRegion('', { ...base, AWS_DEFAULT_REGION: 'sa-east-1' }, http, never), 'sa-east-1');
      writeFileSync(join(dir, 'config'), '[default]\nregion = ca-central-1\n[profile other]\nregion = us-west-2\n');
      assert.equal(await loadRegion('', { ...base, AWS_CONFIG_FILE: join(dir, 'config') }, http, never), 'ca-central-1');
      assert.equal(await loadRegion('', { ...base, AWS_CONFIG_FILE: join(dir, 'config'), AWS_PROFILE: 'other' }, http, never), 'us-west-2');
      await assert.rejects(loadRegion('', { ...base, AWS_EC2_METADATA_DISABLED: 'true' }, http, never), /^Error: could not determine AWS region: failed to get region from IMDS: /);

      // The container endpoint, with its authorization token.
      const seen: string[] = [];
      const srv = createServer((req, res) => {
        seen.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ AccessKeyId: 'AKCONT', SecretAccessKey: 's', Token: 't', Expiration: '2099-01-01T00:00:00Z' }));
      });
      await new Promise<void>((r) => { srv.listen(0, '127.0.0.1', r); });
      try {
        const p = await resolveCredentials({
          http, region: 'eu-central-1', env: { ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'Bearer abc' },
          accessKey: '', secretKey: '', profile: '', roleArn: '', externalId: '',
        });
        const c = await p.retrieve(never);
        assert.deepEqual([c.accessKeyId, c.sessionToken, c.expiresAt], ['AKCONT', 't', Date.parse('2099-01-01T00:00:00Z')]);
        await p.retrieve(never);
        assert.deepEqual(seen, ['/creds Bearer abc'], 'cached until shortly before expiry');
      } finally {
        srv.closeAllConnections();
        await new Promise<void>((r) => { srv.close(() => { r(); }); });
      }
    } finally {
      await http.close();
    }
  });
});
