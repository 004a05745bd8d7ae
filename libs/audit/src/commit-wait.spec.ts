import { describe, expect, it } from '@jest/globals';
import { commitWaitMs } from './audit.writer.js';

describe('commitWaitMs: how long a group commit waits for exchanges in flight', () => {
  it('waits half the time the quickest exchange of the batch took', () => {
    expect(commitWaitMs(20, 8)).toBe(4);
  });

  it('never waits longer than the configured delay', () => {
    expect(commitWaitMs(20, 250)).toBe(20);
  });

  it('does not wait with a delay of 0, or for an exchange of unknown or no duration', () => {
    expect(commitWaitMs(0, 100)).toBe(0);
    expect(commitWaitMs(20, 0)).toBe(0);
    expect(commitWaitMs(20, -5)).toBe(0);
    expect(commitWaitMs(20, Infinity)).toBe(0);
  });
});
