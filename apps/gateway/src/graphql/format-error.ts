import { HttpException, Logger } from '@nestjs/common';
import { CausewayError, clipEchoes, ErrorCode } from '@causeway/core';
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

/** graphql-js's parser refusing an operation over parseOptions.maxTokens. */
export const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens\./;

/** Apollo's own codes for malformed operations, kept as they are (clients know them). */
const OPERATION_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * PostgreSQL's codes for a value it cannot take (a backstop: the argument checks refuse these
 * before an operation runs): invalid text representation, NUL or bad encoding, a number or a
 * time out of range, a malformed time.
 */
const DATABASE_INPUT_CODES = new Set(['22P02', '22021', '22003', '22008', '22007', '22P05']);

function databaseInputCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code ?? (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && DATABASE_INPUT_CODES.has(code) ? code : null;
}

/**
 * Every error leaves in one shape: a safe message and extensions.code. Anything unexpected
 * becomes INTERNAL_SERVER_ERROR with no detail (it is logged here instead): no stack traces,
 * no SQL, no values, whatever NODE_ENV says. No message repeats more than a short prefix of
 * what the caller sent (clipEchoes).
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const shaped = shapeError(formatted, error);
  return { ...shaped, message: clipEchoes(shaped.message) };
}

function shapeError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
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
  // Over the operation limits: graphql-armor's rules tag their refusals; the parser's token limit is known by its message.
  if ((original instanceof GraphQLError && original.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) || TOO_MANY_TOKENS.test(message)) {
    return { ...base, message: message.replace(/^Syntax Error: /, ''), extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };
  }
  const databaseCode = databaseInputCode(original);
  if (databaseCode) {
    logger.warn(`a value the database refused (${databaseCode}) reached ${formatted.path?.join('.') ?? 'an operation'}: an argument check is missing`);
    const where = formatted.path ? ` of ${formatted.path.filter((step) => typeof step === 'string').join('.')}` : '';
    return { ...base, message: `An argument${where} holds a value the database cannot take (a character, number or time out of range)`, extensions: { code: ErrorCode.BAD_USER_INPUT } };
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
