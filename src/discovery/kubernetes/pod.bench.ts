/**
 * The work a pod update costs Kubernetes SD: decoding the watch event's object and building
 * the pod's target group (labels, annotations, containers and ports), on fixed pods.
 */
import { bench } from '../../util/bench.js';
import { decodePod } from './api-types.js';
import { NO_OWNERS } from './labels.js';
import { buildPodGroup } from './pod.js';
import { pod } from './testing-objects.js';

const raw = Array.from({ length: 1000 }, (_, i) => pod({
  ns: `ns-${i % 10}`, name: `app-${i}`, ip: `10.${(i >> 8) & 255}.${i & 255}.1`, node: `node-${i % 50}`, hostIP: '10.0.0.1',
  labels: { app: `app-${i % 40}`, 'app.kubernetes.io/name': 'svc', 'pod-template-hash': 'abc123', tier: 'backend' },
  annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' },
  controller: { kind: 'ReplicaSet', name: `app-${i % 40}-abc123` },
  containers: [{ name: 'main', ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }, { name: 'proxy', ports: [{ name: 'admin', port: 15000 }] }],
}));
const decoded = raw.map(decodePod);
// Watch events arrive as text.
const lines = raw.map((p) => JSON.stringify({ type: 'MODIFIED', object: p }));

bench('kubernetes: decode pod watch event', () => {
  for (const l of lines) decodePod((JSON.parse(l) as { object: unknown }).object);
}, { unitsPerOp: lines.length, unit: 'pods' });

bench('kubernetes: build pod target group', () => {
  for (const p of decoded) buildPodGroup(p, null, null, NO_OWNERS);
}, { unitsPerOp: decoded.length, unit: 'pods' });
