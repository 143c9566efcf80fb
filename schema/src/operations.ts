import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentNode, FragmentDefinitionNode, GraphQLInputType, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { SchemaChange } from './diff.ts';
import { graphql } from './graphql-runtime.ts';

/** A file of recorded client operations, as text. */
export interface OperationFile {
  /** Name shown in reports, e.g. `portfolio.graphql`. */
  file: string;
  source: string;
}

/** One named operation of a recorded file, with the file's fragments beside it. */
export interface RecordedOperation {
  file: string;
  name: string;
  document: DocumentNode;
}

/**
 * What the new schema does to one recorded operation. `broken`: it was valid against the baseline
 * and is not against the new schema, or a breaking change reaches a coordinate it uses. `unserved`:
 * invalid against the baseline and the new schema alike; the recorded copy of the frontend contract
 * runs ahead of the subgraphs, so a change cannot break what never worked.
 */
export interface OperationOutcome {
  file: string;
  name: string;
  status: 'ok' | 'broken' | 'unserved';
  /** graphql validation errors against the new API schema. */
  errors: string[];
  /** Breaking changes at a coordinate this operation uses. */
  breakingChanges: SchemaChange[];
}

/** Reads every `*.graphql` file of a folder, sorted by name. */
export function readOperationFiles(dir: string): OperationFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ file, source: readFileSync(join(dir, file), 'utf8') }));
}

/** Splits recorded files into operations; a file that does not parse is reported, not thrown. */
export function parseOperations(files: readonly OperationFile[]): { operations: RecordedOperation[]; syntaxErrors: OperationOutcome[] } {
  const operations: RecordedOperation[] = [];
  const syntaxErrors: OperationOutcome[] = [];
  for (const { file, source } of files) {
    let document: DocumentNode;
    try {
      document = graphql.parse(source);
    } catch (error) {
      syntaxErrors.push({ file, name: '(file)', status: 'broken', errors: [(error as Error).message], breakingChanges: [] });
      continue;
    }
    const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === graphql.Kind.FRAGMENT_DEFINITION);
    for (const definition of document.definitions) {
      if (definition.kind !== graphql.Kind.OPERATION_DEFINITION) continue;
      const op = definition as OperationDefinitionNode;
      operations.push({ file, name: op.name?.value ?? '(anonymous)', document: { kind: graphql.Kind.DOCUMENT, definitions: [op, ...fragments] } });
    }
  }
  return { operations, syntaxErrors };
}

/**
 * The schema coordinates an operation touches, in graphql-inspector's dotted form: every selected
 * `Type.field` and its return type, every passed `Type.field.argument`, every type named in a
 * fragment, and everything a client may send: the input types reachable from the variables and
 * arguments, with all their input fields and enum values.
 */
export function collectUsage(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const markInput = (type: GraphQLInputType | null | undefined) => {
    if (!type) return;
    const named = graphql.getNamedType(type);
    if (used.has(named.name)) return;
    used.add(named.name);
    if (graphql.isEnumType(named)) for (const value of named.getValues()) used.add(`${named.name}.${value.name}`);
    if (graphql.isInputObjectType(named)) {
      for (const field of Object.values(named.getFields())) {
        used.add(`${named.name}.${field.name}`);
        markInput(field.type);
      }
    }
  };
  const typeInfo = new graphql.TypeInfo(schema);
  graphql.visit(
    document,
    graphql.visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        used.add(`${parent.name}.${node.name.value}`);
        used.add(graphql.getNamedType(field.type).name);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (!parent || !field || !argument) return;
        used.add(`${parent.name}.${field.name}.${node.name.value}`);
        markInput(argument.type);
      },
      VariableDefinition(node) {
        const type = graphql.typeFromAST(schema, node.type);
        if (type && graphql.isInputType(type)) markInput(type);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        if (type) used.add(`${graphql.getNamedType(type).name}.${node.value}`);
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
    }),
  );
  return used;
}

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('.')));

/**
 * Whether a breaking change reaches an operation. An argument's type is judged by validation alone
 * (passing `$x: String!` to an argument made non-null is fine); a required argument or input field
 * that was added reaches every operation using the field or the input type.
 */
function reaches(change: SchemaChange, used: Set<string>, invalid: boolean): boolean {
  const parent = parentOf(change.path);
  if (change.type === 'FIELD_ARGUMENT_TYPE_CHANGED') return invalid && (used.has(change.path) || used.has(parent));
  if (used.has(change.path)) return true;
  if (parent === '' || !used.has(parent)) return false;
  return invalid || change.type.endsWith('_ADDED');
}

/**
 * Validates every operation against the new API schema and names the breaking changes that reach
 * it; `oldSchema` (the baseline) tells which coordinates an operation used before the change.
 */
export function checkOperations(
  operations: readonly RecordedOperation[],
  oldSchema: GraphQLSchema,
  newSchema: GraphQLSchema,
  changes: readonly SchemaChange[],
): OperationOutcome[] {
  // A recorded file holds many operations and shares its fragments; each operation needs only its own.
  const rules = graphql.specifiedRules.filter((rule) => rule !== graphql.NoUnusedFragmentsRule);
  const breaking = changes.filter((change) => change.severity === 'BREAKING');
  return operations.map(({ file, name, document }): OperationOutcome => {
    const errors = graphql.validate(newSchema, document, rules).map((error) => error.message);
    if (errors.length > 0 && graphql.validate(oldSchema, document, rules).length > 0) return { file, name, status: 'unserved', errors, breakingChanges: [] };
    const used = collectUsage(oldSchema, document);
    const breakingChanges = breaking.filter((change) => reaches(change, used, errors.length > 0));
    return { file, name, status: errors.length > 0 || breakingChanges.length > 0 ? 'broken' : 'ok', errors, breakingChanges };
  });
}
