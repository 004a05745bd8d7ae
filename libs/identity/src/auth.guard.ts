import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ACCESS_POLICY_KEY,
  ANONYMOUS,
  CausewayError,
  forbidden,
  hasRole,
  rawRequestOf,
  REQUEST_CONTEXT_KEY,
  unauthenticated,
  type AccessPolicy,
  type RequestContext,
  type RequestWithContext,
} from '@causeway/core';
import { AuditOutcome, AuditService, operationOf } from '@causeway/audit';
import { randomUUID } from 'node:crypto';
import { AuthService } from './auth.service.js';
import { parseApiKey } from './credentials.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function header(request: RequestWithContext, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Free text headers are bounded so that they cannot bloat logs and the audit trail. */
function boundedText(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const text = decodeURIComponentSafe(value).trim();
  return text === '' ? null : text.slice(0, max);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The one global guard. It authenticates the caller once per HTTP request (leaving a
 * RequestContext on the request) and then applies the operation's declared AccessPolicy.
 * An operation that declares none is refused: nothing is public by omission.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);
  private readonly pending = new WeakMap<RequestWithContext, Promise<RequestContext>>();
  /** Requests whose refused credential is already on the audit record (sibling fields share one refusal). */
  private readonly credentialRefusals = new WeakMap<RequestWithContext, Promise<unknown>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = rawRequestOf(context);
    let ctx: RequestContext;
    try {
      ctx = await this.authenticateRequest(request);
    } catch (error) {
      await this.recordCredentialRefusal(request, error);
      throw error;
    }
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY_KEY, [context.getHandler(), context.getClass()]);
    if (!policy) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access policy; refused`);
      throw await this.refused(ctx, context, forbidden());
    }
    if (policy.kind === 'public') return true;
    if (ctx.principal.kind === 'ANONYMOUS') {
      throw await this.refused(ctx, context, unauthenticated('Send credentials as `Authorization: Bearer <api key or login token>`'));
    }
    if (policy.kind === 'authenticated') return true;
    if (!hasRole(ctx.principal, ...policy.roles)) {
      throw await this.refused(ctx, context, forbidden(`This needs one of the roles ${policy.roles.join(', ')}`));
    }
    return true;
  }

  /**
   * Puts on record a request refused outside any operation (a GraphQL document refused before
   * execution: parse errors, validation, operation limits). A refused credential is recorded as such.
   */
  async recordRefusal(request: RequestWithContext, action: string, reason: string): Promise<void> {
    let ctx: RequestContext;
    try {
      ctx = await this.authenticateRequest(request);
    } catch (error) {
      await this.recordCredentialRefusal(request, error);
      return;
    }
    await this.audit.record(ctx, { action, outcome: AuditOutcome.DENIED, reason });
  }

  /** Refusals are exchanges too: the refusal is on the audit record before it is answered. */
  private async refused(ctx: RequestContext, context: ExecutionContext, error: CausewayError): Promise<CausewayError> {
    await this.audit.record(ctx, { action: operationOf(context).action, outcome: AuditOutcome.DENIED, reason: `${error.code}: ${error.message}` });
    return error;
  }

  /** A credential that was sent but refused: recorded once per request, as an anonymous caller from that address. */
  private async recordCredentialRefusal(request: RequestWithContext, error: unknown): Promise<void> {
    let recorded = this.credentialRefusals.get(request);
    if (!recorded) {
      const requestIdHeader = header(request, 'x-request-id');
      const ctx: RequestContext = {
        requestId: requestIdHeader && REQUEST_ID.test(requestIdHeader) ? requestIdHeader : (request.id ?? randomUUID()),
        principal: ANONYMOUS,
        clientIp: request.ip ?? null,
        purpose: boundedText(header(request, 'x-purpose'), 500),
        endUserId: boundedText(header(request, 'x-user-id'), 200),
        startedAt: Date.now(),
      };
      const credential = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization')?.trim() ?? '')?.[1];
      const key = credential ? parseApiKey(credential) : null;
      recorded = this.audit.record(ctx, {
        action: 'auth.credential',
        outcome: AuditOutcome.DENIED,
        // The key's public prefix says which client's key was refused; the secret part is never recorded.
        target: key ? `key:cw_${key.prefix}` : credential ? 'login-token' : null,
        reason: error instanceof CausewayError ? `${error.code}: ${error.message}` : 'credential refused',
      });
      this.credentialRefusals.set(request, recorded);
    }
    await recorded;
  }

  /** Builds (once per HTTP request) the RequestContext: request id, caller, purpose. */
  authenticateRequest(request: RequestWithContext): Promise<RequestContext> {
    const existing = request[REQUEST_CONTEXT_KEY];
    if (existing) return Promise.resolve(existing);
    // Sibling root fields of one operation are guarded concurrently: they share one attempt.
    let pending = this.pending.get(request);
    if (!pending) {
      pending = this.buildContext(request);
      this.pending.set(request, pending);
    }
    return pending;
  }

  private async buildContext(request: RequestWithContext): Promise<RequestContext> {
    const requestIdHeader = header(request, 'x-request-id');
    const clientIp = request.ip ?? null;
    const principal = (await this.auth.authenticate(header(request, 'authorization'), clientIp)) ?? ANONYMOUS;
    const ctx: RequestContext = {
      requestId: requestIdHeader && REQUEST_ID.test(requestIdHeader) ? requestIdHeader : randomUUID(),
      principal,
      clientIp,
      purpose: boundedText(header(request, 'x-purpose'), 500),
      endUserId: boundedText(header(request, 'x-user-id'), 200),
      startedAt: Date.now(),
    };
    request[REQUEST_CONTEXT_KEY] = ctx;
    return ctx;
  }
}
