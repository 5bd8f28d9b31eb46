import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { FastRegexMatcher, RegexError } from './regex.js';
import { seededRandom } from '../util/bench.js';

/** The plain engine, anchored textually the way Prometheus anchors: the reference. */
function reference(p: string): RE2JS {
  return RE2JS.compile(`^(?s:${p})$`);
}

function refGroups(re: RE2JS, s: string): (string | null)[] | null {
  const m = re.matcher(s);
  if (!m.matches()) return null;
  const out: (string | null)[] = [];
  for (let i = 0; i <= m.groupCount(); i++) out.push(m.group(i));
  return out;
}

test('fast-path shapes agree with the engine and skip it', () => {
  // [pattern, optimised?, matching strings, non-matching strings]
  const cases: [string, boolean, string[], string[]][] = [
    ['', true, [''], ['a', '\n']],
    ['foo', true, ['foo'], ['Foo', 'foo\n', '']],
    ['foo|bar|', true, ['foo', 'bar', ''], ['foobar', 'ba']],
    ['.*', true, ['', 'x', '\n\n'], []],
    ['.+', true, ['x', '\n'], ['']],
    ['(?-s).*', true, ['', 'abc'], ['a\nb', '\n']],
    ['(?-s).+', true, ['abc'], ['', 'a\n']],
    ['.?', true, ['', 'a', '😀', '\n'], ['ab', '😀a']],
    ['.', true, ['a', '😀', '\n'], ['', 'ab']],
    ['foo.*', true, ['foo', 'foo\nbar'], ['fo', 'xfoo']],
    ['foo.+', true, ['foox'], ['foo']],
    ['.*foo', true, ['foo', '\nfoo'], ['foox']],
    ['.+foo', true, ['xfoo'], ['foo']],
    ['.*foo.*', true, ['foo', 'a\nfoo\nb'], ['fo', 'FOO']],
    ['.+foo.+', true, ['xfoox', 'foofoofoo'], ['foo', 'foox', 'xfoo']],
    ['(?-s).+foo.*', true, ['xfoo', 'xfooy'], ['\nfoo', 'foo', 'xfoo\n']],
    ['.*(foo|bar).*', true, ['xbar', 'foo'], ['ba', 'fbo']],
    ['.*foo.*|.*bar.*', true, ['xbarx', 'foo'], ['fob']],
    ['.*a.*b.*c.*', true, ['abc', 'xaxbxcx', 'a\nb\nc'], ['acb', 'ab']],
    ['foo.*|bar.+', true, ['foo', 'barx'], ['bar', 'fo']],
    ['(?i)foo', true, ['foo', 'FOO', 'fOo'], ['fo', 'foo ']],
    ['(?i)foo|bar', true, ['BAR', 'Foo'], ['baz']],
    ['(?i)kiss', true, ['KISS', '\u212aI\u017f\u017f', 'kiss'], ['kis', 'ki\u00df']],
    ['(?i)foo.*', true, ['FOObar', 'foo'], ['fo']],
    ['(?i).*foo', true, ['xxFoO'], ['xxfo']],
    ['[ab]c', true, ['ac', 'bc'], ['cc', 'abc']],
    ['\\d{2}-\\d', true, ['12-3'], ['1-2', '123']],
    ['foo(bar)?', true, ['foo', 'foobar'], ['fooba']],
    ['^foo$', true, ['foo'], ['xfoo']],
    ['\\Afoo|bar\\z', true, ['foo', 'bar'], ['foobar']],
    ['(foo|bar)baz', true, ['foobaz', 'barbaz'], ['baz']],
    ['foo(a|b.*)', true, ['fooa', 'foob', 'foobxx'], ['foo', 'fooax']],
    ['(?:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)x.*|zz', true, ['ax', 'qxyz', 'zz'], ['rx', 'z']],
    ['[^a]', false, ['b', '\n'], ['a', '']],
    ['a\\b', true, ['a'], ['ab']],
    ['\\b[ab]', false, ['a'], ['ab']],
    ['foo\\w+bar', true, ['foo_bar'], ['foobar', 'foo-bar']],
    ['(a+)+$', false, ['aaaa'], ['aaab']],
  ];
  for (const [p, optimised, yes, no] of cases) {
    const m = new FastRegexMatcher(p);
    const ref = reference(p);
    assert.equal(m.isOptimized(), optimised, `isOptimized ${JSON.stringify(p)}`);
    for (const s of yes) {
      assert.equal(ref.test(s), true, `reference ${JSON.stringify(p)} should match ${JSON.stringify(s)}`);
      assert.equal(m.matches(s), true, `${JSON.stringify(p)} should match ${JSON.stringify(s)}`);
    }
    for (const s of no) {
      assert.equal(ref.test(s), false, `reference ${JSON.stringify(p)} should not match ${JSON.stringify(s)}`);
      assert.equal(m.matches(s), false, `${JSON.stringify(p)} should not match ${JSON.stringify(s)}`);
    }
  }
});

test('a hostile pattern runs in linear time', () => {
  assert.equal(new FastRegexMatcher('(a+)+$').matches('a'.repeat(20000) + 'b'), false);
  assert.equal(new FastRegexMatcher('(x+x+)+y').matches('x'.repeat(20000)), false);
});

test('exec returns capture groups, null for groups outside the match', () => {
  const cases: [string, string, (string | null)[] | null][] = [
    ['(.*)', 'abc', ['abc', 'abc']],
    ['(.*)', '', ['', '']],
    ['(.+)', '', null],
    ['__meta_(.+)', '__meta_x', ['__meta_x', 'x']],
    ['__meta_(.+)', '__meta_', null],
    ['(.*)_total', 'a_total', ['a_total', 'a']],
    ['(?-s)a(.*)b', 'a\nb', null],
    ['(.*):(\\d+)', 'host:80', ['host:80', 'host', '80']],
    ['(a)|(b)', 'b', ['b', null, 'b']],
    ['(?P<host>[^:]+)(?::(?P<port>\\d+))?', 'h', ['h', 'h', null]],
    ['foo|bar', 'bar', ['bar']],
    ['foo.*', 'foox', ['foox']],
    ['(a*?)(a*)', 'aa', ['aa', '', 'aa']],
    ['(a|ab)(c|bcd)(d*)', 'abcd', ['abcd', 'a', 'bcd', '']],
  ];
  for (const [p, s, want] of cases) {
    assert.deepEqual(new FastRegexMatcher(p).exec(s), want, `${p} on ${JSON.stringify(s)}`);
  }
  assert.deepEqual({ ...new FastRegexMatcher('(?P<host>[^:]+):(?<port>\\d+)').namedGroups() }, { host: 1, port: 2 });
  assert.deepEqual({ ...new FastRegexMatcher('a|b').namedGroups() }, {});
});

test('invalid patterns are rejected with Go regexp/syntax messages', () => {
  const cases: [string, string][] = [
    ['(unclosed', 'error parsing regexp: missing closing ): `(unclosed`'],
    ['a)', 'error parsing regexp: unexpected ): `a)`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['a*+', 'error parsing regexp: invalid nested repetition operator: `*+`'],
    ['a++', 'error parsing regexp: invalid nested repetition operator: `++`'],
    ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['(?=a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'error parsing regexp: invalid named capture: `(?<=a)b`'],
    ['(?<!a)b', 'error parsing regexp: invalid named capture: `(?<!a)b`'],
    ['(?>a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?>`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['\\Z', 'error parsing regexp: invalid escape sequence: `\\Z`'],
    ['\\C', 'error parsing regexp: invalid escape sequence: `\\C`'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
    ['\\p{Foo}', 'error parsing regexp: invalid character class range: `\\p{Foo}`'],
    ['(?P<n>a)(?P<n>b)', 'error parsing regexp: duplicate capture group name: `n`'],
    ['x\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
    ['('.repeat(1001) + ')'.repeat(1001), `error parsing regexp: expression nests too deeply: \`${'('.repeat(1001) + ')'.repeat(1001)}\``],
  ];
  for (const [p, msg] of cases) {
    assert.throws(() => new FastRegexMatcher(p), (e: unknown) => e instanceof RegexError && e.message === msg, p);
  }
  // RE2 syntax that Java-flavoured engines would treat differently is accepted as RE2 does.
  assert.ok(new FastRegexMatcher('\\Qa.b\\E').matches('a.b'));
  assert.ok(!new FastRegexMatcher('\\Qa.b\\E').matches('axb'));
  assert.ok(new FastRegexMatcher('\\Qa.b').matches('a.b'));
  assert.ok(new FastRegexMatcher('a{,3}').matches('a{,3}'));
  assert.ok(new FastRegexMatcher('\\12').matches('\n'));
  assert.ok(new FastRegexMatcher('(?U)(a+)').matches('aa'));
});

// ---- differential test: every fast path against the plain engine ----

const ATOMS = [
  'a', 'b', 'foo', 'bar', 'K', 'k', 's', 'é', '-', '😀', '\\n', '\\.', '\\\\', '_', '1',
  '.', '.', '.', '[ab]', '[a-c]', '[^a]', '\\d', '\\w', '\\s', '[[:alpha:]]', '\\pL', '[\\-x]',
  '\\Qa.\\E', '\\x{1F600}', '\\x41',
];
const QUANTS = ['', '', '', '', '*', '+', '?', '*', '+', '*?', '{2}', '{0,2}', '{1,}'];
const WRAPS = ['(X)', '(?:X)', '(?i:X)', '(?-s:X)', '(?P<n>X)', 'X'];
const ANCHORS = ['^', '$', '\\A', '\\z', '\\b'];

function genPattern(rnd: () => number, depth: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const r = rnd();
  if (depth > 2 || r < 0.45) {
    let s = pick(ATOMS) + pick(QUANTS);
    if (rnd() < 0.05) s = pick(ANCHORS) + s;
    return s;
  }
  if (r < 0.75) {
    const n = 1 + Math.floor(rnd() * 4);
    let s = '';
    for (let i = 0; i < n; i++) s += genPattern(rnd, depth + 1);
    return s;
  }
  if (r < 0.9) {
    const n = 2 + Math.floor(rnd() * 3);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(genPattern(rnd, depth + 1));
    return parts.join('|');
  }
  const w = pick(WRAPS).replace('X', genPattern(rnd, depth + 1));
  return w + (w.startsWith('(') ? pick(QUANTS) : '');
}

/** Shapes the planner targets, so that each fast path gets many random checks. */
const SHAPES = [
  '.*L.*', '.+L.+', '.*L', 'L.*', '.+L', 'L.+', '.?L.?', '(?-s).*L.*', '(?-s)L.+', 'L', 'L|M', '(?i)L.*',
  '(?i).*L', '(?i)L|M', '.*L.*M.*', '.*(L|M).*', 'L.*|M.+', '.*L.*|.*M.*', '(L)', '(.*)L', 'L(.+)', '(?i)L(.*)',
  '(L|M)(L|M)', 'L(M)?', '^L$', 'L\\b.*', '[a-c]L', '(?i)(L|M)+', '.L.', '(?s:.)L(?-s:.)', 'L.*M', '(?i)L.*M',
];
const WORDS = ['a', 'b', 'foo', 'bar', 'K', 'k', 's', 'ab', 'Foo', 'ba'];

const ALPHABET = ['a', 'b', 'c', 'A', 'B', 'f', 'o', 'O', 'r', 'K', 'k', '\u212a', 's', 'S', '\u017f', '-', '_', '.', '\n', 'é', 'É', '😀', '1', ' ', '{', '\\', '\ud83d', '\ude00'];

function genString(rnd: () => number, hint: string): string {
  const n = Math.floor(rnd() * 7);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.3 && hint !== '') {
      const at = Math.floor(rnd() * hint.length);
      s += hint.slice(at, at + 1 + Math.floor(rnd() * 4));
    } else if (r < 0.45) {
      s += WORDS[Math.floor(rnd() * WORDS.length)]!;
    } else {
      s += ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
    }
  }
  return s;
}

test('differential: fast paths agree with the plain engine on generated patterns and strings', (t) => {
  const rnd = seededRandom(20240611);
  let patterns = 0, optimised = 0, checks = 0;
  for (let k = 0; k < 2500; k++) {
    let p: string;
    if (k % 2 === 0) {
      const pick = (): string => (rnd() < 0.7 ? WORDS[Math.floor(rnd() * WORDS.length)]! : genPattern(rnd, 2));
      p = SHAPES[Math.floor(rnd() * SHAPES.length)]!.replace('L', pick()).replace('M', pick());
    } else {
      p = genPattern(rnd, 0);
    }
    let ref: RE2JS;
    try {
      ref = reference(p);
    } catch {
      assert.throws(() => new FastRegexMatcher(p), RegexError, `should reject ${JSON.stringify(p)}`);
      continue;
    }
    const m = new FastRegexMatcher(p);
    patterns++;
    if (m.isOptimized()) optimised++;
    const hint = p.replace(/[\\()[\]?*+{}|^$]/g, '');
    for (let i = 0; i < 24; i++) {
      const s = i === 0 ? '' : genString(rnd, hint);
      const want = refGroups(ref, s);
      assert.equal(m.matches(s), want !== null, `matches ${JSON.stringify(p)} on ${JSON.stringify(s)}`);
      assert.deepEqual(m.exec(s), want, `exec ${JSON.stringify(p)} on ${JSON.stringify(s)}`);
      checks++;
    }
  }
  t.diagnostic(`${patterns} patterns (${optimised} optimised), ${checks} strings checked`);
  assert.ok(patterns > 2000, `only ${patterns} valid patterns`);
  assert.ok(optimised > patterns / 3, `only ${optimised}/${patterns} optimised`);
  assert.ok(checks > 40000);
});

test('planning stays cheap on long alternating-case literal chains', { timeout: 10000 }, () => {
  let half = '';
  for (let i = 0; i < 40; i++) half += i % 2 === 1 ? 'b' : '(?i:a)';
  const m = new FastRegexMatcher(`${half}\\b${half}`);
  const s = 'ab'.repeat(20) + 'AB'.repeat(20).toLowerCase();
  assert.equal(m.matches(s), reference(`${half}\\b${half}`).test(s));
  assert.ok(m.isOptimized());
});
