import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex, signV4, verifyV4, parseAuthorization, canonicalQuery } from './sigv4.js';

// The credentials, region, service and time of AWS's Signature Version 4 test suite.
const SUITE = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  now: new Date('2015-08-30T12:36:00Z'),
};
const CRED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

test('sigv4: published test-suite vectors', () => {
  const cases: { name: string; method: string; path: string; headers?: Record<string, string>; body?: string; signedHeaders: string; signature: string; canonicalHash?: string }[] = [
    { name: 'get-vanilla', method: 'GET', path: '/', signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
    {
      name: 'get-vanilla-query-order-key-case', method: 'GET', path: '/?Param2=value2&Param1=value1', signedHeaders: 'host;x-amz-date',
      signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500', canonicalHash: '816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0',
    },
    { name: 'get-vanilla-query-order-value', method: 'GET', path: '/?Param1=value2&Param1=value1', signedHeaders: 'host;x-amz-date', signature: '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694' },
    {
      name: 'get-unreserved', method: 'GET', path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', signedHeaders: 'host;x-amz-date',
      signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    },
    {
      name: 'get-header-key-duplicate', method: 'GET', path: '/', headers: { 'My-Header1': 'value2,value2,value1' }, signedHeaders: 'host;my-header1;x-amz-date',
      signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
    },
    {
      name: 'post-x-www-form-urlencoded', method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Param1=value1',
      signedHeaders: 'content-type;host;x-amz-date', signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
      canonicalHash: '42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281',
    },
  ];
  for (const c of cases) {
    const s = signV4({ ...SUITE, method: c.method, url: new URL(`https://example.amazonaws.com${c.path}`), headers: c.headers ?? {}, body: c.body ?? '' });
    assert.equal(s.headers['authorization'], `${CRED}, SignedHeaders=${c.signedHeaders}, Signature=${c.signature}`, c.name);
    assert.equal(s.headers['x-amz-date'], '20150830T123600Z', c.name);
    if (c.canonicalHash !== undefined) assert.equal(sha256Hex(s.canonicalRequest), c.canonicalHash, c.name);
  }
  assert.equal(sha256Hex('Param1=value1'), '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e');
});

test('sigv4: the canonical query sorts by name then value and re-encodes', () => {
  assert.equal(canonicalQuery('?b=2&a=z&a=y&c&d=a%20b+c&e=%7E'), 'a=y&a=z&b=2&c=&d=a%20b%2Bc&e=~');
});

test('sigv4: verification accepts what the signer produced and rejects tampering, unknown keys and missing headers', () => {
  const url = new URL('http://127.0.0.1:4566/?Action=DescribeInstances');
  const body = 'Action=DescribeInstances&Version=2016-11-15';
  const creds = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'tok' };
  const s = signV4({ method: 'POST', url, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, region: 'eu-west-1', service: 'ec2', credentials: creds, now: new Date() });
  assert.equal(s.headers['x-amz-security-token'], 'tok');
  assert.deepEqual(parseAuthorization(s.headers['authorization']!)?.signedHeaders, ['content-type', 'host', 'x-amz-date', 'x-amz-security-token']);
  const secretFor = (id: string): string | undefined => (id === 'AKID' ? 'secret' : undefined);
  const target = url.pathname + url.search;
  assert.equal(verifyV4({ method: 'POST', target, headers: s.headers, body, secretFor }).ok, true);
  const bad = (r: ReturnType<typeof verifyV4>): string => (r.ok ? 'ok' : r.code);
  assert.equal(bad(verifyV4({ method: 'POST', target, headers: s.headers, body: body + 'x', secretFor })), 'SignatureDoesNotMatch');
  assert.equal(bad(verifyV4({ method: 'POST', target, headers: s.headers, body, secretFor: () => 'other' })), 'SignatureDoesNotMatch');
  assert.equal(bad(verifyV4({ method: 'POST', target, headers: s.headers, body, secretFor: () => undefined })), 'AuthFailure');
  assert.equal(bad(verifyV4({ method: 'POST', target, headers: { ...s.headers, 'x-amz-security-token': undefined }, body, secretFor })), 'SignatureDoesNotMatch');
  assert.equal(bad(verifyV4({ method: 'POST', target, headers: {}, body, secretFor })), 'MissingAuthenticationToken');
});
