import { describe, expect, it } from '@jest/globals';
import { CausewayError, ErrorCode } from '@causeway/core';
import { UploadSlots } from './upload-slots.js';

describe('UploadSlots', () => {
  it('a flood of uploads is bounded: N load, M wait in order, the rest are refused RATE_LIMITED with a retry delay', async () => {
    const slots = new UploadSlots(2, 1);
    const first = await slots.acquire();
    const second = await slots.acquire();
    const order: string[] = [];
    const third = slots.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const refused = await slots.acquire().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CausewayError);
    expect((refused as CausewayError).code).toBe(ErrorCode.RATE_LIMITED);
    expect((refused as CausewayError).extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(slots.stats).toEqual({ active: 2, waiting: 1 });
    first();
    first(); // a second call gives nothing back twice
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect(slots.stats).toEqual({ active: 2, waiting: 0 });
    second();
    releaseThird();
    expect(slots.stats).toEqual({ active: 0, waiting: 0 });
  });
});
