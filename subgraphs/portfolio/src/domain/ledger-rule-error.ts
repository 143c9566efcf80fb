/**
 * A ledger rule the caller broke. Domain code knows nothing of GraphQL; the service layer
 * turns this into BAD_USER_INPUT with the same message and field.
 */
export class LedgerRuleError extends Error {
  readonly code = 'LEDGER_RULE';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'LedgerRuleError';
  }
}
