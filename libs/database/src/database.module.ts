import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CausewayConfig, ConfigurationError } from '@causeway/core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ChangeFeed } from './change-feed.js';
import { DatabaseServer } from './database-server.js';
import { ReplicaRouter } from './replicas.js';
import { SecretFingerprintCheck } from './secret-fingerprint.js';
import { assertSessionConnections } from './session-probe.js';
import { MIGRATIONS } from './migrations/index.js';

/** Serialises migration runs of several gateway replicas starting at once. */
const MIGRATION_LOCK = 4_205_117_001;

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

export function dataSourceOptions(server: DatabaseServer, poolSize = 20): DataSourceOptions {
  const pool = {
    max: poolSize,
    // Callers wait at most this long for a connection, then get a clear error instead of a hang.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'causeway',
  };
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    extra: pool,
    logging: false,
  };
  // Never TypeORM's replication: it would send reads of grants, identity and the catalogue to a
  // replica that may lag. Only dataset rows may go to replicas (ReplicaRouter).
  return { ...common, url: server.url };
}

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly server: DatabaseServer,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.server.close();
  }
}

export interface DatabaseModuleOptions {
  /** Database name on the embedded server (tests use one per worker). */
  database?: string;
  fast?: boolean;
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    const serverModule: DynamicModule = {
      module: DatabaseServerModule,
      providers: [
        {
          provide: DatabaseServer,
          inject: [CausewayConfig],
          useFactory: (config: CausewayConfig) => DatabaseServer.open(config, options),
        },
      ],
      exports: [DatabaseServer],
    };
    return {
      module: DatabaseModule,
      imports: [
        serverModule,
        TypeOrmModule.forRootAsync({
          imports: [serverModule],
          inject: [DatabaseServer, CausewayConfig],
          // A configuration the probe refuses (a pooler in between) does not get better by retrying.
          useFactory: (server: DatabaseServer, config: CausewayConfig) => ({
            ...dataSourceOptions(server, config.DATABASE_POOL_SIZE),
            autoLoadEntities: true,
            toRetry: (error: unknown) => !(error instanceof ConfigurationError),
          }),
          dataSourceFactory: async (dataSourceOptionsValue) => {
            await assertSessionConnections((dataSourceOptionsValue as { url: string }).url);
            const dataSource = await new DataSource(dataSourceOptionsValue!).initialize();
            const applied = await runMigrations(dataSource);
            if (applied.length > 0) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
            return dataSource;
          },
        }),
      ],
      providers: [DatabaseLifecycle, ChangeFeed, ReplicaRouter, SecretFingerprintCheck],
      exports: [serverModule, TypeOrmModule, ChangeFeed, ReplicaRouter],
    };
  }
}

/** Holds the one DatabaseServer of the process. */
@Module({})
class DatabaseServerModule {}
