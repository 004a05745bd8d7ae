import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** The upload route, as Fastify names it. */
export const UPLOAD_ROUTE = '/api/v1/datasets/:code/versions';
/** A private media type: the upload's own type is kept aside (see below). */
const PASS_THROUGH = 'application/x-causeway-upload';

const mediaTypes = new WeakMap<IncomingMessage, string | null>();

/** The Content-Type the client sent with an upload (before it was set aside). */
export function uploadMediaType(request: FastifyRequest): string | null {
  return mediaTypes.get(request.raw) ?? null;
}

/** The raw body stream of an upload, unread. */
export function uploadBody(request: FastifyRequest): Readable {
  return (request.body as Readable | undefined) ?? request.raw;
}

const isUpload = (request: FastifyRequest): boolean => request.method === 'POST' && request.routeOptions.url === UPLOAD_ROUTE;

/**
 * Makes the upload route stream its body. Fastify parses a body before the route's handler (and
 * so before the access guard) runs, and its JSON parser buffers the whole body: for this one
 * route, a preParsing hook sets the client's media type aside and names a private one whose
 * parser hands the request stream through unread. Nothing is parsed until the service has checked
 * who uploads (it waits only for the first bytes to arrive). multipart/form-data keeps its own parser (@fastify/multipart, which also reads
 * lazily). An upload refused before its body was read is answered with `Connection: close`, so
 * that Node does not read (and drop) the rest of a large body to keep the connection.
 */
@Injectable()
export class UploadHttpSetup {
  private readonly logger = new Logger(UploadHttpSetup.name);

  constructor(adapterHost: HttpAdapterHost) {
    // The CLI runs without an HTTP server.
    const adapter = adapterHost.httpAdapter as { getInstance?: () => FastifyInstance } | undefined;
    const instance = adapter?.getInstance?.();
    if (!instance || typeof instance.addContentTypeParser !== 'function') return;
    this.configure(instance);
  }

  private configure(instance: FastifyInstance): void {
    instance.addContentTypeParser(PASS_THROUGH, (_request, payload, done) => done(null, payload));
    if (!instance.hasContentTypeParser('multipart/form-data')) {
      void instance.register(multipart, { limits: { files: 1, fields: 10, fileSize: Number.MAX_SAFE_INTEGER } });
    }
    instance.addHook('preParsing', (request, _reply, payload, done) => {
      if (isUpload(request)) {
        const type = request.headers['content-type'] ?? null;
        if (!type || !/^multipart\/form-data/i.test(type)) {
          mediaTypes.set(request.raw, type);
          request.headers['content-type'] = PASS_THROUGH;
        }
      }
      done(null, payload);
    });
    instance.addHook('onSend', (request, reply, payload, done) => {
      if (isUpload(request) && !request.raw.complete) reply.header('connection', 'close');
      done(null, payload);
    });
    this.logger.debug(`streaming uploads on POST ${UPLOAD_ROUTE}`);
  }
}
