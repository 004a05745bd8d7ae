import { ConfigurationError } from '@causeway/core';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const PROBE_MS = 5_000;
/** A harmless setting sent as a startup option, read back to see that it took. */
const PROBE_OPTION = { name: 'statement_timeout', value: '4321ms' };

const STRAIGHT =
  'Point DATABASE_URL straight at PostgreSQL (Causeway keeps its own bounded pools; see docs/deployment.md, "Connection poolers").';

/**
 * Causeway needs connections that are sessions of PostgreSQL itself: its change feed LISTENs,
 * migrations hold an advisory lock, and the data pool sets session settings as startup options.
 * A pooler in between (pgbouncer) rejects or silently drops startup options, and in transaction
 * mode hands each transaction to any server connection, so a LISTEN hears nothing. Checked at
 * start, refusing with what to change instead of a read-only pool that is not read-only or caches
 * that never invalidate.
 */
export async function assertSessionConnections(url: string): Promise<void> {
  const channel = `causeway_probe_${randomBytes(8).toString('hex')}`;
  const listener = new pg.Client({ connectionString: url, application_name: 'causeway-session-probe', options: `-c ${PROBE_OPTION.name}=${PROBE_OPTION.value}` });
  const sender = new pg.Client({ connectionString: url, application_name: 'causeway-session-probe' });
  listener.on('error', () => undefined);
  sender.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      await listener.connect();
    } catch (error) {
      if (!/startup parameter/i.test((error as Error).message)) throw error;
      throw new ConfigurationError([`DATABASE_URL refuses startup options ("${(error as Error).message}"): it goes through a connection pooler such as pgbouncer. ${STRAIGHT}`]);
    }
    const [{ setting }] = (await listener.query<{ setting: string }>('select current_setting($1) as setting', [PROBE_OPTION.name])).rows as [{ setting: string }];
    if (setting !== PROBE_OPTION.value) {
      throw new ConfigurationError([`DATABASE_URL drops startup options (a setting sent at connect did not take): it goes through a connection pooler such as pgbouncer with ignore_startup_parameters. ${STRAIGHT}`]);
    }
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
        'DATABASE_URL does not give session connections: a LISTEN on one connection did not hear a NOTIFY sent from another, as behind a connection ' +
          `pooler in transaction mode (pgbouncer pool_mode=transaction). The change feed, advisory locks and session settings need sessions. ${STRAIGHT}`,
      ]);
    }
  } finally {
    clearTimeout(timer);
    await Promise.all([listener.end().catch(() => undefined), sender.end().catch(() => undefined)]);
  }
}
