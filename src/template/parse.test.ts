/**
 * Parser facts from Go's text/template/parse tests, restated: input, whether it parses, the
 * canonical string of the resulting tree, error texts, and number constant typing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeString } from './ast.js';
import { parseNumber } from './number.js';
import { ParseError, parseTrees } from './parse.js';

const FUNCS = new Set(['printf', 'contains', 'and', 'or', 'not', 'len', 'index', 'print', 'println', 'eq']);
const opts = { leftDelim: '', rightDelim: '', hasFunction: (n: string) => FUNCS.has(n) };

function treeString(text: string, name = 'test'): string {
  const trees = parseTrees(name, text, opts);
  const root = trees.get(name)?.root;
  return root === null || root === undefined ? '' : nodeString(root);
}

// [name, input, ok, canonical form]
const parseTests: [string, string, boolean, string][] = [
  ['empty', '', true, ''],
  ['comment', '{{/*\n\n\n*/}}', true, ''],
  ['spaces', ' \t\n', true, '" \\t\\n"'],
  ['text', 'some text', true, '"some text"'],
  ['emptyAction', '{{}}', false, ''],
  ['field', '{{.X}}', true, '{{.X}}'],
  ['simple command', '{{printf}}', true, '{{printf}}'],
  ['$ invocation', '{{$}}', true, '{{$}}'],
  ['variable invocation', '{{with $x := 3}}{{$x 23}}{{end}}', true, '{{with $x := 3}}{{$x 23}}{{end}}'],
  ['variable with fields', '{{$.I}}', true, '{{$.I}}'],
  ['multi-word command', '{{printf `%d` 23}}', true, '{{printf `%d` 23}}'],
  ['pipeline', '{{.X|.Y}}', true, '{{.X | .Y}}'],
  ['pipeline with decl', '{{$x := .X|.Y}}', true, '{{$x := .X | .Y}}'],
  ['nested pipeline', '{{.X (.Y .Z) (.A | .B .C) (.E)}}', true, '{{.X (.Y .Z) (.A | .B .C) (.E)}}'],
  ['field applied to parentheses', '{{(.Y .Z).Field}}', true, '{{(.Y .Z).Field}}'],
  ['simple if', '{{if .X}}hello{{end}}', true, '{{if .X}}"hello"{{end}}'],
  ['if with else', '{{if .X}}true{{else}}false{{end}}', true, '{{if .X}}"true"{{else}}"false"{{end}}'],
  ['if with else if', '{{if .X}}true{{else if .Y}}false{{end}}', true, '{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}'],
  ['if else chain', '+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+', true,
    '"+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+"'],
  ['simple range', '{{range .X}}hello{{end}}', true, '{{range .X}}"hello"{{end}}'],
  ['chained field range', '{{range .X.Y.Z}}hello{{end}}', true, '{{range .X.Y.Z}}"hello"{{end}}'],
  ['nested range', '{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}', true, '{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}'],
  ['range with else', '{{range .X}}true{{else}}false{{end}}', true, '{{range .X}}"true"{{else}}"false"{{end}}'],
  ['range over pipeline', '{{range .X|.M}}true{{else}}false{{end}}', true, '{{range .X | .M}}"true"{{else}}"false"{{end}}'],
  ['range []int', '{{range .SI}}{{.}}{{end}}', true, '{{range .SI}}{{.}}{{end}}'],
  ['range 1 var', '{{range $x := .SI}}{{.}}{{end}}', true, '{{range $x := .SI}}{{.}}{{end}}'],
  ['range 2 vars', '{{range $x, $y := .SI}}{{.}}{{end}}', true, '{{range $x, $y := .SI}}{{.}}{{end}}'],
  ['range with break', '{{range .SI}}{{.}}{{break}}{{end}}', true, '{{range .SI}}{{.}}{{break}}{{end}}'],
  ['range with continue', '{{range .SI}}{{.}}{{continue}}{{end}}', true, '{{range .SI}}{{.}}{{continue}}{{end}}'],
  ['constants', "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", true, "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"],
  ['template', '{{template `x`}}', true, '{{template "x"}}'],
  ['template with arg', '{{template `x` .Y}}', true, '{{template "x" .Y}}'],
  ['with', '{{with .X}}hello{{end}}', true, '{{with .X}}"hello"{{end}}'],
  ['with with else', '{{with .X}}hello{{else}}goodbye{{end}}', true, '{{with .X}}"hello"{{else}}"goodbye"{{end}}'],
  ['with with else with', '{{with .X}}hello{{else with .Y}}goodbye{{end}}', true, '{{with .X}}"hello"{{else}}{{with .Y}}"goodbye"{{end}}{{end}}'],
  ['with else chain', '{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}', true,
    '{{with .X}}"X"{{else}}{{with .Y}}"Y"{{else}}{{with .Z}}"Z"{{end}}{{end}}{{end}}'],
  ['trim left', 'x \r\n\t{{- 3}}', true, '"x"{{3}}'],
  ['trim right', '{{3 -}}\n\n\ty', true, '{{3}}"y"'],
  ['trim left and right', 'x \r\n\t{{- 3 -}}\n\n\ty', true, '"x"{{3}}"y"'],
  ['trim with extra spaces', 'x\n{{-  3   -}}\ny', true, '"x"{{3}}"y"'],
  ['comment trim left', 'x \r\n\t{{- /* hi */}}', true, '"x"'],
  ['comment trim right', '{{/* hi */ -}}\n\n\ty', true, '"y"'],
  ['comment trim left and right', 'x \r\n\t{{- /* */ -}}\n\n\ty', true, '"x""y"'],
  ['block definition', '{{block "foo" .}}hello{{end}}', true, '{{template "foo" .}}'],
  ['newline in assignment', '{{ $x \n := \n 1 \n }}', true, '{{$x := 1}}'],
  ['newline in empty action', '{{\n}}', false, ''],
  ['newline in pipeline', '{{\n"x"\n|\nprintf\n}}', true, '{{"x" | printf}}'],
  ['newline in comment', '{{/*\nhello\n*/}}', true, ''],
  ['newline in trimmed comment', '{{-\n/*\nhello\n*/\n-}}', true, ''],
  ['spaces around continue', '{{range .SI}}{{.}}{{ continue }}{{end}}', true, '{{range .SI}}{{.}}{{continue}}{{end}}'],
  ['spaces around break', '{{range .SI}}{{.}}{{ break }}{{end}}', true, '{{range .SI}}{{.}}{{break}}{{end}}'],
  ['minus is not a trim marker without space', '{{-3}}', true, '{{-3}}'],
  ['unclosed action', 'hello{{range', false, ''],
  ['unmatched end', '{{end}}', false, ''],
  ['unmatched else', '{{else}}', false, ''],
  ['unmatched else after if', '{{if .X}}hello{{end}}{{else}}', false, ''],
  ['multiple else', '{{if .X}}1{{else}}2{{else}}3{{end}}', false, ''],
  ['missing end', 'hello{{range .x}}', false, ''],
  ['missing end after else', 'hello{{range .x}}{{else}}', false, ''],
  ['undefined function', 'hello{{undefined}}', false, ''],
  ['undefined variable', '{{$x}}', false, ''],
  ['variable undefined after end', '{{with $x := 4}}{{end}}{{$x}}', false, ''],
  ['variable undefined in template', '{{template $v}}', false, ''],
  ['declare with field', '{{with $x.Y := 4}}{{end}}', false, ''],
  ['template with field ref', '{{template .X}}', false, ''],
  ['template with var', '{{template $v}}', false, ''],
  ['invalid punctuation', '{{printf 3, 4}}', false, ''],
  ['multidecl outside range', '{{with $v, $u := 3}}{{end}}', false, ''],
  ['too many decls in range', '{{range $u, $v, $w := 3}}{{end}}', false, ''],
  ['dot applied to parentheses', '{{printf (printf .).}}', false, ''],
  ['adjacent args', '{{printf 3`x`}}', false, ''],
  ['adjacent args with .', '{{printf `x`.}}', false, ''],
  ['extra end after if', '{{if .X}}a{{else if .Y}}b{{end}}{{end}}', false, ''],
  ['break outside range', '{{range .}}{{end}} {{break}}', false, ''],
  ['continue outside range', '{{range .}}{{end}} {{continue}}', false, ''],
  ['break in range else', '{{range .}}{{else}}{{break}}{{end}}', false, ''],
  ['continue in range else', '{{range .}}{{else}}{{continue}}{{end}}', false, ''],
  ['bug0a', '{{$x := 0}}{{$x}}', true, '{{$x := 0}}{{$x}}'],
  ['bug0b', '{{$x += 1}}{{$x}}', false, ''],
  ['bug0c', '{{$x ! 2}}{{$x}}', false, ''],
  ['bug0d', '{{$x % 3}}{{$x}}', false, ''],
  ['bug0e', '{{range $x := $y := 3}}{{end}}', false, ''],
  ['bug1a', '{{$x:=.}}{{$x!2}}', false, ''],
  ['bug1b', '{{$x:=.}}{{$x+2}}', false, ''],
  ['bug1c', '{{$x:=.}}{{$x +2}}', true, '{{$x := .}}{{$x +2}}'],
  ['dot after integer', '{{1.E}}', false, ''],
  ['dot after float', '{{0.1.E}}', false, ''],
  ['dot after boolean', '{{true.E}}', false, ''],
  ['dot after char', "{{'a'.any}}", false, ''],
  ['dot after string', '{{"hello".guys}}', false, ''],
  ['dot after dot', '{{..E}}', false, ''],
  ['dot after nil', '{{nil.E}}', false, ''],
  ['wrong pipeline dot', '{{12|.}}', false, ''],
  ['wrong pipeline number', '{{.|12|printf}}', false, ''],
  ['wrong pipeline string', '{{.|printf|"error"}}', false, ''],
  ['wrong pipeline char', "{{12|printf|'e'}}", false, ''],
  ['wrong pipeline boolean', '{{.|true}}', false, ''],
  ['wrong pipeline nil', "{{'c'|nil}}", false, ''],
  ['empty pipeline', '{{printf "%d" ( ) }}', false, ''],
  ['block without pipeline', '{{block "foo"}}hello{{end}}', false, ''],
  ['custom delimiters are not used by default', '<<.X>>', true, '"<<.X>>"'],
];

test('parse: canonical trees and failures', () => {
  for (const [name, input, ok, want] of parseTests) {
    if (ok) {
      assert.equal(treeString(input), want, name);
    } else {
      assert.throws(() => treeString(input), ParseError, name);
    }
  }
});

// [name, input, expected message suffix]
const errorTests: [string, string, string][] = [
  ['unclosed1', 'line1\n{{', 'template: unclosed1:2: unclosed action'],
  ['unclosed2', 'line1\n{{define `x`}}line2\n{{', 'template: unclosed2:3: unclosed action'],
  ['unclosed3', 'line1\n{{"x"\n"y"\n', 'template: unclosed3:4: unclosed action started at unclosed3:2'],
  ['unclosed4', '{{\n\n\n\n\n', 'template: unclosed4:6: unclosed action started at unclosed4:1'],
  ['var1', 'line1\n{{\nx\n}}', 'template: var1:3: function "x" not defined'],
  ['function', '{{foo}}', 'template: function:1: function "foo" not defined'],
  ['comment1', '{{/*}}', 'template: comment1:1: unclosed comment'],
  ['comment2', '{{/*\nhello\n}}', 'template: comment2:1: unclosed comment'],
  ['lparen', '{{.X (1 2 3}}', 'template: lparen:1: unclosed left paren'],
  ['rparen', '{{.X 1 2 3 ) }}', 'template: rparen:1: unexpected right paren'],
  ['rparen2', '{{(.X 1 2 3', 'template: rparen2:1: unclosed action'],
  ['space', '{{`x`3}}', 'template: space:1: unexpected "3" in operand'],
  ['idchar', '{{a#}}', "template: idchar:1: bad character U+0023 '#'"],
  ['charconst', "{{'a}}", 'template: charconst:1: unterminated character constant'],
  ['stringconst', '{{"a}}', 'template: stringconst:1: unterminated quoted string'],
  ['rawstringconst', '{{`a}}', 'template: rawstringconst:1: unterminated raw quoted string'],
  ['number', '{{0xi}}', 'template: number:1: illegal number syntax: "0xi"'],
  ['bad number', '{{3k}}', 'template: bad number:1: bad number syntax: "3k"'],
  ['multidefine', '{{define `a`}}a{{end}}{{define `a`}}b{{end}}', 'template: multidefine:1: template: multiple definition of template "a"'],
  ['eof', '{{range .X}}', 'template: eof:1: unexpected EOF'],
  ['variable', '{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}', 'template: variable:1: unexpected ":=" in operand'],
  ['multidecl', '{{$a,$b,$c := 23}}', 'template: multidecl:1: too many declarations in command'],
  ['undefvar', '{{$a}}', 'template: undefvar:1: undefined variable "$a"'],
  ['wrongdot', '{{true.any}}', 'template: wrongdot:1: unexpected . after term "true"'],
  ['wrongpipeline', '{{12|false}}', 'template: wrongpipeline:1: non executable command in pipeline stage 2'],
  ['emptypipeline', '{{ ( ) }}', 'template: emptypipeline:1: missing value for parenthesized pipeline'],
  ['multilinerawstring', '{{ $v := `\n` }} {{', 'template: multilinerawstring:2: unclosed action'],
  ['rangeundefvar', '{{range $k}}{{end}}', 'template: rangeundefvar:1: undefined variable "$k"'],
  ['rangeundefvars', '{{range $k, $v}}{{end}}', 'template: rangeundefvars:1: undefined variable "$v"'],
  ['rangemissingvalue1', '{{range $k,}}{{end}}', 'template: rangemissingvalue1:1: missing value for range'],
  ['rangemissingvalue2', '{{range $k, $v := }}{{end}}', 'template: rangemissingvalue2:1: missing value for range'],
  ['rangenotvariable1', '{{range $k, .}}{{end}}', 'template: rangenotvariable1:1: range can only initialize variables'],
  ['rangenotvariable2', '{{range $k, 123 := .}}{{end}}', 'template: rangenotvariable2:1: range can only initialize variables'],
  ['unterminated raw string line', 'hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n', 'template: unterminated raw string line:3: unterminated raw quoted string'],
  ['nbsp', '{{\u00a0}}', 'template: nbsp:1: unrecognized character in action: U+00A0'],
  ['unexpected right paren', '{{ ) }}', 'template: unexpected right paren:1: unexpected right paren'],
  ['unexpected end in define', '{{define "x"}}{{else}}{{end}}', 'template: unexpected end in define:1: unexpected {{else}} in define clause'],
  ['else after else', '{{if 1}}{{else}}{{else}}{{end}}', 'template: else after else:1: expected end; found {{else}}'],
  ['bad define name', '{{define x}}{{end}}', 'template: bad define name:1: unexpected "x" in define clause'],
  ['keyword in template name', '{{template if}}', 'template: keyword in template name:1: unexpected <if> in template clause'],
  ['long token quoted', '{{printf "abc" abcdefghijklmno}}', 'template: long token quoted:1: function "abcdefghijklmno" not defined'],
  ['integer overflow', '{{99999999999999999999}}', 'template: integer overflow:1: integer overflow: "99999999999999999999"'],
  ['break with arg', '{{range .}}{{break 1}}{{end}}', 'template: break with arg:1: unexpected "1" in {{break}}'],
  ['expected :=', '{{$x := 1}}{{$x : 1}}', 'template: expected :=:1: expected :='],
  ['unexpected token in define', '{{define "x" 3}}{{end}}', 'template: unexpected token in define:1: unexpected "3" in define clause'],
  ['unexpected long string', '{{define "x" "abcdefghijklmnop"}}{{end}}', 'template: unexpected long string:1: unexpected "\\"abcdefghi"... in define clause'],
];

test('parse: error texts', () => {
  for (const [name, input, want] of errorTests) {
    assert.throws(() => parseTrees(name, input, opts), (e: unknown) => {
      assert.ok(e instanceof ParseError, name);
      assert.equal(e.message, want, name);
      return true;
    }, name);
  }
});

// [text, isInt, isUint, isFloat, isComplex, int64, uint64, float64, complex re/im]
const numberTests: [string, boolean, boolean, boolean, boolean, bigint, bigint, number, [number, number]][] = [
  ['0', true, true, true, false, 0n, 0n, 0, [0, 0]],
  ['-0', true, true, true, false, 0n, 0n, 0, [0, 0]],
  ['73', true, true, true, false, 73n, 73n, 73, [0, 0]],
  ['7_3', true, true, true, false, 73n, 73n, 73, [0, 0]],
  ['0b10_010_01', true, true, true, false, 73n, 73n, 73, [0, 0]],
  ['0B10_010_01', true, true, true, false, 73n, 73n, 73, [0, 0]],
  ['073', true, true, true, false, 59n, 59n, 59, [0, 0]],
  ['0o73', true, true, true, false, 59n, 59n, 59, [0, 0]],
  ['0O73', true, true, true, false, 59n, 59n, 59, [0, 0]],
  ['0x73', true, true, true, false, 115n, 115n, 115, [0, 0]],
  ['0X73', true, true, true, false, 115n, 115n, 115, [0, 0]],
  ['0x7_3', true, true, true, false, 115n, 115n, 115, [0, 0]],
  ['-73', true, false, true, false, -73n, 0n, -73, [0, 0]],
  ['+73', true, false, true, false, 73n, 0n, 73, [0, 0]],
  ['100', true, true, true, false, 100n, 100n, 100, [0, 0]],
  ['1e9', true, true, true, false, 1000000000n, 1000000000n, 1e9, [0, 0]],
  ['-1e9', true, false, true, false, -1000000000n, 0n, -1e9, [0, 0]],
  ['-1.2', false, false, true, false, 0n, 0n, -1.2, [0, 0]],
  ['1e19', false, true, true, false, 0n, 10000000000000000000n, 1e19, [0, 0]],
  ['1e1_9', false, true, true, false, 0n, 10000000000000000000n, 1e19, [0, 0]],
  ['1E19', false, true, true, false, 0n, 10000000000000000000n, 1e19, [0, 0]],
  ['-1e19', false, false, true, false, 0n, 0n, -1e19, [0, 0]],
  ['0x_1p4', true, true, true, false, 16n, 16n, 16, [0, 0]],
  ['0X_1P4', true, true, true, false, 16n, 16n, 16, [0, 0]],
  ['0x_1p-4', false, false, true, false, 0n, 0n, 1 / 16, [0, 0]],
  ['4i', false, false, false, true, 0n, 0n, 0, [0, 4]],
  ['-1.2+4.2i', false, false, false, true, 0n, 0n, 0, [-1.2, 4.2]],
  ['073i', false, false, false, true, 0n, 0n, 0, [0, 73]],
  ['0i', true, true, true, true, 0n, 0n, 0, [0, 0]],
  ['-1.2+0i', false, false, true, true, 0n, 0n, -1.2, [-1.2, 0]],
  ['-12+0i', true, false, true, true, -12n, 0n, -12, [-12, 0]],
  ['13+0i', true, true, true, true, 13n, 13n, 13, [13, 0]],
  ['0123', true, true, true, false, 83n, 83n, 83, [0, 0]],
  ['-0x0', true, true, true, false, 0n, 0n, 0, [0, 0]],
  ['0xdeadbeef', true, true, true, false, 0xdeadbeefn, 0xdeadbeefn, 0xdeadbeef, [0, 0]],
  ["'a'", true, true, true, false, 97n, 97n, 97, [0, 0]],
  ["'\\n'", true, true, true, false, 10n, 10n, 10, [0, 0]],
  ["'\\\\'", true, true, true, false, 92n, 92n, 92, [0, 0]],
  ["'\\''", true, true, true, false, 39n, 39n, 39, [0, 0]],
  ["'\\xFF'", true, true, true, false, 255n, 255n, 255, [0, 0]],
  ["'パ'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1, [0, 0]],
  ["'\\u30d1'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1, [0, 0]],
  ["'\\U000030d1'", true, true, true, false, 0x30d1n, 0x30d1n, 0x30d1, [0, 0]],
  ['0xef', true, true, true, false, 0xefn, 0xefn, 0xef, [0, 0]],
];

function kindOf(text: string): 'char' | 'complex' | 'number' {
  if (text.startsWith("'")) return 'char';
  return /.[+-][0-9.]+i$/.test(text) && !/[eEpP][+-]/.test(text) ? 'complex' : 'number';
}

test('parse: number constants are typed as Go types them', () => {
  for (const [text, isInt, isUint, isFloat, isComplex, i64, u64, f64, c] of numberTests) {
    const n = parseNumber(text, kindOf(text));
    assert.deepEqual([n.isInt, n.isUint, n.isFloat, n.isComplex], [isInt, isUint, isFloat, isComplex], text);
    if (isInt) assert.equal(n.int64, i64, text);
    if (isUint) assert.equal(n.uint64, u64, text);
    if (isFloat) assert.equal(n.float64, f64, text);
    if (isComplex) assert.deepEqual([n.complex.re, n.complex.im], c, text);
  }
  for (const bad of ['+-2', '0x123.', '1e.', '0xi.', '1+2.', "'x", "'xx'", "'433937734937734969526500969526500'"]) {
    // The lexer rejects some of these; the ones that reach the parser fail there.
    assert.throws(() => parseTrees('n', `{{${bad}}}`, opts), ParseError, bad);
  }
});

test('parse: define and block add templates; empty definitions do not replace', () => {
  const trees = parseTrees('root', '{{define "a"}}A{{end}}{{block "b" .}}B{{end}}x', opts);
  assert.deepEqual([...trees.keys()].sort(), ['a', 'b', 'root']);
  assert.equal(nodeString(trees.get('a')!.root!), '"A"');
  assert.equal(nodeString(trees.get('b')!.root!), '"B"');
  assert.equal(nodeString(trees.get('root')!.root!), '{{template "b" .}}"x"');
  // A definition that is only whitespace does not clash with a real one.
  assert.doesNotThrow(() => parseTrees('r', '{{define "a"}}  {{end}}{{define "a"}}A{{end}}', opts));
});

test('parse: custom delimiters', () => {
  const o = { ...opts, leftDelim: '<<', rightDelim: '>>' };
  const trees = parseTrees('d', 'a<<.X>>{{.Y}}<<- .Z ->> b', o);
  assert.equal(nodeString(trees.get('d')!.root!), '"a"{{.X}}"{{.Y}}"{{.Z}}"b"');
  const trees2 = parseTrees('d2', '(- define "t" -)x(- end -)(template "t" .)', { ...opts, leftDelim: '(', rightDelim: ')' });
  assert.equal(nodeString(trees2.get('t')!.root!), '"x"');
});

test('parse: break and continue are identifiers when defined as functions', () => {
  const o = { ...opts, hasFunction: (n: string) => n === 'break' || FUNCS.has(n) };
  assert.throws(() => treeString('{{break}}', 'b'), /\{\{break\}\} outside \{\{range\}\}/);
  const trees = parseTrees('b', '{{break}}', o);
  assert.equal(nodeString(trees.get('b')!.root!), '{{break}}');
});
