/**
 * drizzle's postgres-js driver makes the shared client return timestamps as text (and pass
 * timestamptz[] / numeric[] / date[] parameters through unserialised), so raw queries here send
 * arrays as text[] and cast them in SQL, and read instants through asDate.
 */
export function asDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const iso = value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable timestamp from the database: ${value}`);
  return date;
}
