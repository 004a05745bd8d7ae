import { describe, expect, it } from '@jest/globals';
import { parseNotice } from './change-feed.js';
import { replicaLagMs } from './replicas.js';

describe('replica lag', () => {
  it('an idle primary does not make a replica that replayed everything look stale', () => {
    // Nothing written for an hour: the last replayed transaction is an hour old, yet nothing is pending.
    expect(replicaLagMs({ caughtUp: true, sinceLastReplayMs: 3_600_000 })).toBe(0);
  });

  it('a replica with WAL pending is as far behind as its last replayed transaction', () => {
    expect(replicaLagMs({ caughtUp: false, sinceLastReplayMs: 2_500 })).toBe(2_500);
  });

  it('a replica that has replayed nothing yet is never fresh', () => {
    expect(replicaLagMs({ caughtUp: false, sinceLastReplayMs: null })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('change notices', () => {
  it('a notice names a known channel and a key; anything else on the channel is ignored', () => {
    expect(parseNotice('grants:6f1c')).toEqual({ channel: 'grants', key: '6f1c' });
    expect(parseNotice('clients:*')).toEqual({ channel: 'clients', key: '*' });
    expect(parseNotice('tables:x')).toBeNull();
    expect(parseNotice('no-colon')).toBeNull();
    expect(parseNotice(undefined)).toBeNull();
  });
});
