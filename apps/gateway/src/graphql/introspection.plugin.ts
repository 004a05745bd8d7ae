import type { ApolloServerPlugin } from '@apollo/server';
import { unauthenticated, type RequestWithContext } from '@causeway/core';
import type { AuthGuard } from '@causeway/identity';
import { GraphQLError, type SelectionSetNode } from 'graphql';

function asksForIntrospection(selectionSet: SelectionSetNode | undefined): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    if (selection.kind === 'Field') return selection.name.value === '__schema' || selection.name.value === '__type';
    if (selection.kind === 'InlineFragment') return asksForIntrospection(selection.selectionSet);
    return false;
  });
}

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
            throw new GraphQLError((error as Error).message, { extensions: { code: 'UNAUTHENTICATED' } });
          }
          if (ctx.principal.kind === 'ANONYMOUS') {
            const refusal = unauthenticated('Introspection needs credentials: send `Authorization: Bearer <api key or login token>`');
            throw new GraphQLError(refusal.message, { extensions: { code: refusal.code } });
          }
        },
      };
    },
  };
}
