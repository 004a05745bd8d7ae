import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestWithContext } from '@causeway/core';
import { getVariableValues, GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** An outsider: no credentials (refusal null), or credentials refused (the refusal's message). */
export interface Outsider {
  refusal: string | null;
}

/** What the plugin needs of the registry: who is an outsider, and the schema outsiders see. */
export interface OpenSchemaSource {
  outsider(request: RequestWithContext): Promise<Outsider | null>;
  openSchemaFor(served: GraphQLSchema): GraphQLSchema;
}

interface Problem {
  error: GraphQLError;
  code: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT' | 'UNAUTHENTICATED';
}

/**
 * What an outsider's document gets wrong against the open schema. Refused credentials are told
 * so instead (the same answer whatever the document names), which is what such a client needs.
 */
function problemsFor(outsider: Outsider, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined, variables: Record<string, unknown> | undefined): Problem[] {
  const found = openSchemaProblems(schema, document, operation, variables);
  if (found.length === 0 || outsider.refusal === null) return found;
  return [{ error: new GraphQLError(outsider.refusal), code: 'UNAUTHENTICATED' }];
}

/** The document and its variables checked against the open schema, as Apollo checks them against the served one. */
function openSchemaProblems(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined, variables: Record<string, unknown> | undefined): Problem[] {
  const invalid = validate(schema, document, specifiedRules);
  if (invalid.length > 0 || !operation) return invalid.map((error) => ({ error, code: 'GRAPHQL_VALIDATION_FAILED' }));
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
  return (coerced.errors ?? []).map((error) => ({ error, code: 'BAD_USER_INPUT' }));
}

const statusOf = (problems: readonly Problem[]) => (problems[0]?.code === 'UNAUTHENTICATED' ? 401 : 400);

function formatted({ error, code }: Problem): GraphQLFormattedError {
  // Suggestions could only name what the open schema holds; they are dropped everywhere anyway.
  const message = error.message.replace(/\s*Did you mean .*\?\s*$/, '');
  return { message, ...(error.locations ? { locations: error.locations } : {}), extensions: { code } };
}

/**
 * Outsiders (no credentials, or refused ones) learn nothing of the schema beyond what they may
 * read: every document they send is checked against the open schema (the static schema plus
 * the typed fields of OPEN datasets, their PUBLIC fields only), and when that check fails, its
 * errors are the whole answer. A typed field, a row type, a where input or a SECRET field of a
 * closed dataset is then refused exactly as a name that does not exist: same message, same code,
 * same status, whether the served schema refused the document or accepted it.
 */
export function openSchemaPlugin(source: OpenSchemaSource): ApolloServerPlugin<{ req: RequestWithContext }> {
  return {
    async requestDidStart() {
      let problems: Problem[] | null = null;
      let executed = false;
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          const outsider = await source.outsider(contextValue.req);
          if (!outsider) return;
          const found = problemsFor(outsider, source.openSchemaFor(schema), document, operation, request.variables);
          if (found.length === 0) return;
          problems = found;
          // willSendResponse replaces this with every problem found.
          throw new GraphQLError(found[0]!.error.message, { extensions: { code: found[0]!.code, http: { status: statusOf(found) } } });
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ schema, document, operation, request, response, contextValue }) {
          if (executed || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          if (!problems) {
            // The served schema refused the document (or a limit did): answer as the open schema would.
            const outsider = document ? await source.outsider(contextValue.req) : null;
            if (!document || !outsider) return;
            const found = problemsFor(outsider, source.openSchemaFor(schema), document, operation, request.variables);
            if (found.length === 0) return;
            problems = found;
          }
          response.body.singleResult = { errors: problems.map(formatted) };
          response.http.status = statusOf(problems);
        },
      };
    },
  };
}
