import { registerEnumType } from '@nestjs/graphql';

/** Roles of people (ADMIN, STEWARD, AUDITOR, ANALYST) and of system clients (CONSUMER and the same job roles). */
export enum Role {
  ADMIN = 'ADMIN',
  STEWARD = 'STEWARD',
  AUDITOR = 'AUDITOR',
  ANALYST = 'ANALYST',
  CONSUMER = 'CONSUMER',
}

export const USER_ROLES: readonly Role[] = [Role.ADMIN, Role.STEWARD, Role.AUDITOR, Role.ANALYST];
export const CLIENT_ROLES: readonly Role[] = [Role.CONSUMER, Role.STEWARD, Role.AUDITOR, Role.ADMIN];

registerEnumType(Role, { name: 'Role', description: 'What a principal may do within its department.' });
