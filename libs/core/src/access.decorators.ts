import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Role } from './roles.js';

export const ACCESS_POLICY_KEY = 'causeway:access-policy';

/**
 * Who may call an operation. Every root GraphQL field and every REST route declares one;
 * the global guard refuses an operation that declares none.
 */
export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'roles'; roles: readonly Role[] };

/** Anyone, including anonymous callers (a bad credential is still refused). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_POLICY_KEY, { kind: 'public' } satisfies AccessPolicy);

/** Any authenticated person or system client. */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_POLICY_KEY, { kind: 'authenticated' } satisfies AccessPolicy);

/** Authenticated principals holding at least one of the roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_POLICY_KEY, { kind: 'roles', roles } satisfies AccessPolicy));
