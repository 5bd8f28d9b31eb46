/**
 * Whole-string regex matching: each fast-path shape against the same pattern run through the
 * plain engine (re2js, anchored), over a fixed set of label-value-like strings. The ratio of
 * the two lines of a pair is the gain of the fast path.
 */
import { RE2JS } from 're2js';
import { bench, seededRandom } from '../util/bench.js';
import { FastRegexMatcher } from './regex.js';

const rnd = seededRandom(1);
const WORDS = ['api', 'web', 'db', 'cache', 'prod', 'staging', 'eu-west-1', 'us-east-2', 'node', 'kube', 'http_requests_total', 'foo', 'bar'];
const values: string[] = [];
for (let i = 0; i < 1000; i++) {
  let s = '';
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) s += (k > 0 ? '-' : '') + WORDS[Math.floor(rnd() * WORDS.length)]!;
  values.push(s);
}

let sink = 0;

const PATTERNS: [string, string][] = [
  ['literal alternation', 'api|web|db|cache|prod'],
  ['(?i) alternation', '(?i)API|Web|DB'],
  ['prefix .*', 'api.*'],
  ['suffix .*', '.*-prod'],
  ['contains .*x.*', '.*cache.*'],
  ['.*a.*b.* in order', '.*api.*prod.*'],
  ['prefix alternation', 'api.*|web.+|db-.*'],
  ['.+', '.+'],
  ['(.*) capture', '(.*)'],
  ['pre-checked (engine after prefix)', 'eu-(west|east)-\\d'],
  ['engine only', '[a-z]+-[0-9]+'],
];

for (const [name, p] of PATTERNS) {
  const fast = new FastRegexMatcher(p);
  const plain = RE2JS.compile(`^(?s:${p})$`);
  bench(`regex ${name}: fast`, () => {
    for (let i = 0; i < values.length; i++) if (fast.matches(values[i]!)) sink++;
  }, { unitsPerOp: values.length, unit: 'matches' });
  bench(`regex ${name}: engine`, () => {
    for (let i = 0; i < values.length; i++) if (plain.testExact(values[i]!)) sink++;
  }, { unitsPerOp: values.length, unit: 'matches' });
}

const cap = new FastRegexMatcher('__meta_kubernetes_pod_label_(.+)');
const capPlain = RE2JS.compile('^(?s:__meta_kubernetes_pod_label_(.+))$');
const names = values.map((v, i) => (i % 3 === 0 ? `__meta_kubernetes_pod_label_${v}` : `__meta_kubernetes_${v}`));
bench('exec prefix(.+): fast', () => {
  for (let i = 0; i < names.length; i++) sink += cap.exec(names[i]!)?.length ?? 0;
}, { unitsPerOp: names.length, unit: 'execs' });
bench('exec prefix(.+): engine', () => {
  for (let i = 0; i < names.length; i++) {
    const m = capPlain.matcher(names[i]!);
    if (m.matches()) sink += m.groupCount();
  }
}, { unitsPerOp: names.length, unit: 'execs' });

if (sink < 0) console.log(sink);
