import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSubgraphSources } from './compose.ts';
import { EXIT, type ExitCode, runSchemaCheck, SchemaCheckUsageError, type SchemaCheckResult } from './check.ts';
import { readOperationFiles } from './operations.ts';
import { formatMarkdown, formatText } from './report.ts';

export const USAGE = `usage: npm run schema:check -- [--base FILE] [--format text|markdown] [--out FILE]
  --base FILE        supergraph SDL to diff against (default: schema/supergraph.graphql)
  --config FILE      rover-style supergraph config (default: supergraph.yaml)
  --operations DIR   recorded client operations (default: schema/operations)
  --format FORMAT    text (default) or markdown, for a pull-request comment
  --out FILE         write the report there instead of to stdout
  --strict           fail on recorded operations no schema serves yet, too
exit codes: 0 ok (warnings possible), 1 a recorded operation breaks, 2 composition error,
            3 lint errors, 4 usage error`;

export interface CheckFiles {
  /** Repository root; the other paths are resolved against it. */
  root: string;
  config?: string;
  base?: string;
  operations?: string;
  strict?: boolean;
}

/** Reads supergraph.yaml, the subgraph SDLs, the baseline and the recorded operations, and runs the check. */
export async function checkRepository(files: CheckFiles): Promise<SchemaCheckResult> {
  const config = resolve(files.root, files.config ?? 'supergraph.yaml');
  const base = resolve(files.root, files.base ?? 'schema/supergraph.graphql');
  const operations = resolve(files.root, files.operations ?? 'schema/operations');
  for (const path of [config, base, operations]) if (!existsSync(path)) throw new SchemaCheckUsageError(`${path} does not exist`);
  let subgraphs: ReturnType<typeof readSubgraphSources>;
  try {
    subgraphs = readSubgraphSources(config);
  } catch (error) {
    throw new SchemaCheckUsageError(`cannot read ${config}: ${(error as Error).message}`);
  }
  return runSchemaCheck({
    subgraphs,
    baselineSdl: readFileSync(base, 'utf8'),
    baselineName: relative(files.root, base) || base,
    operationFiles: readOperationFiles(operations),
    strict: files.strict,
  });
}

/** The command line: parses argv, runs the check, writes the report, answers the exit code. */
export async function main(argv: readonly string[], root: string): Promise<ExitCode> {
  let values: { base?: string; config?: string; operations?: string; format?: string; out?: string; strict?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: 'string' },
        config: { type: 'string' },
        operations: { type: 'string' },
        format: { type: 'string', default: 'text' },
        out: { type: 'string' },
        strict: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT.OK;
  }
  if (values.format !== 'text' && values.format !== 'markdown') {
    console.error(`unknown --format ${values.format}\n${USAGE}`);
    return EXIT.USAGE;
  }
  // Paths given on the command line are the caller's, relative to where they stand.
  const cwd = process.cwd();
  const fromCwd = (path: string | undefined) => (path === undefined ? undefined : resolve(cwd, path));
  let result: SchemaCheckResult;
  try {
    result = await checkRepository({
      root,
      base: fromCwd(values.base),
      config: fromCwd(values.config),
      operations: fromCwd(values.operations),
      strict: values.strict,
    });
  } catch (error) {
    if (!(error instanceof SchemaCheckUsageError)) throw error;
    console.error(`schema check: ${error.message}`);
    return EXIT.USAGE;
  }
  const report = values.format === 'markdown' ? formatMarkdown(result) : formatText(result);
  if (values.out) {
    writeFileSync(resolve(cwd, values.out), report);
    console.log(`schema check: exit ${result.exitCode}; report written to ${values.out}`);
  } else process.stdout.write(report);
  return result.exitCode;
}
