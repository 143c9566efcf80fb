import type { z } from 'zod';

/** Raised at boot when the environment is invalid; the message says what to fix. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * Validates the environment once, at boot. Secrets are never echoed back: the message names
 * the variables and the rule they broke, not their values.
 */
export function loadEnv<S extends z.ZodTypeAny>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
