import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EurekaSDConfig } from '../../config/sd-types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { decodeApplications } from './client.js';
import { EurekaDiscoverer, targetsForApp } from './eureka.js';
import { FakeEureka } from './testing-fake-eureka.js';

const never = new AbortController().signal;

function cfg(server: string, intervalMs = 30_000): EurekaSDConfig {
  return { server, refresh_interval: intervalMs as Millis, http_client: defaultHTTPClientConfig() };
}

function discoverer(server: string, reg = new Registry(), intervalMs?: number): EurekaDiscoverer {
  return new EurekaDiscoverer(cfg(server, intervalMs), { refreshMetrics: RefreshMetrics.for(reg), setName: 'eureka', userAgent: 'Watchfire/test' });
}

/** A server that answers every request with a fixed status and body. */
async function withReply(status: number, body: string, fn: (url: string) => Promise<void>): Promise<void> {
  const s = createServer((_req, res) => { res.writeHead(status, { 'Content-Type': 'application/xml' }).end(body); });
  await new Promise<void>((r) => { s.listen(0, '127.0.0.1', r); });
  try {
    await fn(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  } finally {
    s.closeAllConnections();
    await new Promise<void>((r) => { s.close(() => { r(); }); });
  }
}

// The registry of Prometheus's TestEurekaSDSendGroup (two applications, two instances each),
// abridged to the elements the labels read plus some they ignore.
const SEND_GROUP = `<applications>
  <versions__delta>1</versions__delta>
  <apps__hashcode>UP_4_</apps__hashcode>
  <application>
    <name>CONFIG-SERVICE</name>
    <instance>
      <instanceId>config-service001.test.com:config-service:8080</instanceId>
      <hostName>config-service001.test.com</hostName>
      <app>CONFIG-SERVICE</app>
      <ipAddr>192.133.83.31</ipAddr>
      <status>UP</status>
      <overriddenstatus>UNKNOWN</overriddenstatus>
      <port enabled="true">8080</port>
      <securePort enabled="false">8080</securePort>
      <countryId>1</countryId>
      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
      <leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs></leaseInfo>
      <metadata><instanceId>config-service001.test.com:config-service:8080</instanceId></metadata>
      <homePageUrl>http://config-service001.test.com:8080/</homePageUrl>
      <statusPageUrl>http://config-service001.test.com:8080/info</statusPageUrl>
      <healthCheckUrl>http://config-service001.test.com 8080/health</healthCheckUrl>
      <vipAddress>config-service</vipAddress>
      <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
      <actionType>ADDED</actionType>
    </instance>
    <instance>
      <instanceId>config-service002.test.com:config-service:8080</instanceId>
      <hostName>config-service002.test.com</hostName>
      <port enabled="true">8080</port>
    </instance>
  </application>
  <application>
    <name>META-SERVICE</name>
    <instance>
      <instanceId>meta-service002.test.com:meta-service:8080</instanceId>
      <hostName>meta-service002.test.com</hostName>
      <app>META-SERVICE</app>
      <ipAddr>192.133.87.237</ipAddr>
      <status>UP</status>
      <port enabled="true">8080</port>
      <securePort enabled="false">443</securePort>
      <countryId>1</countryId>
      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
      <metadata>
        <project>meta-service</project>
        <management.port>8090</management.port>
      </metadata>
      <homePageUrl>http://meta-service002.test.com:8080/</homePageUrl>
      <statusPageUrl>http://meta-service002.test.com:8080/info</statusPageUrl>
      <healthCheckUrl>http://meta-service002.test.com:8080/health</healthCheckUrl>
      <vipAddress>meta-service</vipAddress>
      <secureVipAddress>meta-service</secureVipAddress>
    </instance>
    <instance>
      <instanceId>meta-service001.test.com:meta-service:8080</instanceId>
      <hostName>meta-service001.test.com</hostName>
      <port enabled="true">8080</port>
    </instance>
  </application>
</applications>`;

test('eureka SD: Prometheus TestEurekaSDSendGroup — one "eureka" group, four targets with the labels Prometheus derives', async () => {
  await withReply(200, SEND_GROUP, async (url) => {
    const groups = await discoverer(url).refresh(never);
    assert.equal(groups.length, 1);
    const g = groups[0]!;
    assert.equal(g.source, 'eureka');
    assert.deepEqual(g.targets.map((t) => t['__address__']), [
      'config-service001.test.com:8080', 'config-service002.test.com:8080', 'meta-service002.test.com:8080', 'meta-service001.test.com:8080',
    ]);
    assert.deepEqual(g.targets[0], {
      __address__: 'config-service001.test.com:8080',
      instance: 'config-service001.test.com:config-service:8080',
      __meta_eureka_app_name: 'CONFIG-SERVICE',
      __meta_eureka_app_instance_hostname: 'config-service001.test.com',
      __meta_eureka_app_instance_homepage_url: 'http://config-service001.test.com:8080/',
      __meta_eureka_app_instance_statuspage_url: 'http://config-service001.test.com:8080/info',
      __meta_eureka_app_instance_healthcheck_url: 'http://config-service001.test.com 8080/health',
      __meta_eureka_app_instance_ip_addr: '192.133.83.31',
      __meta_eureka_app_instance_vip_address: 'config-service',
      __meta_eureka_app_instance_secure_vip_address: '',
      __meta_eureka_app_instance_status: 'UP',
      __meta_eureka_app_instance_country_id: '1',
      __meta_eureka_app_instance_id: 'config-service001.test.com:config-service:8080',
      __meta_eureka_app_instance_port: '8080',
      __meta_eureka_app_instance_port_enabled: 'true',
      __meta_eureka_app_instance_secure_port: '8080',
      __meta_eureka_app_instance_secure_port_enabled: 'false',
      __meta_eureka_app_instance_datacenterinfo_name: 'MyOwn',
      __meta_eureka_app_instance_metadata_instanceId: 'config-service001.test.com:config-service:8080',
    });
    const meta = g.targets[2]!;
    assert.equal(meta['__meta_eureka_app_instance_metadata_project'], 'meta-service');
    assert.equal(meta['__meta_eureka_app_instance_metadata_management_port'], '8090');
    assert.equal(meta['__meta_eureka_app_instance_secure_port'], '443');
    assert.equal(meta['__meta_eureka_app_instance_secure_vip_address'], 'meta-service');
    // The sparse instance: zero values, no port-less defaults beyond Prometheus's.
    assert.equal(g.targets[1]!['__meta_eureka_app_instance_country_id'], '0');
    assert.equal(g.targets[1]!['__meta_eureka_app_instance_datacenterinfo_name'], undefined);
  });
});

test('eureka SD: Prometheus TestEurekaSDEmptyList and TestEurekaSDHandleError', async () => {
  await withReply(200, '<applications>\n<versions__delta>1</versions__delta>\n<apps__hashcode/>\n</applications>', async (url) => {
    assert.deepEqual(await discoverer(url).refresh(never), [{ source: 'eureka', labels: {}, targets: [] }]);
  });
  await withReply(500, '', async (url) => {
    await assert.rejects(discoverer(url).refresh(never), { message: "non 2xx status '500' response during eureka service discovery" });
  });
});

test('eureka SD: undecodable documents fail with the URL and the reason', async () => {
  const cases: [string, RegExp][] = [
    ['<applications><application>', /^"http:\/\/127\.0\.0\.1:\d+\/apps": XML syntax error on line 1: unexpected EOF$/],
    ['<applications><application><instance><countryId>x1</countryId></instance></application></applications>', /strconv\.ParseInt: parsing "x1": invalid syntax$/],
    ['<applications><application><instance><port enabled="yes">80</port></instance></application></applications>', /strconv\.ParseBool: parsing "yes": invalid syntax$/],
  ];
  for (const [body, re] of cases) {
    await withReply(200, body, async (url) => { await assert.rejects(discoverer(url).refresh(never), { message: re }); });
  }
});

test('eureka SD: instance without port, data center metadata, raw metadata XML and sanitized keys', () => {
  const src = `<applications><application><name>A</name><instance>
    <instanceId>i-1</instanceId><hostName>2001:db8::1</hostName>
    <dataCenterInfo class="com.netflix.appinfo.AmazonInfo"><name>Amazon</name><metadata><ami-id>ami-1</ami-id><availability-zone>eu-west-1a</availability-zone></metadata></dataCenterInfo>
    <metadata><a.b-c>x &amp; <i>y</i></a.b-c><empty/></metadata>
  </instance></application></applications>`;
  const [t] = targetsForApp(decodeApplications(src).applications[0]!);
  assert.equal(t!['__address__'], '[2001:db8::1]:80');
  assert.equal(t!['__meta_eureka_app_instance_port'], undefined);
  assert.equal(t!['__meta_eureka_app_instance_datacenterinfo_name'], 'Amazon');
  assert.equal(t!['__meta_eureka_app_instance_datacenterinfo_metadata_ami_id'], 'ami-1');
  assert.equal(t!['__meta_eureka_app_instance_datacenterinfo_metadata_availability_zone'], 'eu-west-1a');
  assert.equal(t!['__meta_eureka_app_instance_metadata_a_b_c'], 'x &amp; <i>y</i>', 'inner XML, not decoded text');
  assert.equal(t!['__meta_eureka_app_instance_metadata_empty'], '');
});

test('eureka SD: follows registrations against the fake server; a failing registry keeps the last targets and counts the failure', async () => {
  const f = new FakeEureka({ basicAuth: { username: 'u', password: 'p' } });
  await f.up();
  const reg = new Registry();
  const c = cfg(f.server, 30);
  c.http_client = defaultHTTPClientConfig({ basic_auth: { username: 'u', username_file: '', username_ref: '', password: 'p' as never, password_file: '', password_ref: '' } });
  const d = new EurekaDiscoverer(c, { refreshMetrics: RefreshMetrics.for(reg), setName: 'job', userAgent: 'Watchfire/test' });
  const sent: TargetGroup[][] = [];
  const ac = new AbortController();
  f.register({ app: 'web', instanceId: 'web-1', hostName: 'web-1.local', ipAddr: '10.0.0.1', port: { port: 8080, enabled: true } });
  const done = d.run(ac.signal, (gs) => { sent.push(gs); });
  const addrs = (): string => (sent.at(-1)?.[0]?.targets ?? []).map((t) => t['__address__']).join(',');
  try {
    await waitFor(() => addrs() === 'web-1.local:8080', 3000, 'the first instance');
    f.register({ app: 'web', instanceId: 'web-2', hostName: 'web-2.local', ipAddr: '10.0.0.2', port: { port: 8081, enabled: true } });
    f.register({ app: 'db', instanceId: 'db-1', hostName: 'db-1.local', ipAddr: '10.0.0.3' });
    await waitFor(() => addrs() === 'db-1.local:80,web-1.local:8080,web-2.local:8081', 3000, 'registrations');
    assert.ok(f.requests.every((r) => r.authorization === 'Basic dTpw' && r.userAgent === 'Watchfire/test' && r.path === '/eureka/v2/apps'));
    f.cancel('web', 'web-1');
    await waitFor(() => addrs() === 'db-1.local:80,web-2.local:8081', 3000, 'a cancellation');
    f.failWith({ status: 503, body: 'unavailable' });
    const failures = (): number => RefreshMetrics.for(reg).failures.labels('job', 'eureka').value;
    await waitFor(() => failures() >= 2, 3000, 'counted failures');
    const n = sent.length;
    await f.down();
    await waitFor(() => failures() >= 4, 3000, 'failures while down');
    assert.equal(sent.length, n, 'nothing sent while failing: the last targets stay');
    await f.up();
    f.failWith(null);
    f.register({ app: 'web', instanceId: 'web-3', hostName: 'web-3.local', ipAddr: '10.0.0.4', port: { port: 8082, enabled: false } });
    await waitFor(() => addrs() === 'db-1.local:80,web-2.local:8081,web-3.local:8082', 3000, 'recovery');
  } finally {
    ac.abort();
    await done;
    await f.down();
  }
});
