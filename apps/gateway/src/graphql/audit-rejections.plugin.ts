import type { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { clipEchoes, ErrorCode, type RequestWithContext } from '@causeway/core';
import { GraphQLError } from 'graphql';
import { TOO_MANY_TOKENS } from './format-error.js';
import type { AuthGuard } from '@causeway/identity';

const logger = new Logger('AuditRejections');

/**
 * Operations refused before they run (unparseable, invalid, over the depth/cost/alias limits,
 * introspection without credentials) never reach a resolver, a guard or the audit interceptor:
 * this puts them on the audit record before the refusal is answered. Errors raised while an
 * operation runs are recorded by the operation itself.
 */
export function auditRejectionsPlugin(guard: AuthGuard): ApolloServerPlugin<{ req: RequestWithContext }> {
  return {
    async requestDidStart() {
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async didEncounterErrors({ errors, contextValue, request }) {
          if (executed || !contextValue?.req) return;
          const first = errors[0];
          // An operation over the limits carries QUERY_TOO_COMPLEX on the error Apollo wrapped.
          const codes = [first?.originalError instanceof GraphQLError ? first.originalError.extensions?.code : undefined, first?.extensions?.code];
          const tooComplex = codes.includes(ErrorCode.QUERY_TOO_COMPLEX) || TOO_MANY_TOKENS.test(first?.message ?? '');
          const code = tooComplex ? ErrorCode.QUERY_TOO_COMPLEX : typeof codes[1] === 'string' ? codes[1] : 'GRAPHQL_VALIDATION_FAILED';
          const reason = clipEchoes(`${code}: ${first?.message ?? 'refused'}`).slice(0, 500);
          try {
            await guard.recordRefusal(contextValue.req, `graphql.rejected${request.operationName ? `.${request.operationName.slice(0, 100)}` : ''}`, reason);
          } catch (error) {
            // The request is refused either way and carries no data; the failure is in the writer's metrics.
            logger.error(`refusal not recorded: ${(error as Error).message}`);
          }
        },
      };
    },
  };
}
