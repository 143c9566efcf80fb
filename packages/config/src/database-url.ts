import { z } from 'zod';

/** A database URL that defaults to the local development server; production must set it. */
export const databaseUrl = (database: string) =>
  z
    .string()
    .url()
    .optional()
    .transform((value) => value ?? `postgres://postgres@127.0.0.1:5432/${database}`);

/** Pool size with the platform guide's default for this database. */
export const poolSize = (fallback: number) => z.coerce.number().int().min(1).max(500).default(fallback);

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
