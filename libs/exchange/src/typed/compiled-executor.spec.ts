import { describe, expect, it } from '@jest/globals';
import { buildSchema, GraphQLError, GraphQLScalarType, Kind, parse, valueFromASTUntyped, type GraphQLSchema } from 'graphql';
import { CompiledExecutor } from './compiled-executor.js';

class Refusal extends Error {
  readonly code = 'FORBIDDEN_FIELDS';
}

function schemaWith(resolvers: Record<string, (args: Record<string, unknown>) => unknown>): GraphQLSchema {
  const schema = buildSchema(`
    input Where { name: String, _and: [Where!], _or: [Where!] }
    type Row { name: String, age: Int }
    scalar JSON
    input FieldInput { name: String!, mask: String! = "NONE" }
    type Query { rows(where: Where, first: Int): [Row!]!, secret: String!, echo(value: JSON): String, define(fields: [FieldInput!]!): String }
  `);
  // A JSON scalar as graphql-scalars has it: its literal may hold variables.
  Object.assign(schema.getType('JSON') as GraphQLScalarType, {
    parseLiteral: (node: Parameters<typeof valueFromASTUntyped>[0], variables?: Record<string, unknown>) => (node.kind === Kind.NULL ? null : valueFromASTUntyped(node, variables)),
    parseValue: (value: unknown) => value,
  });
  const query = schema.getQueryType()!.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) query[name]!.resolve = (_parent, args) => resolve(args);
  return schema;
}

const run = (executor: CompiledExecutor, schema: GraphQLSchema, text: string, variables: Record<string, unknown> = {}) =>
  executor.execute({ schema, document: parse(text), request: { variables }, context: {} });

describe('CompiledExecutor', () => {
  it('answers as graphql-js does, variables coerced', async () => {
    const seen: unknown[] = [];
    const schema = schemaWith({ rows: (args) => (seen.push(args.first), [{ name: 'a', age: 1 }]) });
    const answer = await run(new CompiledExecutor(), schema, 'query($n: Int) { rows(first: $n) { name age } }', { n: 3 });
    expect(answer).toEqual({ data: { rows: [{ name: 'a', age: 1 }] } });
    expect(seen).toEqual([3]);
  });

  it('runs an operation whose variable is a self-containing input on graphql-js instead of compiling forever', async () => {
    const schema = schemaWith({ rows: (args) => [{ name: JSON.stringify(args.where), age: 2 }] });
    const answer = await run(new CompiledExecutor(), schema, 'query($w: Where) { rows(where: $w) { name } }', { w: { _and: [{ name: 'x' }] } });
    expect(answer).toEqual({ data: { rows: [{ name: '{"_and":[{"name":"x"}]}' }] } });
  });

  it('fills an input field’s default in a variable, as graphql-js does', async () => {
    const schema = schemaWith({ define: (args) => JSON.stringify(args.fields) });
    const answer = await run(new CompiledExecutor(), schema, 'query($f: [FieldInput!]!) { define(fields: $f) }', { f: [{ name: 'a' }] });
    expect(answer).toEqual({ data: { define: '[{"name":"a","mask":"NONE"}]' } });
  });

  it('reads a variable inside a scalar literal with each request’s value', async () => {
    const schema = schemaWith({ echo: (args) => JSON.stringify(args.value) });
    const executor = new CompiledExecutor();
    const document = parse('query($k: String) { echo(value: { regNo: { eq: $k } }) }');
    const first = await executor.execute({ schema, document, request: { variables: { k: 'R1' } }, context: {} });
    const second = await executor.execute({ schema, document, request: { variables: { k: 'R2' } }, context: {} });
    expect([first.data, second.data]).toEqual([{ echo: '{"regNo":{"eq":"R1"}}' }, { echo: '{"regNo":{"eq":"R2"}}' }]);
  });

  it('hands on a resolver’s refusal as a real GraphQLError carrying the refusal as its cause, path and location kept', async () => {
    const schema = schemaWith({ secret: () => Promise.reject(new Refusal('You may not read secret')) });
    const answer = await run(new CompiledExecutor(), schema, '{ secret }');
    expect(answer.data).toBeNull();
    const [error] = answer.errors!;
    expect(Object.getPrototypeOf(error)).toBe(GraphQLError.prototype);
    expect(error!.originalError).toBeInstanceOf(Refusal);
    expect(error!.message).toBe('You may not read secret');
    expect(error!.path).toEqual(['secret']);
    expect(error!.locations).toEqual([{ line: 1, column: 3 }]);
  });

  it('keeps the operations of one document apart by name', async () => {
    const schema = schemaWith({ rows: () => [{ name: 'n', age: 7 }] });
    const executor = new CompiledExecutor();
    const document = parse('query Names { rows { name } } query Ages { rows { age } }');
    const names = await executor.execute({ schema, document, operationName: 'Names', request: {}, context: {} });
    const ages = await executor.execute({ schema, document, operationName: 'Ages', request: {}, context: {} });
    expect([names, ages]).toEqual([{ data: { rows: [{ name: 'n' }] } }, { data: { rows: [{ age: 7 }] } }]);
  });
});
