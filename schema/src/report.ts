import { EXIT, type ExitCode, type SchemaCheckResult } from './check.ts';
import type { SchemaChange } from './diff.ts';
import type { OperationOutcome } from './operations.ts';

const VERDICT: Record<ExitCode, string> = {
  [EXIT.OK]: 'passed',
  [EXIT.BROKEN_OPERATION]: 'failed: a recorded operation breaks',
  [EXIT.COMPOSITION]: 'failed: the subgraphs do not compose',
  [EXIT.LINT]: 'failed: the subgraph schemas break lint rules',
  [EXIT.USAGE]: 'failed: usage error',
};

/** `portfolio.graphql:Dashboard`: the name a report gives an operation. */
export const operationLabel = (outcome: Pick<OperationOutcome, 'file' | 'name'>) => `${outcome.file}:${outcome.name}`;

const count = (changes: readonly SchemaChange[] | null, severity: SchemaChange['severity']) => changes?.filter((c) => c.severity === severity).length ?? 0;

/** Plain text for a terminal or a CI log. */
export function formatText(result: SchemaCheckResult): string {
  const lines: string[] = [`schema check ${VERDICT[result.exitCode]} (exit ${result.exitCode})`, ''];
  const { composition } = result;
  lines.push(
    `1. composition: ${composition.errors.length === 0 ? `ok, ${result.subgraphCount} subgraphs` : `${composition.errors.length} error(s)`}, ${composition.hints.length} hint(s)`,
  );
  for (const error of composition.errors) lines.push(`   error: ${error}`);
  for (const hint of composition.hints) lines.push(`   hint: ${hint}`);

  lines.push(`2. lint: ${result.lint.length === 0 ? 'ok' : `${result.lint.length} finding(s)`}`);
  for (const f of result.lint) lines.push(`   error [${f.subgraph}${f.line ? `:${f.line}` : ''}] ${f.coordinate} (${f.rule}): ${f.message}`);

  if (result.changes === null) {
    lines.push('3. diff: skipped, nothing composed', '4. operations: skipped, nothing composed');
    return `${lines.join('\n')}\n`;
  }
  const c = result.changes;
  lines.push(`3. diff against ${result.baselineName}: ${count(c, 'BREAKING')} breaking, ${count(c, 'DANGEROUS')} dangerous, ${count(c, 'SAFE')} safe`);
  for (const change of c) lines.push(`   ${change.severity.padEnd(9)} ${change.path}: ${change.message}`);

  lines.push(`4. operations: ${result.operations.length} checked, ${result.brokenOperations.length} broken`);
  for (const outcome of result.brokenOperations) {
    for (const change of outcome.breakingChanges) lines.push(`   FAIL ${operationLabel(outcome)} uses ${change.path}: ${change.message}`);
    for (const error of outcome.errors) lines.push(`   FAIL ${operationLabel(outcome)} is invalid: ${error}`);
  }
  for (const change of result.unusedBreakingChanges) lines.push(`   WARN ${change.path}: ${change.message} (no recorded operation uses it)`);
  const unserved = result.unservedOperations.filter((outcome) => !result.brokenOperations.includes(outcome));
  if (unserved.length > 0) lines.push(`   note: ${unserved.length} recorded operation(s) not served yet: ${unserved.map(operationLabel).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Markdown cell text: pipes escaped, newlines flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** Markdown for a pull-request comment. */
export function formatMarkdown(result: SchemaCheckResult): string {
  const icon = result.exitCode === EXIT.OK ? '✅' : '❌';
  const out: string[] = [
    `## ${icon} Schema check ${VERDICT[result.exitCode]}`,
    '',
    `Exit code **${result.exitCode}**. Baseline: ${code(result.baselineName)}.`,
    '',
  ];

  const { composition } = result;
  out.push('### 1. Composition', '');
  out.push(composition.errors.length === 0 ? `Composed ${result.subgraphCount} subgraphs.` : `**${composition.errors.length} composition error(s)**`, '');
  for (const error of composition.errors) out.push(`- ❌ ${cell(error)}`);
  if (composition.hints.length > 0) {
    out.push(`<details><summary>${composition.hints.length} hint(s)</summary>`, '');
    for (const hint of composition.hints) out.push(`- ${cell(hint)}`);
    out.push('', '</details>');
  }
  out.push('', '### 2. Lint', '');
  if (result.lint.length === 0) out.push('No findings.');
  else {
    out.push('| Subgraph | Coordinate | Rule | Finding |', '| --- | --- | --- | --- |');
    for (const f of result.lint) out.push(`| ${f.subgraph}${f.line ? `:${f.line}` : ''} | ${code(f.coordinate)} | ${f.rule} | ${cell(f.message)} |`);
  }

  out.push('', '### 3. Changes', '');
  if (result.changes === null) out.push('Skipped: nothing composed.');
  else if (result.changes.length === 0) out.push(`No changes against ${code(result.baselineName)}.`);
  else {
    const c = result.changes;
    out.push(`${count(c, 'BREAKING')} breaking, ${count(c, 'DANGEROUS')} dangerous, ${count(c, 'SAFE')} safe.`, '');
    out.push('| Severity | Coordinate | Change |', '| --- | --- | --- |');
    for (const change of c) out.push(`| ${change.severity} | ${code(change.path)} | ${cell(change.message)} |`);
  }

  out.push('', '### 4. Recorded operations', '');
  if (result.changes === null) out.push('Skipped: nothing composed.');
  else {
    const unserved = result.unservedOperations.filter((outcome) => !result.brokenOperations.includes(outcome));
    out.push(`${result.operations.length} checked, ${result.brokenOperations.length} broken, ${unserved.length} not served yet.`);
    if (result.brokenOperations.length > 0) {
      out.push('', '| Operation | Coordinate | Problem |', '| --- | --- | --- |');
      for (const outcome of result.brokenOperations) {
        for (const change of outcome.breakingChanges) out.push(`| ❌ ${code(operationLabel(outcome))} | ${code(change.path)} | ${cell(change.message)} |`);
        for (const error of outcome.errors) out.push(`| ❌ ${code(operationLabel(outcome))} | | ${cell(error)} |`);
      }
    }
    if (result.unusedBreakingChanges.length > 0) {
      out.push('', '#### ⚠️ Warnings: breaking changes no recorded operation uses', '');
      for (const change of result.unusedBreakingChanges) out.push(`- ${code(change.path)}: ${cell(change.message)}`);
    }
    if (unserved.length > 0) {
      out.push('', `<details><summary>${unserved.length} recorded operation(s) not served yet (invalid against the baseline too)</summary>`, '');
      for (const outcome of unserved) out.push(`- ${code(operationLabel(outcome))}: ${cell(outcome.errors[0] ?? '')}`);
      out.push('', '</details>');
    }
  }
  return `${out.join('\n')}\n`;
}
