import 'reflect-metadata';
import { CausewayConfig, ConfigurationError, loadConfig } from '@causeway/core';
import { EmbeddedDatabaseError } from '@causeway/database';
import { createGateway } from './bootstrap.js';
import { DemoSeeder } from './seed/demo-seeder.js';
import { StartupDataService } from './seed/startup-data.js';

async function main(): Promise<void> {
  loadConfig();
  const app = await createGateway();
  const config = app.get(CausewayConfig);
  const seeder = app.get(DemoSeeder);
  await app.get(StartupDataService).prepare();
  await app.listen({ port: config.PORT, host: process.env.HOST ?? '0.0.0.0' });
  process.stdout.write(await seeder.banner(`http://localhost:${config.PORT}`));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof EmbeddedDatabaseError) {
    process.stderr.write(`\nCauseway could not start.\n${error.message}\n\n`);
  } else {
    process.stderr.write(`\nCauseway could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
