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
