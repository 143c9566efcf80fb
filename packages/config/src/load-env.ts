import { z } from 'zod';

/** Raised at boot when the environment is invalid; the message says what to fix. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** The fields of an object schema, looking through refinements and transforms. */
function shapeOf(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodTypeAny>;
  if (schema instanceof z.ZodEffects) return shapeOf(schema.innerType());
  return {};
}

/**
 * Development fills in local URLs so `npm start` needs no setup; production must name its
 * servers. Checked on the raw environment, before defaults are applied.
 */
function missingInProduction(schema: z.ZodTypeAny, source: NodeJS.ProcessEnv): string[] {
  if (source.NODE_ENV !== 'production') return [];
  // A plain optional URL (no development default, e.g. a read replica) stays optional everywhere;
  // REDIS_CLUSTER_NODES stands in for REDIS_URL.
  return Object.entries(shapeOf(schema))
    .filter(([key, field]) => key === 'REDIS_URL' || (key.endsWith('_DATABASE_URL') && !(field instanceof z.ZodOptional)))
    .map(([key]) => key)
    .filter((key) => !source[key] && !(key === 'REDIS_URL' && source.REDIS_CLUSTER_NODES))
    .map((key) => `  - ${key}: required in production${key === 'REDIS_URL' ? ' (or REDIS_CLUSTER_NODES)' : ''}`);
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
