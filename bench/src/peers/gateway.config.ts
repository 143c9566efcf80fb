// Peer: Hive Gateway (`hive-gateway supergraph <file> [--hive-router-runtime]`), configured only
// to hand subgraphs the identity they trust, through its header propagation.
import { defineConfig } from '@graphql-hive/gateway';
import { createPeerIdentity, IDENTITY_HEADER } from './identity.ts';

const identityFor = createPeerIdentity();

export const gatewayConfig = defineConfig({
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: async ({ request }) => {
      const identity = await identityFor(request.headers.get('authorization'));
      return identity ? { [IDENTITY_HEADER]: identity } : {};
    },
  },
});
