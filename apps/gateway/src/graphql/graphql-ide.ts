import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createRequire } from 'node:module';
import path from 'node:path';

export const GRAPHQL_IDE_ASSETS = '/graphql-ide/';

/** The languages the IDE and the landing page speak; Altair has both translations bundled. */
export type PageLanguage = 'zh-CN' | 'en-US';

/** The README's first query, so that a newcomer's first click on "Send" runs what the README shows. */
export const FIRST_QUERY = `{
  me { department { code name } roles }
  datasets(first: 5) { totalCount nodes { code title sharingType openType } }
}
`;

const KEY_HINT: Record<PageLanguage, string> = {
  'zh-CN': '# 先在 Headers 中设置 Authorization: Bearer <API 密钥或 login 令牌>，然后发送：',
  'en-US': '# Set the header Authorization: Bearer <api key or login token> first, then send:',
};

/**
 * Altair asks for a donation (and offers "Upgrade to Pro") in a banner after 50 requests, and no
 * option turns it off; it is the only alert Altair renders next to its banner container.
 */
const HIDE_DONATION_ALERT = '<style>app-banner-container ~ nz-alert { display: none !important; }</style>';

/**
 * The IDE's static files: altair-static's `dist` folder (what its getDistDirectory answers), found
 * without loading the package, whose bundle (a schema library and its option schemas) holds
 * ≈ 7 MB of heap for as long as the gateway runs.
 */
export function graphqlIdeAssetsDirectory(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('altair-static')), 'dist');
}

/**
 * The Altair GraphQL IDE page for GET /graphql (assets bundled in the altair-static package:
 * department networks are closed, so nothing may come from a CDN), in the browser's language,
 * with no account, sign-in, plugin or donation prompts, and the README's first query prefilled.
 * Rendered when first asked for, so a gateway that only answers systems never loads altair-static.
 */
export class GraphqlIde {
  private readonly pages = new Map<PageLanguage, Promise<string>>();

  page(language: PageLanguage): Promise<string> {
    let page = this.pages.get(language);
    if (!page) {
      page = GraphqlIde.render(language);
      this.pages.set(language, page);
    }
    return page;
  }

  private static async render(language: PageLanguage): Promise<string> {
    const { renderAltair } = await import('altair-static');
    const html = renderAltair({
      baseURL: GRAPHQL_IDE_ASSETS,
      endpointURL: '/graphql',
      initialName: 'Causeway',
      initialQuery: `${KEY_HINT[language]}\n${FIRST_QUERY}`,
      disableAccount: true,
      // The browser's language on a first visit; a language chosen later in Altair's settings is kept.
      initialSettings: { language },
      // Enforced on every load: no promotional banners (the AI plugin offer), no update nagging.
      persistedSettings: { 'banners.disable': true, 'alert.disableUpdateNotification': true, disablePushNotification: true },
    });
    return html
      .replace('<html>', `<html lang="${language}">`)
      .replace('<title>Altair</title>', '<title>Causeway GraphQL</title>')
      .replace('</head>', `${HIDE_DONATION_ALERT}</head>`);
  }
}

/**
 * Apollo's own landing page (its default loads an IDE from a CDN) is off: browsers asking GET
 * /graphql for HTML get the GraphqlIde page before Apollo sees the request (ops/browser-pages.ts).
 */
export function graphqlIdePlugin(): ApolloServerPlugin {
  return ApolloServerPluginLandingPageDisabled();
}
