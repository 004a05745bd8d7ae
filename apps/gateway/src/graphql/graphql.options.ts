import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ErrorCode } from '@causeway/core';
import type { AuthGuard } from '@causeway/identity';
import { GraphQLError, type ValidationContext } from 'graphql';
import { argumentChecksPlugin } from './argument-checks.js';
import { auditRejectionsPlugin } from './audit-rejections.plugin.js';
import { formatGraphQLError } from './format-error.js';
import { graphqlIdePlugin } from './graphql-ide.js';
import { introspectionForAuthenticatedPlugin } from './introspection.plugin.js';

/** Limits on every operation; generous for real clients, tight for abuse. */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 5_000,
  maxCost: 20_000,
};

/**
 * Reports a refusal of graphql-armor as QUERY_TOO_COMPLEX, the documented code (armor's own
 * reporter files it as BAD_USER_INPUT); the operation is answered 400 before it runs.
 */
const reportTooComplex = (context: ValidationContext | null, error: GraphQLError): void => {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } }));
};

export function graphqlOptions(guard: AuthGuard): ApolloDriverConfig {
  const rejection = () => ({ exposeLimits: true, propagateOnRejection: false, onReject: [reportTooComplex] });
  const armor = new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, flattenFragments: true, ...rejection() },
    maxAliases: { n: OPERATION_LIMITS.maxAliases, ...rejection() },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives, ...rejection() },
    // Counted by graphql-js's own parser instead (parseOptions): armor's counter throws where Apollo answers 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost, ...rejection() },
    blockFieldSuggestion: { enabled: true },
  });
  const protection = armor.protect();
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Guards (and so access policies) apply to nested field resolvers too.
    fieldResolverEnhancers: ['guards'],
    formatError: formatGraphQLError,
    parseOptions: { maxTokens: OPERATION_LIMITS.maxTokens },
    validationRules: protection.validationRules,
    // @nestjs/apollo types its options against Apollo's CommonJS build; the plugins are the ESM build's.
    // Apollo's cache-control plugin wraps every field resolver (≈30 % of a 100-row answer): off.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ...protection.plugins,
      argumentChecksPlugin(),
      introspectionForAuthenticatedPlugin(guard),
      auditRejectionsPlugin(guard),
      graphqlIdePlugin(),
    ] as unknown as ApolloDriverConfig['plugins'],
  };
}
