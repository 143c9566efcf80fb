// The playground in the browser: GraphiQL over the gateway's own endpoint, HTTP for queries and
// mutations, graphql-ws for subscriptions. Bundled by ../assets.ts; nothing here loads from
// another origin.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import { CONFIG_ELEMENT_ID, type PlaygroundConfig } from './config.ts';

const config = JSON.parse(document.getElementById(CONFIG_ELEMENT_ID)?.textContent ?? '{}') as PlaygroundConfig;

// Monaco starts its language services in workers; these come from the gateway, like the page.
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return new Worker(config.workers[label] ?? (config.workers.editorWorkerService as string));
  },
};

const httpUrl = new URL(config.graphqlPath, window.location.href);
const wsUrl = new URL(httpUrl);
wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

// With subscriptionUrl, each subscription opens its own graphql-ws connection whose connection_init
// payload is the headers editor's JSON: the gateway reads Authorization from it.
const fetcher = createGraphiQLFetcher({ url: httpUrl.href, subscriptionUrl: wsUrl.href });

const root = document.getElementById('playground');
if (!root) throw new Error('the playground page has no #playground element');
createRoot(root).render(
  createElement(
    GraphiQL,
    { fetcher, defaultTabs: config.tabs, defaultHeaders: config.defaultHeaders, defaultEditorToolsVisibility: 'headers' },
    createElement(GraphiQL.Logo, null, 'NexaNest'),
  ),
);
