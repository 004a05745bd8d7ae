/**
 * The approval form's row-scope builder: a few conditions (field, operator, value) joined by AND,
 * written in the where-filter language of `records`, e.g. {"district": {"eq": {"$consumer": "divisionCode"}}}.
 */
export const OPERATORS = ['eq', 'neq', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'like'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The value a condition compares with: text typed by the steward, or an attribute of the consumer. */
export const CONSUMER_DIVISION = '$consumer.divisionCode';

export interface Condition {
  field: string;
  operator: Operator;
  value: string;
}

const NUMERIC_TYPES = new Set(['INTEGER', 'DECIMAL']);

function literal(value: string, fieldType: string | undefined): unknown {
  const trimmed = value.trim();
  if (fieldType && NUMERIC_TYPES.has(fieldType) && trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return fieldType === 'INTEGER' ? Number(trimmed) : trimmed;
  }
  if (fieldType === 'BOOLEAN' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return trimmed;
}

function operand(condition: Condition, fieldType: string | undefined): unknown {
  if (condition.value.trim() === CONSUMER_DIVISION) return { $consumer: 'divisionCode' };
  if (condition.operator === 'in' || condition.operator === 'nin') {
    return condition.value.split(/[,，]/).map((item) => literal(item, fieldType)).filter((item) => item !== '');
  }
  return literal(condition.value, fieldType);
}

/** The row scope for these conditions; null (every row) when there are none. */
export function buildRowScope(conditions: Condition[], fieldTypes: Record<string, string> = {}): Record<string, unknown> | null {
  const complete = conditions.filter((condition) => condition.field && condition.value.trim() !== '');
  const clauses = complete.map((condition) => ({ [condition.field]: { [condition.operator]: operand(condition, fieldTypes[condition.field]) } }));
  if (clauses.length === 0) return null;
  return clauses.length === 1 ? clauses[0]! : { _and: clauses };
}

/** Parses the raw JSON editor's text: null for empty, or a message saying what is wrong. */
export function parseRowScope(text: string): { scope: Record<string, unknown> | null } | { error: string } {
  if (text.trim() === '') return { scope: null };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null) return { scope: null };
    if (typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'the row scope must be a JSON object' };
    return { scope: parsed as Record<string, unknown> };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The scope as it applies to one consumer: each {"$consumer": attribute} replaced by that
 * consumer's value, as the gateway does when the consumer queries (used for the approval preview).
 */
export function resolveConsumer(scope: unknown, consumer: Record<string, string | null>): unknown {
  if (Array.isArray(scope)) return scope.map((item) => resolveConsumer(item, consumer));
  if (scope && typeof scope === 'object') {
    const entries = Object.entries(scope);
    if (entries.length === 1 && entries[0]![0] === '$consumer' && typeof entries[0]![1] === 'string') return consumer[entries[0]![1]] ?? null;
    return Object.fromEntries(entries.map(([key, value]) => [key, resolveConsumer(value, consumer)]));
  }
  return scope;
}
