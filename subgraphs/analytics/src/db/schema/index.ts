export * from './snapshot-jobs.ts';
export * from './snapshot-state.ts';
