import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { EXIT } from '../src/check.ts';
import { checkRepository, main } from '../src/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run schema:check on this repository', () => {
  it('passes: the subgraphs compose and lint clean, the committed supergraph is fresh, no served operation breaks', async () => {
    const result = await checkRepository({ root });
    expect(result.composition.errors).toEqual([]);
    expect(result.lint).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(result.brokenOperations).toEqual([]);
    expect(result.operations.filter((o) => o.status === 'ok').map((o) => o.name)).toEqual(
      expect.arrayContaining(['Register', 'Login', 'Me', 'CreatePortfolio', 'RecordTransaction', 'Dashboard', 'Instrument', 'IngestPrices', 'PriceTicks']),
    );
    expect(result.exitCode).toBe(EXIT.OK);
  });

  it('writes the markdown report to --out and answers the exit code', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'schema-check-')), 'report.md');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['--format', 'markdown', '--out', out], root)).toBe(EXIT.OK);
    } finally {
      log.mockRestore();
    }
    expect(readFileSync(out, 'utf8')).toContain('## ✅ Schema check passed');
  });

  it('answers 4 for an unknown option, an unknown format and a missing baseline', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main(['--colour'], root)).toBe(EXIT.USAGE);
      expect(await main(['--format', 'xml'], root)).toBe(EXIT.USAGE);
      expect(await main(['--base', join(root, 'schema/no-such-supergraph.graphql')], root)).toBe(EXIT.USAGE);
    } finally {
      error.mockRestore();
    }
  });
});
