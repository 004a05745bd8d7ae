import type { ApolloServerPlugin } from '@apollo/server';
import { renderAltair } from 'altair-static';

export const GRAPHQL_IDE_ASSETS = '/graphql-ide/';

const INITIAL_QUERY = `# Send your key in the Authorization header: Bearer cw_…
{
  me { label roles department { code name } }
  datasets(first: 5) { totalCount nodes { code title sharingType openType } }
}
`;

/**
 * Serves the Altair GraphQL IDE from the gateway itself at GET /graphql (assets bundled in
 * the altair-static package): department networks are closed, so nothing may come from a CDN.
 */
export function graphqlIdePlugin(): ApolloServerPlugin {
  const html = renderAltair({
    baseURL: GRAPHQL_IDE_ASSETS,
    endpointURL: '/graphql',
    initialQuery: INITIAL_QUERY,
    initialName: 'Causeway',
    disableAccount: true,
  });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
