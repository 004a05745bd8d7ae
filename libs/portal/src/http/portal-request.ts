import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { PortalSettings } from '../portal-settings.js';
import { baseUrlOf, PortalUrls } from '../portal-urls.js';

/** The portal's links for a request: on the configured public URL, else on the request's Host. */
export function urlsFor(settings: PortalSettings, request: FastifyRequest): PortalUrls {
  return new PortalUrls(baseUrlOf(settings.publicUrl, { protocol: request.protocol, host: request.host }));
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function queryValue(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const value = query?.[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The path and query string of a request, for links that repeat it (datastore_search's `_links`). */
export function currentUrlOf(request: FastifyRequest): { path: string; query: URLSearchParams } {
  const url = new URL(request.url, 'http://portal.invalid');
  return { path: url.pathname, query: url.searchParams };
}

/** A service's finished answer, sent as it is. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Readable | string | Buffer | null;
}

export function sendAnswer(reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  reply.status(answer.status).headers(answer.headers);
  return answer.body === null ? reply.send() : reply.send(answer.body);
}
