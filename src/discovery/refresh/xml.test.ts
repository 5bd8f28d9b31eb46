import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, children, childText, escapeXML, innerXML, parseXML, XMLSyntaxError } from './xml.js';

test('xml: elements, attributes, entities, CDATA, comments, namespaces and raw inner XML', () => {
  const src = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE r [ <!ELEMENT r ANY> ]>
<!-- leading comment -->
<ns:root xmlns:ns="urn:x" a='1' ns:b="x &amp; y">
  <item k="v">one &lt;1&gt; &#65;&#x42;<![CDATA[<raw>&amp;]]><!-- c --></item>
  <item/>
  <meta><management.port>8090</management.port><x>a &amp; <b>c</b></x></meta>
</ns:root>`;
  const r = parseXML(src);
  assert.equal(r.name, 'root');
  assert.deepEqual(r.attrs, { a: '1', b: 'x & y' });
  const items = children(r, 'item');
  assert.equal(items.length, 2);
  assert.equal(items[0]!.text, 'one <1> AB<raw>&amp;');
  assert.equal(items[0]!.attrs['k'], 'v');
  assert.equal(items[1]!.text, '');
  const meta = child(r, 'meta')!;
  assert.deepEqual(meta.children.map((c) => c.name), ['management.port', 'x']);
  assert.equal(childText(meta, 'management.port'), '8090');
  assert.equal(innerXML(src, child(meta, 'x')!), 'a &amp; <b>c</b>');
  assert.equal(child(meta, 'x')!.text, 'a & ', 'own character data only');
  assert.equal(childText(meta, 'missing'), undefined);
});

test('xml: malformed documents are rejected with the line', () => {
  const cases: [string, RegExp][] = [
    ['<a><b></a>', /line 1: element <b> closed by <\/a>/],
    ['<a>\n<b>x</b>\n', /line 3: unexpected EOF/],
    ['<a>&bogus;</a>', /invalid character entity &bogus;/],
    ['<a x=1></a>', /unquoted or missing attribute value/],
    ['', /unexpected EOF/],
    ['<a/><b/>', /unexpected second root element/],
    ['text', /unexpected character data/],
  ];
  for (const [src, re] of cases) {
    assert.throws(() => parseXML(src), (e: unknown) => e instanceof XMLSyntaxError && re.test(e.message), src);
  }
});

test('xml: escape round-trips through the reader', () => {
  const s = `a<b>&"c'`;
  assert.equal(parseXML(`<x v="${escapeXML(s)}">${escapeXML(s)}</x>`).text, s);
  assert.equal(parseXML(`<x v="${escapeXML(s)}"/>`).attrs['v'], s);
});
