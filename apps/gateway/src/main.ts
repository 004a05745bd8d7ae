import 'reflect-metadata';
import { CausewayConfig, ConfigurationError, loadConfig } from '@causeway/core';
import { EmbeddedDatabaseError } from '@causeway/database';
import { createGateway } from './bootstrap.js';
import { DemoSeeder } from './seed/demo-seeder.js';
import { StartupDataService } from './seed/startup-data.js';

/**
 * Every error has a handler where it arises (pools, held clients, streams); these two only make a
 * miss visible. A rejection nobody awaited is logged and the gateway serves on. An uncaught
 * exception leaves the process in a state nobody knows: it is logged and the process exits, for
 * the orchestrator to restart it.
 */
function watchForMissedErrors(): void {
  const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('unhandledRejection', (reason) => process.stderr.write(`unhandled rejection (a bug: please report it): ${describe(reason)}\n`));
  process.on('uncaughtException', (error) => {
    process.stderr.write(`uncaught exception, exiting (a bug: please report it): ${describe(error)}\n`);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  watchForMissedErrors();
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
