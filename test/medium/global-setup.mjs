// The medium tier's one PostgreSQL for the whole run (the server named by DATABASE_URL, or an
// embedded one in a temporary folder) and a template database with every migration applied
// once. Each test file clones the template (test/medium/support/medium.ts): CREATE DATABASE …
// TEMPLATE copies files, far faster than migrating again.
// Plain JavaScript over the built libs (npm test and npm run test:medium build first).
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedPostgres } from '../../dist/libs/database/src/embedded-postgres.js';
import { dataSourceOptions, runMigrations } from '../../dist/libs/database/src/database.module.js';
import globalTeardown from './global-teardown.mjs';

export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // Under the system temp folder so that the unprivileged server user can reach it as root.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-medium-'));
    await chmod(dataDir, 0o755);
    const server = await EmbeddedPostgres.open({ dataDir, database: 'postgres', fast: true });
    serverUrl = server.url;
    process.env.CAUSEWAY_MEDIUM_DATA_DIR = dataDir;
    globalThis.causewayMediumServer = server;
  }
  const template = `causeway_medium_template_${process.pid}_${Date.now().toString(36)}`;
  process.env.CAUSEWAY_MEDIUM_SERVER_URL = serverUrl;
  process.env.CAUSEWAY_MEDIUM_TEMPLATE = template;
  try {
    await createTemplate(serverUrl, template);
  } catch (error) {
    // jest runs no teardown after a failed setup: leave no server or template behind.
    await globalTeardown().catch(() => undefined);
    throw error;
  }
}

async function createTemplate(serverUrl, template) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const dataSource = await new DataSource(dataSourceOptions({ url: url.toString() }, 2)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    // A template must have no connections left, or cloning it fails.
    await dataSource.destroy();
  }
}
