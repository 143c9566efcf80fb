import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import type { Sql } from '@nexanest/db';
import type { Logger } from '@nexanest/graphql';
import type { AnalyticsPool } from '../db/index.ts';
import { portfolioSnapshotState } from '../db/schema/index.ts';
import { createBenchmarkSeries, lookbackStart } from '../domain/benchmark.ts';
import type { MarketClient } from '@nexanest/graphql';
import type { PortfolioDigest, PortfolioLedgerClient } from './portfolio-ledger-client.ts';
import { ledgerNeeds, nextDay, ValuationError, valueDays, type MarketHistory } from './valuation.ts';
import { firstDifferentDay } from './digests.ts';

export interface SnapshotBuilderDeps {
  analytics: AnalyticsPool['db'];
  timescale: Sql;
  portfolio: PortfolioLedgerClient;
  market: MarketClient;
  logger: Logger;
  now?: () => Date;
}

/** One portfolio's work: rebuild its snapshots from `fromDay` through `toDay`. */
export interface PlannedBuild {
  portfolioId: string;
  fromDay: string;
  toDay: string;
  days: number;
}

export interface BuildOutcome extends PlannedBuild {
  written: number;
  error?: string;
}

/** The time of a day's snapshot: the last millisecond of the UTC day. */
export const snapshotTime = (day: string) => new Date(Date.parse(`${nextDay(day)}T00:00:00Z`) - 1);
const utcDay = (time: Date) => time.toISOString().slice(0, 10);
const dayCount = (fromDay: string, toDay: string) => Math.round((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000) + 1;
const PAGE = 200;

/**
 * Builds `analytics_ts.portfolio_snapshots` from portfolio's ledger (signed internal routes),
 * market's daily closes and its FX history. Incremental: `detect` compares the ledger's per-day
 * digests with the ones last seen and marks a portfolio dirty from the first day that differs;
 * `plan` lists what is stale or not yet built up to the last complete UTC day; `build` values
 * those days and replaces their snapshots, then moves the watermark.
 */
export function createSnapshotBuilder(deps: SnapshotBuilderDeps) {
  const now = () => deps.now?.() ?? new Date();
  /** The last UTC day that has ended. */
  const lastCompleteDay = () => utcDay(new Date(Date.parse(`${utcDay(now())}T00:00:00Z`) - 1));

  async function remember(found: PortfolioDigest): Promise<void> {
    const digests = Object.fromEntries(found.days.map((day) => [day.day, day.digest]));
    const [state] = await deps.analytics.select().from(portfolioSnapshotState).where(eq(portfolioSnapshotState.portfolioId, found.id));
    const changedFrom = firstDifferentDay(state?.dayDigests ?? {}, digests);
    const dirtyFrom = [state?.dirtyFrom, changedFrom].filter((day): day is string => Boolean(day)).sort()[0] ?? null;
    await deps.analytics
      .insert(portfolioSnapshotState)
      .values({ portfolioId: found.id, ownerId: found.ownerId, baseCurrency: found.baseCurrency, dayDigests: digests, dirtyFrom })
      .onConflictDoUpdate({
        target: portfolioSnapshotState.portfolioId,
        set: { ownerId: found.ownerId, baseCurrency: found.baseCurrency, dayDigests: digests, dirtyFrom, updatedAt: new Date() },
      });
  }

  /** Compares every portfolio's ledger (or the named ones) with what was built; returns how many it looked at. */
  async function detect(portfolioIds?: string[]): Promise<number> {
    if (portfolioIds) {
      const found = await deps.portfolio.digests({ limit: PAGE, portfolioIds });
      for (const entry of found) await remember(entry);
      return found.length;
    }
    let seen = 0;
    let after: string | null = null;
    for (;;) {
      const page = await deps.portfolio.digests({ after, limit: PAGE });
      for (const entry of page) await remember(entry);
      seen += page.length;
      if (page.length < PAGE) return seen;
      after = page.at(-1)?.id ?? null;
    }
  }

  /** What is stale or unbuilt; `from` forces a rebuild from that day. */
  async function plan(options: { portfolioIds?: string[]; from?: string } = {}): Promise<PlannedBuild[]> {
    const states = await deps.analytics.select().from(portfolioSnapshotState);
    const toDay = lastCompleteDay();
    const builds: PlannedBuild[] = [];
    for (const state of states) {
      if (options.portfolioIds && !options.portfolioIds.includes(state.portfolioId)) continue;
      const firstLedgerDay = Object.keys(state.dayDigests).sort()[0];
      const candidates = [state.dirtyFrom, state.builtThrough ? nextDay(state.builtThrough) : firstLedgerDay, options.from].filter((day): day is string =>
        Boolean(day),
      );
      let fromDay = candidates.sort()[0];
      if (!fromDay) continue; // an empty ledger never built: nothing to value
      if (firstLedgerDay && fromDay < firstLedgerDay && !state.builtThrough) fromDay = firstLedgerDay;
      if (fromDay > toDay) continue;
      builds.push({ portfolioId: state.portfolioId, fromDay, toDay, days: dayCount(fromDay, toDay) });
    }
    return builds;
  }

  async function marketHistory(ledger: Parameters<typeof ledgerNeeds>[0], base: string, fromDay: string, toDay: string): Promise<MarketHistory> {
    const needs = ledgerNeeds(ledger);
    const closes: MarketHistory['closes'] = new Map();
    for (const symbol of needs.symbols) {
      const found = await deps.market.dailyCloses(symbol, lookbackStart(fromDay), toDay);
      if (found) closes.set(symbol, { currency: found.currency, series: createBenchmarkSeries(symbol, found.closes) });
    }
    const currencies = new Set([...needs.currencies, ...[...closes.values()].map((entry) => entry.currency)]);
    const rates = new Map<string, Map<string, string | null>>();
    for (const currency of currencies) if (currency !== base) rates.set(currency, await deps.market.fxHistory(currency, base, fromDay, toDay));
    return {
      closes,
      rate(currency, day) {
        const rate = rates.get(currency)?.get(day);
        return rate ? new Decimal(rate) : null;
      },
    };
  }

  /** Values the planned days and replaces their snapshots; a missing price or rate fails this portfolio only. */
  async function build(planned: PlannedBuild): Promise<BuildOutcome> {
    const found = await deps.portfolio.ledger(planned.portfolioId);
    if (!found) {
      await deps.timescale`delete from analytics_ts.portfolio_snapshots where portfolio_id = ${planned.portfolioId}`;
      await deps.analytics.delete(portfolioSnapshotState).where(eq(portfolioSnapshotState.portfolioId, planned.portfolioId));
      return { ...planned, written: 0 };
    }
    const { portfolio, transactions } = found;
    let values: ReturnType<typeof valueDays>;
    try {
      values = valueDays(
        transactions,
        portfolio.baseCurrency,
        await marketHistory(transactions, portfolio.baseCurrency, planned.fromDay, planned.toDay),
        planned.fromDay,
        planned.toDay,
      );
    } catch (error) {
      if (!(error instanceof ValuationError)) throw error;
      await deps.analytics
        .update(portfolioSnapshotState)
        .set({ lastError: error.message, updatedAt: new Date() })
        .where(eq(portfolioSnapshotState.portfolioId, planned.portfolioId));
      deps.logger.warn({ portfolioId: planned.portfolioId, reason: error.message }, 'snapshot build failed');
      return { ...planned, written: 0, error: error.message };
    }
    await deps.timescale.begin(async (tx) => {
      await tx`delete from analytics_ts.portfolio_snapshots where portfolio_id = ${portfolio.id} and time >= ${`${planned.fromDay}T00:00:00Z`}::timestamptz`;
      if (values.length === 0) return;
      await tx`
        insert into analytics_ts.portfolio_snapshots (portfolio_id, owner_id, time, total_value, currency, net_flow)
        select ${portfolio.id}::uuid, ${portfolio.ownerId}::uuid, t::timestamptz, v::numeric, ${portfolio.baseCurrency}, f::numeric
        from unnest(${values.map((v) => snapshotTime(v.day).toISOString())}::text[], ${values.map((v) => v.totalValue.toFixed())}::text[],
                    ${values.map((v) => v.netFlow.toFixed())}::text[]) as u(t, v, f)`;
    });
    await deps.analytics
      .update(portfolioSnapshotState)
      .set({ builtThrough: planned.toDay, dirtyFrom: null, lastError: null, updatedAt: new Date() })
      .where(eq(portfolioSnapshotState.portfolioId, planned.portfolioId));
    return { ...planned, written: values.length };
  }

  /** detect, plan, build; `onProgress` hears after each portfolio. */
  async function run(
    options: { portfolioIds?: string[]; from?: string; onPlan?: (builds: PlannedBuild[]) => void; onProgress?: (outcome: BuildOutcome) => void } = {},
  ) {
    await detect(options.portfolioIds);
    const builds = await plan(options);
    options.onPlan?.(builds);
    const outcomes: BuildOutcome[] = [];
    for (const planned of builds) {
      const outcome = await build(planned);
      outcomes.push(outcome);
      options.onProgress?.(outcome);
    }
    return outcomes;
  }

  return { detect, plan, build, run, lastCompleteDay };
}

export type SnapshotBuilder = ReturnType<typeof createSnapshotBuilder>;
