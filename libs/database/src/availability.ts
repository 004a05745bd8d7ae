import { CausewayError, ErrorCode } from '@causeway/core';
import type { EventEmitter } from 'node:events';

/** How long a caller is told to wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket failures of a connection to a server that is gone, restarting or unreachable. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** SQLSTATEs of a server that is shutting down, starting up or has dropped the session (class 08: connection exception). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '57P05']);

/** What node-postgres and TypeORM say when a connection broke or could not be made. */
const BROKEN_CONNECTION =
  /Connection terminated|is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to administrator command/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * Whether an error means "the database cannot be reached right now" (stopped, restarting, the
 * connection dropped) rather than a problem of the statement: such errors are answered
 * SERVICE_UNAVAILABLE (HTTP 503), never 500. TypeORM's wrappers are looked through.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const candidate = current as ErrorLike;
    if (candidate instanceof CausewayError) return candidate.code === ErrorCode.SERVICE_UNAVAILABLE;
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    // A query runner whose connection broke was released by TypeORM; its next statement says so.
    if (candidate.name === 'QueryRunnerAlreadyReleasedError') return true;
    if (typeof candidate.message === 'string' && BROKEN_CONNECTION.test(candidate.message)) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}

/** The answer while the database is away (or every connection stays busy): 503, retry shortly. */
export function databaseUnavailable(why: 'away' | 'busy' = 'away'): CausewayError {
  const message = why === 'busy' ? 'Every database connection of the gateway is busy; retry shortly' : 'The database is unavailable at the moment; retry shortly';
  return new CausewayError(ErrorCode.SERVICE_UNAVAILABLE, message, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
}

/** The error to answer for `error`: SERVICE_UNAVAILABLE when the database is away, else the error itself. */
export function asUnavailable(error: unknown): unknown {
  if (!isDatabaseUnavailable(error) || error instanceof CausewayError) return error;
  // A pool that waited in vain for a free connection: the database may well be up, but saturated.
  return databaseUnavailable(/timeout exceeded when trying to connect/i.test((error as Error).message ?? '') ? 'busy' : 'away');
}

/**
 * Listens for `error` on a client checked out of a pg pool, for as long as it is held. A pool
 * listens only to its idle clients: a held client whose server goes away emits `error`, and an
 * `error` event nobody listens to ends the process. The statement in flight (if any) fails on its
 * own; the holder then releases the client with the error, so that the pool discards it.
 * Answers the function that stops listening (call it before releasing).
 */
export function guardClient(client: EventEmitter, onError: (error: Error) => void): () => void {
  const listener = (error: Error) => onError(error);
  client.on('error', listener);
  return () => client.removeListener('error', listener);
}
