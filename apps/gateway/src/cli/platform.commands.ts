import { InjectDataSource } from '@nestjs/typeorm';
import { CausewayConfig } from '@causeway/core';
import { runMigrations } from '@causeway/database';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { createGateway } from '../bootstrap.js';
import { printSchemaArtifact, SCHEMA_FILE } from '../graphql/schema-artifact.js';
import { DemoSeeder } from '../seed/demo-seeder.js';
import { out, UsageError } from './output.js';

@Command({ name: 'migrate', description: 'Apply pending database migrations (the gateway also does so at start)' })
export class MigrateCommand extends CommandRunner {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async run(): Promise<void> {
    const applied = await runMigrations(this.db);
    out(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
  }
}

interface SeedOptions {
  demo?: boolean;
  rows?: number;
  dataset?: string;
  start?: number;
  encoding?: 'utf-8' | 'gb18030';
}

@Command({ name: 'seed', description: 'Seed the demo city (departments, people, system clients, datasets), or load N generated rows into a dataset' })
export class SeedCommand extends CommandRunner {
  constructor(
    private readonly seeder: DemoSeeder,
    private readonly config: CausewayConfig,
  ) {
    super();
  }

  async run(_args: string[], options: SeedOptions): Promise<void> {
    if (!options.demo && options.rows === undefined) throw new UsageError('say what to seed: --demo seeds the demo city; --rows N --dataset CODE loads N generated rows');
    if (options.demo) {
      await this.seeder.seed();
      // Seeding starts nothing: say what is ready and how to serve it.
      out(await this.seeder.banner(`http://localhost:${this.config.PORT}`, 'The demo city is seeded. Start the gateway (npm start) and it serves:'));
    }
    if (options.rows !== undefined) {
      if (!options.dataset) throw new UsageError('--rows needs --dataset CODE, e.g. --rows 1000000 --dataset AMR-ENT-REG');
      const report = await this.seeder.loadRows(options.dataset, options.rows, { start: options.start, encoding: options.encoding, publish: true });
      const seconds = report.durationMs / 1000;
      out(`${report.dataset} version ${report.version}: ${report.rowCount} generated rows loaded and published in ${seconds.toFixed(1)} s (${Math.round(report.rowCount / Math.max(seconds, 0.001))} rows/s)`);
    }
  }

  @Option({ flags: '--demo', description: 'seed the demo city' })
  parseDemo(): boolean {
    return true;
  }

  @Option({ flags: '--rows <n>', description: 'load n generated rows (streamed; 12 million work) as a new, published version of --dataset' })
  parseRows(value: string): number {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError('--rows takes a whole number above 0, e.g. --rows 1000000');
    return Number(value);
  }

  @Option({ flags: '--dataset <code>', description: 'the dataset --rows loads into' })
  parseDataset(value: string): string {
    return value;
  }

  @Option({ flags: '--start <n>', description: 'index of the first generated row (default 0)' })
  parseStart(value: string): number {
    if (!/^\d+$/.test(value)) throw new UsageError('--start takes a whole number');
    return Number(value);
  }

  @Option({ flags: '--encoding <encoding>', description: 'encoding of the generated file: utf-8 (default) or gb18030' })
  parseEncoding(value: string): 'utf-8' | 'gb18030' {
    if (value !== 'utf-8' && value !== 'gb18030') throw new UsageError('--encoding takes utf-8 or gb18030');
    return value;
  }
}

@Command({ name: 'schema:write', description: `Write the GraphQL schema to ${SCHEMA_FILE}` })
export class SchemaWriteCommand extends CommandRunner {
  async run(): Promise<void> {
    const app = await createGateway({ logger: false });
    await app.init();
    try {
      await writeFile(SCHEMA_FILE, printSchemaArtifact(app.get(GraphQLSchemaHost).schema));
      out(`wrote ${SCHEMA_FILE}`);
    } finally {
      await app.close();
    }
  }
}
