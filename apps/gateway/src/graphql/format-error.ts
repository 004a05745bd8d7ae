import { HttpException, Logger } from '@nestjs/common';
import { CausewayError, ErrorCode } from '@causeway/core';
import { asUnavailable } from '@causeway/database';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

const logger = new Logger('GraphQL');

const HTTP_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.AUDIT_UNAVAILABLE,
};

/** Apollo's own codes for malformed operations, kept as they are (clients know them). */
const OPERATION_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Every error leaves in one shape: a safe message and extensions.code. Anything unexpected
 * becomes INTERNAL_SERVER_ERROR with no detail (it is logged here instead): no stack traces,
 * no SQL, no values, whatever NODE_ENV says.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // The database being away is SERVICE_UNAVAILABLE (retry), not an internal error.
  const original = asUnavailable(error instanceof GraphQLError ? (error.originalError ?? error) : error);
  // No "Did you mean …?": suggestions would reveal fields the caller has not discovered.
  const message = formatted.message.replace(/\s*(Did you mean .*\?|\[Suggestion hidden\]\??)\s*$/, '');
  const base = { message, locations: formatted.locations, path: formatted.path };
  if (original instanceof CausewayError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
  }
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const code = HTTP_CODES[status] ?? ErrorCode.INTERNAL_SERVER_ERROR;
    return { ...base, message: status >= 500 ? 'Internal server error' : original.message, extensions: { code } };
  }
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
  if (original instanceof GraphQLError && code && (OPERATION_CODES.has(code) || Object.values(ErrorCode).includes(code as ErrorCode))) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code } };
  }
  if (original instanceof GraphQLError && !original.originalError && !code) {
    return { ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
