import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabels, nameList, parseResolvConf, readResolvConf } from './resolv-conf.js';

test('resolv.conf: servers, search/domain (last wins), options with their bounds', () => {
  const c = parseResolvConf([
    '# comment', 'nameserver 10.0.0.1', 'nameserver   ::1', 'nameserver', 'domain corp.example',
    'search a.example b.example', 'options ndots:3 timeout:0 attempts:4 rotate', 'sortlist 1.2.3.4', '',
  ].join('\n'));
  assert.deepEqual(c, { servers: ['10.0.0.1', '::1'], search: ['a.example', 'b.example'], port: 53, ndots: 3, timeout: 1, attempts: 4 });
  assert.deepEqual(parseResolvConf('search x\ndomain y\n').search, ['y']);
  assert.deepEqual(parseResolvConf('domain\n').search, []);
  assert.equal(parseResolvConf('options ndots:99').ndots, 15);
  assert.equal(parseResolvConf('options ndots:x').ndots, 0, 'a malformed number counts as 0');
  assert.deepEqual(parseResolvConf(''), { servers: [], search: [], port: 53, ndots: 1, timeout: 5, attempts: 2 });
});

test('resolv.conf: a missing file is an error worded like Prometheus\'s', async () => {
  await assert.rejects(readResolvConf('/nonexistent/resolv.conf'), { message: 'could not load resolv.conf: open /nonexistent/resolv.conf: no such file or directory' });
});

test('name lists follow the search list and ndots', () => {
  const c = parseResolvConf('search a.example b.example\n');
  const table: [string, number, string[]][] = [
    ['host', 1, ['host.a.example.', 'host.b.example.', 'host.']],
    ['host.sub', 1, ['host.sub.', 'host.sub.a.example.', 'host.sub.b.example.']],
    ['host.sub', 2, ['host.sub.a.example.', 'host.sub.b.example.', 'host.sub.']],
    ['host.', 1, ['host.']],
    ['_svc._tcp.x', 0, ['_svc._tcp.x.', '_svc._tcp.x.a.example.', '_svc._tcp.x.b.example.']],
  ];
  for (const [name, ndots, want] of table) assert.deepEqual(nameList({ ...c, ndots }, name), want, `${name} ndots:${ndots}`);
  assert.deepEqual([countLabels('.'), countLabels('a'), countLabels('a.b.'), countLabels('a\\.b.c')], [0, 1, 2, 2]);
});
