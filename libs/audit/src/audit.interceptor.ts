import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { CausewayError, ErrorCode, rawRequestOf, REQUEST_CONTEXT_KEY } from '@causeway/core';
import { catchError, finalize, from, mergeMap, Observable, throwError } from 'rxjs';
import { auditScope, type AuditScopeState } from './audit-scope.js';
import { AuditOutcome } from './audit.types.js';
import { AuditService } from './audit.service.js';

export const AUDITED_KEY = 'causeway:audited';

/**
 * Marks a query or REST route as an exchange: when its handler did not record an event itself,
 * the audit interceptor records one (action = the given name, or the operation's). Mutations are
 * always treated so; refusals and failures of every operation are recorded whatever the marking.
 */
export const Audited = (action?: string): MethodDecorator & ClassDecorator => SetMetadata(AUDITED_KEY, { action: action ?? null });

export interface OperationInfo {
  /** e.g. `mutation.registerDataset`, `query.records`, `POST /api/v1/datasets/:code/versions`, `field.Dataset.history`. */
  action: string;
  /** A root GraphQL field or an HTTP route (not a nested field resolver). */
  root: boolean;
  mutation: boolean;
}

/** Names the operation an execution context runs. */
export function operationOf(context: ExecutionContext): OperationInfo {
  if (context.getType<GqlContextType>() === 'graphql') {
    const info = GqlExecutionContext.create(context).getInfo<{ parentType: { name: string }; fieldName: string }>();
    const parent = info.parentType.name;
    if (parent === 'Query' || parent === 'Mutation' || parent === 'Subscription') {
      return { action: `${parent.toLowerCase()}.${info.fieldName}`, root: true, mutation: parent === 'Mutation' };
    }
    return { action: `field.${parent}.${info.fieldName}`, root: false, mutation: false };
  }
  const request = context.switchToHttp().getRequest<{ method: string; routeOptions?: { url?: string }; url: string }>();
  const route = request.routeOptions?.url ?? request.url.split('?')[0];
  return { action: `${request.method} ${route}`, root: true, mutation: request.method !== 'GET' && request.method !== 'HEAD' };
}

const REFUSALS = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.FORBIDDEN_FIELDS,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.QUERY_TOO_COMPLEX,
  ErrorCode.RATE_LIMITED,
]);

/** DENIED with the safe message for a refusal; ERROR with no detail for anything unexpected. */
export function outcomeOfError(error: unknown): { outcome: AuditOutcome; reason: string } {
  if (error instanceof CausewayError) {
    return REFUSALS.has(error.code) ? { outcome: AuditOutcome.DENIED, reason: `${error.code}: ${error.message}` } : { outcome: AuditOutcome.ERROR, reason: error.code };
  }
  if (error instanceof HttpException && error.getStatus() < 500) return { outcome: AuditOutcome.DENIED, reason: `HTTP ${error.getStatus()}: ${error.message}` };
  return { outcome: AuditOutcome.ERROR, reason: ErrorCode.INTERNAL_SERVER_ERROR };
}

const isAuditUnavailable = (error: unknown): boolean => error instanceof CausewayError && error.code === ErrorCode.AUDIT_UNAVAILABLE;

/**
 * The safety net that makes every operation leave its event: it runs each root operation in an
 * audit scope; mutations and @Audited operations that recorded nothing get a generic ALLOWED
 * event before their answer leaves, and any operation that fails without having recorded a
 * refusal gets a DENIED or ERROR event. (Refusals by the guard are recorded by the guard: they
 * happen before interceptors run.)
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = operationOf(context);
    if (!operation.root) return next.handle();
    const ctx = rawRequestOf(context)[REQUEST_CONTEXT_KEY];
    if (!ctx) return next.handle();
    const marked = this.reflector.getAllAndOverride<{ action: string | null } | undefined>(AUDITED_KEY, [context.getHandler(), context.getClass()]);
    const action = marked?.action ?? operation.action;
    const recordSuccess = operation.mutation || marked !== undefined;
    // Group commits wait for GraphQL operations in flight, which are short and many; not for
    // REST routes, where an upload can run for minutes before it records its event.
    const graphql = context.getType<GqlContextType>() === 'graphql';
    const state: AuditScopeState = { outcomes: [], settle: graphql ? this.audit.begin() : undefined };
    return new Observable((subscriber) =>
      auditScope.run(state, () =>
        next
          .handle()
          .pipe(
            mergeMap((value) =>
              recordSuccess && state.outcomes.length === 0
                ? from(this.audit.record(ctx, { action, outcome: AuditOutcome.ALLOWED }).then(() => value))
                : [value],
            ),
            catchError((error: unknown) => {
              if (isAuditUnavailable(error) || state.outcomes.some((outcome) => outcome !== AuditOutcome.ALLOWED)) return throwError(() => error);
              const { outcome, reason } = outcomeOfError(error);
              return from(this.audit.record(ctx, { action, outcome, reason })).pipe(mergeMap(() => throwError(() => error)));
            }),
            finalize(() => state.settle?.()),
          )
          .subscribe(subscriber),
      ),
    );
  }
}
