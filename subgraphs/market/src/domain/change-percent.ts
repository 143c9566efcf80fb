import { priceChange } from './latest-price.ts';

/** Significant digits of the decimal library's divisions (see decimal.ts). */
const PRECISION = 40;
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  negative: boolean;
  /** |value| × 10^scale */
  digits: bigint;
  scale: number;
}

function parse(text: string): Scaled | null {
  const match = PLAIN.exec(text);
  if (!match) return null;
  const fraction = match[3] ?? '';
  return { negative: match[1] === '-', digits: BigInt(`${match[2]}${fraction}`), scale: fraction.length };
}

const POWERS = Array.from({ length: 128 }, (_, n) => 10n ** BigInt(n));
const pow10 = (n: number) => POWERS[n] ?? 10n ** BigInt(n);
const digitCount = (n: bigint) => (n === 0n ? 0 : n.toString().length);

/** `value` (≥ 0) without its last `drop` digits, rounded half to even; `rest` over `over` is what lies beyond `value`. */
function dropDigits(value: bigint, drop: number, rest = 0n, over = 1n): bigint {
  if (drop <= 0) return value;
  const unit = pow10(drop);
  const kept = value / unit;
  // Compare what is dropped (value's low digits plus rest/over) with half a unit, in integers.
  const dropped = (value % unit) * over + rest;
  const half = (unit / 2n) * over;
  if (dropped > half || (dropped === half && kept % 2n === 1n)) return kept + 1n;
  return kept;
}

/** `digits` rounded to the library's precision, as decimal.js rounds every result. */
function toPrecision(value: Scaled): Scaled {
  const drop = digitCount(value.digits) - PRECISION;
  return drop <= 0 ? value : { ...value, digits: dropDigits(value.digits, drop), scale: value.scale - drop };
}

/**
 * The percentage of priceChange (the move over the previous close, divided by it, times 100, to
 * 8 decimal places, as a Float), for the publish path: the same result, bit for bit, computed
 * with BigInt instead of the decimal library (which costs several µs per tick). Every rounding of
 * decimal.js is reproduced: the difference and the quotient to 40 significant digits, then to 8
 * places, each half to even. Anything but plain decimal text, or a previous close not above
 * zero, goes to priceChange itself.
 */
export function changePercentOf(price: string, prevClose: string | null): number | null {
  if (prevClose === null) return null;
  const p = parse(price);
  const q = parse(prevClose);
  if (!p || !q || q.negative || q.digits === 0n) return priceChange(price, prevClose).changePercent;
  const scale = Math.max(p.scale, q.scale);
  const signed = (x: Scaled) => (x.negative ? -x.digits : x.digits) * pow10(scale - x.scale);
  const difference = signed(p) - signed(q);
  if (difference === 0n) return 0;
  const change = toPrecision({ negative: difference < 0n, digits: difference < 0n ? -difference : difference, scale });
  // |change| / prevClose = (change.digits / q.digits) × 10^(q.scale - change.scale); take the
  // integer quotient with at least PRECISION + 1 digits, then round it with its remainder.
  const shift = PRECISION + 2 - (digitCount(change.digits) - digitCount(q.digits));
  const numerator = shift >= 0 ? change.digits * pow10(shift) : change.digits;
  const denominator = shift >= 0 ? q.digits : q.digits * pow10(-shift);
  const quotient = numerator / denominator;
  const drop = digitCount(quotient) - PRECISION;
  const mantissa = dropDigits(quotient, drop, numerator % denominator, denominator);
  // value = mantissa × 10^exponent, times 100, then to 8 decimal places.
  const exponent = drop - shift + q.scale - change.scale + 2;
  const places = exponent >= -8 ? mantissa : dropDigits(mantissa, -8 - exponent);
  const text = `${change.negative ? '-' : ''}${places}e${exponent >= -8 ? exponent : -8}`;
  return Number(text);
}
