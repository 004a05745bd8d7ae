import { COLUMN_TYPES, FieldType } from '@causeway/catalogue';
import pg from 'pg';
import { ConditionError, type Cond, type FieldTypes, type Scalar } from './conditions.js';

/**
 * Collects the values of one statement. Values only ever travel as $n parameters with an
 * explicit cast; they are never written into the SQL text.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

export interface SqlScope {
  /** The field whitelist: the only identifiers that may reach the SQL text. */
  fields: FieldTypes;
  /** Table alias, chosen by the caller (never user input). */
  alias: string;
  params: SqlParams;
}

/** A quoted column of the whitelist; anything else throws. */
export function column(scope: Pick<SqlScope, 'fields' | 'alias'>, field: string): string {
  if (!scope.fields.has(field)) throw new ConditionError(`unknown field ${JSON.stringify(field)}`);
  return `${scope.alias}.${pg.escapeIdentifier(field)}`;
}

function checkValue(value: Scalar): Scalar {
  if (typeof value === 'string' && value.includes('\u0000')) throw new ConditionError('an unresolved placeholder reached SQL');
  return value;
}

/**
 * Compiles a condition to a SQL boolean expression. Negations are pushed down to the
 * comparisons (negation normal form) with explicit null handling, so that the SQL means what
 * `evaluate` means: a comparison with a null cell is false and its negation true. Positive
 * comparisons stay plain (`col = $1`) so that indexes serve them.
 */
export function compileCondition(cond: Cond, scope: SqlScope, negated = false): string {
  switch (cond.kind) {
    case 'true':
      return negated ? 'false' : 'true';
    case 'false':
      return negated ? 'true' : 'false';
    case 'not':
      return compileCondition(cond.item, scope, !negated);
    case 'and':
    case 'or': {
      if (cond.items.length === 0) return compileCondition(cond.kind === 'and' ? { kind: 'true' } : { kind: 'false' }, scope, negated);
      const joiner = (cond.kind === 'and') !== negated ? ' and ' : ' or ';
      return `(${cond.items.map((item) => compileCondition(item, scope, negated)).join(joiner)})`;
    }
    case 'cmp': {
      const type = scope.fields.get(cond.field);
      if (type === undefined) throw new ConditionError(`unknown field ${JSON.stringify(cond.field)}`);
      const col = column(scope, cond.field);
      const cast = COLUMN_TYPES[type];
      const orNull = (sql: string) => `(${sql} or ${col} is null)`;
      switch (cond.op) {
        case 'isNull':
          return cond.value !== negated ? `${col} is null` : `${col} is not null`;
        case 'in':
        case 'nin': {
          const list = scope.params.add(cond.value.map(checkValue), `${cast}[]`);
          const positive = (cond.op === 'in') !== negated;
          return positive ? `${col} = any(${list})` : orNull(`${col} <> all(${list})`);
        }
        case 'eq':
        case 'neq': {
          const value = scope.params.add(checkValue(cond.value), cast);
          const positive = (cond.op === 'eq') !== negated;
          return positive ? `${col} = ${value}` : orNull(`${col} <> ${value}`);
        }
        case 'like': {
          if (type !== FieldType.STRING) throw new ConditionError(`like does not apply to ${cond.field}`);
          const value = scope.params.add(checkValue(cond.value), 'text');
          return negated ? orNull(`${col} not like ${value}`) : `${col} like ${value}`;
        }
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte': {
          const value = scope.params.add(checkValue(cond.value), cast);
          const operator = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[cond.op];
          const inverse = { lt: '>=', lte: '>', gt: '<=', gte: '<' }[cond.op];
          return negated ? orNull(`${col} ${inverse} ${value}`) : `${col} ${operator} ${value}`;
        }
      }
    }
  }
}
