import type { PlaygroundAssets } from './assets.ts';
import { CONFIG_ELEMENT_ID, type PlaygroundConfig } from './client/config.ts';
import { listExampleTabs, PUBLIC_HEADERS } from './example-tabs.ts';

/** JSON that is safe inside a `<script>` element: no `</script>`, no HTML comment, no line separators. */
const scriptSafeJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * The browser may load from this origin only (and data: URLs for images and fonts); 'self' covers
 * the graphql-ws connection to the same host. Monaco sets inline styles.
 */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The playground's HTML: the built stylesheet and script, and the configuration they read. */
export function renderPlaygroundPage(assets: PlaygroundAssets, options: { assetsPath: string; graphqlPath: string }): string {
  const asset = (name: string) => `${options.assetsPath}/${name}`;
  const config: PlaygroundConfig = {
    graphqlPath: options.graphqlPath,
    tabs: listExampleTabs(),
    defaultHeaders: PUBLIC_HEADERS,
    workers: Object.fromEntries(Object.entries(assets.workers).map(([label, name]) => [label, asset(name)])),
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>NexaNest playground</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${asset(assets.stylesheet)}">
    <style>html, body, #playground { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="playground"></div>
    <script id="${CONFIG_ELEMENT_ID}" type="application/json">${scriptSafeJson(config)}</script>
    <script src="${asset(assets.script)}"></script>
  </body>
</html>
`;
}
