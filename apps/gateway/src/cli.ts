import 'reflect-metadata';
import { CausewayError, ConfigurationError, loadConfig } from '@causeway/core';
import { EmbeddedDatabaseError } from '@causeway/database';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';
import { StderrLogger } from './cli/output.js';

function explain(error: unknown): string {
  if (error instanceof ConfigurationError || error instanceof EmbeddedDatabaseError) return error.message;
  if (error instanceof CausewayError) return `${error.code}: ${error.message}`;
  if (error instanceof Error && error.name === 'UsageError') return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<void> {
  loadConfig();
  await CommandFactory.run(CliModule, {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    errorHandler: (error) => {
      // Commander reports --help and usage mistakes itself.
      const commander = error as Error & { code?: string; exitCode?: number };
      if (commander.code?.startsWith('commander.')) process.exit(commander.exitCode ?? 2);
      process.stderr.write(`causeway: ${explain(error)}\n`);
      process.exit(2);
    },
    serviceErrorHandler: (error) => {
      process.stderr.write(`causeway: ${explain(error)}\n`);
      process.exit(1);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`causeway: ${explain(error)}\n`);
  process.exit(1);
});
