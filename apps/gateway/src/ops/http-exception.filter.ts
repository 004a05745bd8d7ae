import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { CausewayError, clipEchoes, ErrorCode, httpStatusOf, REQUEST_CONTEXT_KEY, type RequestWithContext } from '@causeway/core';
import { asUnavailable } from '@causeway/database';
import type { FastifyReply } from 'fastify';

/**
 * REST errors in one shape: { error: { code, message, ...details } }. GraphQL errors are
 * formatted by Apollo (formatGraphQLError); this filter only answers HTTP routes.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(thrown: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') throw thrown;
    // The database being away is the caller's to retry (503), not an internal error.
    const exception = asUnavailable(thrown);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<RequestWithContext>();
    const requestId = request[REQUEST_CONTEXT_KEY]?.requestId;
    if (exception instanceof CausewayError) {
      const retryAfter = exception.extensions.retryAfterSeconds;
      if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
      return reply.status(httpStatusOf(exception.code)).send({ error: { code: exception.code, message: clipEchoes(exception.message), ...exception.extensions, requestId } });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      if (status < 500) {
        return reply.status(status).send({ error: { code: status === 404 ? ErrorCode.NOT_FOUND : ErrorCode.BAD_USER_INPUT, message: clipEchoes(Array.isArray(message) ? message.join('; ') : String(message)), requestId } });
      }
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return reply.status(500).send({ error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error', requestId } });
  }
}
