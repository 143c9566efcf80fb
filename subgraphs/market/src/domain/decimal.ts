import { Decimal } from 'decimal.js';
import { AppError } from '@nexanest/graphql';

/**
 * Decimal with room for FX: an inverse rate or a triangulated cross keeps 40 significant digits,
 * so rounding happens once, when a Money is built.
 */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type D = InstanceType<typeof D>;

/** A decimal from the database or an entity representation (strings on the wire). */
export function toDecimal(value: unknown, what: string): D {
  if (value instanceof Decimal || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) return new D(value as string);
  throw new AppError('BAD_USER_INPUT', `${what} must be a decimal string`);
}
