import { describe, expect, it } from '@jest/globals';
import { CausewayError, ErrorCode, Role, type Principal } from '@causeway/core';
import { HttpException } from '@nestjs/common';
import { outcomeOfError } from './audit.interceptor.js';
import { auditScopeOf } from './scope.js';

const principal = (departmentCode: string | null, roles: Role[]): Principal => ({
  kind: 'USER',
  id: 'u',
  label: 'user:x',
  departmentId: departmentCode ? 'd' : null,
  departmentCode,
  divisionCode: null,
  roles,
});
const CITY = ['GZ-GOV', 'GZ-DATA'];

describe('who sees which audit events', () => {
  it('gives ADMINs and the city-level departments’ auditors the whole trail', () => {
    expect(auditScopeOf(principal('DG-AMR', [Role.ADMIN]), CITY)).toEqual({ kind: 'city' });
    expect(auditScopeOf(principal('GZ-DATA', [Role.AUDITOR]), CITY)).toEqual({ kind: 'city' });
  });

  it('gives another department’s auditors their own department only', () => {
    expect(auditScopeOf(principal('DG-AMR', [Role.AUDITOR]), CITY)).toEqual({ kind: 'department', department: 'DG-AMR' });
  });

  it('gives everyone else nothing, including a city-level steward', () => {
    expect(auditScopeOf(principal('GZ-DATA', [Role.STEWARD]), CITY)).toEqual({ kind: 'none' });
    expect(auditScopeOf(principal(null, [Role.AUDITOR]), CITY)).toEqual({ kind: 'none' });
  });
});

describe('the outcome of a failed operation', () => {
  it('is DENIED with the safe message for a refusal, ERROR without detail for anything else', () => {
    expect(outcomeOfError(new CausewayError(ErrorCode.FORBIDDEN_FIELDS, 'phone may not be read'))).toEqual({ outcome: 'DENIED', reason: 'FORBIDDEN_FIELDS: phone may not be read' });
    expect(outcomeOfError(new HttpException('Payload too large', 413))).toMatchObject({ outcome: 'DENIED' });
    expect(outcomeOfError(new Error('connection terminated: password=secret'))).toEqual({ outcome: 'ERROR', reason: 'INTERNAL_SERVER_ERROR' });
    expect(outcomeOfError(new CausewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'x'))).toEqual({ outcome: 'ERROR', reason: 'INTERNAL_SERVER_ERROR' });
  });
});
