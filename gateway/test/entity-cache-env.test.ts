import { describe, expect, it } from 'vitest';
import { loadGatewayEnv } from '../src/env.ts';

/** GATEWAY_ENTITY_CACHE, read once at boot like every other gateway setting. */
describe('GATEWAY_ENTITY_CACHE', () => {
  it('is on unless turned off', () => {
    expect(loadGatewayEnv({ NODE_ENV: 'test' }).GATEWAY_ENTITY_CACHE).toBe('on');
    expect(loadGatewayEnv({ NODE_ENV: 'test', GATEWAY_ENTITY_CACHE: 'off' }).GATEWAY_ENTITY_CACHE).toBe('off');
  });

  it('refuses anything but on or off', () => {
    expect(() => loadGatewayEnv({ NODE_ENV: 'test', GATEWAY_ENTITY_CACHE: 'yes' })).toThrow(/GATEWAY_ENTITY_CACHE/);
  });
});
