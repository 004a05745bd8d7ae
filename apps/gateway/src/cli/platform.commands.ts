import { InjectDataSource } from '@nestjs/typeorm';
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

@Command({ name: 'seed', description: 'Seed the demo city (departments, people, system clients, datasets)' })
export class SeedCommand extends CommandRunner {
  constructor(private readonly seeder: DemoSeeder) {
    super();
  }

  async run(_args: string[], options: { demo?: boolean }): Promise<void> {
    if (!options.demo) throw new UsageError('say what to seed: --demo seeds the demo city');
    await this.seeder.seed();
    out(await this.seeder.banner('http://localhost:3000'));
  }

  @Option({ flags: '--demo', description: 'seed the demo city' })
  parseDemo(): boolean {
    return true;
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
