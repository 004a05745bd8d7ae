import { describe, expect, it } from '@jest/globals';
import { CausewayError } from '@causeway/core';
import { headerText } from './header-text.js';

/** What Node's HTTP parser gives for raw UTF-8 header bytes: one Latin-1 character per byte. */
const asNodeReadsIt = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

function refusal(run: () => unknown): CausewayError {
  try {
    run();
  } catch (error) {
    return error as CausewayError;
  }
  throw new Error('expected a refusal');
}

describe('headerText: the one encoding of X-Purpose and X-User-Id', () => {
  it('a raw UTF-8 Chinese purpose (curl -H) is read as UTF-8, not stored as Latin-1 mojibake', () => {
    expect(headerText('X-Purpose', asNodeReadsIt('（2026）穗天市监登字第0042号'), 500)).toBe('（2026）穗天市监登字第0042号');
  });

  it('a percent-encoded UTF-8 purpose (what a browser can send) is decoded', () => {
    expect(headerText('X-Purpose', encodeURIComponent('个税专项附加扣除核验'), 500)).toBe('个税专项附加扣除核验');
  });

  it('Latin-1 bytes that are not UTF-8 are kept as the characters they are', () => {
    expect(headerText('X-Purpose', 'café', 500)).toBe('café');
  });

  it('a percent-encoded NUL does not pass as a purpose: it is refused naming X-Purpose', () => {
    const error = refusal(() => headerText('X-Purpose', '%00', 500));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/^X-Purpose: .*control characters/);
  });

  it('control characters, raw or encoded, are refused', () => {
    for (const value of ['case\u0001', 'a%0Ab', 'x%7F', '%C2%85', 'a\u0000b']) expect(refusal(() => headerText('X-Purpose', value, 500)).code).toBe('BAD_USER_INPUT');
  });

  it('an empty or whitespace-only purpose is no purpose', () => {
    for (const value of ['', '   ', '%20%20', '\u3000']) expect(headerText('X-Purpose', value, 500)).toBeNull();
  });

  it('malformed percent-encoding is refused with how to encode, echoing nothing', () => {
    const error = refusal(() => headerText('X-Purpose', '%FF%FE', 500));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).not.toContain('%FF%FE');
  });

  it('a value from the JSON body (extensions.purpose) is taken as it is: a % stays a %', () => {
    expect(headerText('extensions.purpose', '完成率 100%', 500, false)).toBe('完成率 100%');
    expect(refusal(() => headerText('extensions.purpose', 'a\u0000', 500, false)).message).toMatch(/^extensions\.purpose: /);
  });

  it('bounds the text', () => {
    expect(headerText('X-User-Id', 'x'.repeat(300), 200)).toHaveLength(200);
  });
});
