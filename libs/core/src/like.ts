/** Escapes LIKE wildcards (and the escape character) so that user text matches literally. */
export function escapeLikeWildcards(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
