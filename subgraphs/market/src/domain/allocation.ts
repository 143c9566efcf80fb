import { D } from './decimal.ts';

export const ALLOCATION_DIMENSIONS = ['ASSET_CLASS', 'SECTOR', 'COUNTRY', 'CURRENCY', 'SYMBOL'] as const;
export type AllocationDimension = (typeof ALLOCATION_DIMENSIONS)[number];

/** The key under which instruments without a sector (funds, indices, currencies) are grouped. */
export const UNCLASSIFIED_SECTOR = 'Unclassified';

/** A position valued at the latest price, with the reference data it is grouped by. */
export interface ValuedPosition {
  symbol: string;
  quantity: D;
  /** Latest price in the trading currency. */
  price: D;
  tradingCurrency: string;
  /** Units of the base currency for one unit of the trading currency. */
  toBase: D;
  assetClass: string;
  sector: string | null;
  country: string;
}

/** quantity x price x FX, in the base currency. */
export const marketValueInBase = (position: Pick<ValuedPosition, 'quantity' | 'price' | 'toBase'>): D =>
  position.quantity.mul(position.price).mul(position.toBase);

/** The group a position belongs to along a dimension. */
export function groupKeyOf(position: ValuedPosition, dimension: AllocationDimension): string {
  switch (dimension) {
    case 'ASSET_CLASS':
      return position.assetClass;
    case 'SECTOR':
      return position.sector ?? UNCLASSIFIED_SECTOR;
    case 'COUNTRY':
      return position.country;
    case 'CURRENCY':
      return position.tradingCurrency;
    case 'SYMBOL':
      return position.symbol;
  }
}

/** Rule keys match groups without regard to case (sector names are typed by people). */
export const inGroup = (position: ValuedPosition, dimension: AllocationDimension, key: string): boolean =>
  groupKeyOf(position, dimension).toUpperCase() === key.trim().toUpperCase();

export const totalOf = (positions: readonly ValuedPosition[]): D => positions.reduce((sum, position) => sum.add(marketValueInBase(position)), new D(0));

/** value / total as a Float fraction; 0 when nothing is held. */
export const ratio = (value: D, total: D): number => (total.isZero() ? 0 : value.div(total).toNumber());

/**
 * The holdings' market value split by a dimension, largest first (then by key): each group's
 * value in the base currency and its weight, the group's share of the holdings' total market
 * value (cash is not a holding, so weights add up to 1 over the holdings).
 */
export function allocationOf(positions: readonly ValuedPosition[], dimension: AllocationDimension): { key: string; value: D; weight: number }[] {
  const total = totalOf(positions);
  const groups = new Map<string, D>();
  for (const position of positions) {
    const key = groupKeyOf(position, dimension);
    groups.set(key, (groups.get(key) ?? new D(0)).add(marketValueInBase(position)));
  }
  return [...groups]
    .map(([key, value]) => ({ key, value, weight: ratio(value, total) }))
    .sort((a, b) => b.value.comparedTo(a.value) || a.key.localeCompare(b.key));
}

/** A group's share of the holdings' market value (0 for a group nothing is held in). */
export function weightOf(positions: readonly ValuedPosition[], dimension: AllocationDimension, key: string): number {
  const group = positions.filter((position) => inGroup(position, dimension, key));
  return ratio(totalOf(group), totalOf(positions));
}
