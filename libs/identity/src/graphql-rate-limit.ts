import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { ANONYMOUS, CausewayConfig, ErrorCode, RateLimitStore, type RequestContext, type RequestWithContext } from '@causeway/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AuthGuard } from './auth.guard.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';

const WINDOW_MS = 60_000;

/** The n-th refusal of a window that goes on the audit record: the 1st, 10th, 100th, … */
function isSummarised(refused: number): boolean {
  return refused >= 1 && 10 ** Math.round(Math.log10(refused)) === refused;
}

/**
 * Limits GraphQL requests a minute: per client address for anonymous callers
 * (RATE_LIMIT_ANONYMOUS), per API key or person otherwise (RATE_LIMIT_AUTHENTICATED). A refused
 * request is answered 429 with Retry-After and a GraphQL error RATE_LIMITED before anything runs,
 * so a flood writes no audit row per request: the 1st, 10th, 100th, … refusal of a caller's
 * window is recorded once, with the count so far. Counted in the shared RateLimitStore.
 */
@Injectable()
export class GraphqlRateLimiter implements OnModuleInit {
  private readonly logger = new Logger('GraphqlRateLimit');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: CausewayConfig,
    private readonly store: RateLimitStore,
    private readonly guard: AuthGuard,
    private readonly audit: AuditService,
    private readonly metrics: RateLimitMetrics,
  ) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance || typeof instance.addHook !== 'function') return;
    if (this.config.RATE_LIMIT_ANONYMOUS === 0 && this.config.RATE_LIMIT_AUTHENTICATED === 0) return;
    // preHandler: after the body is parsed, so the request context built here (purpose included) is the guard's too.
    instance.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.routeOptions.url !== '/graphql') return;
      await this.limit(request, reply);
    });
  }

  private async limit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const raw = request as unknown as RequestWithContext;
    // A refused credential or header is the guard's to answer; here it counts as anonymous, by address.
    const ctx = await this.guard.authenticateRequest(raw).catch(() => null);
    const principal = ctx?.principal ?? ANONYMOUS;
    const anonymous = principal.kind === 'ANONYMOUS';
    const max = anonymous ? this.config.RATE_LIMIT_ANONYMOUS : this.config.RATE_LIMIT_AUTHENTICATED;
    if (max === 0) return;
    const caller = anonymous ? `ip:${request.ip}` : `principal:${principal.id}`;
    const { count, resetInMs } = await this.store.hit(`gql:${caller}`, WINDOW_MS);
    if (count <= max) return;
    const limit = anonymous ? 'graphql_anonymous' : 'graphql_authenticated';
    this.metrics.refused.inc({ limit });
    const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
    const refused = count - max;
    if (isSummarised(refused)) await this.recordSummary(ctx ?? this.anonymousContext(raw), caller, refused, max);
    const message = anonymous
      ? `Too many requests from your address: at most ${max} a minute without credentials. Retry in ${seconds} seconds.`
      : `Too many requests with these credentials: at most ${max} a minute. Retry in ${seconds} seconds.`;
    await reply
      .code(429)
      .header('retry-after', String(seconds))
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: seconds } }] }));
  }

  private async recordSummary(ctx: RequestContext, caller: string, refused: number, max: number): Promise<void> {
    try {
      await this.audit.record(ctx, {
        action: 'graphql.rate-limit',
        outcome: AuditOutcome.DENIED,
        target: caller.slice(0, 200),
        reason: `RATE_LIMITED: ${refused} request(s) refused so far this minute (at most ${max} a minute)`,
        detail: { refused, limit: max, windowSeconds: WINDOW_MS / 1000 },
      });
    } catch (error) {
      // The refusal stands whether or not its summary could be written.
      this.logger.warn(`rate-limit summary not audited: ${(error as Error).message}`);
    }
  }

  private anonymousContext(request: RequestWithContext): RequestContext {
    return { requestId: request.id ?? randomUUID(), principal: ANONYMOUS, clientIp: request.ip ?? null, purpose: null, endUserId: null, startedAt: Date.now() };
  }
}
