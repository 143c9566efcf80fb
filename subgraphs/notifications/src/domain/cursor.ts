/** Where a page of notifications ends: the (createdAt, id) of its last item, newest first. */
export interface NotificationCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of "<epoch ms>:<id>". */
export const encodeCursor = (cursor: NotificationCursor): string => Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`).toString('base64url');

/** The cursor, or null when the string is not one this service issued. */
export function decodeCursor(value: string): NotificationCursor | null {
  const match = /^(\d{1,16}):(.+)$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match || !UUID.test(match[2]!)) return null;
  const createdAt = new Date(Number(match[1]));
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: match[2]!.toLowerCase() };
}
