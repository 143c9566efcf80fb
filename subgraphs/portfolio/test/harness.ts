import { randomUUID } from 'node:crypto';
import { DEV_SECRETS } from '@nexanest/config';
import { appRoleUrl, createPool, ensureAppRole } from '@nexanest/db';
import { createLogger, type Identity, createMarketClient, type MarketClient } from '@nexanest/graphql';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import { schema, type PortfolioPool } from '../src/db/index.ts';
import { createPortfolioServer, type PortfolioServer } from '../src/server.ts';
import { migratePortfolioDatabase } from '../src/start.ts';
import { startFakeMarket, type FakeMarket } from './fake-market.ts';

export interface GraphQLAnswer<T = Record<string, any>> {
  data?: T | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** One portfolio server over a pool of its own: a replica, as far as PostgreSQL can tell. */
export interface Replica {
  pool: PortfolioPool;
  server: PortfolioServer;
  run<T = Record<string, any>>(identity: Identity | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

export interface Harness {
  database: TestDatabase;
  market: FakeMarket;
  marketClient: MarketClient;
  /** The database owner's connection, for looking at what is really stored (row-level security does not apply). */
  pool: PortfolioPool;
  run: Replica['run'];
  /** Another server on separate connections to the same database, optionally with another market. */
  replica(marketClient?: MarketClient): Replica;
  count(table: 'portfolios' | 'transactions' | 'holdings' | 'cash_balances'): Promise<number>;
  close(): Promise<void>;
}

export const newUser = (): Identity => ({ userId: randomUUID(), role: 'USER' });

export const logger = createLogger('portfolio-test', 'silent');

/** Advisors live in auth; subgraph-level tests have no auth service (test/e2e covers grants end to end). */
const noAuthService = {
  findAdvisor: async (): Promise<never> => {
    throw new Error('no auth service in portfolio-only tests');
  },
};

function createReplica(url: string, marketClient: MarketClient): Replica {
  const pool = createPool({ url, max: 5, schema, applicationName: 'portfolio-test' });
  const server = createPortfolioServer({ db: pool.db, market: marketClient, auth: noAuthService, logger, production: false });
  const started = server.apollo.start();
  return {
    pool,
    server,
    async run(identity, query, variables) {
      await started;
      const response = await server.apollo.executeOperation({ query, ...(variables ? { variables } : {}) }, { contextValue: server.createContext(identity) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as GraphQLAnswer<any>;
    },
    async close() {
      await server.apollo.stop();
      await pool.close();
    },
  };
}

/** A fresh database with migrations applied, a fake market, and a server over both. */
export async function createHarness(): Promise<Harness> {
  const database = await createTestDatabase('portfolio');
  const market = await startFakeMarket();
  const marketClient = createMarketClient({ url: market.url });
  await ensureAppRole(database.url, DEV_SECRETS.APP_DB_PASSWORD);
  await migratePortfolioDatabase(database.url);
  // Servers connect as the application role, exactly as the service does: row-level security applies.
  const appUrl = appRoleUrl(database.url, DEV_SECRETS.APP_DB_PASSWORD);
  const primary = createReplica(appUrl, marketClient);
  const owner = createPool({ url: database.url, max: 2, schema, applicationName: 'portfolio-test-owner' });
  const replicas: Replica[] = [primary];
  return {
    database,
    market,
    marketClient,
    pool: owner,
    run: primary.run,
    replica(otherMarket) {
      const replica = createReplica(appUrl, otherMarket ?? marketClient);
      replicas.push(replica);
      return replica;
    },
    async count(table) {
      const [row] = await owner.sql.unsafe(`select count(*)::int as n from ${table}`);
      return Number(row?.n);
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await owner.close();
      await market.close();
      await database.drop();
    },
  };
}

export const CREATE_PORTFOLIO = `mutation($input: CreatePortfolioInput!) {
  createPortfolio(input: $input) { id name description portfolioType baseCurrency isActive createdAt }
}`;

export const RECORD = `mutation($input: RecordTransactionInput!) {
  recordTransaction(input: $input) {
    id type symbol quantity price fees currency executedAt notes
    amount { amount currency }
    portfolio { id holdings { symbol quantity averageCost { amount currency } costBasis { amount currency } } cashBalances { amount currency } }
  }
}`;

export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Creates a portfolio for `identity` and returns its id. */
export async function givenPortfolio(run: Replica['run'], identity: Identity, name = 'Core'): Promise<string> {
  const answer = await run<{ createPortfolio: { id: string } }>(identity, CREATE_PORTFOLIO, {
    input: { name, portfolioType: 'TAXABLE', baseCurrency: 'USD' },
  });
  if (!answer.data) throw new Error(`createPortfolio failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.createPortfolio.id;
}

/** Records an entry and fails the test on any error. */
export async function given(run: Replica['run'], identity: Identity, input: Record<string, unknown>) {
  const answer = await run<{ recordTransaction: Record<string, any> }>(identity, RECORD, { input: { currency: 'USD', executedAt: minutesAgo(5), ...input } });
  if (!answer.data) throw new Error(`recordTransaction failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.recordTransaction;
}

export const codeOf = (answer: GraphQLAnswer) => answer.errors?.[0]?.extensions?.code;
