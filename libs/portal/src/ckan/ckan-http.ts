import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** The Action API's routes, as Fastify names them. */
const ACTION_ROUTES = new Set(['/api/3/action/:action', '/api/action/:action']);
/** A private media type: the body's own type is kept aside (see below). */
const CKAN_BODY = 'application/x-causeway-ckan-body';

const mediaTypes = new WeakMap<IncomingMessage, string | null>();

/** A POST body on an Action API route, as text, with the media type the client sent. */
export interface CkanBody {
  mediaType: string | null;
  text: string;
}

export function ckanBodyOf(request: FastifyRequest): CkanBody | null {
  if (typeof request.body !== 'string' || !mediaTypes.has(request.raw)) return null;
  return { mediaType: mediaTypes.get(request.raw) ?? null, text: request.body };
}

/**
 * Lets the Action API read its POST bodies itself, as CKAN does. Fastify parses a body before
 * any handler or filter runs, so a malformed JSON body would be answered in Fastify's shape, and
 * a form body (what `curl -d '{"id": …}'` sends) refused as an unsupported type. For the action
 * routes only, a preParsing hook sets the client's media type aside and names a private one
 * whose parser hands the body through as text (within the gateway's body limit); the controller
 * then reads it like CKAN's `_get_request_data` and answers mistakes in CKAN's envelope.
 */
@Injectable()
export class CkanHttpSetup {
  constructor(adapterHost: HttpAdapterHost) {
    // The CLI runs without an HTTP server.
    const adapter = adapterHost.httpAdapter as { getInstance?: () => FastifyInstance } | undefined;
    const instance = adapter?.getInstance?.();
    if (!instance || typeof instance.addContentTypeParser !== 'function') return;
    instance.addContentTypeParser(CKAN_BODY, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    instance.addHook('preParsing', (request, _reply, payload, done) => {
      if (request.method === 'POST' && ACTION_ROUTES.has(request.routeOptions.url ?? '')) {
        const type = request.headers['content-type'] ?? null;
        if (!type || !/^multipart\//i.test(type)) {
          mediaTypes.set(request.raw, type);
          request.headers['content-type'] = CKAN_BODY;
        }
      }
      done(null, payload);
    });
  }
}
