// Scenarios 3 and 4 reuse the in-repo benches (infrastructure/bench/), run as the root's npm
// scripts with their own stacks; their printed figures go into RESULTS.md as they are.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../gateways.ts';

const TIMEOUT_MS = Number(process.env.BENCH_EXISTING_TIMEOUT ?? 180) * 1000;

export interface ExistingBench {
  command: string;
  output: string;
  seconds: number;
  failed: boolean;
}

export async function runExistingBench(script: string, env: Record<string, string>, log: (line: string) => void): Promise<ExistingBench> {
  const command = `${Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')} npm run ${script}`;
  const started = performance.now();
  try {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
      timeout: TIMEOUT_MS,
    });
    log(stdout.trimEnd());
    return { command, output: stdout.trim(), seconds: (performance.now() - started) / 1000, failed: false };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string; killed?: boolean };
    const killed = e.killed ? `stopped: no result within ${TIMEOUT_MS / 1000} s\n` : '';
    const output = `${killed}${e.stdout ?? ''}\n${(e.stderr || e.message).slice(-2000)}`.trim();
    log(`  failed: ${output.slice(-500)}`);
    return { command, output, seconds: (performance.now() - started) / 1000, failed: true };
  }
}
