/**
 * What receiving alerts costs: the label fingerprint (FNV-1a), the notification log hash
 * (XXH64 through BigInt), routing through a 12-route tree, and the whole intake — store,
 * routing, aggregation group insert — for batches as Prometheus posts them. Fixed seed.
 */
import { bench, seededRandom } from '../../util/bench.js';
import { nopLogger } from '../../util/log.js';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { fingerprint } from '../labels/index.js';
import { hashAlertLabels } from '../notify/index.js';
import { xxhash64Hex as xxhash64 } from '../../util/xxhash64.js';
import { AlertStore, ManualClock, fixtureAlert, type Alert } from '../store/index.js';
import { Dispatcher, Route } from './index.js';

const rnd = seededRandom(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const TEAMS = ['db', 'web', 'api', 'cache', 'infra', 'payments'];
const SEV = ['critical', 'warning', 'info'];
const NAMES = ['HighLatency', 'DiskFull', 'InstanceDown', 'ErrorRate', 'CertExpiry', 'QueueBacklog'];

const labelSets: Record<string, string>[] = [];
for (let i = 0; i < 1000; i++) {
  labelSets.push({
    alertname: pick(NAMES), team: pick(TEAMS), severity: pick(SEV), env: rnd() < 0.7 ? 'prod' : 'staging',
    instance: `host-${Math.floor(rnd() * 500)}:9100`, job: 'node', cluster: `eu-${Math.floor(rnd() * 4)}`, service: pick(TEAMS) + '-svc',
  });
}

const cfg = loadAlertmanagerConfigString(`route:
  receiver: default
  group_by: [alertname, cluster]
  routes:
    - matchers: [team=db]
      receiver: db
      routes:
        - {matchers: [severity=critical], receiver: db-page}
    - matchers: ['team=~"web|api"']
      receiver: web
      continue: true
    - matchers: [severity=critical, env=prod]
      receiver: page
      group_by: ['...']
    - matchers: ['service=~"pay.*"']
      receiver: payments
      routes:
        - {matchers: [env=staging], receiver: default}
    - matchers: [team=infra]
      receiver: infra
      routes:
        - {matchers: ['alertname=~"Disk.*|Instance.*"'], receiver: infra-page}
        - {matchers: [cluster=eu-0], receiver: infra}
receivers: [{name: default}, {name: db}, {name: db-page}, {name: web}, {name: page}, {name: payments}, {name: infra}, {name: infra-page}]
`, '').config;
const root = new Route(cfg.route, null);
const enc = new TextEncoder();
let sink = 0;

bench('alertmanager fingerprint (FNV-1a, 8 labels)', () => {
  for (const ls of labelSets) sink += fingerprint(ls).length;
}, { unitsPerOp: labelSets.length, unit: 'alerts' });

bench('alertmanager XXH64 of 100 bytes', () => {
  sink += xxhash64(enc.encode('alertname\xffHighLatency\xffcluster\xffeu-1\xffenv\xffprod\xffinstance\xffhost-42:9100\xffjob\xffnode\xffsev')).length;
}, { unit: 'hashes' });

bench('alertmanager nflog alert hash (uncached, 8 labels)', () => {
  for (const ls of labelSets) sink += hashAlertLabels({ ...ls }).length;
}, { unitsPerOp: labelSets.length, unit: 'alerts' });

bench('alertmanager route match (12 routes)', () => {
  for (const ls of labelSets) sink += root.match(ls).length;
}, { unitsPerOp: labelSets.length, unit: 'alerts' });

const clock = new ManualClock();
const store = new AlertStore();
const d = new Dispatcher(root, () => Promise.resolve(true), { logger: nopLogger, metrics: null, clock });
d.run(store);
let round = 0;
bench('alertmanager intake (store, route, group) of 1000 alerts', () => {
  round++;
  const now = clock.now() + round;
  const batch: Alert[] = labelSets.map((ls) => fixtureAlert({ labels: ls, startsAt: now - 1000, endsAt: now + 300_000, updatedAt: now }, now));
  store.put(batch, now);
}, { unitsPerOp: labelSets.length, unit: 'alerts' });
void d.stop();
if (sink === -1) console.log(sink);
