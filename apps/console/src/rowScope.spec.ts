import { describe, expect, it } from '@jest/globals';
import { buildRowScope, CONSUMER_DIVISION, parseRowScope, resolveConsumer } from './rowScope';

describe('row-scope builder', () => {
  it('a single condition on the consumer division becomes a $consumer reference, not the literal text', () => {
    expect(buildRowScope([{ field: 'district', operator: 'eq', value: CONSUMER_DIVISION }])).toEqual({ district: { eq: { $consumer: 'divisionCode' } } });
  });

  it('several conditions are joined with _and and numbers stay numbers for integer fields', () => {
    expect(
      buildRowScope(
        [
          { field: 'district', operator: 'in', value: '440106, 440104' },
          { field: 'year', operator: 'gte', value: '2020' },
        ],
        { year: 'INTEGER' },
      ),
    ).toEqual({ _and: [{ district: { in: ['440106', '440104'] } }, { year: { gte: 2020 } }] });
  });

  it('incomplete conditions are ignored: no condition means every row (null)', () => {
    expect(buildRowScope([{ field: 'district', operator: 'eq', value: '  ' }])).toBeNull();
  });

  it('the raw JSON editor refuses an array or broken JSON with a message', () => {
    expect(parseRowScope('[1]')).toEqual({ error: 'the row scope must be a JSON object' });
    expect('error' in parseRowScope('{"a":')).toBe(true);
    expect(parseRowScope('')).toEqual({ scope: null });
  });
});

describe('row scope for one consumer', () => {
  it("a $consumer reference anywhere in the scope becomes that consumer's value; other values stay", () => {
    const scope = { _and: [{ district: { eq: { $consumer: 'divisionCode' } } }, { district: { in: ['440106', { $consumer: 'divisionCode' }] } }, { age: { gte: 18 } }] };
    expect(resolveConsumer(scope, { divisionCode: '440106' })).toEqual({ _and: [{ district: { eq: '440106' } }, { district: { in: ['440106', '440106'] } }, { age: { gte: 18 } }] });
  });
});
