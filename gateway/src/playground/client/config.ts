import type { ExampleTab } from '../example-tabs.ts';

/** What the page hands the browser bundle, as JSON in a `<script type="application/json">`. */
export interface PlaygroundConfig {
  /** Path of the GraphQL endpoint (HTTP and graphql-ws), resolved against the page's origin. */
  graphqlPath: string;
  tabs: ExampleTab[];
  /** Headers of a tab the user opens. */
  defaultHeaders: string;
  /** Monaco's worker scripts by label (`editorWorkerService`, `json`, `graphql`), on the gateway's own routes. */
  workers: Record<string, string>;
}

export const CONFIG_ELEMENT_ID = 'playground-config';
