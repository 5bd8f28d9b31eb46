import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../model/index.js';
import { sharedPath } from '../testing/peers.js';
import { encodeAlertsV2, goJSONString } from './payload.js';

const CAPTURES = sharedPath('conformance', 'notifications', 'prometheus-2.42-to-alertmanager');

interface Posted {
  annotations?: Record<string, string>;
  endsAt: string;
  startsAt: string;
  generatorURL?: string;
  labels: Record<string, string>;
}

test('API v2 bodies are byte for byte what Prometheus 2.42 posted', (t) => {
  if (!existsSync(CAPTURES)) {
    t.skip('shared conformance captures not present');
    return;
  }
  const files = readdirSync(CAPTURES).filter((f) => f.endsWith('.json') && !f.endsWith('.request.json'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const body = readFileSync(join(CAPTURES, f), 'utf8');
    const posted = JSON.parse(body) as Posted[];
    const alerts = posted.map((p) => ({
      labels: Labels.fromObject(p.labels), annotations: Labels.fromObject(p.annotations ?? {}),
      startsAt: Date.parse(p.startsAt), endsAt: Date.parse(p.endsAt), generatorURL: p.generatorURL ?? '',
    }));
    assert.equal(encodeAlertsV2(alerts), body, f);
  }
});

test('API v2 bodies: empty annotations and generator URL are left out; Go string escapes', () => {
  const body = encodeAlertsV2([{ labels: Labels.fromObject({ alertname: 'A', z: 'x<y>&"\\\n\u2028' }), annotations: Labels.EMPTY, startsAt: 0, endsAt: 1_000, generatorURL: '' }]);
  assert.equal(body, '[{"endsAt":"1970-01-01T00:00:01.000Z","startsAt":"0001-01-01T00:00:00.000Z","labels":{"alertname":"A","z":"x\\u003cy\\u003e\\u0026\\"\\\\\\n\\u2028"}}]');
  assert.equal(goJSONString('\ud800'), '"\\ufffd"');
  assert.equal(goJSONString('😀'), '"😀"');
});
