import { GraphQLScalarType, Kind } from 'graphql';
import { Decimal } from 'decimal.js';
import { AppError } from './errors.ts';

// Exactness limits: NUMERIC holds more, but no real price, quantity or amount needs more.
const DECIMAL_PATTERN = /^-?(0|[1-9]\d{0,17})(\.\d{1,10})?$/;

const invalidDecimal = (value: unknown) =>
  new AppError(
    'BAD_USER_INPUT',
    `Decimal must be a string like "1234.56" with at most 18 integer and 10 fractional digits; got ${JSON.stringify(value)?.slice(0, 40)}`,
  );

/** Reads a client's decimal. Only strings are accepted: a JSON number may already be inexact. */
export function parseDecimal(value: unknown): Decimal {
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value)) throw invalidDecimal(value);
  return new Decimal(value);
}

/** Exact decimal as a string on the wire (`"1234.5600"`), never a binary float. */
export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description: 'An exact decimal number, sent and received as a string, e.g. "1234.56".',
  serialize(value) {
    if (value instanceof Decimal) return value.toFixed();
    if (typeof value === 'string') return new Decimal(value).toFixed();
    throw new TypeError('Decimal fields must resolve to a Decimal or a numeric string');
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDecimal(ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind);
    return parseDecimal(ast.value);
  },
});

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** `new Date` rolls 30 February over into March: every field must be within its calendar range. */
function isCalendarValid(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute] = [match[1], match[2], match[3], match[4], match[5]].map(Number) as [number, number, number, number, number];
  const second = match[7] === undefined ? 0 : Number(match[7]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = match[10] === undefined || (Number(match[10]) <= 23 && Number(match[11]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

export function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  if (!match) {
    throw new AppError('BAD_USER_INPUT', 'DateTime must be an ISO-8601 string with a time zone, e.g. "2026-11-21T14:30:00Z"');
  }
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime()) || !isCalendarValid(match)) throw new AppError('BAD_USER_INPUT', 'DateTime is not a real instant');
  return date;
}

/** ISO-8601 instant in UTC (`2026-11-21T14:30:00.000Z`). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO-8601 string in UTC, e.g. "2026-11-21T14:30:00.000Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime fields must resolve to a valid date');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
