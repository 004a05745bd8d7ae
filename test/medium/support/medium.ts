import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuditModule } from '@causeway/audit';
import { CausewayConfig, CoreModule, loadConfig } from '@causeway/core';
import { DatabaseModule } from '@causeway/database';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The medium tier: services against real PostgreSQL without the gateway. Each test file gets a
 * database of its own, cloned from the run's template (every migration already applied; see
 * test/medium/global-setup.mjs), and starts on it only the contexts it tests.
 */
export class MediumDatabase {
  private readonly apps: TestingModule[] = [];
  private admin: pg.Client | null = null;

  private constructor(
    readonly url: string,
    private readonly serverUrl: string,
    readonly name: string,
    /** The data folder every context on this database shares, as replicas do (one master secret). */
    readonly dataDir: string,
  ) {}

  static async clone(): Promise<MediumDatabase> {
    const serverUrl = process.env.CAUSEWAY_MEDIUM_SERVER_URL;
    const template = process.env.CAUSEWAY_MEDIUM_TEMPLATE;
    if (!serverUrl || !template) throw new Error('CAUSEWAY_MEDIUM_TEMPLATE is not set: run the medium tests through jest (npm run test:medium)');
    const name = `causeway_medium_${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
    await withClient(serverUrl, (client) => client.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new MediumDatabase(url.toString(), serverUrl, name, await mkdtemp(path.join(os.tmpdir(), 'causeway-medium-data-')));
  }

  /**
   * A Nest context on this database: configuration, the database (TypeORM, change feed), the
   * audit trail every context records to, and `imports` (the contexts under test). Each call is a
   * separate process as far as caches go (its own pools, change feed and caches), like a replica.
   */
  async start(imports: (Type | DynamicModule)[]): Promise<TestingModule> {
    const config = loadConfig({ DATABASE_URL: this.url, CAUSEWAY_DATA_DIR: this.dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const module = await Test.createTestingModule({ imports: [CoreModule, DatabaseModule.forRoot(), AuditModule, ...imports] })
      .overrideProvider(CausewayConfig)
      .useValue(config)
      .setLogger({ log: () => undefined, warn: () => undefined, error: (message: unknown) => console.error(message) })
      .compile();
    this.apps.push(module);
    await module.init();
    return module;
  }

  /** A superuser connection to this database, for what a test does by hand (e.g. an insider's edit). */
  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> {
    if (!this.admin) {
      this.admin = new pg.Client({ connectionString: this.url });
      await this.admin.connect();
    }
    return (await this.admin.query<R>(sql, values)).rows;
  }

  /** Closes every context started on it, then drops the database. */
  async close(): Promise<void> {
    for (const module of this.apps.splice(0).reverse()) await module.close();
    await this.admin?.end();
    this.admin = null;
    await withClient(this.serverUrl, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(this.name)} with (force)`));
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
