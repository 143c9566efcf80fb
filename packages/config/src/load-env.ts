import { z } from 'zod';

/** Raised at boot when the environment is invalid; the message says what to fix. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Keys of an object schema, looking through refinements and transforms. */
function shapeKeys(schema: z.ZodTypeAny): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodEffects) return shapeKeys(schema.innerType());
  return [];
}

/**
 * Development fills in local URLs so `npm start` needs no setup; production must name its
 * servers. Checked on the raw environment, before defaults are applied.
 */
function missingInProduction(schema: z.ZodTypeAny, source: NodeJS.ProcessEnv): string[] {
  if (source.NODE_ENV !== 'production') return [];
  return shapeKeys(schema)
    .filter((key) => key.endsWith('_DATABASE_URL') || key === 'REDIS_URL')
    .filter((key) => !source[key])
    .map((key) => `  - ${key}: required in production`);
}

/**
 * Validates the environment once, at boot. Secrets are never echoed back: the message names
 * the variables and the rule they broke, not their values.
 */
export function loadEnv<S extends z.ZodTypeAny>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  const lines = [
    ...missingInProduction(schema, source),
    ...(result.success ? [] : result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(env)'}: ${issue.message}`)),
  ];
  if (lines.length > 0 || !result.success) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return result.data;
}
