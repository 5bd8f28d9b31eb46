import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer } from './lexer.js';
import { T, type TokenType } from './token.js';

const NAMES = new Map<TokenType, string>(Object.entries(T).map(([k, v]) => [v, k]));

/** All tokens up to the end or the first error, as `TYPE@pos:val`. */
function lex(input: string): string[] {
  const l = new Lexer(input);
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = l.nextToken();
    out.push(`${NAMES.get(t.type)}@${t.pos}:${t.val}`);
    if (t.type === T.EOF || t.type === T.ERROR) break;
  }
  return out;
}

test('tokens, positions and texts (lex_test.go cases and more)', () => {
  const cases: [string, string[]][] = [
    [',', ['COMMA@0:,', 'EOF@1:']],
    ['()', ['LEFT_PAREN@0:(', 'RIGHT_PAREN@1:)', 'EOF@2:']],
    ['[  5m ]', ['LEFT_BRACKET@0:[', 'DURATION@3:5m', 'RIGHT_BRACKET@6:]', 'EOF@7:']],
    ['\r\n\r', ['EOF@3:']],
    ['1', ['NUMBER@0:1', 'EOF@1:']],
    ['4.23', ['NUMBER@0:4.23', 'EOF@4:']],
    ['.3', ['NUMBER@0:.3', 'EOF@2:']],
    ['5.', ['NUMBER@0:5.', 'EOF@2:']],
    ['nan', ['NUMBER@0:nan', 'EOF@3:']],
    ['InF', ['NUMBER@0:InF', 'EOF@3:']],
    ['-Inf', ['SUB@0:-', 'NUMBER@1:Inf', 'EOF@4:']],
    ['0x123', ['NUMBER@0:0x123', 'EOF@5:']],
    ['1_000_000', ['NUMBER@0:1_000_000', 'EOF@9:']],
    ['1e-5', ['NUMBER@0:1e-5', 'EOF@4:']],
    ['1h30m', ['DURATION@0:1h30m', 'EOF@5:']],
    ['5ms', ['DURATION@0:5ms', 'EOF@3:']],
    ['"test\\"quote"', ['STRING@0:"test\\"quote"', 'EOF@13:']],
    ["'a\\'b'", ["STRING@0:'a\\'b'", 'EOF@6:']],
    ['`raw\\n`', ['STRING@0:`raw\\n`', 'EOF@7:']],
    ['foo:bar', ['METRIC_IDENTIFIER@0:foo:bar', 'EOF@7:']],
    ['sum BY', ['SUM@0:sum', 'BY@4:BY', 'EOF@6:']],
    ['fill(1) fill', ['FILL@0:fill', 'LEFT_PAREN@4:(', 'NUMBER@5:1', 'RIGHT_PAREN@6:)', 'IDENTIFIER@8:fill', 'EOF@12:']],
    ['a</b>/c', ['IDENTIFIER@0:a', 'TRIM_UPPER@1:</', 'IDENTIFIER@3:b', 'TRIM_LOWER@4:>/', 'IDENTIFIER@6:c', 'EOF@7:']],
    ['{a=~"b",c!~`d`,e!="f"}', ['LEFT_BRACE@0:{', 'IDENTIFIER@1:a', 'EQL_REGEX@2:=~', 'STRING@4:"b"', 'COMMA@7:,',
      'IDENTIFIER@8:c', 'NEQ_REGEX@9:!~', 'STRING@11:`d`', 'COMMA@14:,', 'IDENTIFIER@15:e', 'NEQ@16:!=', 'STRING@18:"f"',
      'RIGHT_BRACE@21:}', 'EOF@22:']],
    ['{on="x"}', ['LEFT_BRACE@0:{', 'IDENTIFIER@1:on', 'EQL@3:=', 'STRING@4:"x"', 'RIGHT_BRACE@7:}', 'EOF@8:']],
    ['a[5m:step()]', ['IDENTIFIER@0:a', 'LEFT_BRACKET@1:[', 'DURATION@2:5m', 'COLON@4::', 'STEP@5:step', 'LEFT_PAREN@9:(',
      'RIGHT_PAREN@10:)', 'RIGHT_BRACKET@11:]', 'EOF@12:']],
    ['a[MAX_OF(1,2)]', ['IDENTIFIER@0:a', 'LEFT_BRACKET@1:[', 'MAX_OF@2:MAX_OF', 'LEFT_PAREN@8:(', 'NUMBER@9:1', 'COMMA@10:,',
      'NUMBER@11:2', 'RIGHT_PAREN@12:)', 'RIGHT_BRACKET@13:]', 'EOF@14:']],
    ['# c\nfoo', ['COMMENT@0:# c', 'IDENTIFIER@4:foo', 'EOF@7:']],
    ['@ 1', ['AT@0:@', 'NUMBER@2:1', 'EOF@3:']],
  ];
  for (const [input, want] of cases) assert.deepEqual(lex(input), want, input);
});

test('lexer errors', () => {
  const cases: [string, string][] = [
    ['=~', "ERROR@0:unexpected character after '=': '~'"],
    ['!~', "ERROR@0:unexpected character after '!': '~'"],
    ['{a!b}', "ERROR@2:unexpected character after '!' inside braces: 'b'"],
    ['{{', "ERROR@1:unexpected left brace '{'"],
    ['(1))', "ERROR@4:unexpected right parenthesis ')'"],
    ['(', 'ERROR@1:unclosed left parenthesis'],
    ['a[5m', 'ERROR@4:unclosed left bracket'],
    ['a[', 'ERROR@2:unexpected end of input in duration expression'],
    ['a[5m][1m]', 'RIGHT_BRACKET@4:]'],
    [']', "ERROR@0:unexpected right bracket ']'"],
    ['a[[5m]]', "ERROR@2:unexpected character in duration expression: '['"],
    ['a[5m:1m:]', "ERROR@7:unexpected colon ':'"],
    ['a[:5m]', 'ERROR@3:unexpected colon before duration in duration expression'],
    ['a[5m x]', "ERROR@5:unexpected character: 'x', expected ':'"],
    ['"abc', 'ERROR@0:unterminated quoted string'],
    ['"a\nb"', 'ERROR@0:unterminated quoted string'],
    ['`abc', 'ERROR@0:unterminated raw string'],
    ['"\\c"', "ERROR@0:unknown escape sequence U+0063 'c'"],
    ['"\\x1"', "ERROR@0:illegal character U+0022 '\"' in escape sequence"],
    ['"\\ud800"', 'ERROR@0:escape sequence is an invalid Unicode code point'],
    ['"\\400"', 'ERROR@0:escape sequence is an invalid Unicode code point'],
    ['"\ufffd"', 'ERROR@0:invalid UTF-8 rune'],
    ['2.5.', 'ERROR@0:bad number or duration syntax: "2.5."'],
    ['1__0', 'ERROR@0:bad number or duration syntax: "1__"'],
    ['0x1.5', 'ERROR@0:bad number or duration syntax: "0x1."'],
    ['5mm', 'ERROR@0:bad number or duration syntax: "5mm"'],
    ['$', "ERROR@0:unexpected character: '$'"],
    ['é', "ERROR@0:unexpected character: 'é'"],
  ];
  for (const [input, want] of cases) {
    const toks = lex(input);
    if (want.startsWith('ERROR')) assert.equal(toks[toks.length - 1], want, input);
    else assert.ok(toks.includes(want), input);
  }
});
