/**
 * Counts SQL statements sent by every pool in this process. Benchmarks read it to report
 * statements per request; nothing else depends on it.
 */
export const statementCounter = {
  count: 0,
  reset() {
    this.count = 0;
  },
};
