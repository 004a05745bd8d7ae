/**
 * Wildcard patterns matched without backtracking: Solr's globs (`*` any run of characters, `?`
 * exactly one) from anonymous portal queries, and SQL LIKE (`%`, `_`, `\` escapes) of row scopes
 * evaluated in memory. Neither may ever reach a regular expression: V8's backtracking makes
 * `*?*?*?*?!` polynomial of high degree in the text, enough to freeze the event loop for seconds.
 *
 * A pattern is cut at its any-runs into pieces. The first piece must sit at the start of the
 * text and the last at its end (unless the pattern begins or ends with an any-run); each piece in
 * between is found at its leftmost place after the one before, which is always right for such
 * patterns: a later place only leaves less text to the pieces that follow. Pieces are found with a
 * bit-parallel scan (Shift-And, any-one set in every mask), so the text is read once, left to
 * right, whatever the pattern: the work is at most `(⌈longest piece/32⌉ + 1) · (|text| + |pattern|)`
 * steps, linear by construction and independent of how the wildcards are arranged.
 */

/** A wildcard term longer than this is refused: Solr users send short prefixes, not essays. */
export const MAX_GLOB_LENGTH = 100;

/** Counts the matcher's elementary steps (a character compared or a word of state updated). */
export interface WildcardWork {
  steps: number;
}

/** One position of a piece: a literal character (a code point), or null for any one character. */
type PieceChar = string | null;

/** A pattern cut at its any-runs; a pattern without any-run is one piece. */
type Pieces = PieceChar[][];

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Does `text` match the Solr glob `pattern`? Both are compared code point by code point. */
export function globMatches(pattern: string, text: string, work: WildcardWork = { steps: 0 }): boolean {
  const pieces = pattern.split('*').map((piece) => Array.from(piece, (char) => (char === '?' ? null : char)));
  return piecesMatch(pieces, Array.from(text), work);
}

/** Does `text` match the SQL LIKE `pattern` (`%` any run, `_` one character, `\` escapes the next)? */
export function likeMatches(pattern: string, text: string, work: WildcardWork = { steps: 0 }): boolean {
  const pieces: Pieces = [[]];
  const chars = Array.from(pattern);
  for (let index = 0; index < chars.length; index += 1) {
    const char = chars[index]!;
    if (char === '\\' && index + 1 < chars.length) pieces.at(-1)!.push(chars[++index]!);
    else if (char === '%') pieces.push([]);
    else pieces.at(-1)!.push(char === '_' ? null : char);
  }
  return piecesMatch(pieces, Array.from(text), work);
}

function piecesMatch(pieces: Pieces, chars: string[], work: WildcardWork): boolean {
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

/** Does `piece` sit at `at` in `chars`? */
function matchesAt(piece: PieceChar[], chars: string[], at: number, work: WildcardWork): boolean {
  for (let index = 0; index < piece.length; index += 1) {
    work.steps += 1;
    if (piece[index] !== null && piece[index] !== chars[at + index]) return false;
  }
  return true;
}

/**
 * The leftmost start of `piece` in `chars[from, end)`, or -1: Shift-And over 32-bit words. Bit i
 * of the state is set when the last i+1 characters read match the piece's first i+1.
 */
function findPiece(piece: PieceChar[], chars: string[], from: number, end: number, work: WildcardWork): number {
  const words = Math.ceil(piece.length / 32);
  const wildcard = new Uint32Array(words);
  const masks = new Map<string, Uint32Array>();
  for (let index = 0; index < piece.length; index += 1) {
    work.steps += words;
    const bit = 1 << index % 32;
    const word = Math.floor(index / 32);
    const char = piece[index]!;
    if (char === null) {
      wildcard[word] = wildcard[word]! | bit;
      for (const mask of masks.values()) mask[word] = mask[word]! | bit;
      continue;
    }
    let mask = masks.get(char);
    if (!mask) {
      mask = Uint32Array.from(wildcard);
      masks.set(char, mask);
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
