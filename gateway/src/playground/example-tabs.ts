import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';

/** The recorded client operations: an exact copy of the frontend contract. */
export const DEFAULT_OPERATIONS_PATH = fileURLToPath(new URL('../../../schema/operations/', import.meta.url));

/** One GraphiQL tab: the editors' initial contents (GraphiQL's `TabDefinition`). */
export interface ExampleTab {
  query: string;
  variables: string;
  headers: string;
}

export const AUTHORIZATION_EXAMPLE = 'Bearer <accessToken from the Login mutation>';

/** Headers of a tab whose operation needs a signed-in caller: sent as they are, so the gateway names a missing token. */
const SIGNED_IN_HEADERS = JSON.stringify({ Authorization: AUTHORIZATION_EXAMPLE }, null, 2);

/** Headers of a tab that works without a token: the example stays a comment (the editor takes JSON with comments). */
export const PUBLIC_HEADERS = `{\n  // Signed-in operations need the accessToken from Login:\n  // "Authorization": "${AUTHORIZATION_EXAMPLE}"\n}`;

interface Example {
  name: string;
  signedIn: boolean;
  variables?: (now: Date) => Record<string, unknown>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The contract operations offered as tabs, in tab order, with example variables. */
const EXAMPLES: Example[] = [
  { name: 'Login', signedIn: false, variables: () => ({ email: 'demo@nexanest.local', password: 'demo_dev_password' }) },
  { name: 'Dashboard', signedIn: true },
  { name: 'Me', signedIn: true },
  {
    name: 'Instrument',
    signedIn: false,
    variables: (now) => ({ symbol: 'AAPL', from: new Date(now.getTime() - 30 * DAY_MS).toISOString(), to: now.toISOString() }),
  },
  { name: 'PriceTicks', signedIn: false, variables: () => ({ symbols: ['AAPL', 'MSFT'] }) },
  { name: 'PriceTicksWithPositions', signedIn: true, variables: () => ({ symbols: ['AAPL'] }) },
];

/** Each operation's source text by name, exactly as written in the .graphql files of `folder`. */
function readOperations(folder: string): Map<string, string> {
  const operations = new Map<string, string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.graphql'))) {
    const source = readFileSync(`${folder}/${file}`, 'utf8');
    for (const definition of parse(source).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name && definition.loc) {
        operations.set(definition.name.value, source.slice(definition.loc.start, definition.loc.end));
      }
    }
  }
  return operations;
}

/**
 * The playground's example tabs, read from the recorded operations. An operation missing from the
 * folder is skipped: the tabs follow the contract rather than fail the page.
 */
export function listExampleTabs(folder = DEFAULT_OPERATIONS_PATH, now = new Date()): ExampleTab[] {
  const operations = readOperations(folder);
  return EXAMPLES.flatMap((example) => {
    const query = operations.get(example.name);
    if (!query) return [];
    return [{ query, variables: JSON.stringify(example.variables?.(now) ?? {}, null, 2), headers: example.signedIn ? SIGNED_IN_HEADERS : PUBLIC_HEADERS }];
  });
}
