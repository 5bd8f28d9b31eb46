import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTime, annotationEvents, goEncode, goParseFloat, readLikeGrafana } from './grafana-replay.js';

test('grafana reader: answers Grafana reads, and the ones it would fail on', () => {
  const good: [string, string, number][] = [
    ['matrix', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1"],[2,"+Inf"]]}]}}', 1],
    ['vector with a histogram', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{"count":"2","sum":"3","buckets":[[0,"1","2","2"]]}]}]}}', 1],
    ['result before resultType', '{"status":"success","data":{"result":[1,"2"],"resultType":"scalar"}}', 1],
    ['error envelope', '{"status":"error","errorType":"bad_data","error":"x"}', 0],
  ];
  for (const [name, text, frames] of good) assert.equal(readLikeGrafana(text).frames.length, frames, name);
  const bad: [string, string, RegExp][] = [
    ['value as a number', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}', /is not \[time, "value"\]/],
    ['value not a float', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"one"]}]}}', /does not parse/],
    ['label value not a string', '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1},"values":[]}]}}', /metric\.a is not a string/],
    ['no resultType', '{"status":"success","data":{"result":[]}}', /no resultType/],
    ['unknown result type', '{"status":"success","data":{"resultType":"table","result":[]}}', /unknown result type/],
    ['bucket of three', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{"count":"1","sum":"1","buckets":[[0,"1","2"]]}]}]}}', /bucket/],
    ['exemplar value as a number', '{"status":"success","data":[{"seriesLabels":{},"exemplars":[{"labels":{},"value":1,"timestamp":1}]}]}', /exemplar 0\/0 value/],
  ];
  for (const [name, text, re] of bad) assert.throws(() => readLikeGrafana(text), re, name);
});

test('grafana helpers: Go form encoding, float parsing, step alignment, annotation regions', () => {
  assert.equal(goEncode({ step: '15', query: 'a b+c', 'match[]': ['x', 'y'] }), 'match%5B%5D=x&match%5B%5D=y&query=a+b%2Bc&step=15');
  assert.deepEqual(['1e-07', 'NaN', '-Inf', 'x'].map(goParseFloat), [1e-7, NaN, -Infinity, null]);
  assert.equal(alignTime(1000, 60, 0), 960);
  assert.equal(alignTime(1000, 3600, 19800), -1800);
  const frames = [{ labels: { alertname: 'A', severity: 'page' }, times: [0, 5, 10, 30, 35], values: [1, 1, 0, 1, 1], histogramPoints: 0 }];
  assert.deepEqual(annotationEvents(frames, 5, 'alertname', ['severity']), [
    { title: 'A', tags: ['page'], time: 0, timeEnd: 5000 },
    { title: 'A', tags: ['page'], time: 30000, timeEnd: 35000 },
  ]);
});
