export * from './users.ts';
export * from './sessions.ts';
export * from './api-keys.ts';
export * from './tokens.ts';
