/**
 * Solr's wildcard terms (`*` any run of characters, `?` exactly one) matched without
 * backtracking. A glob from an anonymous query must never reach a regular expression: V8's
 * backtracking makes `*?*?*?*?!` polynomial of high degree in the text, enough to freeze the
 * event loop for seconds.
 *
 * The pattern is cut at its stars into pieces. The first piece must sit at the start of the
 * text and the last at its end (unless the pattern begins or ends with a star); each piece in
 * between is found at its leftmost place after the one before, which is always right for globs:
 * a later place only leaves less text to the pieces that follow. Pieces are found with a
 * bit-parallel scan (Shift-And, `?` set in every mask), so the text is read once, left to right,
 * whatever the pattern: the work is at most `(⌈longest piece/32⌉ + 1) · (|text| + |pattern|)`
 * steps, linear by construction and independent of how the stars and `?` are arranged.
 */

/** A wildcard term longer than this is refused: Solr users send short prefixes, not essays. */
export const MAX_GLOB_LENGTH = 100;

/** Counts the matcher's elementary steps (a character compared or a word of state updated). */
export interface GlobWork {
  steps: number;
}

const ANY_ONE = '?';
const ANY_RUN = '*';

export function hasWildcard(pattern: string): boolean {
  return pattern.includes(ANY_RUN) || pattern.includes(ANY_ONE);
}

/** Does `text` match the glob `pattern`? Both are compared character by character (code points). */
export function globMatches(pattern: string, text: string, work: GlobWork = { steps: 0 }): boolean {
  const chars = Array.from(text);
  const pieces = pattern.split(ANY_RUN).map((piece) => Array.from(piece));
  if (pieces.length === 1) return chars.length === pieces[0]!.length && matchesAt(pieces[0]!, chars, 0, work);

  const first = pieces[0]!;
  const last = pieces.at(-1)!;
  if (first.length + last.length > chars.length) return false;
  if (!matchesAt(first, chars, 0, work) || !matchesAt(last, chars, chars.length - last.length, work)) return false;

  let from = first.length;
  const end = chars.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece.length === 0) continue;
    const found = findPiece(piece, chars, from, end, work);
    if (found < 0) return false;
    from = found + piece.length;
  }
  return true;
}

/** Does `piece` (with `?`) sit at `at` in `chars`? */
function matchesAt(piece: string[], chars: string[], at: number, work: GlobWork): boolean {
  for (let index = 0; index < piece.length; index += 1) {
    work.steps += 1;
    if (piece[index] !== ANY_ONE && piece[index] !== chars[at + index]) return false;
  }
  return true;
}

/**
 * The leftmost start of `piece` in `chars[from, end)`, or -1: Shift-And over 32-bit words. Bit i
 * of the state is set when the last i+1 characters read match the piece's first i+1.
 */
function findPiece(piece: string[], chars: string[], from: number, end: number, work: GlobWork): number {
  const words = Math.ceil(piece.length / 32);
  const wildcard = new Uint32Array(words);
  const masks = new Map<string, Uint32Array>();
  for (let index = 0; index < piece.length; index += 1) {
    work.steps += words;
    const bit = 1 << index % 32;
    const word = Math.floor(index / 32);
    if (piece[index] === ANY_ONE) {
      wildcard[word] = wildcard[word]! | bit;
      for (const mask of masks.values()) mask[word] = mask[word]! | bit;
      continue;
    }
    let mask = masks.get(piece[index]!);
    if (!mask) {
      mask = Uint32Array.from(wildcard);
      masks.set(piece[index]!, mask);
    }
    mask[word] = mask[word]! | bit;
  }

  const state = new Uint32Array(words);
  const lastWord = words - 1;
  const lastBit = 1 << (piece.length - 1) % 32;
  for (let position = from; position < end; position += 1) {
    work.steps += words;
    const mask = masks.get(chars[position]!) ?? wildcard;
    // state = ((state << 1) | 1) & mask, carried across words
    let carry = 1;
    for (let word = 0; word < words; word += 1) {
      const shifted = ((state[word]! << 1) | carry) >>> 0;
      carry = state[word]! >>> 31;
      state[word] = shifted & mask[word]!;
    }
    if (state[lastWord]! & lastBit) return position - piece.length + 1;
  }
  return -1;
}
