import type { FastifyInstance } from 'fastify';
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

const LANDING_TEXT: Record<PageLanguage, { title: string; intro: string; links: [string, string][]; docs: string }> = {
  'zh-CN': {
    title: 'Causeway 政务数据共享交换平台',
    intro: '本网关提供：',
    links: [
      ['/graphql', 'GraphQL 接口与调试工具（Altair）'],
      ['/open', '开放数据'],
      ['/api/3/action/package_list', 'CKAN 接口'],
      ['/catalog.jsonld', 'DCAT-AP 目录'],
      ['/health/ready', '健康检查'],
      ['/metrics', 'Prometheus 指标'],
    ],
    docs: '文档：发行包中的 README.md 与 docs/ 目录。',
  },
  'en-US': {
    title: 'Causeway data-sharing exchange',
    intro: 'This gateway serves:',
    links: [
      ['/graphql', 'GraphQL API and IDE (Altair)'],
      ['/open', 'Open data'],
      ['/api/3/action/package_list', 'CKAN Action API'],
      ['/catalog.jsonld', 'DCAT-AP catalogue'],
      ['/health/ready', 'Health'],
      ['/metrics', 'Prometheus metrics'],
    ],
    docs: 'Documentation: README.md and the docs/ folder of the distribution.',
  },
};

/** What a browser sees at `/` until the console exists: where the IDE and the open-data pages are. */
export function landingPage(language: PageLanguage): string {
  const text = LANDING_TEXT[language];
  const links = text.links.map(([href, label]) => `<li><a href="${href}">${label}</a> <code>${href}</code></li>`).join('\n');
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}code{color:#666}</style></head>
<body>
<h1>${text.title}</h1>
<p>${text.intro}</p>
<ul>
${links}
</ul>
<p>${text.docs}</p>
</body>
</html>
`;
}

/**
 * Pages for people in browsers, answered before routing (no guard, no audit event: they hold no
 * data): the GraphQL IDE at GET /graphql and a landing page at GET /. Systems asking for JSON
 * (no text/html in Accept) reach the routes as before.
 */
export function serveBrowserPages(fastify: FastifyInstance): void {
  const ide = new GraphqlIde();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET') return;
    const pathname = request.url.split('?', 1)[0];
    if (pathname !== '/' && pathname !== '/graphql') return;
    if (!prefersHtml(request.headers.accept)) return;
    const language = pageLanguage(request.headers['accept-language']);
    const html = pathname === '/' ? landingPage(language) : await ide.page(language);
    return reply.header('content-type', 'text/html; charset=utf-8').header('vary', 'Accept, Accept-Language').header('cache-control', 'no-cache').send(html);
  });
}
