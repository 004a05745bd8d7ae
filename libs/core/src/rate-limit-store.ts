import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** A fixed-window counter: how many hits the key has in its current window, and when that window ends. */
export interface RateCount {
  count: number;
  resetInMs: number;
}

/**
 * Where rate limits count (login failures, anonymous and per-key GraphQL traffic): in memory, or
 * in Redis when REDIS_URL is set so that every replica counts together. Failing to count never
 * fails a request: a store that cannot be reached answers count 0 (fail open, with a warning).
 */
export abstract class RateLimitStore {
  /**
   * Counts `by` hits (1; -1 takes one back) on `key` and answers the count including them; a new
   * window starts `windowMs` long. Counting first and checking after is what keeps parallel
   * requests from all slipping in under the limit.
   */
  abstract hit(key: string, windowMs: number, by?: number): Promise<RateCount>;
  abstract reset(key: string): Promise<void>;
}

/** One process's counters; `now` can be replaced (tests move the clock instead of waiting). */
export class MemoryRateLimitStore extends RateLimitStore {
  now: () => number = Date.now;
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private sweptAt = 0;

  async hit(key: string, windowMs: number, by = 1): Promise<RateCount> {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += by;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Ended windows are dropped now and then, so a flood of distinct keys cannot grow the map for ever. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 10_000) return;
    this.sweptAt = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** Counters in Redis, shared by every replica; keys expire with their window. */
export class RedisRateLimitStore extends RateLimitStore implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimitStore');
  private redis: Promise<Redis> | null = null;
  private warnedAt = 0;

  constructor(
    private readonly url: string,
    private readonly prefix = 'causeway-rl:',
  ) {
    super();
  }

  async hit(key: string, windowMs: number, by = 1): Promise<RateCount> {
    return this.failOpen(async (redis) => {
      const [count, ttl] = (await redis.eval(HIT, 1, this.prefix + key, String(windowMs), String(by))) as [number, number];
      return { count, resetInMs: ttl };
    });
  }

  async reset(key: string): Promise<void> {
    await this.failOpen(async (redis) => {
      await redis.del(this.prefix + key);
      return { count: 0, resetInMs: 0 };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) (await this.redis).disconnect();
  }

  /** Connected on first use: a command line that never counts never connects. */
  private client(): Promise<Redis> {
    this.redis ??= import('ioredis').then(({ Redis: RedisClient }) => {
      const redis = new RedisClient(this.url, { connectTimeout: 1_000, commandTimeout: 1_000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
      redis.on('error', (error: Error) => this.warn(error));
      return redis
        .connect()
        .catch((error: Error) => this.warn(error))
        .then(() => redis);
    });
    return this.redis;
  }

  private async failOpen(run: (redis: Redis) => Promise<RateCount>): Promise<RateCount> {
    try {
      return await run(await this.client());
    } catch (error) {
      this.warn(error as Error);
      // A client that gave up reconnecting is replaced on the next use, so counting resumes when Redis is back.
      const redis = await this.redis?.catch(() => null);
      if (redis?.status === 'end') this.redis = null;
      return { count: 0, resetInMs: 0 };
    }
  }

  private warn(error: Error): void {
    if (Date.now() - this.warnedAt < 10_000) return;
    this.warnedAt = Date.now();
    this.logger.warn(`Redis for rate limits cannot be reached, requests are not limited meanwhile: ${error.message}`);
  }
}

export function createRateLimitStore(redisUrl: string | undefined): RateLimitStore {
  return redisUrl ? new RedisRateLimitStore(redisUrl) : new MemoryRateLimitStore();
}
