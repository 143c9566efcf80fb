import { createRequire } from 'node:module';

// Every graphql-related module is loaded through require, so they all share the CommonJS build of
// graphql: the one federation-internals builds the API schema with. Under vitest a plain import
// would resolve the ESM build, and graphql's instanceof checks then reject a schema from the other
// realm ("Cannot use GraphQLSchema from another module or realm"). Types still come from imports.
const require = createRequire(import.meta.url);

export const graphql = require('graphql') as typeof import('graphql');
export const inspector = require('@graphql-inspector/core') as typeof import('@graphql-inspector/core');
export const federation = require('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
export const composition = require('@apollo/composition') as typeof import('@apollo/composition');
