/**
 * The public API: template sets, options, functions (plain and typed), asynchronous functions
 * with the replaying executor, execution limits, and the HTML mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ExecError, GoFunc, GoVal, ParseError, T, Template, goFunc, namedType, parseTemplate, sliceOf,
} from './index.js';

test('sets: define, lookup, executeTemplate, redefinition, definedTemplates', () => {
  const t = parseTemplate('main', '{{define "a"}}A{{.}}{{end}}{{define "b"}}B{{template "a" .}}{{end}}main:{{template "b" 1}}');
  assert.equal(t.executeSync(null), 'main:BA1');
  assert.equal(t.executeTemplateSync('a', 'x'), 'Ax');
  assert.equal(t.lookup('nope'), undefined);
  assert.equal(t.lookup('b')?.executeSync(2), 'BA2');
  assert.equal(t.definedTemplates(), '; defined templates are: "a", "b", "main"');
  // A later parse may redefine a template; an empty redefinition is ignored.
  t.new('a').parse('new A{{.}}');
  assert.equal(t.executeSync(null), 'main:Bnew A1');
  t.parse('{{define "a"}}  {{end}}main2:{{template "a" 3}}');
  assert.equal(t.executeSync(null), 'main2:new A3');
  assert.throws(() => t.executeTemplateSync('zzz', null), { message: 'template: no template "zzz" associated with template "main"' });
  assert.throws(() => Template.create('empty').executeSync(null), { message: 'template: empty: "empty" is an incomplete or empty template' });
});

test('functions: plain JavaScript functions take and return values; typed ones are checked', () => {
  const t = parseTemplate('f', '{{join "," .}} {{double 21}} {{upper "go"}}', {
    funcs: {
      join: (sep: string, items: readonly string[]) => items.join(sep),
      double: goFunc([T.int], T.int, (n) => (n as bigint) * 2n),
      upper: goFunc([T.string], T.string, (s) => (s as string).toUpperCase()),
    },
  });
  assert.equal(t.executeSync(['a', 'b']), 'a,b 42 GO');
  assert.throws(() => parseTemplate('f', '{{nope}}'), ParseError);
  assert.throws(() => parseTemplate('f', '{{x}}', { funcs: { 'bad-name': () => 1 } }), /function name "bad-name" is not a valid identifier/);
  // Functions given at execution override those known at parse time.
  const u = parseTemplate('g', '{{v}}', { funcs: { v: () => 'parse' } });
  assert.equal(u.executeSync(null), 'parse');
  assert.equal(u.executeSync(null, { v: () => 'exec' }), 'exec');
  // Thrown errors become Go's "error calling".
  const e = parseTemplate('h', '{{boom 1}}', { funcs: { boom: () => { throw new Error('kaput'); } } });
  assert.throws(() => e.executeSync(null), { message: 'template: h:1:2: executing "h" at <boom 1>: error calling boom: kaput' });
});

test('async: functions returning promises are awaited; results are replayed in order', async () => {
  let calls = 0;
  const fetchValue = goFunc([T.string], T.string, async (k) => {
    calls++;
    await new Promise((r) => setTimeout(r, 1));
    return `<${k as string}>`;
  });
  const t = parseTemplate('a', '{{range .}}{{fetch .}}{{end}}|{{fetch "z" | printf "%s!"}}', { funcs: { fetch: fetchValue } });
  assert.equal(await t.execute(['x', 'y']), '<x><y>|<z>!');
  assert.equal(calls, 3, 'each asynchronous call runs once');
  // Synchronous execution refuses asynchronous functions, with a flag callers can test.
  assert.throws(() => t.executeSync(['x']), (e: unknown) => e instanceof ExecError && e.asyncRequired
    && e.message === 'template: a:1:13: executing "a" at <fetch .>: error calling fetch: asynchronous function called during synchronous execution');
  // A function declared asynchronous is not even called by synchronous execution.
  let declaredCalls = 0;
  const declared = parseTemplate('d', '{{q}}', { funcs: { q: goFunc([], T.string, () => { declaredCalls++; return Promise.resolve('x'); }, { async: true }) } });
  assert.throws(() => declared.executeSync(null), (e: unknown) => e instanceof ExecError && e.asyncRequired);
  assert.equal(declaredCalls, 0);
  assert.equal(await declared.execute(null), 'x');
  assert.equal(declaredCalls, 1);
  // Rejections are function errors.
  const bad = parseTemplate('b', '{{f}}', { funcs: { f: goFunc([], T.string, () => Promise.reject(new Error('down'))) } });
  await assert.rejects(bad.execute(null), { message: 'template: b:1:2: executing "b" at <f>: error calling f: down' });
  // A limit on asynchronous calls bounds the replays.
  const many = parseTemplate('c', '{{range .}}{{f}}{{end}}', { funcs: { f: goFunc([], T.string, () => Promise.resolve('.')) }, limits: { maxAsyncCalls: 5 } });
  assert.equal(await many.execute([1, 2, 3, 4, 5]), '.....');
  await assert.rejects(many.execute([1, 2, 3, 4, 5, 6]), /exceeded maximum asynchronous calls \(5\)/);
});

test('limits: steps, output size and recursion end with errors, not hangs', () => {
  const loop = parseTemplate('l', '{{range 100000}}{{range 100000}}{{end}}{{end}}', { limits: { maxSteps: 100_000 } });
  assert.throws(() => loop.executeSync(null), /exceeded maximum execution steps \(100000\)/);
  const big = parseTemplate('o', '{{range 1000000}}xxxxxxxxxx{{end}}', { limits: { maxOutput: 10_000 } });
  assert.throws(() => big.executeSync(null), /exceeded maximum output size \(10000\)/);
  const rec = parseTemplate('top', '{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}');
  assert.throws(() => rec.executeSync(null), { message: 'template: top:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100000)' });
  const counted = parseTemplate('d', '{{define "r"}}{{.}}{{with .}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .}}', { limits: { maxDepth: 3 } });
  assert.equal(counted.executeSync(['a', 'b']), '[a b][b][]');
  assert.throws(() => counted.executeSync(['a', 'b', 'c', 'd']), /exceeded maximum template depth \(3\)/);
});

test('html mode: action output is escaped, template.HTML is not, missing values print nothing', () => {
  const HTML = namedType('template.HTML', 'string');
  const t = parseTemplate('h', '<p title="{{.t}}">{{.b}} {{.safe}} [{{.missing}}] {{printf "%d+%d" 1 2}}</p>', { html: true });
  assert.equal(t.executeSync({ t: 'a"b', b: '<b>&\'x\'\0', safe: new GoVal(HTML, '<i>ok</i>') }),
    '<p title="a&#34;b">&lt;b&gt;&amp;&#39;x&#39;\uFFFD <i>ok</i> [] 1&#43;2</p>');
});

test('values: typed data prints and compares with Go semantics', () => {
  const t = parseTemplate('v', '{{.}} {{len .}} {{index . 1}} {{printf "%T" .}} {{range $i, $e := .}}{{$i}}:{{printf "%T" $e}} {{end}}');
  assert.equal(t.executeSync(new GoVal(sliceOf(T.int64), [1n, -2n])), '[1 -2] 2 -2 []int64 0:int64 1:int64 ');
  const f = parseTemplate('n', '{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}}');
  assert.equal(f.executeSync({ a: 1.0, b: 100000, c: 1e6, d: 1e21, e: 1.5e-7, f: -0 }), '1 100000 1e+06 1e+21 1.5e-07 -0');
  const fn = new GoFunc({ params: [], variadic: null, result: T.string, name: 'func() string' }, () => 'called');
  assert.equal(parseTemplate('c', '{{call .f}}').executeSync({ f: fn }), 'called');
  assert.throws(() => parseTemplate('p', '{{.f}}').executeSync({ f: fn }), { message: 'template: p:1:2: executing "p" at <{{.f}}>: can\'t print {{.f}} of type func() string' });
});

test('delimiters and comments', () => {
  const t = parseTemplate('d', '[[ .x ]] {{ .x }} [[/* c */]] [[- " y " -]] z', { delims: ['[[', ']]'] });
  assert.equal(t.executeSync({ x: 1n }), '1 {{ .x }}  y z');
});
