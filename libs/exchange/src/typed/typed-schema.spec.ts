import { describe, expect, it } from '@jest/globals';
import { FieldType, MaskType } from '@causeway/catalogue';
import { buildSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, printType } from 'graphql';
import { buildTypedSchema, type TypedDataset } from './typed-schema.js';

const BASE = buildSchema(`
  scalar JSON
  enum SortDirection { ASC DESC }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type RecordConnection { nodes: [JSON!]! }
  type Query { me: String records: RecordConnection }
`);

const field = (name: string, type: FieldType, mask: MaskType = MaskType.NONE) => ({ name, title: name, type, mask, description: null });
const people: TypedDataset = {
  code: 'PSB-POP',
  apiName: 'population',
  title: '人口',
  fields: [field('idCard', FieldType.STRING, MaskType.ID_CARD), field('age', FieldType.INTEGER), field('born', FieldType.DATE, MaskType.YEAR_ONLY), field('extra', FieldType.JSON), field('true', FieldType.BOOLEAN)],
};
const resolver = () => () => null;

describe('buildTypedSchema', () => {
  it('adds a typed root field with row, connection, where and orderBy types, keeping the static schema', () => {
    const { schema, fields } = buildTypedSchema(BASE, [people], resolver);
    expect([...fields]).toEqual([['population', 'PSB-POP']]);
    const query = schema.getQueryType()!.getFields();
    expect(Object.keys(query).sort()).toEqual(['me', 'population', 'records']);
    expect(String(query.population!.type)).toBe('PopulationConnection!');
    expect(query.population!.args.map((arg) => arg.name)).toEqual(['where', 'first', 'after', 'orderBy']);
    const row = schema.getType('PopulationRow') as GraphQLObjectType;
    // A mask that changes the type (YEAR_ONLY on a date) serves text; every row field is nullable;
    // the disputed flag is never null and cannot meet a field name (those start with a letter).
    expect(Object.fromEntries(Object.values(row.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      idCard: 'String',
      age: 'BigInt',
      born: 'String',
      extra: 'String',
      true: 'Boolean',
      _disputed: 'Boolean!',
    });
    // JSON cannot be sorted on; `true` cannot be an enum value.
    expect((schema.getType('PopulationOrderField') as GraphQLEnumType).getValues().map((value) => value.name)).toEqual(['idCard', 'age', 'born']);
    expect(printType(schema.getType('PopulationWhere') as GraphQLInputObjectType)).toContain('_not: PopulationWhere');
  });

  it('skips a dataset whose root field or type names are taken, instead of breaking the schema', () => {
    const clash = { ...people, code: 'X-RECORD', apiName: 'record' };
    const root = { ...people, code: 'X-ME', apiName: 'me' };
    const { schema, skipped } = buildTypedSchema(BASE, [people, clash, root, { ...people, code: 'PSB-POP-2' }], resolver);
    expect(skipped.map((entry) => entry.code)).toEqual(['X-RECORD', 'X-ME', 'PSB-POP-2']);
    expect(String(schema.getQueryType()!.getFields().me!.type)).toBe('String');
  });
});
