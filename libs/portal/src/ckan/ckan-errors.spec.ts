import { describe, expect, it } from '@jest/globals';
import { CausewayError, ErrorCode } from '@causeway/core';
import { ckanFailure, CkanError, ckanSuccess } from './ckan-errors.js';

const HELP = 'http://h/api/3/action/help_show?name=x';

describe('CKAN answers', () => {
  it('wraps a result in {help, success, result}', () => {
    expect(ckanSuccess(HELP, [1])).toEqual({ status: 200, body: { help: HELP, success: true, result: [1] } });
  });

  it('answers each error with CKAN’s status and __type', () => {
    expect(ckanFailure(HELP, CkanError.notFound())).toEqual({ status: 404, body: { help: HELP, success: false, error: { __type: 'Not Found Error', message: 'Not found' } } });
    expect(ckanFailure(HELP, CkanError.notFound('Resource "r" was not found.')).body).toMatchObject({ error: { message: 'Not found: Resource "r" was not found.' } });
    expect(ckanFailure(HELP, CkanError.validation({ id: ['Missing value'] }))).toEqual({ status: 409, body: { help: HELP, success: false, error: { id: ['Missing value'], __type: 'Validation Error' } } });
    expect(ckanFailure(HELP, CkanError.authorization()).status).toBe(403);
    expect(ckanFailure(HELP, CkanError.searchQuery('x')).status).toBe(400);
    expect(ckanFailure(HELP, CkanError.search('x')).status).toBe(409);
    expect(ckanFailure(HELP, CkanError.internal()).status).toBe(500);
  });

  it('answers a bad request with a bare string body, as CKAN does', () => {
    expect(ckanFailure(HELP, CkanError.badRequest('Action name not known: x'))).toEqual({ status: 400, body: 'Bad request - Action name not known: x' });
  });

  it('turns Causeway’s typed errors into CKAN’s, and leaves unknown errors to be answered as internal', () => {
    expect(CkanError.from(new CausewayError(ErrorCode.UNAUTHENTICATED, 'bad key'))?.kind).toBe('AUTHORIZATION');
    expect(CkanError.from(new CausewayError(ErrorCode.RATE_LIMITED, 'slow down'))?.kind).toBe('RATE_LIMITED');
    expect(ckanFailure(HELP, CkanError.from(new CausewayError(ErrorCode.AUDIT_UNAVAILABLE, 'no audit'))!).status).toBe(503);
    expect(CkanError.from(new Error('boom'))).toBeNull();
  });
});
