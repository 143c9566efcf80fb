import { connectRedis, type RedisTarget } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import type { LatestPriceState } from '../domain/latest-price.ts';

/** Redis logical database of the market service (the platform guide: 1 = market). */
export const MARKET_REDIS_DB = 1;

/** Entries expire when a symbol stops trading, so nothing stale outlives a day. */
export const LATEST_PRICE_TTL_SECONDS = 86_400;

/** A latest-price row and the revision it was written with (see saveLatestPrices). */
export type RevisedLatestPrice = LatestPriceState & { symbol: string; revision: number };

/**
 * Key of a symbol's latest price: `<namespace>:{price:latest}:<SYMBOL>`. The hash tag puts every
 * symbol in one Redis Cluster slot, so MGET and the PUT_IF_NEWER script may take many at once.
 */
export const latestPriceKey = (namespace: string, symbol: string) => `${namespace}:{price:latest}:${symbol}`;

/** Copies of latest_prices rows in Redis DB 1, for cache-aside reads. */
export interface LatestPriceCache {
  /** The cached rows of `symbols`; a symbol missing from the map must be read from the database. */
  getMany(symbols: readonly string[]): Promise<Map<string, RevisedLatestPrice>>;
  /** Stores rows unless Redis already holds a higher revision of the same symbol. */
  putMany(rows: readonly RevisedLatestPrice[]): Promise<void>;
  close(): Promise<void>;
}

// Sets each key unless the value stored there has a revision at least as high, so an older write
// that reaches Redis late (another replica, a refill racing an ingest) never replaces a newer one.
const PUT_IF_NEWER = `
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local revision = tonumber(ARGV[i * 2])
  local current = redis.call('GET', key)
  local newer = true
  if current then
    local ok, decoded = pcall(cjson.decode, current)
    if ok and type(decoded) == 'table' and tonumber(decoded.revision) and tonumber(decoded.revision) >= revision then newer = false end
  end
  if newer then redis.call('SET', key, ARGV[i * 2 + 1], 'EX', ttl) end
end
return 1`;

interface Serialized extends Omit<RevisedLatestPrice, 'time' | 'openTime'> {
  time: string;
  openTime: string;
}

const serialize = (row: RevisedLatestPrice): string => JSON.stringify({ ...row, time: row.time.toISOString(), openTime: row.openTime.toISOString() });

function deserialize(text: string): RevisedLatestPrice | null {
  try {
    const value = JSON.parse(text) as Serialized;
    if (typeof value.symbol !== 'string' || typeof value.price !== 'string') return null;
    return { ...value, time: new Date(value.time), openTime: new Date(value.openTime) };
  } catch {
    return null;
  }
}

/**
 * The cache on Redis DB 1. Redis trouble never fails a read or an ingest: a failed read is a
 * miss (the database answers) and a failed write is logged; commands give up quickly.
 */
export function createLatestPriceCache(options: { redisUrl: RedisTarget; namespace: string; logger?: Logger }): LatestPriceCache {
  const redis = connectRedis(options.redisUrl, MARKET_REDIS_DB, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  redis.on('error', () => {});
  const key = (symbol: string) => latestPriceKey(options.namespace, symbol);
  return {
    async getMany(symbols) {
      const found = new Map<string, RevisedLatestPrice>();
      if (symbols.length === 0) return found;
      try {
        const values = await redis.mget(...symbols.map(key));
        values.forEach((value, index) => {
          const row = value ? deserialize(value) : null;
          if (row && row.symbol === symbols[index]) found.set(row.symbol, row);
        });
      } catch (error) {
        options.logger?.warn({ err: error }, 'latest-price cache read failed; reading the database');
      }
      return found;
    },
    async putMany(rows) {
      if (rows.length === 0) return;
      const args = rows.flatMap((row) => [String(row.revision), serialize(row)]);
      try {
        await redis.eval(PUT_IF_NEWER, rows.length, ...rows.map((row) => key(row.symbol)), String(LATEST_PRICE_TTL_SECONDS), ...args);
      } catch (error) {
        options.logger?.warn({ err: error }, 'latest-price cache write failed');
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
