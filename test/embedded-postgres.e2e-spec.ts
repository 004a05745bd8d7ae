import { afterAll, describe, expect, it } from '@jest/globals';
import { CLUSTERS_FOR_UNREACHABLE_FOLDERS, EmbeddedPostgres } from '@causeway/database';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

describe('the embedded PostgreSQL', () => {
  const started: EmbeddedPostgres[] = [];
  let dataDir = '';

  afterAll(async () => {
    for (const server of started) await server.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts a real PostgreSQL on a free port, and a second process reuses it instead of starting another', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-embedded-'));
    await chmod(dataDir, 0o755);
    const first = await EmbeddedPostgres.open({ dataDir, fast: true });
    started.push(first);
    expect(first.owned).toBe(true);
    expect(first.port).not.toBe(5432);

    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    const { rows } = await client.query<{ version: string; trgm: string | null }>(
      "select version(), (select default_version from pg_available_extensions where name = 'pg_trgm') as trgm",
    );
    await client.end();
    expect(rows[0]!.version).toMatch(/^PostgreSQL 1[5-9]/);
    expect(rows[0]!.trgm).not.toBeNull();

    const second = await EmbeddedPostgres.open({ dataDir, fast: true });
    expect(second.owned).toBe(false);
    expect(second.port).toBe(first.port);
    expect(second.url).toBe(first.url);
  });

  it('keeps its data between runs', async () => {
    const server = started[0]!;
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query('create table kept (value text)');
    await client.query("insert into kept values ('still here')");
    await client.end();
    await server.stop();

    const again = await EmbeddedPostgres.open({ dataDir, fast: true });
    started.push(again);
    expect(again.owned).toBe(true);
    const reader = new pg.Client({ connectionString: again.url });
    await reader.connect();
    const { rows } = await reader.query<{ value: string }>('select value from kept');
    await reader.end();
    expect(rows).toEqual([{ value: 'still here' }]);
  });

  // As root, the server runs as "postgres"; a clone in a 0700 folder (mktemp -d, /root) is out of its reach.
  (process.getuid?.() === 0 ? it : it.skip)('as root, keeps the cluster of a data folder "postgres" cannot reach in a system folder, and finds it again', async () => {
    const locked = await mkdtemp(path.join(os.tmpdir(), 'causeway-locked-'));
    await chmod(locked, 0o700);
    const lockedData = path.join(locked, 'clone', '.causeway');
    let cluster = '';
    try {
      const first = await EmbeddedPostgres.open({ dataDir: lockedData, fast: true });
      cluster = first.pgdata;
      expect(first.owned).toBe(true);
      expect(cluster.startsWith(`${CLUSTERS_FOR_UNREACHABLE_FOLDERS}/`)).toBe(true);
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query("create table kept as select 'still here' as value");
      await client.end();
      await first.stop();

      const again = await EmbeddedPostgres.open({ dataDir: lockedData, fast: true });
      expect(again.pgdata).toBe(cluster);
      const reader = new pg.Client({ connectionString: again.url });
      await reader.connect();
      const { rows } = await reader.query<{ value: string }>('select value from kept');
      await reader.end();
      await again.stop();
      expect(rows).toEqual([{ value: 'still here' }]);
    } finally {
      if (cluster) await rm(path.dirname(cluster), { recursive: true, force: true });
      await rm(locked, { recursive: true, force: true });
    }
  });
});
