import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goJSONEncode, goJSONString, goTimeJSON } from './go-json.js';
import { multipartBody, qEncodeHeader, quotedPrintable, rfc1123z } from './mime.js';
import { parseAddressList } from './mail-address.js';
import { dotStuff } from './smtp-client.js';
import { truncateInBytes, truncateInRunes } from './common.js';

// Expected outputs produced by Go 1.19's mime/quotedprintable and mime.QEncoding.
const QP: [string, string][] = [
  ["a=b äöü €", "a=3Db =C3=A4=C3=B6=C3=BC =E2=82=AC"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=\r\n=3Db"],
  ["crlf\r\nlone\rcr", "crlf\r\nlone\r\ncr"],
  ["ends with space ", "ends with space=20"],
  ["plain text", "plain text"],
  ["trailing space \nnext\tline\t\n", "trailing space=20\r\nnext\tline=09\r\n"],
  ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\r\nxxxxx"],
  ["éééééééééééééééééééééééééééééé", "=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=\r\n=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=\r\n=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9"],
];
const Q: [string, string][] = [
  ["a_b?c=d", "a_b?c=d"],
  ["plain ascii", "plain ascii"],
  ["tab\there", "tab\there"],
  ["Ünïcödé subject", "=?utf-8?q?=C3=9Cn=C3=AFc=C3=B6d=C3=A9_subject?="],
  ["éééééééééééééééééééééééééééééééééééééééé", "=?utf-8?q?=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9?= =?utf-8?q?=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9?= =?utf-8?q?=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9?= =?utf-8?q?=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9?="],
];

test('quoted-printable as Go writes it', () => {
  for (const [input, want] of QP) assert.equal(quotedPrintable(input), want, JSON.stringify(input));
});

test('header Q-encoding as Go writes it', () => {
  for (const [input, want] of Q) assert.equal(qEncodeHeader(input), want, input);
});

test('multipart body: parts delimited, part headers sorted, closing delimiter', () => {
  const body = multipartBody('B', [{ headers: { 'Content-Type': 'text/plain', 'Content-Transfer-Encoding': 'quoted-printable' }, body: 'x' }, { headers: { A: '1' }, body: 'y' }]);
  assert.equal(body, '--B\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain\r\n\r\nx\r\n--B\r\nA: 1\r\n\r\ny\r\n--B--\r\n');
});

test('RFC 1123 date with numeric zone', () => {
  assert.match(rfc1123z(Date.parse('2026-11-27T02:18:55Z')), /^Fri, 27 Nov 2026 \d{2}:\d{2}:55 [+-]\d{4}$/);
});

test('Go JSON: HTML-safe escapes, sorted maps, omitted members, newline', () => {
  assert.equal(goJSONString('a<b>&"\\\n\u2028\u0001'), '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\u2028\\u0001"');
  assert.equal(goJSONString('\ud800x'), '"\ufffdx"');
  assert.equal(goJSONEncode({ b: 1, a: undefined, m: new Map([['z', '1'], ['a', '2']]), l: [true, null] }), '{"b":1,"m":{"a":"2","z":"1"},"l":[true,null]}\n');
  assert.equal(goTimeJSON(0), '0001-01-01T00:00:00Z');
  assert.equal(goTimeJSON(Date.parse('2026-11-27T01:00:00.120Z')), '2026-11-27T01:00:00.12Z');
});

test('address lists', () => {
  assert.deepEqual(parseAddressList('a@x.test, "Doe, J" <j@x.test>, Name <n@x.test>', 'to'), ['a@x.test', 'j@x.test', 'n@x.test']);
  assert.throws(() => parseAddressList('nobody', "parse 'to' addresses"), /parse 'to' addresses: mail: missing @ in addr-spec/);
  assert.throws(() => parseAddressList('', 'from'), /mail: no address/);
});

test('SMTP data is dot-stuffed with CRLF line ends', () => {
  assert.equal(dotStuff('a\n.b\r\n..c'), 'a\r\n..b\r\n...c\r\n.\r\n');
  assert.equal(dotStuff('x\r\n'), 'x\r\n.\r\n');
});

test('truncation to runes and bytes with the ellipsis', () => {
  assert.deepEqual(truncateInRunes('abcdef', 4), { s: 'abc…', truncated: true });
  assert.deepEqual(truncateInRunes('abc', 3), { s: 'abc', truncated: false });
  assert.deepEqual(truncateInRunes('abcdef', 2), { s: 'ab', truncated: true });
  assert.deepEqual(truncateInBytes('ééé', 5), { s: 'é…', truncated: true });
  assert.deepEqual(truncateInBytes('abcdef', 5), { s: 'ab…', truncated: true });
  assert.deepEqual(truncateInBytes('abcdef', 2), { s: '..', truncated: true });
});
