import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const INFRA = resolve(import.meta.dirname, '..');

const hasShellcheck = (() => {
  try {
    execFileSync('shellcheck', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('shell scripts', () => {
  it('has shellcheck to lint them with (required in CI)', () => {
    if (process.env.CI) expect(hasShellcheck, 'CI must install shellcheck (.ci/run does)').toBe(true);
  });

  it.skipIf(!hasShellcheck)('db-manage.sh, its library and the init script pass shellcheck', async () => {
    const files = [
      'scripts/db-manage.sh',
      'scripts/lib/common.sh',
      'scripts/lib/embedded.sh',
      'scripts/lib/backup.sh',
      'scripts/lib/restore.sh',
      'database/init/03-app-role.sh',
    ];
    const result = await run('shellcheck', ['-x', ...files], { cwd: INFRA }).catch((failure: { stdout: string }) => failure);
    expect(result.stdout).toBe('');
  });
});
