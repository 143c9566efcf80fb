export { startGateway, type StartGatewayOptions } from './start.ts';
export { gatewayEnvSchema, loadGatewayEnv, type GatewayEnv } from './env.ts';
export { createGatewayServer } from './server.ts';
export { readSupergraph, routingUrls } from './supergraph.ts';
