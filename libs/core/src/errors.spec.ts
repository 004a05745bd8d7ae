import { describe, expect, it } from '@jest/globals';
import { clipEchoes, ECHO_LIMIT } from './errors.js';

describe('error messages', () => {
  it('never repeat more than a short prefix of a long value the caller sent', () => {
    const sent = 'x'.repeat(9_000);
    expect(clipEchoes(`Dataset ${sent} was not found`)).toBe(`Dataset ${'x'.repeat(ECHO_LIMIT)}… was not found`);
  });

  it('cut a long quoted value even when it holds spaces', () => {
    const spaced = Array.from({ length: 500 }, () => 'ab').join(' ');
    const message = clipEchoes(`Variable "$v" got invalid value "${spaced}"; Int cannot represent non-integer value`);
    expect(message).toBe(`Variable "$v" got invalid value "${spaced.slice(0, ECHO_LIMIT)}…"; Int cannot represent non-integer value`);
  });

  it('keep ordinary messages as they are, and bound the whole', () => {
    expect(clipEchoes('groupBy[0]: must start with a lower-case letter, e.g. creditCode')).toBe('groupBy[0]: must start with a lower-case letter, e.g. creditCode');
    expect(clipEchoes('a b '.repeat(5_000)).length).toBeLessThanOrEqual(1_001);
  });
});
