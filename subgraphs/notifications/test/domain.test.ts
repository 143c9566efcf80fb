import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/domain/cursor.ts';
import { conditionMet, renderAlertNotification } from '../src/domain/price-alerts.ts';

describe('notification cursors', () => {
  it('round-trip the instant and id of a notification', () => {
    const cursor = { createdAt: new Date('2026-11-20T10:00:00.123Z'), id: randomUUID() };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('refuse strings this service did not issue', () => {
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('12:not-a-uuid').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`x:${randomUUID()}`).toString('base64url'))).toBeNull();
  });
});

describe('alert conditions', () => {
  it('are strict: the threshold itself is neither above nor below', () => {
    expect(conditionMet('ABOVE', '100', '100.0000000001')).toBe(true);
    expect(conditionMet('ABOVE', '100', '100')).toBe(false);
    expect(conditionMet('BELOW', '100', '99.99')).toBe(true);
    expect(conditionMet('BELOW', '100', '100')).toBe(false);
  });

  it('compare exact decimals, not binary floats', () => {
    expect(conditionMet('ABOVE', '0.3', '0.30000000000000001')).toBe(true);
  });

  it('render a notification naming the symbol, the price and the threshold', () => {
    const rendered = renderAlertNotification({
      alertId: 'a1',
      symbol: 'ASML',
      condition: 'BELOW',
      threshold: '600',
      price: '599.5',
      time: '2026-11-20T10:00:00.000Z',
    });
    expect(rendered.title).toBe('ASML is below 600');
    expect(rendered.body).toBe('ASML traded at 599.5 at 2026-11-20T10:00:00.000Z, below your alert threshold of 600.');
    expect(rendered.data).toMatchObject({ alertId: 'a1', price: '599.5' });
  });
});
