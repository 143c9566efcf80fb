/** SQLSTATE helpers: the driver's errors carry SQL and parameters and never reach a client. */
// drizzle (0.44+) wraps the driver's error in a DrizzleQueryError whose `cause` carries the code.
const codeOf = (error: unknown): string => {
  if (typeof error !== 'object' || error === null) return '';
  if ('code' in error) return String((error as { code: unknown }).code);
  return 'cause' in error ? codeOf((error as { cause: unknown }).cause) : '';
};

export const isUniqueViolation = (error: unknown) => codeOf(error) === '23505';
