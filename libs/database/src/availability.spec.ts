import { describe, expect, it } from '@jest/globals';
import { CausewayError, ErrorCode } from '@causeway/core';
import { asUnavailable, isDatabaseUnavailable } from './availability.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('a stopped, restarting or dropped database is recognised (answered 503, not 500)', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    // TypeORM wraps the driver's error.
    expect(isDatabaseUnavailable(Object.assign(new Error('query failed'), { driverError: withCode('x', '57P01') }))).toBe(true);
  });

  it('a statement error is not mistaken for an outage', () => {
    expect(isDatabaseUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('canceling statement due to statement timeout', '57014'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(new CausewayError(ErrorCode.BAD_USER_INPUT, 'first: Connection terminated'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  it('asUnavailable answers SERVICE_UNAVAILABLE without the driver detail', () => {
    const answer = asUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'));
    expect(answer).toBeInstanceOf(CausewayError);
    expect((answer as CausewayError).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect((answer as CausewayError).message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect((asUnavailable(new Error('timeout exceeded when trying to connect')) as CausewayError).message).toMatch(/busy/);
    const other = new Error('boom');
    expect(asUnavailable(other)).toBe(other);
  });
});
