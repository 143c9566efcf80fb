import { z } from 'zod';

/** One seed node of a Redis Cluster; the client discovers the others from it. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** `host:port` or `[ipv6]:port`. */
const NODE = /^(?:\[(?<v6>[0-9a-f:.]+)\]|(?<host>[^\s:,[\]]+)):(?<port>\d{1,5})$/i;

/** Parses `host:port,host:port`; or the first malformed entry. */
export function parseRedisClusterNodes(value: string): { nodes: RedisClusterNode[] } | { bad: string } {
  const nodes: RedisClusterNode[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    const match = NODE.exec(entry);
    const port = Number(match?.groups?.port);
    if (!match || !Number.isInteger(port) || port < 1 || port > 65535) return { bad: entry };
    nodes.push({ host: match.groups?.v6 ?? match.groups?.host ?? '', port });
  }
  return { nodes };
}

/**
 * REDIS_CLUSTER_NODES: comma-separated `host:port` seed nodes of a Redis Cluster. Set, every
 * service talks to the cluster instead of the single Redis at REDIS_URL.
 */
export const redisClusterNodes = () =>
  z
    .string()
    .optional()
    .transform((value, ctx): RedisClusterNode[] | undefined => {
      if (value === undefined || value.trim() === '') return undefined;
      const parsed = parseRedisClusterNodes(value);
      if ('nodes' in parsed) return parsed.nodes;
      // The entry is echoed: node addresses are not secrets, and it says what to fix.
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected host:port[,host:port...]; "${parsed.bad}" is not` });
      return z.NEVER;
    });
