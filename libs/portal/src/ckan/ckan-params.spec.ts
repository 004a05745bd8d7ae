import { describe, expect, it } from '@jest/globals';
import { CkanError } from './ckan-errors.js';
import { boolParam, intParam, jsonParam, listParam, naturalParam, requestData, splitCommaList } from './ckan-params.js';

function errorOf(run: () => unknown): CkanError {
  try {
    run();
  } catch (error) {
    if (error instanceof CkanError) return error;
    throw error;
  }
  throw new Error('expected a CkanError');
}

describe('CKAN parameters', () => {
  it('reads integers like int_validator: digits or whole numbers, empty as absent', () => {
    expect(intParam({ n: '12' }, 'n')).toBe(12);
    expect(intParam({ n: ' -3 ' }, 'n')).toBe(-3);
    expect(intParam({ n: 7 }, 'n')).toBe(7);
    expect(intParam({ n: '' }, 'n')).toBeUndefined();
    expect(intParam({}, 'n')).toBeUndefined();
    expect(errorOf(() => intParam({ n: '1.5' }, 'n')).errors).toEqual({ n: ['Invalid integer'] });
    expect(errorOf(() => intParam({ n: 'ten' }, 'n')).errors).toEqual({ n: ['Invalid integer'] });
  });

  it('refuses a negative natural number with CKAN’s message', () => {
    expect(errorOf(() => naturalParam({ rows: '-1' }, 'rows')).errors).toEqual({ rows: ['Must be a natural number'] });
    expect(naturalParam({ rows: '0' }, 'rows')).toBe(0);
  });

  it('reads booleans like boolean_validator', () => {
    for (const value of ['true', 'True', 'yes', 't', 'y', '1', true, 1]) expect(boolParam({ b: value }, 'b', false)).toBe(true);
    for (const value of ['false', 'no', '0', 'nonsense', false]) expect(boolParam({ b: value }, 'b', true)).toBe(false);
    expect(boolParam({}, 'b', true)).toBe(true);
  });

  it('reads lists as a list or as comma-separated text with quotes', () => {
    expect(listParam({ f: 'a, b,c' }, 'f')).toEqual(['a', 'b', 'c']);
    expect(listParam({ f: ['a', 'b'] }, 'f')).toEqual(['a', 'b']);
    expect(splitCommaList('"a,b",c')).toEqual(['a,b', 'c']);
    expect(errorOf(() => listParam({ f: [1] }, 'f')).errors).toEqual({ f: ['Not a list'] });
  });

  it('reads JSON given as text or as itself', () => {
    expect(jsonParam({ j: '{"a":1}' }, 'j')).toEqual({ a: 1 });
    expect(jsonParam({ j: { a: 1 } }, 'j')).toEqual({ a: 1 });
    expect(errorOf(() => jsonParam({ j: '{' }, 'j')).errors).toEqual({ j: ['Cannot parse JSON'] });
  });

  it('takes a GET’s query and a POST’s JSON object, and refuses a body that is not an object as CKAN does', () => {
    expect(requestData('GET', { id: 'x' }, undefined)).toEqual({ id: 'x' });
    expect(requestData('POST', {}, { id: 'x' })).toEqual({ id: 'x' });
    expect(requestData('POST', {}, Buffer.from('{"id":"x"}'))).toEqual({ id: 'x' });
    expect(requestData('POST', {}, undefined)).toEqual({});
    expect(errorOf(() => requestData('POST', {}, [1, 2])).kind).toBe('REQUEST_DATA');
    expect(errorOf(() => requestData('POST', {}, 'not json')).message).toMatch(/^Bad request - JSON Error/);
  });

  it('reads a form body as CKAN does: its one key is the JSON when the value is empty or "1", else the fields', () => {
    const form = 'application/x-www-form-urlencoded';
    expect(requestData('POST', {}, '{"id":"x"}', form)).toEqual({ id: 'x' });
    expect(requestData('POST', {}, `${encodeURIComponent('{"id":"x"}')}=1`, form)).toEqual({ id: 'x' });
    expect(requestData('POST', {}, 'id=x&tag=a&tag=b', form)).toEqual({ id: 'x', tag: ['a', 'b'] });
    expect(errorOf(() => requestData('POST', {}, '{"id":', form)).kind).toBe('REQUEST_DATA');
  });

  it('never echoes more than a short prefix of an unreadable body', () => {
    const huge = `{"id": "${'x'.repeat(100_000)}`;
    expect(errorOf(() => requestData('POST', {}, huge)).message.length).toBeLessThan(200);
    expect(errorOf(() => requestData('POST', {}, `[${'1,'.repeat(50_000)}1]`)).message.length).toBeLessThan(200);
  });
});
