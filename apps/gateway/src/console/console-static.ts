import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_PATH = '/console';

/**
 * The console's built files (apps/console/dist, written by `npm run build`), found from this
 * module whether it runs from apps/ (tests) or from dist/apps/ (npm start).
 */
export function consoleDistDirectory(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fromSource = path.resolve(here, '../../../console/dist');
  return existsSync(fromSource) ? fromSource : path.resolve(here, '../../../../../apps/console/dist');
}

/**
 * Serves the web console at /console: hashed assets with a long cache, and index.html for every
 * other path under /console so the single-page app's own routes survive a reload (history
 * fallback). Registered on Fastify directly, like the IDE's assets: these are public files, the
 * console signs in through the public GraphQL API like any other client.
 */
export async function registerConsole(app: NestFastifyApplication, root = consoleDistDirectory()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) {
    const notBuilt = (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` (it runs `vite build` of apps/console).\n');
    fastify.get(CONSOLE_PATH, notBuilt);
    fastify.get(`${CONSOLE_PATH}/*`, notBuilt);
    return;
  }
  const index = readFileSync(indexFile);
  const sendIndex = (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(index);
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${CONSOLE_PATH}/`,
    decorateReply: false,
    // One route per built file (found at start): every other path falls through to index.html.
    wildcard: false,
    index: false,
    // The build writes .br and .gz beside each script and stylesheet.
    preCompressed: true,
    setHeaders: (reply, filePath) => {
      if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  fastify.get(CONSOLE_PATH, sendIndex);
  fastify.get(`${CONSOLE_PATH}/`, sendIndex);
  // An asset that is not there (a page open across a deployment asks for old hashes) is a 404,
  // not the HTML shell a browser would refuse to run as a script.
  fastify.get(`${CONSOLE_PATH}/*`, (request, reply) =>
    request.url.startsWith(`${CONSOLE_PATH}/assets/`) ? reply.code(404).type('text/plain; charset=utf-8').send('Not found\n') : sendIndex(request, reply),
  );
}
