// One PostgreSQL for the whole run: the server named by DATABASE_URL, or an embedded one in a
// temporary folder. Each test file then creates its own database on it (test/support/gateway.ts).
// Plain JavaScript over the built libs (npm test builds first): jest applies no module mapping here.
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedPostgres } from '../dist/libs/database/src/embedded-postgres.js';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.CAUSEWAY_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  // Under the system temp folder so that the unprivileged server user can reach it as root.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'causeway-test-'));
  await chmod(dataDir, 0o755);
  const server = await EmbeddedPostgres.open({ dataDir, database: 'postgres', fast: true });
  process.env.CAUSEWAY_TEST_SERVER_URL = server.url;
  process.env.CAUSEWAY_TEST_DATA_DIR = dataDir;
  globalThis.causewayTestServer = server;
}
