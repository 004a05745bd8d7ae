import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  const server = globalThis.causewayMediumServer;
  if (server) {
    // The embedded cluster goes whole, template and clones with it.
    await server.stop();
    if (process.env.CAUSEWAY_MEDIUM_DATA_DIR) await rm(process.env.CAUSEWAY_MEDIUM_DATA_DIR, { recursive: true, force: true });
    return;
  }
  // A server named by DATABASE_URL outlives the run: leave it as found.
  const admin = new pg.Client({ connectionString: process.env.CAUSEWAY_MEDIUM_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${pg.escapeIdentifier(process.env.CAUSEWAY_MEDIUM_TEMPLATE)} with (force)`);
  } finally {
    await admin.end();
  }
}
