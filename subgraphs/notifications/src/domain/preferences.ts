/** Which notifications a user wants. */
export interface Preferences {
  emailEnabled: boolean;
  inAppEnabled: boolean;
  priceAlerts: boolean;
  transactionConfirmations: boolean;
  securityAlerts: boolean;
}

export type PreferencesChange = { [K in keyof Preferences]?: boolean | null };

/** Everything on until the user says otherwise. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  emailEnabled: true,
  inAppEnabled: true,
  priceAlerts: true,
  transactionConfirmations: true,
  securityAlerts: true,
});

const KEYS = Object.keys(DEFAULT_PREFERENCES) as (keyof Preferences)[];

/** Only the fields the caller set (null counts as omitted: the field is non-null). */
export function changedFields(change: PreferencesChange): Partial<Preferences> {
  const out: Partial<Preferences> = {};
  for (const key of KEYS) {
    const value = change[key];
    if (typeof value === 'boolean') out[key] = value;
  }
  return out;
}

export const pickPreferences = (row: Preferences): Preferences => Object.fromEntries(KEYS.map((key) => [key, row[key]])) as unknown as Preferences;
