/** The closed set of error codes of the public contract (GraphQL extensions.code, REST error.code). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  FORBIDDEN_FIELDS = 'FORBIDDEN_FIELDS',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  RATE_LIMITED = 'RATE_LIMITED',
  AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** The database is away (stopped, restarting, unreachable): retry shortly. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.FORBIDDEN_FIELDS]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.AUDIT_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** A problem the caller can act on: the message is safe to show and says what to send instead. */
export class CausewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CausewayError';
  }
}

export interface InputProblem {
  /** Path of the offending input, e.g. "input.fields[2].name". */
  field: string;
  message: string;
}

export const badInput = (field: string, message: string): CausewayError =>
  new CausewayError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });

export const badInputs = (problems: InputProblem[]): CausewayError =>
  new CausewayError(ErrorCode.BAD_USER_INPUT, problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), {
    problems,
  });

export const notFound = (what: string): CausewayError => new CausewayError(ErrorCode.NOT_FOUND, `${what} was not found`);

export const forbidden = (message = 'You are not allowed to do this'): CausewayError => new CausewayError(ErrorCode.FORBIDDEN, message);

export const unauthenticated = (message: string): CausewayError => new CausewayError(ErrorCode.UNAUTHENTICATED, message);

export const conflict = (message: string): CausewayError => new CausewayError(ErrorCode.CONFLICT, message);

/** How much of a value the caller sent an error message may repeat. */
export const ECHO_LIMIT = 64;
const LONG_QUOTE = new RegExp(`"((?:[^"\\\\]|\\\\.){${ECHO_LIMIT + 1},})"`, 'gu');
const LONG_WORD = new RegExp(`\\S{${ECHO_LIMIT + 1},}`, 'gu');
const MESSAGE_LIMIT = 1_000;

const prefix = (text: string): string => `${[...text].slice(0, ECHO_LIMIT).join('')}…`;

/**
 * A message that repeats at most a short prefix of anything the caller sent: every quoted value
 * and every run of non-space characters longer than ECHO_LIMIT is cut to ECHO_LIMIT and ended
 * with …, and the whole message to 1,000 characters. Applied to every error that leaves (and
 * every reason the audit trail keeps), whoever wrote it.
 */
export function clipEchoes(message: string): string {
  const words = message.replace(LONG_WORD, prefix);
  // Bounded before the quote pattern, which rescans from every unclosed quote.
  const bounded = words.length > 4 * MESSAGE_LIMIT ? words.slice(0, 4 * MESSAGE_LIMIT) : words;
  const clipped = bounded.replace(LONG_QUOTE, (_quoted, inner: string) => `"${prefix(inner)}"`);
  return clipped.length <= MESSAGE_LIMIT ? clipped : `${clipped.slice(0, MESSAGE_LIMIT)}…`;
}
