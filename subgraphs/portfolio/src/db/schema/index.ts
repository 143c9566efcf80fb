export { portfolios, type PortfolioRow } from './portfolios.ts';
export { transactions, type TransactionRow } from './transactions.ts';
export { holdings, type HoldingRow } from './holdings.ts';
export { cashBalances, type CashBalanceRow } from './cash-balances.ts';
export { portfolioAccess, type PortfolioAccessRow } from './portfolio-access.ts';
export { watchlists, watchlistItems, type WatchlistRow, type WatchlistItemRow } from './watchlists.ts';
export { goals, type GoalRow } from './goals.ts';
export { allocationRules, type AllocationRuleRow } from './allocation-rules.ts';
export { outboxEvents } from './outbox-events.ts';
