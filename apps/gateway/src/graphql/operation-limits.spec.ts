import { describe, expect, it } from '@jest/globals';
import type { AuthGuard } from '@causeway/identity';
import { buildSchema, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { graphqlOptions, OPERATION_LIMITS } from './graphql.options.js';

// The served schema has no cycle deep enough to pass maxDepth without introspection (which the
// depth limit ignores): the rule is exercised on a schema that nests.
const schema = buildSchema('type Node { id: ID  child: Node }  type Query { node: Node }');
const rules = graphqlOptions({} as AuthGuard).validationRules as ValidationRule[];

describe('operation limits', () => {
  it('an operation nested deeper than the limit is refused with QUERY_TOO_COMPLEX', () => {
    const deep = `{ node { ${'child { '.repeat(OPERATION_LIMITS.maxDepth + 1)}id${' }'.repeat(OPERATION_LIMITS.maxDepth + 1)} } }`;
    const errors = validate(schema, parse(deep), [...specifiedRules, ...rules]);
    expect(errors.map((error) => error.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(errors[0]!.message).toMatch(/^Query depth limit of 12 exceeded/);
  });

  it('an operation within the limits passes', () => {
    expect(validate(schema, parse('{ node { child { child { id } } } }'), [...specifiedRules, ...rules])).toEqual([]);
  });
});
