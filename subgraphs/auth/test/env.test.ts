import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SECRETS, loadEnv } from '@nexanest/config';
import { authEnvSchema, DEV_ADMIN_PASSWORD } from '../src/env.ts';

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-real-production-jwt-secret-0123456789',
  GATEWAY_IDENTITY_SECRET: 'a-real-production-identity-secret-012345',
  AUTH_DATABASE_URL: 'postgres://auth@db.internal:5432/auth',
  REDIS_URL: 'redis://redis.internal:6379',
  PORTFOLIO_SUBGRAPH_URL: 'http://portfolio.internal:8002/graphql',
  AUDIT_PSEUDONYM_SECRET: 'a-real-production-pseudonym-key-0123456789',
};

const messageOf = (source: NodeJS.ProcessEnv) => {
  try {
    loadEnv(authEnvSchema, source);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('auth environment', () => {
  it('fills development defaults, including the bootstrap admin password', () => {
    const env = loadEnv(authEnvSchema, {});
    expect(env.AUTH_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/auth');
    expect(env.AUTH_PORT).toBe(8001);
    expect(env.AUTH_DB_POOL_SIZE).toBe(10);
    expect(env.NEXANEST_ADMIN_PASSWORD).toBe(DEV_ADMIN_PASSWORD);
    expect(env.AUTH_LOGIN_MAX_FAILURES_PER_EMAIL).toBe(5);
    expect(env.AUTH_LOGIN_MAX_FAILURES_PER_IP).toBe(20);
    expect(env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS).toBe(900);
    expect(env.AUTH_OUTBOX_RELAY_INTERVAL_MS).toBe(500);
  });

  it('reads the sign-in throttling limits from the environment', () => {
    const env = loadEnv(authEnvSchema, { AUTH_LOGIN_MAX_FAILURES_PER_EMAIL: '3', AUTH_LOGIN_FAILURE_WINDOW_SECONDS: '60' });
    expect(env.AUTH_LOGIN_MAX_FAILURES_PER_EMAIL).toBe(3);
    expect(env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS).toBe(60);
    expect(messageOf({ AUTH_LOGIN_MAX_FAILURES_PER_IP: '0' })).toMatch(/AUTH_LOGIN_MAX_FAILURES_PER_IP/);
  });

  it('accepts a complete production environment and skips the admin without a password', () => {
    const env = loadEnv(authEnvSchema, production);
    expect(env.NEXANEST_ADMIN_PASSWORD).toBeUndefined();
  });

  it('refuses production without JWT_SECRET, naming the variable', () => {
    const { JWT_SECRET: _unset, ...rest } = production;
    expect(messageOf(rest)).toMatch(/JWT_SECRET/);
  });

  it('refuses production with the development JWT secret, without echoing it', () => {
    const message = messageOf({ ...production, JWT_SECRET: DEV_SECRETS.JWT_SECRET });
    expect(message).toMatch(/JWT_SECRET/);
    expect(message).not.toContain(DEV_SECRETS.JWT_SECRET);
  });

  it('refuses production with the development pseudonym key, or without one, naming the variable', () => {
    expect(messageOf({ ...production, AUDIT_PSEUDONYM_SECRET: DEV_SECRETS.AUDIT_PSEUDONYM_SECRET })).toMatch(/AUDIT_PSEUDONYM_SECRET/);
    const { AUDIT_PSEUDONYM_SECRET: _unset, ...rest } = production;
    expect(messageOf(rest)).toMatch(/AUDIT_PSEUDONYM_SECRET/);
  });

  it('refuses production with the development admin password', () => {
    expect(messageOf({ ...production, NEXANEST_ADMIN_PASSWORD: DEV_ADMIN_PASSWORD })).toMatch(/NEXANEST_ADMIN_PASSWORD/);
  });

  it('refuses production without AUTH_DATABASE_URL', () => {
    const { AUTH_DATABASE_URL: _unset, ...rest } = production;
    expect(messageOf(rest)).toMatch(/AUTH_DATABASE_URL/);
  });

  it('refuses production without PORTFOLIO_SUBGRAPH_URL (advisor grants are asked there)', () => {
    const { PORTFOLIO_SUBGRAPH_URL: _unset, ...rest } = production;
    expect(messageOf(rest)).toMatch(/PORTFOLIO_SUBGRAPH_URL/);
  });
});
