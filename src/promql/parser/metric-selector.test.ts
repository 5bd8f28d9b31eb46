import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetricSelector } from './metric-selector.js';

test('metric selectors parse into matchers', () => {
  const cases: [string, string[]][] = [
    ['up', ['__name__="up"']],
    ['{job="a"}', ['job="a"']],
    ['http_requests_total{code=~"5..", method!="GET"}', ['__name__="http_requests_total"', 'code=~"5.."', 'method!="GET"']],
    ['{"my.metric", "a.b"="c"}', ['__name__="my.metric"', 'a.b="c"']],
    ["{a='x\\'y', b=`raw\\n`}", ['a="x\'y"', 'b="raw\\\\n"']],
    ['{a="\\u00e9"}', ['a="é"']],
    ['{job="a",}', ['job="a"']],
  ];
  for (const [input, want] of cases) {
    assert.deepEqual(parseMetricSelector(input).map((m) => m.toString()), want, input);
  }
});

test('bad selectors are rejected', () => {
  for (const bad of ['', '{}', '{a=""}', '{a=~".*"}', 'up{', 'up{a}', 'up{a="b"', '{a="b"} x', 'up{a=~"("}', '{a="\\q"}']) {
    assert.throws(() => parseMetricSelector(bad), bad);
  }
});
