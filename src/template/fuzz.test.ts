/**
 * Seeded random templates (from a token grammar, and by mutating valid templates) must either
 * render or fail with ParseError/ExecError: never another exception, never a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecError, ParseError, go, parseTemplate, type Value } from './index.js';
import { prometheusFuncs } from './prometheus/index.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '{{', '}}', '{{-', '-}}', ' ', ' ', ' ', '.', '.a', '.b.c', '$', '$x', '$x :=', '$x =', '$y', '|', '(', ')', '"s"', '`r`', "'c'",
  '1', '-2', '3.5', '1e3', '0x1F', '1+2i', 'true', 'false', 'nil', 'if', 'else', 'else if', 'with', 'else with', 'range', 'end',
  'break', 'continue', 'define "t"', 'template "t"', 'block "b" .', 'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf',
  'println', 'html', 'js', 'urlquery', 'call', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'humanize', 'title', 'reReplaceAll', 'match',
  'humanizeDuration', 'toTime', 'args', 'first', 'label', 'value', 'sortByLabel', 'stripPort', '"%d %s %v %x %q %5.2f %!"', 'text',
  '\n', '/*', '*/', ',', ':=', '=', '"(a+)+$"', '"$1"', '"\\u00e9"', '"%[2]*[1]d"',
];

const DATA: Value = {
  a: 1.5, b: { c: ['x', 'y'] }, s: 'str', n: 42n, m: go.stringMap({ k: 'v', instance: 'h:1' }), l: [1n, 2n, 3n], z: null,
};

const FUNCS = prometheusFuncs({ timestampMs: 1e12, externalURL: 'http://x/y', query: () => [{ labels: { a: 'b' }, value: 1 }] });

function check(text: string): 'ok' | 'parse' | 'exec' {
  let t;
  try {
    t = parseTemplate('fuzz', text, { funcs: FUNCS, limits: { maxSteps: 20_000, maxOutput: 100_000 } });
  } catch (e) {
    if (e instanceof ParseError) return 'parse';
    throw new Error(`parse of ${JSON.stringify(text)} threw ${String(e)}`, { cause: e });
  }
  try {
    t.executeSync(DATA);
    return 'ok';
  } catch (e) {
    if (e instanceof ExecError) return 'exec';
    throw new Error(`execution of ${JSON.stringify(text)} threw ${String(e)}`, { cause: e });
  }
}

test('fuzz: random token soup parses or fails cleanly', () => {
  const rnd = mulberry32(20240229);
  const counts = { ok: 0, parse: 0, exec: 0 };
  for (let n = 0; n < 4000; n++) {
    const len = 1 + Math.floor(rnd() * 24);
    let text = '';
    for (let i = 0; i < len; i++) text += TOKENS[Math.floor(rnd() * TOKENS.length)]!;
    counts[check(text)]++;
  }
  assert.ok(counts.ok > 100 && counts.parse > 100, JSON.stringify(counts));
});

const SEEDS = [
  '{{ $labels := .m }}{{ range $k, $v := $labels }}{{ $k }}={{ $v | title }};{{ end }}',
  '{{ if gt .a 1.0 }}{{ .a | humanize }}{{ else if .z }}z{{ else }}{{ printf "%.2f" .a }}{{ end }}',
  '{{ define "t" }}[{{ . }}]{{ end }}{{ range .l }}{{ template "t" . }}{{ break }}{{ end }}',
  '{{ with .b.c }}{{ index . 1 }}{{ slice . 0 1 }}{{ len . }}{{ else }}none{{ end }}',
  '{{ reReplaceAll "(.*):(\\\\d+)" "$2-$1" .m.instance }} {{ match "^h" .m.instance }}',
  '{{- /* c */ -}} {{ and 1 .s (or 0 "x") }} {{ not .z }} {{ eq .n 42 }} {{ call .z }}',
  '{{ range $i, $e := query "up" | sortByLabel "a" }}{{ $i }}{{ .Labels.a }}{{ $e.Value }}{{ end }}',
];

test('fuzz: mutated valid templates parse or fail cleanly', () => {
  const rnd = mulberry32(7);
  const alphabet = '{}()|$."`\'-:= \n\\aZ0%/*';
  for (const seed of SEEDS) assert.notEqual(check(seed), 'parse', seed);
  for (let n = 0; n < 4000; n++) {
    let text = SEEDS[Math.floor(rnd() * SEEDS.length)]!;
    const edits = 1 + Math.floor(rnd() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (text.length + 1));
      const op = rnd();
      if (op < 0.4) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3));
      else if (op < 0.8) text = text.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)]! + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + 8) + text.slice(at);
    }
    check(text);
  }
});
