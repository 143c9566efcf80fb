import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnvSchema, ConfigError, DEV_SECRETS, databaseUrl, loadEnv, productionGuard } from '../src/index.ts';

const schema = baseEnvSchema.extend({ AUTH_DATABASE_URL: databaseUrl('auth') }).superRefine(productionGuard());
const strongSecrets = { JWT_SECRET: 'x'.repeat(40), GATEWAY_IDENTITY_SECRET: 'y'.repeat(40) };

describe('loadEnv', () => {
  it('fills development defaults so a new clone starts with no setup', () => {
    const env = loadEnv(schema, {});
    expect(env.NODE_ENV).toBe('development');
    expect(env.AUTH_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/auth');
    expect(env.JWT_SECRET).toBe(DEV_SECRETS.JWT_SECRET);
  });

  it('refuses production without database URLs and names them', () => {
    expect(() => loadEnv(schema, { NODE_ENV: 'production', REDIS_URL: 'redis://r:6379', ...strongSecrets })).toThrow(
      /AUTH_DATABASE_URL: required in production/,
    );
  });

  it('refuses production without REDIS_URL, and lets an optional replica URL stay unset', () => {
    const withReplica = baseEnvSchema.extend({ AUTH_DATABASE_URL: databaseUrl('auth'), READ_DATABASE_URL: z.string().url().optional() });
    expect(() => loadEnv(withReplica, { NODE_ENV: 'production', AUTH_DATABASE_URL: 'postgres://db/auth', ...strongSecrets })).toThrow(
      /REDIS_URL: required in production/,
    );
    const env = loadEnv(withReplica, { NODE_ENV: 'production', AUTH_DATABASE_URL: 'postgres://db/auth', REDIS_URL: 'redis://r:6379', ...strongSecrets });
    expect(env.READ_DATABASE_URL).toBeUndefined();
  });

  it('refuses production with a development secret, without echoing it', () => {
    let error: unknown;
    try {
      loadEnv(schema, {
        NODE_ENV: 'production',
        AUTH_DATABASE_URL: 'postgres://db/auth',
        REDIS_URL: 'redis://r:6379',
        GATEWAY_IDENTITY_SECRET: 'y'.repeat(40),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/JWT_SECRET is the development default/);
    expect(String(error)).not.toContain(DEV_SECRETS.JWT_SECRET);
  });

  it('accepts a complete production environment', () => {
    const env = loadEnv(schema, { NODE_ENV: 'production', AUTH_DATABASE_URL: 'postgres://db/auth', REDIS_URL: 'redis://r:6379', ...strongSecrets });
    expect(env.AUTH_DATABASE_URL).toBe('postgres://db/auth');
  });

  it('rejects a short secret', () => {
    expect(() => loadEnv(z.object({ JWT_SECRET: baseEnvSchema.shape.JWT_SECRET }), { JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });
});

describe('REDIS_CLUSTER_NODES', () => {
  const production = { NODE_ENV: 'production', AUTH_DATABASE_URL: 'postgres://db/auth', ...strongSecrets };

  it('parses host:port seed nodes, IPv6 in brackets, spaces around commas', () => {
    const env = loadEnv(schema, { REDIS_CLUSTER_NODES: 'redis-a:7000, 10.0.0.2:7001,[::1]:7002' });
    expect(env.REDIS_CLUSTER_NODES).toEqual([
      { host: 'redis-a', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(loadEnv(schema, {}).REDIS_CLUSTER_NODES).toBeUndefined();
  });

  it.each(['redis-a', 'redis-a:0', 'redis-a:70000', 'redis://a:7000', 'a:7000,,b:7001', ':7000'])('refuses %j and names the setting', (value) => {
    expect(() => loadEnv(schema, { REDIS_CLUSTER_NODES: value })).toThrow(/REDIS_CLUSTER_NODES: expected host:port/);
  });

  it('stands in for REDIS_URL in production', () => {
    expect(() => loadEnv(schema, production)).toThrow(/REDIS_URL: required in production \(or REDIS_CLUSTER_NODES\)/);
    expect(loadEnv(schema, { ...production, REDIS_CLUSTER_NODES: 'r1:7000,r2:7000' }).REDIS_CLUSTER_NODES).toHaveLength(2);
  });
});
