import { Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';

/** Requests refused by a rate limit, by which limit; registered on the gateway's /metrics registry. */
@Injectable()
export class RateLimitMetrics {
  readonly refused = new Counter({
    name: 'causeway_rate_limited_requests_total',
    help: 'Requests refused by a rate limit (RATE_LIMITED / HTTP 429), by limit',
    labelNames: ['limit'] as const,
    registers: [],
  });

  registerOn(registry: Registry): void {
    registry.registerMetric(this.refused);
  }
}
