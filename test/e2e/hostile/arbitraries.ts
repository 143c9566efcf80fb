import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  Kind,
  parse,
  print,
  visit,
  type EnumTypeDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';
import { operation } from '../../support/operations.ts';

/** Strings an attacker or a careless client sends: SQL, script, control characters, emoji, number-likes. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE transactions; --",
  "' OR '1'='1",
  "1; DELETE FROM portfolios WHERE '1'='1",
  "x' UNION SELECT password_hash FROM users --",
  'Robert"); DROP TABLE users;--',
  '$1',
  '%s%s%n',
  '\\',
  "''",
  '<script>alert(1)</script>',
  '\u0000',
  '\u202Eevil',
  '💸📈🚀',
  '👩‍👩‍👧‍👦',
  'Zürich Ünïcødé 日本語 العربية',
  '\uD800',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x10',
  '99999999999999999999999999999999999999',
  '0.00000000000000000000000000001',
  '   ',
  '',
  '2026-13-45T99:99:99Z',
  '1969-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59Z',
  '../../../../etc/passwd',
  '{"$gt": ""}',
  '__proto__',
] as const;

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(5000), '🚀'.repeat(2000)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('AAPL', 'USD', 'x'), fc.constantFrom(...HOSTILE_STRINGS)).map(([a, b]) => a + b) },
);

/** Numbers JSON can carry, including those that overflow Int or lose precision as a double. */
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, -1e308, 5e-324, -0, 0.1, 1.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A value nested `depth` levels deep, as `{"a":{"a":...}}` or `[[...]]`. */
const deeplyNested = fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = asArray ? [value] : { a: value };
  return value;
});

/** Any JSON value, including wrong types and deep nesting. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constant(null) },
);

const supergraph = parse(readFileSync(fileURLToPath(new URL('../../../schema/supergraph.graphql', import.meta.url)), 'utf8'));
const inputTypes = new Map<string, InputObjectTypeDefinitionNode>();
const enumTypes = new Map<string, EnumTypeDefinitionNode>();
for (const definition of supergraph.definitions) {
  if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) inputTypes.set(definition.name.value, definition);
  if (definition.kind === Kind.ENUM_TYPE_DEFINITION) enumTypes.set(definition.name.value, definition);
}

const decimalLike = fc.oneof(
  fc.constantFrom('1', '0', '-1', '100.5', '0.0000000001', '1e5', '1,5', ' 1', '+1', '.5'),
  fc.constantFrom('1'.repeat(19), `1.${'1'.repeat(11)}`, '123456789012345678.1234567890'),
  hostileString,
);
const dateTimeLike = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2026-03-29T01:30:00+01:00', '2026-11-01T01:30:00-04:00', '1900-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'),
  hostileString,
);

/** A value shaped like `type` wants, made of hostile leaves. Null may stand in for a required one. */
function valueFor(type: TypeNode, depth = 0): fc.Arbitrary<unknown> {
  if (type.kind === Kind.NON_NULL_TYPE) return valueFor(type.type, depth);
  if (type.kind === Kind.LIST_TYPE) return fc.array(valueFor(type.type, depth + 1), { maxLength: 3 });
  const name = type.name.value;
  switch (name) {
    case 'String':
    case 'ID':
      return hostileString;
    case 'Int':
    case 'Float':
      return hostileNumber;
    case 'Boolean':
      return fc.boolean();
    case 'Decimal':
      return decimalLike;
    case 'DateTime':
      return dateTimeLike;
  }
  const enumType = enumTypes.get(name);
  if (enumType) return fc.oneof(fc.constantFrom(...(enumType.values ?? []).map((value) => value.name.value)), hostileString);
  const inputType = inputTypes.get(name);
  if (inputType && depth < 3) {
    const fields = Object.fromEntries((inputType.fields ?? []).map((field) => [field.name.value, valueFor(field.type, depth + 1)]));
    return fc.record(fields, { requiredKeys: [] });
  }
  return anyJson;
}

/** Variables for `definition`: mostly well-shaped, sometimes with one value swapped for any JSON. */
export function variablesFor(definition: OperationDefinitionNode): fc.Arbitrary<Record<string, unknown>> {
  const shaped = Object.fromEntries((definition.variableDefinitions ?? []).map((variable) => [variable.variable.name.value, valueFor(variable.type)]));
  const names = Object.keys(shaped);
  const wellShaped = fc.record(shaped, { requiredKeys: [] });
  if (names.length === 0) return fc.oneof(wellShaped, fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }));
  return fc.oneof(
    { weight: 3, arbitrary: wellShaped },
    {
      weight: 2,
      arbitrary: fc.tuple(wellShaped, fc.constantFrom(...names), anyJson).map(([variables, name, value]) => ({ ...variables, [name]: value })),
    },
  );
}

/** Drops fields from every selection set as `keep` says, never emptying one. */
export function pruneSelections(definition: OperationDefinitionNode, keep: boolean[]): string {
  let index = 0;
  const pruned = visit(definition, {
    SelectionSet: {
      leave(node: SelectionSetNode) {
        const kept = node.selections.filter(() => keep[index++ % keep.length] !== false);
        return { ...node, selections: kept.length > 0 ? kept : node.selections.slice(0, 1) };
      },
    },
  });
  return print(pruned);
}

const CONTRACT_FILES = ['auth', 'compliance', 'market', 'notifications', 'portfolio'];

/** Every named contract operation, parsed. */
export function contractOperations(): OperationDefinitionNode[] {
  const folder = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));
  return CONTRACT_FILES.flatMap((file) =>
    parse(readFileSync(`${folder}${file}.graphql`, 'utf8')).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition.name !== undefined,
    ),
  ).map((definition) => parse(operation(definition.name!.value)).definitions[0] as OperationDefinitionNode);
}

const TOKENS = ['{', '}', '(', ')', '[', ']', ':', '!', '=', '$x', '...', '@skip', '@include(if: $x)', 'query', 'mutation', 'subscription', 'fragment', 'on'];
const NAMES = ['me', 'portfolio', 'id', 'holdings', '__typename', '__schema', 'types', 'name', 'instrument', 'register', 'input', 'first'];

/** Documents that are not what the schema expects: token soup, random text, mangled contract operations. */
export function garbageDocument(operations: OperationDefinitionNode[]): fc.Arbitrary<string> {
  const sources = operations.map((definition) => print(definition));
  return fc.oneof(
    fc.array(fc.constantFrom(...TOKENS, ...NAMES, '"\\u0000"', '"💥"', '1e999', '-0', '#'), { maxLength: 40 }).map((tokens) => tokens.join(' ')),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc
      .tuple(fc.constantFrom(...sources), fc.nat(), fc.nat({ max: 20 }), hostileString)
      .map(([source, at, cut, insert]) => source.slice(0, at % source.length) + insert + source.slice((at % source.length) + cut)),
  );
}
