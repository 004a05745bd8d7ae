import type { ApolloServerPlugin } from '@apollo/server';
import { CausewayError, ErrorCode, httpStatusOf, type RequestWithContext } from '@causeway/core';
import type { AuthGuard } from '@causeway/identity';
import { GraphQLError, type SelectionSetNode } from 'graphql';

function asksForIntrospection(selectionSet: SelectionSetNode | undefined): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    if (selection.kind === 'Field') return selection.name.value === '__schema' || selection.name.value === '__type';
    if (selection.kind === 'InlineFragment') return asksForIntrospection(selection.selectionSet);
    return false;
  });
}

/**
 * A refusal raised while Apollo resolves the operation is answered as HTTP 500 unless it names
 * its status: the IDE's first introspection without a key is a client mistake, so 401.
 */
const refusal = (code: ErrorCode, message: string): GraphQLError => new GraphQLError(message, { extensions: { code, http: { status: httpStatusOf(code) } } });

/** Introspection (the whole schema, every dataset's fields) only for authenticated callers. */
export function introspectionForAuthenticatedPlugin(guard: AuthGuard): ApolloServerPlugin<{ req: RequestWithContext }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const fragments = document.definitions.filter((definition) => definition.kind === 'FragmentDefinition');
          const introspects =
            asksForIntrospection(operation?.selectionSet) ||
            fragments.some((fragment) => fragment.kind === 'FragmentDefinition' && asksForIntrospection(fragment.selectionSet));
          if (!introspects) return;
          let ctx;
          try {
            ctx = await guard.authenticateRequest(contextValue.req);
          } catch (error) {
            if (error instanceof CausewayError) throw refusal(error.code, error.message);
            throw error;
          }
          if (ctx.principal.kind === 'ANONYMOUS') {
            throw refusal(ErrorCode.UNAUTHENTICATED, 'Introspection needs credentials: send `Authorization: Bearer <api key or login token>`');
          }
        },
      };
    },
  };
}
