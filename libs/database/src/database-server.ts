import { Logger } from '@nestjs/common';
import type { CausewayConfig } from '@causeway/core';
import { EmbeddedPostgres } from './embedded-postgres.js';

/** Where the database is: DATABASE_URL when set, else the embedded server under the data folder. */
export class DatabaseServer {
  private constructor(
    readonly url: string,
    readonly replicaUrls: readonly string[],
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== null;
  }

  static async open(config: CausewayConfig, options: { fast?: boolean; database?: string } = {}): Promise<DatabaseServer> {
    if (config.DATABASE_URL) return new DatabaseServer(config.DATABASE_URL, config.DATABASE_REPLICA_URLS, null);
    const logger = new Logger('EmbeddedPostgres');
    const embedded = await EmbeddedPostgres.open({
      dataDir: config.dataDir,
      database: options.database,
      fast: options.fast,
      log: (line) => logger.debug(line),
    });
    if (embedded.owned) logger.log(`embedded PostgreSQL started on 127.0.0.1:${embedded.port} (cluster in ${embedded.pgdata})`);
    return new DatabaseServer(embedded.url, [], embedded);
  }

  /** Stops the embedded server if this process started it. */
  async close(): Promise<void> {
    await this.embedded?.stop();
  }
}
