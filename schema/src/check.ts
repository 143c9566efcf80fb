import type { GraphQLSchema } from 'graphql';
import { type ComposeOutcome, composeSubgraphs, type SubgraphSource } from './compose.ts';
import { apiSchemaOf, diffApiSchemas, type SchemaChange } from './diff.ts';
import { type LintFinding, type LintOptions, lintSubgraphs } from './lint.ts';
import { checkOperations, type OperationFile, type OperationOutcome, parseOperations } from './operations.ts';

/** The check's exit codes; the most fundamental failure wins (usage, then composition, lint, operations). */
export const EXIT = {
  /** Everything passed; warnings (unused breaking changes, dangerous changes, hints) may remain. */
  OK: 0,
  /** A breaking change breaks a recorded operation, a served operation turns invalid, or (with `strict`) any recorded operation is invalid. */
  BROKEN_OPERATION: 1,
  /** The subgraphs do not compose. */
  COMPOSITION: 2,
  /** A subgraph schema breaks a lint rule. */
  LINT: 3,
  /** Bad command line, or a baseline or input file that is missing or not a supergraph. */
  USAGE: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown for input the check cannot work with; the command line turns it into exit code 4. */
export class SchemaCheckUsageError extends Error {
  readonly code = 'SCHEMA_CHECK_USAGE';
}

export interface SchemaCheckInput {
  subgraphs: readonly Pick<SubgraphSource, 'name' | 'url' | 'sdl'>[];
  /** The committed supergraph SDL the new composition is compared with. */
  baselineSdl: string;
  /** Shown in reports, e.g. `schema/supergraph.graphql`. */
  baselineName?: string;
  operationFiles: readonly OperationFile[];
  lint?: LintOptions;
  /** Fail on unserved operations too: every recorded operation must be valid against the new schema. */
  strict?: boolean;
}

export interface SchemaCheckResult {
  exitCode: ExitCode;
  baselineName: string;
  subgraphCount: number;
  composition: ComposeOutcome;
  lint: LintFinding[];
  /** Every change against the baseline; null when composition failed and there is nothing to diff. */
  changes: SchemaChange[] | null;
  /** Every recorded operation, broken or not; empty when composition failed. */
  operations: OperationOutcome[];
  /** Operations that fail: served before and invalid now, or reached by a breaking change (with `strict`, unserved ones too). */
  brokenOperations: OperationOutcome[];
  /** Operations neither the baseline nor the new schema serves: the contract ahead of the subgraphs. */
  unservedOperations: OperationOutcome[];
  /** Breaking changes that no recorded operation uses: reported, not failed. */
  unusedBreakingChanges: SchemaChange[];
}

function baselineApiSchema(sdl: string, name: string): GraphQLSchema {
  try {
    return apiSchemaOf(sdl);
  } catch (error) {
    throw new SchemaCheckUsageError(`the baseline ${name} is not a valid supergraph: ${(error as Error).message}`);
  }
}

/**
 * Runs the four steps on SDL strings, touching no files: compose, lint the subgraphs, diff the new
 * API schema against the baseline's, validate the recorded operations against the new one.
 */
export async function runSchemaCheck(input: SchemaCheckInput): Promise<SchemaCheckResult> {
  const baselineName = input.baselineName ?? 'baseline';
  const oldSchema = baselineApiSchema(input.baselineSdl, baselineName);
  const composition = composeSubgraphs(input.subgraphs);
  const lint = lintSubgraphs(input.subgraphs, input.lint);
  const result: SchemaCheckResult = {
    exitCode: EXIT.OK,
    baselineName,
    subgraphCount: input.subgraphs.length,
    composition,
    lint,
    changes: null,
    operations: [],
    brokenOperations: [],
    unservedOperations: [],
    unusedBreakingChanges: [],
  };

  let newSchema: GraphQLSchema | null = null;
  if (composition.supergraphSdl) {
    try {
      newSchema = apiSchemaOf(composition.supergraphSdl);
    } catch (error) {
      composition.errors.push(`the composed supergraph has no valid API schema: ${(error as Error).message}`);
    }
  }
  if (newSchema) {
    const changes = await diffApiSchemas(oldSchema, newSchema);
    const { operations, syntaxErrors } = parseOperations(input.operationFiles);
    const outcomes = [...syntaxErrors, ...checkOperations(operations, oldSchema, newSchema, changes)];
    const reached = new Set(outcomes.flatMap((outcome) => outcome.breakingChanges));
    result.changes = changes;
    result.operations = outcomes;
    result.brokenOperations = outcomes.filter((outcome) => outcome.status === 'broken' || (input.strict && outcome.status === 'unserved'));
    result.unservedOperations = outcomes.filter((outcome) => outcome.status === 'unserved');
    result.unusedBreakingChanges = changes.filter((change) => change.severity === 'BREAKING' && !reached.has(change));
  }

  if (composition.errors.length > 0 || !newSchema) result.exitCode = EXIT.COMPOSITION;
  else if (lint.length > 0) result.exitCode = EXIT.LINT;
  else if (result.brokenOperations.length > 0) result.exitCode = EXIT.BROKEN_OPERATION;
  return result;
}
