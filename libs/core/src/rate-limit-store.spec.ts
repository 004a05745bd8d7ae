import { describe, expect, it } from '@jest/globals';
import { MemoryRateLimitStore, RedisRateLimitStore } from './rate-limit-store.js';

describe('rate-limit stores', () => {
  it('counts hits in a fixed window that ends windowMs after its first hit', async () => {
    const store = new MemoryRateLimitStore();
    let now = 1_000_000;
    store.now = () => now;
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    now += 59_000;
    expect(await store.hit('k', 60_000)).toEqual({ count: 2, resetInMs: 1_000 });
    expect(await store.hit('k', 60_000, -1)).toEqual({ count: 1, resetInMs: 1_000 });
    now += 1_000;
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    await store.reset('k');
    expect(await store.hit('k', 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('fails open when Redis cannot be reached: nothing is counted, nothing throws', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const store = new RedisRateLimitStore('redis://127.0.0.1:1');
    try {
      expect(await store.hit('k', 60_000)).toEqual({ count: 0, resetInMs: 0 });
      await expect(store.reset('k')).resolves.toBeUndefined();
    } finally {
      await store.onApplicationShutdown();
    }
  });
});
