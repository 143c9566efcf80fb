// The subgraphs of a bench run, in their own process (forked by run.ts with an IPC channel):
// every gateway under test calls the same five subgraphs on the same data. Started with
// startStack, as `npm start` does; its in-process gateway answers the cost scenario, where the
// SQL statement counter of this process is read over IPC.
import { statementCounter } from '@nexanest/db';
import { createLogger } from '@nexanest/graphql';
import { startStack } from '@nexanest/infrastructure';

export interface HostInput {
  databases: { auth: string; portfolio: string; analytics: string; notifications: string; timescale: string };
  redisUrl: string;
  namespace: string;
  env: Record<string, string>;
}
export type HostMessage =
  | { type: 'ready'; gatewayUrl: string; services: Record<string, string> }
  | { type: 'sql'; count: number; byPool: Record<string, number> };

const input = JSON.parse(process.env.BENCH_HOST_INPUT ?? '{}') as HostInput;
const send = (message: HostMessage) => process.send?.(message);

const stack = await startStack({
  databases: input.databases,
  redisUrl: input.redisUrl,
  env: { ...input.env, NEXANEST_NAMESPACE: input.namespace },
  ports: 'ephemeral',
  demoHistoryDays: 0,
  simulator: false,
  logger: createLogger('bench-host', process.env.BENCH_HOST_LOG_LEVEL ?? 'silent'),
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'sql') send({ type: 'sql', count: statementCounter.count, byPool: Object.fromEntries(statementCounter.byPool) });
  if (message.type === 'stop') {
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
process.on('disconnect', () => {
  stack.stop().finally(() => process.exit(0));
});
send({ type: 'ready', gatewayUrl: stack.gatewayUrl, services: stack.services });
