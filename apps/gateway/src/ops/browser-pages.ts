import type { FastifyInstance } from 'fastify';
import { CONSOLE_PATH } from '../console/console-static.js';
import { GraphqlIde, type PageLanguage } from '../graphql/graphql-ide.js';

interface Preference {
  value: string;
  q: number;
  position: number;
}

/** An Accept or Accept-Language header's entries with their weights (absent q = 1). */
function preferences(header: string | undefined): Preference[] {
  return (header ?? '')
    .split(',')
    .slice(0, 50)
    .map((entry, position) => {
      const [value = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
      const weight = parameters.find((parameter) => parameter.startsWith('q='));
      const q = weight ? Number(weight.slice(2)) : 1;
      return { value, q: Number.isFinite(q) ? q : 0, position };
    })
    .filter((preference) => preference.value !== '' && preference.q > 0);
}

/** The entry that decides for a media type: the most specific range that matches it. */
function rangeFor(accepted: Preference[], type: string): Preference | undefined {
  const [major] = type.split('/');
  return accepted.find((entry) => entry.value === type) ?? accepted.find((entry) => entry.value === `${major}/*`) ?? accepted.find((entry) => entry.value === '*/*');
}

/**
 * Whether a client asks for a page rather than data, decided as Apollo decides it for /graphql:
 * text/html named explicitly and weighted above JSON (a tie goes to whichever is listed first).
 */
export function prefersHtml(accept: string | undefined): boolean {
  const accepted = preferences(accept);
  const html = rangeFor(accepted, 'text/html');
  if (!html || html.value === '*/*') return false;
  const json = rangeFor(accepted, 'application/json');
  return !json || html.q > json.q || (html.q === json.q && html.position < json.position);
}

/** Chinese when the first language the browser names that we speak is Chinese (any script or region); else English. */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  const spoken = preferences(acceptLanguage)
    .sort((a, b) => b.q - a.q || a.position - b.position)
    .find((preference) => /^(zh|en)(-|$)/.test(preference.value));
  return spoken?.value.startsWith('zh') ? 'zh-CN' : 'en-US';
}

/**
 * Pages for people in browsers, answered before routing (no guard, no audit event: they hold no
 * data): the GraphQL IDE at GET /graphql, and GET / sent on to the web console. Systems asking
 * for JSON (no text/html in Accept) reach the routes as before.
 */
export function serveBrowserPages(fastify: FastifyInstance): void {
  const ide = new GraphqlIde();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET') return;
    const pathname = request.url.split('?', 1)[0];
    if (pathname !== '/' && pathname !== '/graphql') return;
    if (!prefersHtml(request.headers.accept)) return;
    if (pathname === '/') return reply.redirect(`${CONSOLE_PATH}/`, 302);
    const html = await ide.page(pageLanguage(request.headers['accept-language']));
    return reply.header('content-type', 'text/html; charset=utf-8').header('vary', 'Accept, Accept-Language').header('cache-control', 'no-cache').send(html);
  });
}
