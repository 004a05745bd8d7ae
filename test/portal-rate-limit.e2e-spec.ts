import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestGateway } from './support/gateway.js';

const LIMIT = 5;

describe('portal: anonymous traffic is rate-limited per client IP', () => {
  let gateway: TestGateway;
  let key: string;

  const inject = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    gateway.app.getHttpAdapter().getInstance().inject({ method: 'GET', url, remoteAddress, headers });

  beforeAll(async () => {
    process.env.PORTAL_RATE_LIMIT = String(LIMIT);
    gateway = await TestGateway.start();
    key = await gateway.client('DG-TAX', 'tax-system');
  });
  afterAll(async () => {
    delete process.env.PORTAL_RATE_LIMIT;
    await gateway.close();
  });

  it('answers the request past the limit with 429, Retry-After and a CKAN-shaped error', async () => {
    for (let index = 0; index < LIMIT; index += 1) {
      const response = await inject('/api/3/action/package_list', '10.0.0.1');
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    }
    const refused = await inject('/api/3/action/package_list', '10.0.0.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ success: false, error: { __type: 'Rate Limit Error' } });
  });

  it('counts every portal route together: downloads, feeds and the page answer 429 too', async () => {
    for (const url of ['/open', '/catalog.jsonld', '/open/datasets/ANY.csv']) {
      const refused = await inject(url, '10.0.0.1');
      expect([url, refused.statusCode]).toEqual([url, 429]);
      expect(refused.headers['retry-after']).toBeDefined();
    }
    expect((await inject('/open/datasets/ANY.csv', '10.0.0.1')).json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('keeps a separate count for another address', async () => {
    expect((await inject('/api/3/action/package_list', '10.0.0.2')).statusCode).toBe(200);
  });

  it('does not limit a department system that authenticates with its key, nor routes outside the portal', async () => {
    expect((await inject('/api/3/action/package_list', '10.0.0.1', { authorization: `Bearer ${key}` })).statusCode).toBe(200);
    expect((await inject('/health/live', '10.0.0.1')).statusCode).toBe(200);
  });
});
