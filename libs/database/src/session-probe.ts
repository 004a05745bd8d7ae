import { ConfigurationError } from '@causeway/core';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const PROBE_MS = 5_000;

/**
 * Causeway needs connections that are sessions: its change feed LISTENs, migrations hold an
 * advisory lock, and the data pool sets session options. A pooler in transaction mode (pgbouncer
 * with pool_mode=transaction) hands each transaction to any server connection, so a LISTEN hears
 * nothing. Checked at start: one connection listens, another notifies; not hearing it within a few
 * seconds refuses the start with what to change, instead of caches that silently never invalidate.
 */
export async function assertSessionConnections(url: string): Promise<void> {
  const channel = `causeway_probe_${randomBytes(8).toString('hex')}`;
  const listener = new pg.Client({ connectionString: url, application_name: 'causeway-session-probe' });
  const sender = new pg.Client({ connectionString: url, application_name: 'causeway-session-probe' });
  listener.on('error', () => undefined);
  sender.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await listener.connect();
    await sender.connect();
    const heard = new Promise<boolean>((resolve) => {
      listener.on('notification', (message) => {
        if (message.channel === channel) resolve(true);
      });
      timer = setTimeout(() => resolve(false), PROBE_MS);
    });
    await listener.query(`listen ${channel}`);
    await sender.query('select pg_notify($1, $2)', [channel, 'probe']);
    if (!(await heard)) {
      throw new ConfigurationError([
        'DATABASE_URL does not give session connections: a LISTEN on one connection did not hear a NOTIFY sent from another. ' +
          'It probably goes through a connection pooler in transaction mode (pgbouncer pool_mode=transaction). Causeway needs sessions ' +
          'for its change feed, advisory locks and session settings: point DATABASE_URL straight at PostgreSQL, or run pgbouncer with pool_mode=session.',
      ]);
    }
  } finally {
    clearTimeout(timer);
    await Promise.all([listener.end().catch(() => undefined), sender.end().catch(() => undefined)]);
  }
}
