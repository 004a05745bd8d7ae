import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal.js';

/** Travels first into every service method: who asks, from where, why, under which request id. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  clientIp: string | null;
  /** X-Purpose: the case or matter a data query serves. */
  purpose: string | null;
  /** X-User-Id: the end user inside the consumer's system. */
  endUserId: string | null;
  startedAt: number;
}

/** Property on the raw HTTP request where the authentication guard leaves the context. */
export const REQUEST_CONTEXT_KEY = 'causewayContext';

export interface RequestWithContext {
  [REQUEST_CONTEXT_KEY]?: RequestContext;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  id?: string;
}

export function rawRequestOf(context: ExecutionContext): RequestWithContext {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: RequestWithContext }>().req;
  }
  return context.switchToHttp().getRequest<RequestWithContext>();
}

/** Injects the request's RequestContext into a resolver or controller method. */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => {
  const ctx = rawRequestOf(context)[REQUEST_CONTEXT_KEY];
  if (!ctx) throw new Error('RequestContext missing: the authentication guard did not run');
  return ctx;
});
