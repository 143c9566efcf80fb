import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const copy = fileURLToPath(new URL('../operations/', import.meta.url));
const contract = fileURLToPath(new URL('../../../shared/contract/operations/', import.meta.url));

describe('the recorded operations', () => {
  // The frontend contract lives beside the checkout in development; a bare clone has only the copy.
  it.skipIf(!existsSync(contract))('are an exact copy of the frontend contract', () => {
    const files = readdirSync(contract)
      .filter((name) => name.endsWith('.graphql'))
      .sort();
    expect(
      readdirSync(copy)
        .filter((name) => name.endsWith('.graphql'))
        .sort(),
    ).toEqual(files);
    for (const file of files) expect(readFileSync(copy + file, 'utf8'), file).toBe(readFileSync(contract + file, 'utf8'));
  });
});
