import { CkanError, shortPrefix } from './ckan-errors.js';

/**
 * The part of Solr's query syntax that CKAN clients send in package_search's `q` and `fq`:
 * words and "phrases", `field:value`, `field:[from TO to]`, `-`/`+`/NOT, OR, AND and parentheses.
 * Harvesters send e.g. `organization:a OR organization:b`, `-organization:c`,
 * `metadata_modified:[2024-01-01T00:00:00Z TO *]`. Evaluated in memory over the open catalogue,
 * which is small next to what Solr is built for.
 */
export type QueryNode =
  | { kind: 'all' }
  | { kind: 'and'; items: QueryNode[] }
  | { kind: 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  | { kind: 'term'; field: string | null; value: TermValue };

export type TermValue =
  | { kind: 'text'; text: string; phrase: boolean }
  | { kind: 'range'; from: string; to: string; includeFrom: boolean; includeTo: boolean };

type Token =
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'op'; op: 'AND' | 'OR' | 'NOT' }
  | { kind: 'term'; prefix: '+' | '-' | null; field: string | null; value: TermValue };

const MAX_QUERY_LENGTH = 2_000;

export function parseSolrQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) throw CkanError.searchQuery(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const tokens = tokenize(text);
  const parser = new Parser(tokens);
  const node = parser.query();
  if (!parser.done()) throw CkanError.searchQuery(`unexpected ")" in ${shortPrefix(text)}`);
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);
  while (index < text.length) {
    const char = text[index]!;
    if (isSpace(char)) {
      index += 1;
      continue;
    }
    if (char === '(') {
      tokens.push({ kind: 'open' });
      index += 1;
      continue;
    }
    if (char === ')') {
      tokens.push({ kind: 'close' });
      index += 1;
      continue;
    }
    let prefix: '+' | '-' | null = null;
    if ((char === '+' || char === '-') && index + 1 < text.length && !isSpace(text[index + 1])) {
      prefix = char;
      index += 1;
      if (text[index] === '(') {
        // "-(a OR b)": a negated group is NOT followed by the group.
        if (prefix === '-') tokens.push({ kind: 'op', op: 'NOT' });
        continue;
      }
    }
    // field name: letters, digits, _ and . up to an unescaped colon
    let field: string | null = null;
    const fieldMatch = /^([A-Za-z_][A-Za-z0-9_.]*|\*):/.exec(text.slice(index));
    if (fieldMatch) {
      field = fieldMatch[1]!;
      index += fieldMatch[0].length;
    }
    const start = text[index];
    let value: TermValue;
    if (start === '"') {
      const end = findClosingQuote(text, index + 1);
      value = { kind: 'text', text: unescape(text.slice(index + 1, end)), phrase: true };
      index = end + 1;
    } else if (field && (start === '[' || start === '{')) {
      const closing = text.slice(index).search(/[\]}]/);
      if (closing < 0) throw CkanError.searchQuery(`a range in ${shortPrefix(text)} is not closed with ] or }`);
      const body = text.slice(index + 1, index + closing);
      const parts = /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(body);
      if (!parts) throw CkanError.searchQuery(`a range must read [from TO to], not ${shortPrefix(text.slice(index, index + closing + 1))}`);
      value = { kind: 'range', from: unescape(parts[1]!), to: unescape(parts[2]!), includeFrom: start === '[', includeTo: text[index + closing] === ']' };
      index += closing + 1;
    } else {
      let end = index;
      while (end < text.length && !isSpace(text[end]) && text[end] !== ')' && text[end] !== '(') {
        end += text[end] === '\\' ? 2 : 1;
      }
      const raw = text.slice(index, end);
      index = end;
      if (!field && prefix === null && (raw === 'AND' || raw === 'OR' || raw === 'NOT' || raw === '&&' || raw === '||')) {
        tokens.push({ kind: 'op', op: raw === '&&' ? 'AND' : raw === '||' ? 'OR' : raw });
        continue;
      }
      if (raw === '' && !field) continue;
      value = { kind: 'text', text: unescape(raw), phrase: false };
    }
    tokens.push({ kind: 'term', prefix, field, value });
  }
  return tokens;
}

function findClosingQuote(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index;
  }
  throw CkanError.searchQuery(`a quoted phrase in ${shortPrefix(text)} is not closed`);
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  /** clause* — clauses are ANDed, as CKAN's default (all words must match). */
  query(): QueryNode {
    const items: QueryNode[] = [];
    while (!this.done() && this.tokens[this.position]!.kind !== 'close') {
      const token = this.tokens[this.position]!;
      if (token.kind === 'op' && token.op === 'AND') {
        this.position += 1;
        continue;
      }
      items.push(this.or());
    }
    if (items.length === 0) return { kind: 'all' };
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private or(): QueryNode {
    const items = [this.unary()];
    while (!this.done()) {
      const token = this.tokens[this.position]!;
      if (token.kind !== 'op' || token.op !== 'OR') break;
      this.position += 1;
      if (this.done()) throw CkanError.searchQuery('OR must be followed by a term');
      items.push(this.unary());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private unary(): QueryNode {
    const token = this.tokens[this.position];
    if (!token) throw CkanError.searchQuery('the query ends where a term was expected');
    if (token.kind === 'op' && token.op === 'NOT') {
      this.position += 1;
      return { kind: 'not', item: this.unary() };
    }
    if (token.kind === 'op') throw CkanError.searchQuery(`${token.op} must stand between two terms`);
    if (token.kind === 'close') throw CkanError.searchQuery('unexpected ")"');
    if (token.kind === 'open') {
      this.position += 1;
      const inner = this.query();
      if (this.tokens[this.position]?.kind !== 'close') throw CkanError.searchQuery('a "(" is not closed');
      this.position += 1;
      return inner;
    }
    this.position += 1;
    const term: QueryNode =
      token.field === '*' && token.value.kind === 'text' && token.value.text === '*' ? { kind: 'all' } : { kind: 'term', field: token.field, value: token.value };
    return token.prefix === '-' ? { kind: 'not', item: term } : term;
  }
}

/** Every field a query names, so that an unknown one can be refused before evaluating. */
export function fieldsOf(node: QueryNode): string[] {
  switch (node.kind) {
    case 'all':
      return [];
    case 'and':
    case 'or':
      return node.items.flatMap(fieldsOf);
    case 'not':
      return fieldsOf(node.item);
    case 'term':
      return node.field ? [node.field] : [];
  }
}

/** Every term of a query, so that each can be checked before evaluating. */
export function termsOf(node: QueryNode): Extract<QueryNode, { kind: 'term' }>[] {
  switch (node.kind) {
    case 'all':
      return [];
    case 'and':
    case 'or':
      return node.items.flatMap(termsOf);
    case 'not':
      return termsOf(node.item);
    case 'term':
      return [node];
  }
}
