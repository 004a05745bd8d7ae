import { Client, CombinedError, cacheExchange, fetchExchange, mapExchange } from '@urql/core';
import i18n from './i18n';
import { currentSession, endSession } from './session';

/**
 * The console is a client of the public GraphQL API like any department system. Queries go as
 * POST: Apollo's CSRF protection refuses the GET urql would otherwise send.
 */
export function createApiClient(): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => {
      const session = currentSession();
      const headers: Record<string, string> = session ? { authorization: `Bearer ${session.token}` } : {};
      return { headers };
    },
    exchanges: [
      mapExchange({
        onError(error) {
          // An expired or revoked token: back to the login page, saying why.
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') || error.response?.status === 401) endSession('expired');
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}

const CODE_MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: 'error.UNAUTHENTICATED',
  FORBIDDEN: 'error.FORBIDDEN',
  FORBIDDEN_FIELDS: 'error.FORBIDDEN',
  BAD_USER_INPUT: 'error.BAD_USER_INPUT',
  NOT_FOUND: 'error.NOT_FOUND',
  CONFLICT: 'error.CONFLICT',
  RATE_LIMITED: 'error.RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'error.SERVICE_UNAVAILABLE',
  AUDIT_UNAVAILABLE: 'error.AUDIT_UNAVAILABLE',
};

/** The API's error, prefixed with what it means in the reader's language. */
export function describeError(error: CombinedError | Error | unknown): string {
  if (error instanceof CombinedError) {
    if (error.networkError) return `${i18n.t('error.network')}: ${error.networkError.message}`;
    return error.graphQLErrors
      .map((e) => {
        const code = typeof e.extensions?.code === 'string' ? e.extensions.code : '';
        const key = CODE_MESSAGES[code];
        return key ? `${i18n.t(key)}: ${e.message}` : e.message;
      })
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
