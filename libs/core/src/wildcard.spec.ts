import { describe, expect, it } from '@jest/globals';
import { globMatches, likeMatches, MAX_GLOB_LENGTH, type WildcardWork } from './wildcard.js';

/** The reference: the textbook dynamic programme, quadratic but obviously right. */
function reference(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
  let row = Array.from({ length: t.length + 1 }, (_, j) => j === 0);
  for (const char of p) {
    const next = Array.from({ length: t.length + 1 }, () => false);
    next[0] = char === '*' && row[0]!;
    for (let j = 1; j <= t.length; j += 1) {
      next[j] = char === '*' ? row[j]! || next[j - 1]! : row[j - 1]! && (char === '?' || char === t[j - 1]);
    }
    row = next;
  }
  return row[t.length]!;
}

describe('glob matching', () => {
  it('reads * as any run and ? as one character, anchored at both ends', () => {
    expect(globMatches('amr-*', 'amr-ent')).toBe(true);
    expect(globMatches('amr-*', 'xamr-ent')).toBe(false);
    expect(globMatches('*-ent', 'amr-ent')).toBe(true);
    expect(globMatches('a?r*t', 'amr-ent')).toBe(true);
    expect(globMatches('a?r', 'amr-ent')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('?', '')).toBe(false);
    expect(globMatches('医?', '医疗')).toBe(true);
    expect(globMatches('a*b*a', 'aba')).toBe(true);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches('.+(a)', '.+(a)')).toBe(true);
    expect(globMatches('.+(a)', 'xx(a)')).toBe(false);
  });

  it('agrees with the textbook matcher on every pattern and text over a small alphabet', () => {
    const alphabet = ['a', 'b', '*', '?'];
    const words = (length: number, letters: string[]): string[] =>
      length === 0 ? [''] : words(length - 1, letters).flatMap((word) => letters.map((letter) => word + letter));
    const patterns = [0, 1, 2, 3, 4, 5].flatMap((length) => words(length, alphabet));
    const texts = [0, 1, 2, 3, 4, 5, 6].flatMap((length) => words(length, ['a', 'b']));
    const disagreements = patterns.flatMap((pattern) => texts.filter((text) => globMatches(pattern, text) !== reference(pattern, text)).map((text) => `${pattern} ~ ${text}`));
    expect(disagreements).toEqual([]);
  });

  it('agrees with the textbook matcher on long pieces that span several 32-bit words', () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const disagreements: string[] = [];
    for (let round = 0; round < 400; round += 1) {
      const text = Array.from({ length: 20 + random(120) }, () => 'ab'[random(2)]).join('');
      const start = random(text.length);
      // A slice of the text (so that it often matches), with some characters turned into ? and a star or two around.
      const piece = [...text.slice(start, start + 30 + random(70))].map((char) => (random(5) === 0 ? '?' : char)).join('');
      const pattern = `${random(2) ? '*' : ''}${piece}${random(3) === 0 ? `*${'ab'[random(2)]}` : '*'}`;
      if (globMatches(pattern, text) !== reference(pattern, text)) disagreements.push(`${pattern} ~ ${text}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('an anonymous ReDoS glob is matched in linear work', () => {
    // The attack of issue 11: a regular expression takes seconds on these; the matcher reads the text once.
    const hostile = ['*?*?*?*?*?*?*?*?*?!', `${'*a'.repeat(49)}!`, `*${'?'.repeat(98)}!`, `*${'a?'.repeat(49)}b`, `${'?*'.repeat(50)}`];
    const texts = ['a'.repeat(36), 'a'.repeat(10_000), '00000000-0000-4000-8000-000000000001'.repeat(50)];
    for (const pattern of hostile) {
      expect([...pattern].length).toBeLessThanOrEqual(MAX_GLOB_LENGTH);
      for (const text of texts) {
        const work: WildcardWork = { steps: 0 };
        globMatches(pattern, text, work);
        // (⌈longest piece/32⌉ + 1) · (|pattern| + |text|), and pieces are at most MAX_GLOB_LENGTH = 100 characters.
        expect(work.steps).toBeLessThanOrEqual(5 * (pattern.length + text.length));
      }
    }
  });

  it('does work proportional to the text, not to its square, as the text grows', () => {
    const stepsFor = (length: number) => {
      const work: WildcardWork = { steps: 0 };
      globMatches('*?*?*?*?*?*?*?*?*?!', 'a'.repeat(length), work);
      return work.steps;
    };
    expect(stepsFor(20_000)).toBeLessThanOrEqual(2 * stepsFor(10_000) + 100);
  });
});

/** LIKE's reference: the same dynamic programme over parsed tokens (escape first). */
function likeReference(pattern: string, text: string): boolean {
  const tokens: string[] = [];
  const chars = [...pattern];
  for (let index = 0; index < chars.length; index += 1) {
    if (chars[index] === '\\' && index + 1 < chars.length) tokens.push(`=${chars[++index]}`);
    else tokens.push(chars[index] === '%' ? '*' : chars[index] === '_' ? '?' : `=${chars[index]}`);
  }
  const t = [...text];
  let row = Array.from({ length: t.length + 1 }, (_, j) => j === 0);
  for (const token of tokens) {
    const next = Array.from({ length: t.length + 1 }, () => false);
    next[0] = token === '*' && row[0]!;
    for (let j = 1; j <= t.length; j += 1) {
      next[j] = token === '*' ? row[j]! || next[j - 1]! : row[j - 1]! && (token === '?' || token.slice(1) === t[j - 1]);
    }
    row = next;
  }
  return row[t.length]!;
}

describe('LIKE matching', () => {
  it('reads % as any run, _ as one character and \\ as an escape', () => {
    expect(likeMatches('a.c%', 'abcd')).toBe(false);
    expect(likeMatches('a\\%c', 'a%c')).toBe(true);
    expect(likeMatches('a\\%c', 'abc')).toBe(false);
    expect(likeMatches('(x)_', '(x)y')).toBe(true);
    expect(likeMatches('天河%', '天河区')).toBe(true);
    expect(likeMatches('a*?', 'a*?')).toBe(true);
    expect(likeMatches('a*?', 'abc')).toBe(false);
  });

  it('agrees with the textbook matcher on every pattern and text over a small alphabet', () => {
    const alphabet = ['a', 'b', '%', '_', '\\'];
    const words = (length: number, letters: string[]): string[] =>
      length === 0 ? [''] : words(length - 1, letters).flatMap((word) => letters.map((letter) => word + letter));
    const patterns = [0, 1, 2, 3, 4].flatMap((length) => words(length, alphabet));
    const texts = [0, 1, 2, 3, 4, 5].flatMap((length) => words(length, ['a', 'b', '%']));
    const disagreements = patterns.flatMap((pattern) => texts.filter((text) => likeMatches(pattern, text) !== likeReference(pattern, text)).map((text) => `${pattern} ~ ${text}`));
    expect(disagreements).toEqual([]);
  });

  it("a steward's ReDoS LIKE in a row scope is matched in linear work", () => {
    const work: WildcardWork = { steps: 0 };
    const text = '00000000-0000-4000-8000-000000000001';
    likeMatches('%_%_%_%_%_%_%_%_%!', text, work);
    expect(work.steps).toBeLessThanOrEqual(5 * (18 + text.length));
  });
});
