import type { Decimal } from 'decimal.js';
import { dec, LEDGER_SCALE, type DecimalLike } from './decimal.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import { LedgerRuleError } from './ledger-rule-error.ts';

/** A holding's running state under the average cost method, in the trading currency. */
export interface Position {
  quantity: Decimal;
  /** Total cost of the shares held, fees included. */
  costBasis: Decimal;
  /** Gains realized by sells so far, net of their fees. */
  realizedGain: Decimal;
}

export const emptyPosition = (): Position => ({ quantity: dec('0'), costBasis: dec('0'), realizedGain: dec('0') });

export const positionOf = (row: { quantity: DecimalLike; costBasis: DecimalLike; realizedGain: DecimalLike }): Position => ({
  quantity: dec(row.quantity),
  costBasis: dec(row.costBasis),
  realizedGain: dec(row.realizedGain),
});

/**
 * The position after one ledger entry (average cost method):
 * - BUY adds the shares and q*p + fees to the cost basis;
 * - SELL removes costBasis * q / held from the cost basis and realizes q*p - fees - that cost;
 *   selling more than is held is refused;
 * - SPLIT multiplies the shares by the ratio and leaves the cost basis alone;
 * - other types leave the position unchanged.
 */
export function applyEntry(position: Position, entry: LedgerEntry): Position {
  switch (entry.type) {
    case 'BUY': {
      const { quantity, price, fees } = tradeFields(entry);
      return {
        quantity: position.quantity.plus(quantity),
        costBasis: position.costBasis.plus(quantity.times(price)).plus(fees),
        realizedGain: position.realizedGain,
      };
    }
    case 'SELL': {
      const { quantity, price, fees } = tradeFields(entry);
      if (quantity.greaterThan(position.quantity)) {
        throw new LedgerRuleError(`Cannot sell ${quantity.toFixed()} ${entry.symbol}: ${position.quantity.toFixed()} held`, 'quantity');
      }
      // A full sell removes exactly what is left, so no rounding residue outlives the position;
      // a partial sell's share of the cost rounds half-even to the ledger's scale.
      const removed = quantity.equals(position.quantity)
        ? position.costBasis
        : position.costBasis.times(quantity).dividedBy(position.quantity).toDecimalPlaces(LEDGER_SCALE);
      return {
        quantity: position.quantity.minus(quantity),
        costBasis: position.costBasis.minus(removed),
        realizedGain: position.realizedGain.plus(quantity.times(price).minus(fees).minus(removed)),
      };
    }
    case 'SPLIT': {
      if (position.quantity.isZero()) throw new LedgerRuleError(`No ${entry.symbol} held to split`, 'symbol');
      const ratio = entry.quantity;
      if (!ratio) throw new LedgerRuleError('quantity is required for SPLIT', 'quantity');
      return { ...position, quantity: position.quantity.times(ratio) };
    }
    default:
      return position;
  }
}

function tradeFields(entry: LedgerEntry) {
  if (!entry.quantity || !entry.price || !entry.fees) throw new LedgerRuleError(`quantity and price are required for ${entry.type}`);
  return { quantity: entry.quantity, price: entry.price, fees: entry.fees };
}

/** Cost per share held; zero for an empty position. */
export function averageCost(position: Pick<Position, 'quantity' | 'costBasis'>): Decimal {
  return position.quantity.isZero() ? dec('0') : position.costBasis.dividedBy(position.quantity);
}
