import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

describe('createLogger', () => {
  it('keeps SQL parameters of driver errors, and their causes, out of the log', () => {
    const lines: string[] = [];
    const memory = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const captured = createLogger('test', 'error', memory);
    const driverError = Object.assign(new Error('duplicate key value'), {
      code: '23505',
      parameters: ['alice@example.com', 'scrypt$secret-hash'],
      query: 'insert into users ...',
    });
    const wrapped = new Error('Failed query: insert into users (email, password_hash) values ($1, $2)\nparams: alice@example.com,scrypt$secret-hash', {
      cause: driverError,
    });
    captured.error({ err: wrapped }, 'unexpected error');
    const line = lines.join('');
    expect(line).toContain('Failed query: insert into users');
    expect(line).toContain('23505');
    expect(line).not.toContain('alice@example.com');
    expect(line).not.toContain('secret-hash');
  });
});
