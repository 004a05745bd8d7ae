import type { ApolloServerPlugin } from '@apollo/server';
import { createRequire } from 'node:module';
import path from 'node:path';

export const GRAPHQL_IDE_ASSETS = '/graphql-ide/';

const INITIAL_QUERY = `# Send your key in the Authorization header: Bearer cw_…
{
  me { label roles department { code name } }
  datasets(first: 5) { totalCount nodes { code title sharingType openType } }
}
`;

/**
 * The IDE's static files: altair-static's `dist` folder (what its getDistDirectory answers), found
 * without loading the package, whose bundle (a schema library and its option schemas) holds
 * ≈ 7 MB of heap for as long as the gateway runs.
 */
export function graphqlIdeAssetsDirectory(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('altair-static')), 'dist');
}

/**
 * Serves the Altair GraphQL IDE from the gateway itself at GET /graphql (assets bundled in
 * the altair-static package): department networks are closed, so nothing may come from a CDN.
 * The page is rendered when first asked for, so a gateway that only answers systems never loads
 * altair-static.
 */
export function graphqlIdePlugin(): ApolloServerPlugin {
  let html: Promise<string> | null = null;
  const render = async (): Promise<string> => {
    const { renderAltair } = await import('altair-static');
    return renderAltair({
      baseURL: GRAPHQL_IDE_ASSETS,
      endpointURL: '/graphql',
      initialQuery: INITIAL_QUERY,
      initialName: 'Causeway',
      disableAccount: true,
    });
  };
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: () => (html ??= render()) };
        },
      };
    },
  };
}
