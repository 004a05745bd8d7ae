import { CanActivate, ExecutionContext, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CausewayConfig, CausewayError, ErrorCode, REQUEST_CONTEXT_KEY, type RequestWithContext } from '@causeway/core';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { PortalSettings } from '../portal-settings.js';

const WINDOW_MS = 60_000;

interface LimitResult {
  isAllowed: boolean;
  isExceeded?: boolean;
  max?: number;
  remaining?: number;
  ttlInSeconds?: number;
}

type Limiter = (request: FastifyRequest) => Promise<LimitResult>;

/**
 * Per-IP limits on anonymous portal traffic, counted by @fastify/rate-limit's stores: in memory,
 * or in Redis when REDIS_URL is set so that every replica counts together. The product runs
 * without Redis; when Redis is set but down, requests pass (skipOnError) rather than fail.
 */
@Injectable()
export class PortalRateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PortalRateLimit');
  private limiter: Limiter | null = null;
  private redis: Redis | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly settings: PortalSettings,
    private readonly config: CausewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const max = this.settings.PORTAL_RATE_LIMIT;
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (max === 0 || !instance || typeof instance.register !== 'function') return;
    if (this.config.REDIS_URL) {
      // Loaded only when used: ioredis and its command table hold ≈ 2 MB of heap.
      const { Redis } = await import('ioredis');
      this.redis = new Redis(this.config.REDIS_URL, { connectTimeout: 1_000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
      this.redis.on('error', (error: Error) => this.logger.warn(`Redis for rate limits: ${error.message}`));
    }
    // global: false — the plugin limits nothing by itself; the guard below asks it, per request.
    await instance.register(rateLimit, {
      global: false,
      max,
      timeWindow: WINDOW_MS,
      skipOnError: true,
      nameSpace: 'causeway-portal-rl-',
      ...(this.redis ? { redis: this.redis } : {}),
    });
    this.limiter = (instance as unknown as { createRateLimit(options?: object): Limiter }).createRateLimit();
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  /** Counts one request; null when limits are off. */
  async count(request: FastifyRequest): Promise<LimitResult | null> {
    return this.limiter ? this.limiter(request) : null;
  }
}

/**
 * Applies the per-IP limit to anonymous callers of the portal's routes. Authenticated callers
 * (department systems with a key) are accountable by their key and are not limited here.
 * Answers 429 with Retry-After and the X-RateLimit-* headers.
 */
@Injectable()
export class PortalRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: PortalRateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithContext>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = request[REQUEST_CONTEXT_KEY]?.principal;
    if (principal && principal.kind !== 'ANONYMOUS') return true;
    const result = await this.limiter.count(request);
    if (!result || result.isAllowed || result.max === undefined) return true;
    const ttl = Math.max(1, result.ttlInSeconds ?? 1);
    reply.header('x-ratelimit-limit', String(result.max));
    reply.header('x-ratelimit-remaining', String(result.isExceeded ? 0 : (result.remaining ?? 0)));
    reply.header('x-ratelimit-reset', String(ttl));
    if (!result.isExceeded) return true;
    reply.header('retry-after', String(ttl));
    throw new CausewayError(ErrorCode.RATE_LIMITED, `Too many requests from your address: at most ${result.max} a minute. Retry in ${ttl} seconds.`, {
      retryAfterSeconds: ttl,
    });
  }
}
