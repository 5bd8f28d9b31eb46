import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaValidator } from './openapi-validate.js';

const root = {
  components: {
    schemas: {
      Labels: { type: 'object', additionalProperties: { type: 'string' } },
      Point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string', pattern: '^-?[0-9]+$' }], minItems: 2, maxItems: 2 },
      Sample: {
        type: 'object', required: ['metric'], additionalProperties: false,
        properties: { metric: { $ref: '#/components/schemas/Labels' }, value: { $ref: '#/components/schemas/Point' }, histogram: { type: 'object' } },
        oneOf: [{ required: ['value'] }, { required: ['histogram'] }],
      },
      'a/b': { const: 7 },
    },
  },
};

const cases: { name: string; schema: unknown; value: unknown; errors: RegExp[] }[] = [
  { name: 'type ok', schema: { type: 'string' }, value: 'x', errors: [] },
  { name: 'type mismatch', schema: { type: 'string' }, value: 1, errors: [/^\$: integer is not of type string$/] },
  { name: 'integer is a number', schema: { type: 'number' }, value: 3, errors: [] },
  { name: 'fraction is not an integer', schema: { type: 'integer' }, value: 1.5, errors: [/number is not of type integer/] },
  { name: 'type list with null', schema: { type: ['array', 'null'] }, value: null, errors: [] },
  { name: 'enum', schema: { enum: ['a', 'b'] }, value: 'c', errors: [/"c" is not one of \["a","b"\]/] },
  { name: 'const', schema: { const: { a: [1] } }, value: { a: [1] }, errors: [] },
  { name: 'minimum', schema: { type: 'integer', minimum: 1 }, value: 0, errors: [/0 is less than 1/] },
  { name: 'maximum', schema: { type: 'integer', maximum: 10 }, value: 11, errors: [/11 is more than 10/] },
  { name: 'required and additionalProperties false', schema: { type: 'object', required: ['a'], additionalProperties: false, properties: { a: {} } }, value: { b: 1 }, errors: [/missing required property a/, /property b is not allowed/] },
  { name: 'additionalProperties schema', schema: { $ref: '#/components/schemas/Labels' }, value: { a: 'x', b: 2 }, errors: [/^\$\.b: integer is not of type string$/] },
  { name: 'items', schema: { type: 'array', items: { type: 'boolean' } }, value: [true, 'no'], errors: [/^\$\[1\]: string/] },
  { name: 'tuple ok', schema: { $ref: '#/components/schemas/Point' }, value: [1.5, '-3'], errors: [] },
  { name: 'tuple too long and wrong item', schema: { $ref: '#/components/schemas/Point' }, value: [1, 'x', 3], errors: [/3 items, more than 2/, /\[1\]: "x" does not match/] },
  { name: 'tuple too short', schema: { $ref: '#/components/schemas/Point' }, value: [1], errors: [/1 items, fewer than 2/] },
  { name: 'oneOf exactly one', schema: { $ref: '#/components/schemas/Sample' }, value: { metric: {}, value: [1, '2'] }, errors: [] },
  { name: 'oneOf none', schema: { $ref: '#/components/schemas/Sample' }, value: { metric: {} }, errors: [/matches none of oneOf/] },
  { name: 'oneOf two', schema: { $ref: '#/components/schemas/Sample' }, value: { metric: {}, value: [1, '2'], histogram: {} }, errors: [/matches 2 of oneOf/] },
  { name: 'anyOf', schema: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, value: true, errors: [/matches none of anyOf/] },
  { name: 'allOf narrows', schema: { allOf: [{ type: 'string' }, { enum: ['x'] }] }, value: 'y', errors: [/not one of/] },
  { name: 'escaped pointer', schema: { $ref: '#/components/schemas/a~1b' }, value: 7, errors: [] },
  { name: 'annotations ignored', schema: { type: 'string', format: 'date-time', description: 'd' }, value: 'not a date', errors: [] },
  { name: 'true and false schemas', schema: { properties: { a: true, b: false } }, value: { a: 1, b: 2 }, errors: [/\$\.b: no value is allowed here/] },
];

test('validator: the supported keywords', () => {
  const v = new SchemaValidator(root);
  for (const c of cases) {
    const errs = v.validate(c.schema, c.value);
    assert.equal(errs.length, c.errors.length, `${c.name}: ${JSON.stringify(errs)}`);
    c.errors.forEach((re, i) => { assert.match(errs[i]!, re, c.name); });
  }
});

test('validator: unsupported keywords and bad references are refused, not ignored', () => {
  const v = new SchemaValidator(root);
  assert.throws(() => v.validate({ type: 'string', minLength: 3 }, 'ab'), /schema keyword minLength is not supported/);
  assert.throws(() => v.validate({ $ref: '#/components/schemas/Nope' }, 1), /resolving #\/components\/schemas\/Nope: no Nope/);
  assert.throws(() => v.validate({ $ref: 'other.yaml#/x' }, 1), /only local references/);
});

test('validator: deref follows references of OpenAPI objects', () => {
  const v = new SchemaValidator({ components: { responses: { A: { $ref: '#/components/responses/B' }, B: { description: 'b' } } } });
  assert.deepEqual(v.deref({ $ref: '#/components/responses/A' }), { description: 'b' });
});

test('validator: lint finds unsupported keywords and dangling references in nested schemas', () => {
  const v = new SchemaValidator(root);
  assert.deepEqual(v.lint(root.components.schemas.Sample), []);
  assert.deepEqual(v.lint({ type: 'object', properties: { a: { items: { minLength: 1 } }, b: { oneOf: [{ $ref: '#/nope' }] } } }), [
    '$.properties.a.items: keyword minLength is not supported',
    '$.properties.b.oneOf[0]: resolving #/nope: no nope',
  ]);
});
