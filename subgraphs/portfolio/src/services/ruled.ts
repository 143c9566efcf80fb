import { badInput } from '@nexanest/graphql';
import { LedgerRuleError } from '../domain/index.ts';

/** Runs a domain rule, answering BAD_USER_INPUT with its message when the caller broke it. */
export function ruled<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof LedgerRuleError) throw badInput(error.message, error.field);
    throw error;
  }
}
