/**
 * The errors of CKAN's Action API, with the status codes and bodies CKAN itself answers
 * (ckan/views/api.py), so that ckanapi and harvesters turn them back into the same exceptions.
 */
import { CausewayError, clipEchoes, ErrorCode } from '@causeway/core';
import { asUnavailable } from '@causeway/database';

export type CkanErrorKind = 'NOT_FOUND' | 'VALIDATION' | 'AUTHORIZATION' | 'SEARCH_QUERY' | 'SEARCH' | 'BAD_REQUEST' | 'REQUEST_DATA' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL';

/** A validation error dict: field → messages, as CKAN's navl validators produce. */
export type CkanValidationErrors = Record<string, string[]>;

/** What an error repeats of the caller's text: a short prefix, never the whole of it. */
export function shortPrefix(text: string, length = 24): string {
  const chars = [...text];
  return chars.length <= length ? text : `${chars.slice(0, length).join('')}…`;
}

export class CkanError extends Error {
  private constructor(
    readonly kind: CkanErrorKind,
    message: string,
    readonly errors: CkanValidationErrors = {},
  ) {
    super(message);
    this.name = 'CkanError';
  }

  /** 404 "Not Found Error"; CKAN appends the detail after "Not found: ". */
  static notFound(detail?: string): CkanError {
    // A detail repeats at most a short prefix of what the caller sent (a 5,000-character id in a 404).
    return new CkanError('NOT_FOUND', detail ? `Not found: ${clipEchoes(detail)}` : 'Not found');
  }

  /** 409 "Validation Error" with CKAN's field → messages dict. */
  static validation(errors: CkanValidationErrors): CkanError {
    return new CkanError('VALIDATION', Object.entries(errors).map(([key, messages]) => `${key}: ${messages.join(', ')}`).join('; '), errors);
  }

  static invalid(field: string, message: string): CkanError {
    return CkanError.validation({ [field]: [message] });
  }

  static authorization(detail?: string): CkanError {
    return new CkanError('AUTHORIZATION', detail ? `Access denied: ${detail}` : 'Access denied');
  }

  /** 400 "Search Query Error": the query could not be understood. */
  static searchQuery(detail: string): CkanError {
    return new CkanError('SEARCH_QUERY', `Search Query is invalid: ${JSON.stringify(detail)}`);
  }

  /** 409 "Search Error": the query named something the search index does not have. */
  static search(detail: string): CkanError {
    return new CkanError('SEARCH', `Search error: ${JSON.stringify(detail)}`);
  }

  /** 400 with a bare JSON string body, as CKAN answers an unknown action or unreadable request data. */
  static badRequest(detail: string): CkanError {
    return new CkanError('BAD_REQUEST', `Bad request - ${detail}`);
  }

  /**
   * 400 for request data that cannot be read (malformed JSON, not an object). CKAN answers these
   * with a bare JSON string; the portal answers CKAN's text inside CKAN's error envelope, so that
   * clients reading `success` and `error.__type` see a failure they understand.
   */
  static requestData(detail: string): CkanError {
    return new CkanError('REQUEST_DATA', `Bad request - ${detail}`);
  }

  static unavailable(message: string): CkanError {
    return new CkanError('UNAVAILABLE', message);
  }

  static internal(): CkanError {
    return new CkanError('INTERNAL', 'Internal Server Error');
  }

  /**
   * The CKAN error for anything thrown on a CKAN route: CKAN's own errors as they are, Causeway's
   * typed errors by their code; null for an unexpected error (answered as an internal error).
   */
  static from(thrown: unknown): CkanError | null {
    if (thrown instanceof CkanError) return thrown;
    const error = asUnavailable(thrown);
    if (!(error instanceof CausewayError)) return null;
    switch (error.code) {
      case ErrorCode.UNAUTHENTICATED:
      case ErrorCode.FORBIDDEN:
      case ErrorCode.FORBIDDEN_FIELDS:
        return CkanError.authorization(error.message);
      case ErrorCode.NOT_FOUND:
        return CkanError.notFound();
      case ErrorCode.BAD_USER_INPUT:
        return CkanError.validation({ [String(error.extensions.field ?? 'input')]: [error.message] });
      case ErrorCode.RATE_LIMITED:
        return new CkanError('RATE_LIMITED', error.message);
      case ErrorCode.AUDIT_UNAVAILABLE:
      case ErrorCode.SERVICE_UNAVAILABLE:
        return CkanError.unavailable(error.message);
      default:
        return null;
    }
  }
}

const STATUS: Record<CkanErrorKind, number> = {
  NOT_FOUND: 404,
  VALIDATION: 409,
  AUTHORIZATION: 403,
  SEARCH_QUERY: 400,
  SEARCH: 409,
  BAD_REQUEST: 400,
  REQUEST_DATA: 400,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TYPE: Record<CkanErrorKind, string> = {
  NOT_FOUND: 'Not Found Error',
  VALIDATION: 'Validation Error',
  AUTHORIZATION: 'Authorization Error',
  SEARCH_QUERY: 'Search Query Error',
  SEARCH: 'Search Error',
  BAD_REQUEST: 'Bad request',
  REQUEST_DATA: 'Bad request',
  // CKAN has neither a rate limit nor an audit trail; these two types are ours, in CKAN's shape.
  RATE_LIMITED: 'Rate Limit Error',
  UNAVAILABLE: 'Service Unavailable',
  INTERNAL: 'Internal Server Error',
};

/** A finished Action API answer: status and JSON body. */
export interface CkanResponse {
  status: number;
  body: unknown;
}

export function ckanSuccess(help: string, result: unknown): CkanResponse {
  return { status: 200, body: { help, success: true, result } };
}

/** The answer CKAN gives for an error: the envelope with `error`, or a bare string for a bad request. */
export function ckanFailure(help: string, error: CkanError): CkanResponse {
  const status = STATUS[error.kind];
  if (error.kind === 'BAD_REQUEST') return { status, body: error.message };
  const detail = error.kind === 'VALIDATION' ? { ...error.errors, __type: TYPE.VALIDATION } : { __type: TYPE[error.kind], message: error.message };
  return { status, body: { help, success: false, error: detail } };
}
