import { CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ACCESS_POLICY_KEY,
  ANONYMOUS,
  badInput,
  CausewayError,
  ErrorCode,
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
import { headerText } from './header-text.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const BEFORE_PASSWORD_CHANGE_KEY = 'causeway:before-password-change';

/**
 * An operation a person whose password an administrator reset may call before changing it (who
 * am I, change the password); every other one is refused until then.
 */
export const AllowedBeforePasswordChange = (): MethodDecorator => SetMetadata(BEFORE_PASSWORD_CHANGE_KEY, true);

function header(request: RequestWithContext, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const PURPOSE_MAX = 500;
const END_USER_MAX = 200;

/**
 * The purpose a GraphQL request carries in its body (`extensions.purpose`, for browsers, which
 * cannot send raw non-ASCII headers) or, on GET, in the `extensions` query parameter.
 */
function purposeInRequest(request: RequestWithContext): string | undefined {
  const { body, query } = request as RequestWithContext & { body?: unknown; query?: unknown };
  let extensions: unknown = body && typeof body === 'object' ? (body as { extensions?: unknown }).extensions : undefined;
  const inQuery = query && typeof query === 'object' ? (query as { extensions?: unknown }).extensions : undefined;
  if (extensions === undefined && typeof inQuery === 'string') {
    try {
      extensions = JSON.parse(inQuery);
    } catch {
      return undefined;
    }
  }
  if (!extensions || typeof extensions !== 'object') return undefined;
  const purpose = (extensions as { purpose?: unknown }).purpose;
  if (purpose === undefined || purpose === null) return undefined;
  if (typeof purpose !== 'string') throw badInput('extensions.purpose', 'must be a string: the case or matter this query serves');
  return purpose;
}

/** X-Purpose or `extensions.purpose` (one of them, or both saying the same), decoded; see headerText. */
function purposeOf(request: RequestWithContext): string | null {
  const fromHeader = headerText('X-Purpose', header(request, 'x-purpose'), PURPOSE_MAX);
  const fromBody = headerText('extensions.purpose', purposeInRequest(request), PURPOSE_MAX, false);
  if (fromHeader !== null && fromBody !== null && fromHeader !== fromBody) {
    throw badInput('X-Purpose', 'differs from extensions.purpose; send the purpose once');
  }
  return fromHeader ?? fromBody;
}

/** For the record of a refused request: whatever of its purpose can be read, or nothing. */
function purposeOrNull(request: RequestWithContext): string | null {
  try {
    return purposeOf(request);
  } catch {
    return null;
  }
}

function endUserOrNull(request: RequestWithContext): string | null {
  try {
    return headerText('X-User-Id', header(request, 'x-user-id'), END_USER_MAX);
  } catch {
    return null;
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
      await this.recordCredentialRefusal(request, error, operationOf(context).action);
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
    if (this.auth.mustChangePassword(ctx.principal) && !this.reflector.get<boolean | undefined>(BEFORE_PASSWORD_CHANGE_KEY, context.getHandler())) {
      throw await this.refused(ctx, context, forbidden('Your password was reset by an administrator: change it (changePassword) before doing anything else'));
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
      await this.recordCredentialRefusal(request, error, action);
      return;
    }
    await this.audit.record(ctx, { action, outcome: AuditOutcome.DENIED, reason });
  }

  /** Refusals are exchanges too: the refusal is on the audit record before it is answered. */
  private async refused(ctx: RequestContext, context: ExecutionContext, error: CausewayError): Promise<CausewayError> {
    await this.audit.record(ctx, { action: operationOf(context).action, outcome: AuditOutcome.DENIED, reason: `${error.code}: ${error.message}` });
    return error;
  }

  /**
   * A credential that was sent but refused, or request headers that cannot be read (then named
   * after the operation): recorded once per request, as an anonymous caller from that address.
   */
  private async recordCredentialRefusal(request: RequestWithContext, error: unknown, operation = 'request'): Promise<void> {
    let recorded = this.credentialRefusals.get(request);
    if (!recorded) {
      const requestIdHeader = header(request, 'x-request-id');
      const ctx: RequestContext = {
        requestId: requestIdHeader && REQUEST_ID.test(requestIdHeader) ? requestIdHeader : (request.id ?? randomUUID()),
        principal: ANONYMOUS,
        clientIp: request.ip ?? null,
        purpose: purposeOrNull(request),
        endUserId: endUserOrNull(request),
        startedAt: Date.now(),
      };
      const credential = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization')?.trim() ?? '')?.[1];
      const key = credential ? parseApiKey(credential) : null;
      const unreadable = error instanceof CausewayError && error.code === ErrorCode.BAD_USER_INPUT;
      recorded = this.audit.record(ctx, {
        action: unreadable ? operation : 'auth.credential',
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
      purpose: purposeOf(request),
      endUserId: headerText('X-User-Id', header(request, 'x-user-id'), END_USER_MAX),
      startedAt: Date.now(),
    };
    request[REQUEST_CONTEXT_KEY] = ctx;
    return ctx;
  }
}
