export * from './snapshot-jobs.ts';
