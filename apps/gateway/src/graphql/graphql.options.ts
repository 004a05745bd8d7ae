import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { AuthGuard } from '@causeway/identity';
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

export function graphqlOptions(guard: AuthGuard): ApolloDriverConfig {
  const armor = new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, propagateOnRejection: true, exposeLimits: true, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.maxAliases, exposeLimits: true },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives, exposeLimits: true },
    maxTokens: { n: OPERATION_LIMITS.maxTokens, exposeLimits: true },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost, exposeLimits: true },
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
    validationRules: protection.validationRules,
    // @nestjs/apollo types its options against Apollo's CommonJS build; the plugins are the ESM build's.
    // Apollo's cache-control plugin wraps every field resolver (≈30 % of a 100-row answer): off.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ...protection.plugins,
      introspectionForAuthenticatedPlugin(guard),
      auditRejectionsPlugin(guard),
      graphqlIdePlugin(),
    ] as unknown as ApolloDriverConfig['plugins'],
  };
}
