import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

export const SCHEMA_FILE = 'schema/schema.graphql';

/**
 * The checked-in SDL: the static schema (typed dataset fields, which follow the catalogue at
 * run time, are not part of it), sorted so that diffs show real changes only.
 */
export function printSchemaArtifact(schema: GraphQLSchema): string {
  return [
    '# Causeway GraphQL schema — generated from the code by `npm run schema:write`; do not edit by hand.',
    '# A test fails when this file and the code disagree.',
    '',
    printSchema(lexicographicSortSchema(schema)),
    '',
  ].join('\n');
}
