import { FieldType } from '@causeway/catalogue';
import { badInputs, likeMatches, type InputProblem } from '@causeway/core';

/**
 * The one filter language of Causeway: the `where` argument of every data query and the row
 * scope of every grant. Parsed and type-checked once into this small AST; the AST is then
 * compiled to parameterised SQL (sql.ts); `evaluate` is its reference meaning in memory.
 */
export type Comparison = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'nin' | 'like' | 'isNull';

/** A normalised value: INTEGER and DECIMAL as decimal text (exact), DATE as YYYY-MM-DD, DATETIME as ISO text. */
export type Scalar = string | boolean;

export type Cond =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and'; items: Cond[] }
  | { kind: 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'cmp'; field: string; op: Exclude<Comparison, 'in' | 'nin' | 'isNull'>; value: Scalar }
  | { kind: 'cmp'; field: string; op: 'in' | 'nin'; value: Scalar[] }
  | { kind: 'cmp'; field: string; op: 'isNull'; value: boolean };

export const TRUE: Cond = Object.freeze({ kind: 'true' });
export const FALSE: Cond = Object.freeze({ kind: 'false' });

/** Field name → type: the whitelist every identifier is checked against. */
export type FieldTypes = ReadonlyMap<string, FieldType>;

/** Values a row scope may take from the consumer, e.g. {"$consumer": "divisionCode"}. */
export interface ConsumerAttributes {
  divisionCode: string | null;
  departmentCode: string | null;
}
export const CONSUMER_ATTRIBUTES: readonly (keyof ConsumerAttributes)[] = ['divisionCode', 'departmentCode'];

export const WHERE_LIMITS = { depth: 10, nodes: 500, list: 1000, text: 10_000 };

const COMPARISONS = new Set<Comparison>(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'like', 'isNull']);
const ORDERED = new Set<FieldType>([FieldType.STRING, FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.DATETIME]);

/** Which comparisons a field type admits. JSON fields can only be tested for null. */
export function comparisonsFor(type: FieldType): Comparison[] {
  if (type === FieldType.JSON) return ['isNull'];
  const base: Comparison[] = ['eq', 'neq', 'in', 'nin', 'isNull'];
  if (ORDERED.has(type)) base.push('lt', 'lte', 'gt', 'gte');
  if (type === FieldType.STRING) base.push('like');
  return base;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const DECIMAL = /^-?\d{1,100}(\.\d{1,100})?$/;

const EXPECTED: Record<FieldType, string> = {
  [FieldType.STRING]: 'a string',
  [FieldType.INTEGER]: 'a whole number (or its decimal digits as a string)',
  [FieldType.DECIMAL]: 'a number (or its decimal digits as a string)',
  [FieldType.BOOLEAN]: 'true or false',
  [FieldType.DATE]: 'a date as "YYYY-MM-DD"',
  [FieldType.DATETIME]: 'a date-time as ISO 8601 with a time zone, e.g. "2026-01-31T08:00:00+08:00"',
  [FieldType.JSON]: 'nothing (JSON fields can only be tested with isNull)',
};

/**
 * Normalises one value for a field type, or answers null when it does not fit. Messages built
 * from a failure never quote the value: it may be someone's data pasted into a query.
 */
export function normaliseValue(type: FieldType, value: unknown): Scalar | null {
  switch (type) {
    case FieldType.STRING:
      // PostgreSQL text cannot hold NUL, and NUL marks Causeway's own placeholders.
      return typeof value === 'string' && value.length <= WHERE_LIMITS.text && !value.includes('\u0000') ? value : null;
    case FieldType.INTEGER: {
      let text: string | null = null;
      if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
      else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) text = value;
      if (text === null) return null;
      const big = BigInt(text);
      return big < INT64_MIN || big > INT64_MAX ? null : big.toString();
    }
    case FieldType.DECIMAL:
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      return typeof value === 'string' && DECIMAL.test(value) ? value : null;
    case FieldType.BOOLEAN:
      return typeof value === 'boolean' ? value : null;
    case FieldType.DATE: {
      if (typeof value !== 'string') return null;
      const match = DATE.exec(value);
      if (!match) return null;
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : null;
    }
    case FieldType.DATETIME:
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : null;
    case FieldType.JSON:
      return null;
  }
}

/** A JSON object (GraphQL's coerced input objects have no prototype). */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

export interface ParseOptions {
  /** Path used in error messages, e.g. "where" or "input.rowScope". */
  path: string;
  /**
   * Row scopes may reference the consumer ({"$consumer": "divisionCode"}): pass 'keep' to
   * validate and keep the reference (stored grants), or the consumer's attributes to resolve it.
   * Queries pass nothing: a reference there is refused.
   */
  consumer?: 'keep' | ConsumerAttributes;
}

/** A parsed filter: the AST and every field it names (all of them count as read in clear). */
export interface ParsedWhere {
  cond: Cond;
  fields: Set<string>;
}

/** Reference to a consumer attribute kept unresolved inside a stored row scope. */
export interface ConsumerRef {
  $consumer: keyof ConsumerAttributes;
}

/**
 * Parses and type-checks a where-JSON filter against the field whitelist. Every problem is
 * collected and reported at once as BAD_USER_INPUT naming its path.
 */
export function parseWhere(json: unknown, fields: FieldTypes, options: ParseOptions): ParsedWhere {
  const problems: InputProblem[] = [];
  const named = new Set<string>();
  let nodes = 0;
  let missingConsumer = false;

  const value = (type: FieldType, raw: unknown, at: string): Scalar | null => {
    if (isPlainObject(raw) && '$consumer' in raw) {
      const attribute = raw.$consumer;
      if (!options.consumer) {
        problems.push({ field: at, message: '{"$consumer": …} is only allowed in a grant’s row scope' });
        return null;
      }
      if (Object.keys(raw).length !== 1 || typeof attribute !== 'string' || !CONSUMER_ATTRIBUTES.includes(attribute as keyof ConsumerAttributes)) {
        problems.push({ field: at, message: `must be {"$consumer": "${CONSUMER_ATTRIBUTES.join('" | "')}"}` });
        return null;
      }
      if (options.consumer === 'keep') return `\u0000consumer:${attribute}`;
      const resolved = options.consumer[attribute as keyof ConsumerAttributes];
      const normalised = resolved === null ? null : normaliseValue(type, resolved);
      // A scope naming an attribute the consumer lacks admits no rows at all (not "is null",
      // and not the complement under a _not, either of which could open rows).
      if (normalised === null) missingConsumer = true;
      return normalised ?? '';
    }
    const normalised = normaliseValue(type, raw);
    if (normalised === null) problems.push({ field: at, message: `must be ${EXPECTED[type]}` });
    return normalised;
  };

  const fieldCond = (field: string, type: FieldType, ops: unknown, at: string): Cond => {
    if (!isPlainObject(ops) || Object.keys(ops).length === 0) {
      problems.push({ field: at, message: `must be an object of comparisons, e.g. {"eq": …}; allowed: ${comparisonsFor(type).join(', ')}` });
      return FALSE;
    }
    const items: Cond[] = [];
    for (const [op, raw] of Object.entries(ops)) {
      const opAt = `${at}.${op}`;
      nodes += 1;
      if (!COMPARISONS.has(op as Comparison)) {
        problems.push({ field: opAt, message: `is not a comparison; use one of ${comparisonsFor(type).join(', ')}` });
        continue;
      }
      if (!comparisonsFor(type).includes(op as Comparison)) {
        problems.push({ field: opAt, message: `does not apply to a ${type} field; use one of ${comparisonsFor(type).join(', ')}` });
        continue;
      }
      if (op === 'isNull') {
        if (typeof raw !== 'boolean') problems.push({ field: opAt, message: 'must be true or false' });
        else items.push({ kind: 'cmp', field, op: 'isNull', value: raw });
        continue;
      }
      if (op === 'in' || op === 'nin') {
        if (!Array.isArray(raw) || raw.length > WHERE_LIMITS.list) {
          problems.push({ field: opAt, message: `must be a list of at most ${WHERE_LIMITS.list} values` });
          continue;
        }
        const list: Scalar[] = [];
        raw.forEach((item, index) => {
          const normalised = value(type, item, `${opAt}[${index}]`);
          if (normalised !== null) list.push(normalised);
        });
        items.push({ kind: 'cmp', field, op, value: list });
        continue;
      }
      const normalised = value(type, raw, opAt);
      // PostgreSQL refuses a LIKE pattern ending in its escape character; say so here instead.
      if (op === 'like' && typeof normalised === 'string' && /(^|[^\\])(\\\\)*\\$/.test(normalised)) {
        problems.push({ field: opAt, message: 'must not end with a single backslash (write \\\\ for a backslash, \\% and \\_ for literal % and _)' });
        continue;
      }
      if (normalised !== null) items.push({ kind: 'cmp', field, op: op as 'eq', value: normalised });
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };

  const walk = (node: unknown, at: string, depth: number): Cond => {
    if (depth > WHERE_LIMITS.depth) {
      problems.push({ field: at, message: `nests deeper than ${WHERE_LIMITS.depth} levels` });
      return FALSE;
    }
    if (!isPlainObject(node)) {
      problems.push({ field: at, message: 'must be an object: { field: { comparison: value } }, with _and, _or, _not to combine' });
      return FALSE;
    }
    const items: Cond[] = [];
    for (const [key, child] of Object.entries(node)) {
      nodes += 1;
      if (nodes > WHERE_LIMITS.nodes) {
        problems.push({ field: at, message: `has more than ${WHERE_LIMITS.nodes} conditions` });
        return FALSE;
      }
      const childAt = `${at}.${key}`;
      if (key === '_and' || key === '_or') {
        if (!Array.isArray(child)) {
          problems.push({ field: childAt, message: 'must be a list of filters' });
          continue;
        }
        const parts = child.map((part, index) => walk(part, `${childAt}[${index}]`, depth + 1));
        items.push({ kind: key === '_and' ? 'and' : 'or', items: parts });
      } else if (key === '_not') {
        items.push({ kind: 'not', item: walk(child, childAt, depth + 1) });
      } else {
        const type = fields.get(key);
        if (type === undefined) {
          problems.push({ field: childAt, message: 'is not a field of this dataset; list them with dataset(code) { fields { name } }' });
          continue;
        }
        named.add(key);
        items.push(fieldCond(key, type, child, childAt));
      }
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };

  if (json === null || json === undefined) return { cond: TRUE, fields: named };
  const cond = walk(json, options.path, 1);
  if (problems.length > 0) throw badInputs(problems);
  return { cond: missingConsumer ? FALSE : simplify(cond), fields: named };
}

/** Removes constant parts so that compiled SQL and audit records stay small. */
export function simplify(cond: Cond): Cond {
  switch (cond.kind) {
    case 'and': {
      const items = cond.items.map(simplify).filter((item) => item.kind !== 'true');
      if (items.some((item) => item.kind === 'false')) return FALSE;
      return items.length === 0 ? TRUE : items.length === 1 ? items[0]! : { kind: 'and', items };
    }
    case 'or': {
      const items = cond.items.map(simplify).filter((item) => item.kind !== 'false');
      if (items.some((item) => item.kind === 'true')) return TRUE;
      return items.length === 0 ? FALSE : items.length === 1 ? items[0]! : { kind: 'or', items };
    }
    case 'not': {
      const item = simplify(cond.item);
      if (item.kind === 'true') return FALSE;
      if (item.kind === 'false') return TRUE;
      return { kind: 'not', item };
    }
    case 'cmp':
      if (cond.op === 'in' && cond.value.length === 0) return FALSE;
      if (cond.op === 'nin' && cond.value.length === 0) return TRUE;
      return cond;
    default:
      return cond;
  }
}

/** The fields a condition names. */
export function fieldsOf(cond: Cond, into = new Set<string>()): Set<string> {
  if (cond.kind === 'cmp') into.add(cond.field);
  else if (cond.kind === 'and' || cond.kind === 'or') cond.items.forEach((item) => fieldsOf(item, into));
  else if (cond.kind === 'not') fieldsOf(cond.item, into);
  return into;
}

// ---- the where-JSON form (for storage, audit and myAccess) --------------------------------

/** Back to the where-JSON language (consumer references shown as {"$consumer": …}). */
export function toWhereJson(cond: Cond): Record<string, unknown> | null {
  const value = (item: Scalar): unknown =>
    typeof item === 'string' && item.startsWith('\u0000consumer:') ? { $consumer: item.slice('\u0000consumer:'.length) } : item;
  const walk = (node: Cond): Record<string, unknown> => {
    switch (node.kind) {
      case 'true':
        return {};
      case 'false':
        return { _or: [] };
      case 'and':
        return { _and: node.items.map(walk) };
      case 'or':
        return { _or: node.items.map(walk) };
      case 'not':
        return { _not: walk(node.item) };
      case 'cmp':
        return { [node.field]: { [node.op]: Array.isArray(node.value) ? node.value.map(value) : node.op === 'isNull' ? node.value : value(node.value) } };
    }
  };
  return cond.kind === 'true' ? null : walk(cond);
}

/** A condition that cannot reach SQL (a field outside the whitelist, an unresolved placeholder). */
export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

// ---- reference semantics --------------------------------------------------------------------

/** Exact comparison of two decimal texts. */
export function compareDecimal(a: string, b: string): number {
  const parse = (text: string) => {
    const negative = text.startsWith('-');
    const [whole = '0', fraction = ''] = text.replace(/^[-+]/, '').split('.');
    const digits = { whole: whole.replace(/^0+/, ''), fraction: fraction.replace(/0+$/, '') };
    const zero = digits.whole === '' && digits.fraction === '';
    return { sign: zero ? 0 : negative ? -1 : 1, ...digits };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let magnitude: number;
  if (x.whole.length !== y.whole.length) magnitude = x.whole.length < y.whole.length ? -1 : 1;
  else if (x.whole !== y.whole) magnitude = x.whole < y.whole ? -1 : 1;
  else {
    const length = Math.max(x.fraction.length, y.fraction.length);
    const fx = x.fraction.padEnd(length, '0');
    const fy = y.fraction.padEnd(length, '0');
    magnitude = fx === fy ? 0 : fx < fy ? -1 : 1;
  }
  return x.sign * magnitude;
}

function compare(type: FieldType, a: Scalar, b: Scalar): number {
  switch (type) {
    case FieldType.INTEGER: {
      const x = BigInt(a as string);
      const y = BigInt(b as string);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case FieldType.DECIMAL:
      return compareDecimal(String(a), String(b));
    case FieldType.DATETIME:
      return Math.sign(Date.parse(String(a)) - Date.parse(String(b)));
    case FieldType.BOOLEAN:
      return a === b ? 0 : a ? 1 : -1;
    default:
      return a === b ? 0 : String(a) < String(b) ? -1 : 1;
  }
}

/**
 * Evaluates a condition on one row in memory, with SQL's two-valued reading of this language:
 * a comparison with a null cell is false, and its negation true. The reference the SQL compiler
 * is tested against.
 */
export function evaluate(cond: Cond, row: Record<string, unknown>, fields: FieldTypes): boolean {
  switch (cond.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return cond.items.every((item) => evaluate(item, row, fields));
    case 'or':
      return cond.items.some((item) => evaluate(item, row, fields));
    case 'not':
      return !evaluate(cond.item, row, fields);
    case 'cmp': {
      const type = fields.get(cond.field)!;
      const cell = row[cond.field];
      if (cond.op === 'isNull') return (cell === null || cell === undefined) === cond.value;
      if (cell === null || cell === undefined) return cond.op === 'neq' || cond.op === 'nin';
      const actual = normaliseValue(type, typeof cell === 'number' && type === FieldType.DECIMAL ? String(cell) : cell);
      if (actual === null) return false;
      const is = (value: Scalar) => compare(type, actual, value) === 0;
      switch (cond.op) {
        case 'eq':
          return is(cond.value);
        case 'neq':
          return !is(cond.value);
        case 'in':
          return cond.value.some(is);
        case 'nin':
          return !cond.value.some(is);
        case 'like':
          return likeMatches(String(cond.value), String(actual));
        default: {
          const order = compare(type, actual, cond.value);
          return cond.op === 'lt' ? order < 0 : cond.op === 'lte' ? order <= 0 : cond.op === 'gt' ? order > 0 : order >= 0;
        }
      }
    }
  }
}
