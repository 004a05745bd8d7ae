import { FieldType, MaskType } from '@causeway/catalogue';
import {
  assertValidSchema,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  type GraphQLEnumValueConfigMap,
  type GraphQLFieldConfigMap,
  type GraphQLFieldResolver,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import { maskYieldsText } from '../masks.js';

/**
 * Typed root fields for published datasets, added to the static schema at run time: one per
 * dataset, named by its apiName, with a typed where input, an orderBy enum and a typed
 * connection. Pure: the registry decides when to rebuild and supplies the resolver, which runs
 * the same engine as `records`.
 */

export interface TypedField {
  name: string;
  title: string;
  type: FieldType;
  mask: MaskType;
  description: string | null;
}

export interface TypedDataset {
  code: string;
  apiName: string;
  title: string;
  fields: TypedField[];
}

/** What a typed root field resolves with: the dataset's code. */
export type TypedResolverFactory = (dataset: TypedDataset) => GraphQLFieldResolver<unknown, unknown>;

export interface TypedSchemaResult {
  schema: GraphQLSchema;
  /** Root field name → dataset code, for every typed field served. */
  fields: Map<string, string>;
  /** Datasets left out, with why (a name taken by the static schema or another dataset). */
  skipped: { code: string; reason: string }[];
}

const invalid = (what: string) => new GraphQLError(`Expected ${what}`);

const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'A 64-bit whole number: a JSON number when exact, else its decimal digits as a string.',
  serialize: (value) => value,
  parseValue: (value) => {
    if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d{1,19}$/.test(value))) return value;
    throw invalid('a whole number, or its decimal digits as a string');
  },
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || (ast.kind === Kind.STRING && /^-?\d{1,19}$/.test(ast.value))) return ast.value;
    throw invalid('a whole number, or its decimal digits as a string');
  },
});

const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, served as text (e.g. "12000.50"); accepted as a number or text.',
  serialize: (value) => value,
  parseValue: (value) => {
    if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && /^-?\d{1,100}(\.\d{1,100})?$/.test(value))) return value;
    throw invalid('a decimal number');
  },
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT || (ast.kind === Kind.STRING && /^-?\d{1,100}(\.\d{1,100})?$/.test(ast.value))) return ast.value;
    throw invalid('a decimal number');
  },
});

const textScalar = (name: string, description: string, pattern: RegExp, expected: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (value) => value,
    parseValue: (value) => {
      if (typeof value === 'string' && pattern.test(value)) return value;
      throw invalid(expected);
    },
    parseLiteral: (ast) => {
      if (ast.kind === Kind.STRING && pattern.test(ast.value)) return ast.value;
      throw invalid(expected);
    },
  });

const DateScalar = textScalar('Date', 'A calendar date, YYYY-MM-DD.', /^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const TimestampScalar = textScalar(
  'Timestamp',
  'A date-time as ISO 8601 text with a time zone, e.g. 2026-01-31T08:00:00+08:00 (served in UTC).',
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/,
  'an ISO 8601 date-time with a time zone',
);

const OUTPUT: Record<FieldType, () => GraphQLOutputType> = {
  [FieldType.STRING]: () => GraphQLString,
  [FieldType.INTEGER]: () => BigIntScalar,
  [FieldType.DECIMAL]: () => DecimalScalar,
  [FieldType.BOOLEAN]: () => GraphQLBoolean,
  [FieldType.DATE]: () => DateScalar,
  [FieldType.DATETIME]: () => TimestampScalar,
  [FieldType.JSON]: () => GraphQLString,
};

function comparison(name: string, scalar: GraphQLInputType, operators: readonly string[]): GraphQLInputObjectType {
  const list = new GraphQLList(new GraphQLNonNull(scalar));
  const fields: GraphQLInputFieldConfigMap = {};
  for (const operator of operators) {
    if (operator === 'in' || operator === 'nin') fields[operator] = { type: list };
    else if (operator === 'isNull') fields[operator] = { type: GraphQLBoolean };
    else fields[operator] = { type: scalar };
  }
  return new GraphQLInputObjectType({ name, description: `Comparisons of a ${name.replace(/Comparison$/, '')} field; several combine with AND.`, fields });
}

const EQUALITY = ['eq', 'neq', 'in', 'nin', 'isNull'];
const ORDERED = [...EQUALITY, 'lt', 'lte', 'gt', 'gte'];

/** The shared types every typed field uses; built once, reused by every schema version. */
function sharedTypes(json: GraphQLInputType): Record<FieldType, GraphQLInputObjectType> & { scalars: GraphQLNamedType[] } {
  return {
    [FieldType.STRING]: comparison('StringComparison', GraphQLString, [...ORDERED, 'like']),
    [FieldType.INTEGER]: comparison('BigIntComparison', BigIntScalar, ORDERED),
    [FieldType.DECIMAL]: comparison('DecimalComparison', DecimalScalar, ORDERED),
    [FieldType.BOOLEAN]: comparison('BooleanComparison', GraphQLBoolean, EQUALITY),
    [FieldType.DATE]: comparison('DateComparison', DateScalar, ORDERED),
    [FieldType.DATETIME]: comparison('TimestampComparison', TimestampScalar, ORDERED),
    [FieldType.JSON]: comparison('JsonComparison', json, ['isNull']),
    scalars: [BigIntScalar, DecimalScalar, DateScalar, TimestampScalar],
  };
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
/** Enum values cannot be true, false or null. */
const ENUM_VALUE = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/**
 * Builds the served schema: the static schema's types and root fields, plus one typed root
 * field per dataset. The result is validated; the caller keeps the previous schema on failure.
 */
export function buildTypedSchema(base: GraphQLSchema, datasets: readonly TypedDataset[], resolverFor: TypedResolverFactory): TypedSchemaResult {
  const baseConfig = base.toConfig();
  const baseQuery = base.getQueryType();
  if (!baseQuery) throw new Error('the static schema has no Query type');
  const pageInfo = base.getType('PageInfo') as GraphQLObjectType | undefined;
  const sortDirection = base.getType('SortDirection') as GraphQLEnumType | undefined;
  const json = base.getType('JSON') as GraphQLScalarType | undefined;
  if (!pageInfo || !sortDirection || !json) throw new Error('the static schema lacks PageInfo, SortDirection or JSON');

  const shared = sharedTypes(json);
  const taken = new Set(Object.keys(base.getTypeMap()));
  const sharedNames = [...shared.scalars.map((type) => type.name), ...Object.values(FieldType).map((type) => shared[type].name)];
  const clashes = sharedNames.filter((name) => taken.has(name));
  if (clashes.length > 0) throw new Error(`the static schema already defines ${clashes.join(', ')}`);
  sharedNames.forEach((name) => taken.add(name));
  const rootFields = new Set(Object.keys(baseQuery.getFields()));

  const queryFields: GraphQLFieldConfigMap<unknown, unknown> = {};
  const added: GraphQLNamedType[] = [];
  const served = new Map<string, string>();
  const skipped: TypedSchemaResult['skipped'] = [];

  for (const dataset of datasets) {
    const prefix = pascal(dataset.apiName);
    const names = { row: `${prefix}Row`, edge: `${prefix}Edge`, connection: `${prefix}Connection`, where: `${prefix}Where`, order: `${prefix}Order`, orderField: `${prefix}OrderField` };
    if (rootFields.has(dataset.apiName)) {
      skipped.push({ code: dataset.code, reason: `the root field ${dataset.apiName} is taken` });
      continue;
    }
    const clash = Object.values(names).find((name) => taken.has(name));
    if (clash) {
      skipped.push({ code: dataset.code, reason: `the type name ${clash} is taken` });
      continue;
    }
    if (dataset.fields.length === 0) {
      skipped.push({ code: dataset.code, reason: 'it has no fields' });
      continue;
    }

    const rowFields: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const field of dataset.fields) {
      rowFields[field.name] = {
        type: maskYieldsText(field.mask, field.type) ? GraphQLString : OUTPUT[field.type](),
        description: [field.title, field.description, field.mask !== MaskType.NONE ? `Masked (${field.mask}) unless your department may read it in clear.` : null]
          .filter(Boolean)
          .join(' — '),
      };
    }
    // Field names start with a lower-case letter, so this name never meets one.
    rowFields._disputed = {
      type: new GraphQLNonNull(GraphQLBoolean),
      description: 'True while an open objection (异议) says this record is wrong; the provider is checking it.',
      resolve: (node) => (node as Record<string, unknown>)._disputed === true,
    };
    const row = new GraphQLObjectType({ name: names.row, description: `A row of ${dataset.code} (${dataset.title}).`, fields: rowFields });
    const edge = new GraphQLObjectType({ name: names.edge, fields: { cursor: { type: new GraphQLNonNull(GraphQLString) }, node: { type: new GraphQLNonNull(row) } } });
    const connection = new GraphQLObjectType({
      name: names.connection,
      fields: {
        nodes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(row))) },
        edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))) },
        pageInfo: { type: new GraphQLNonNull(pageInfo) },
        totalCount: { type: new GraphQLNonNull(GraphQLInt), description: 'Rows matching the query (computed only when asked for).' },
      },
    });
    const where: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: names.where,
      description: `Filter on ${dataset.code}: comparisons per field, combined with _and, _or, _not. Filtering on a field needs it in clear.`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const field of dataset.fields) fields[field.name] = { type: shared[field.type] };
        fields._and = { type: new GraphQLList(new GraphQLNonNull(where)) };
        fields._or = { type: new GraphQLList(new GraphQLNonNull(where)) };
        fields._not = { type: where };
        return fields;
      },
    });
    const sortable = dataset.fields.filter((field) => field.type !== FieldType.JSON && ENUM_VALUE.test(field.name) && !['true', 'false', 'null'].includes(field.name));
    const args: Record<string, { type: GraphQLInputType; defaultValue?: unknown; description?: string }> = {
      where: { type: where },
      first: { type: GraphQLInt, defaultValue: 100, description: 'At most 1000.' },
      after: { type: GraphQLString },
    };
    const types: GraphQLNamedType[] = [row, edge, connection, where];
    if (sortable.length > 0) {
      const values: GraphQLEnumValueConfigMap = {};
      for (const field of sortable) values[field.name] = { value: field.name, description: field.title };
      const orderField = new GraphQLEnumType({ name: names.orderField, values });
      const order = new GraphQLInputObjectType({
        name: names.order,
        fields: { field: { type: new GraphQLNonNull(orderField) }, direction: { type: new GraphQLNonNull(sortDirection), defaultValue: 'ASC' } },
      });
      args.orderBy = { type: new GraphQLList(new GraphQLNonNull(order)), description: 'Sorting on a field needs it in clear; rows tie-break in file order.' };
      types.push(orderField, order);
    }
    queryFields[dataset.apiName] = {
      type: new GraphQLNonNull(connection),
      description: `${dataset.title} (${dataset.code}): rows as your department may read them, clear or masked.`,
      args,
      resolve: resolverFor(dataset),
    };
    Object.values(names).forEach((name) => taken.add(name));
    rootFields.add(dataset.apiName);
    added.push(...types);
    served.set(dataset.apiName, dataset.code);
  }

  const baseQueryConfig = baseQuery.toConfig();
  const query = new GraphQLObjectType({ ...baseQueryConfig, fields: { ...baseQueryConfig.fields, ...queryFields } });
  const schema = new GraphQLSchema({
    ...baseConfig,
    query,
    types: [...baseConfig.types.filter((type) => type !== baseQuery), ...shared.scalars, ...Object.values(FieldType).map((type) => shared[type]), ...added],
    // toConfig() carries assumeValid; a new schema is checked before it is served.
    assumeValid: false,
  });
  assertValidSchema(schema);
  return { schema, fields: served, skipped };
}
