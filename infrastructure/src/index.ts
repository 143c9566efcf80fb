export { startStack, type Stack, type StackOptions, type DatabaseUrls } from './stack.ts';
export { createGatewayClient, type GatewayClient, type GraphQLResponse } from './gateway-client.ts';
export { seedDemoUser, DEMO_EMAIL } from './demo-seed.ts';
export { databasesOn } from './env.ts';
