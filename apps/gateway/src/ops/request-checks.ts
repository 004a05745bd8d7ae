import { clipEchoes, ErrorCode } from '@causeway/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The CKAN-compatible Action API answers refusals in CKAN's shape (409, "Validation Error"). */
const isCkan = (url: string): boolean => url.startsWith('/api/3/action/') || url.startsWith('/api/action/');

/** The first path or query parameter holding NUL, which no PostgreSQL text can take (or a percent-encoded NUL in an upload's file name). */
function nulParameter(request: FastifyRequest): string | null {
  for (const values of [request.params, request.query]) {
    if (!values || typeof values !== 'object') continue;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      const texts = Array.isArray(value) ? value : [value];
      if (name.includes('\u0000')) return '(a parameter name)';
      if (texts.some((text) => typeof text === 'string' && text.includes('\u0000'))) return name;
    }
  }
  const disposition = request.headers['content-disposition'];
  return typeof disposition === 'string' && /%00/.test(disposition) ? 'Content-Disposition' : null;
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, field: string, message: string): FastifyReply {
  if (isCkan(request.url)) return reply.code(409).send({ success: false, error: { __type: 'Validation Error', [field]: [message] } });
  return reply.code(status).send({ error: { code: ErrorCode.BAD_USER_INPUT, message: clipEchoes(`${field}: ${message}`), field } });
}

/**
 * REST routes refuse what GraphQL's argument checks refuse: a path or query parameter holding
 * NUL (or an upload's file name with %00) is answered 400 naming it, before any handler turns it
 * into SQL.
 */
export function registerRequestChecks(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', async (request, reply) => {
    const parameter = nulParameter(request);
    if (parameter) return refuse(request, reply, 400, parameter, 'must not contain NUL characters (%00)');
  });
}

/**
 * Fastify's own refusals of a URL (a path parameter over the router's length, a malformed
 * percent-encoding) in the gateway's error shape, without repeating the URL.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void refuse(request, reply, error.statusCode ?? 400, 'path', tooLong ? 'a path parameter is longer than 100 characters' : 'the URL is not valid (check its percent-encoding)');
}
