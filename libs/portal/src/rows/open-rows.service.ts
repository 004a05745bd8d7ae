import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CatalogueVersions, FieldType } from '@causeway/catalogue';
import { CausewayError, ErrorCode } from '@causeway/core';
import { databaseUnavailable, DatabaseServer, guardClient, isDatabaseUnavailable } from '@causeway/database';
import { PolicyService } from '@causeway/policy';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { OpenDataset, OpenVersion } from '../open-dataset.js';
import { countSql, exportSql, pageSql, pageTextSql, type ReadableColumn, type RowQuery } from './row-sql.js';

/**
 * The portal's only reader of dataset rows. The columns it reads are those the policy engine
 * grants the anonymous principal (ARCHITECTURE §3 rule 6, PolicyService.openFields) and that the
 * portal's own view lists as public: both must admit a column. The SQL itself is the portal's,
 * because the exchange engine has no streaming read for an anonymous principal yet; when it has,
 * this module is the one to move onto it.
 */

/** Where an anonymous read may go: one version's table and the columns it may read there. */
export interface RowSource {
  dataset: OpenDataset;
  version: OpenVersion;
  tableName: string;
  /** Public fields present in the version's table, typed as the table stores them. */
  columns: ReadableColumn[];
  /** Every column of the version's table (key fields need not be public), for the disputed flag. */
  storedTypes: ReadonlyMap<string, FieldType>;
}

/** Rows a download fetches per round trip: small enough for flat memory, large enough for speed. */
const EXPORT_BATCH = 2_000;
/** Downloads hold a connection for their whole length, so they get a pool of their own. */
const EXPORT_CONNECTIONS = 4;
const QUERY_TIMEOUT_MS = 30_000;

/** An open export: batches of rows in file order, on a connection of its own until closed. */
export interface RowExport {
  /** CSV: arrays of text cells; JSON: arrays holding one JSON object text; last the disputed flag. Releases the connection when done. */
  batches(): AsyncGenerator<(string | null)[][]>;
  /** Gives the connection back without reading (an export that will not be served). Idempotent. */
  release(): void;
}

@Injectable()
export class OpenRowsService implements OnApplicationShutdown {
  private readonly logger = new Logger('OpenRows');
  private readonly exportPool: pg.Pool;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalogue: CatalogueVersions,
    private readonly policy: PolicyService,
    server: DatabaseServer,
  ) {
    this.exportPool = new pg.Pool({
      connectionString: server.url,
      max: EXPORT_CONNECTIONS,
      // A download that cannot get a connection soon is answered "busy, retry" instead of queueing.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'causeway-portal-export',
    });
    this.exportPool.on('error', (error) => this.logger.warn(`idle export connection failed: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.exportPool.end();
  }

  /** The readable table of a version of a listed dataset; null when it serves no rows. */
  async source(dataset: OpenDataset, version: OpenVersion): Promise<RowSource | null> {
    if (!dataset.current || !dataset.versions.some((candidate) => candidate.id === version.id)) return null;
    const stored = await this.catalogue.versionFields(version.id);
    if (!stored) return null;
    const storedTypes = new Map(stored.fields.map((field) => [field.name, field.type]));
    const anonymous = new Set(await this.policy.openFields(dataset.code));
    // A public field the version was not loaded with has no column there; a column the catalogue
    // no longer lists as public, or the policy does not open to the public, is not read.
    const columns = dataset.fields
      .filter((field) => storedTypes.has(field.name) && anonymous.has(field.name))
      .map((field) => ({ name: field.name, type: storedTypes.get(field.name)! }));
    return columns.length > 0 ? { dataset, version, tableName: stored.tableName, columns, storedTypes } : null;
  }

  /** One page as JSON texts (objects or lists), in order. */
  async page(source: RowSource, selected: ReadableColumn[], query: RowQuery, format: 'objects' | 'lists'): Promise<string[]> {
    const sql = pageSql(source.tableName, source.columns, selected, query, format);
    const rows = (await this.query(sql.text, sql.values)) as { j: string }[];
    return rows.map((row) => row.j);
  }

  /** One page as text cells, for CSV/TSV records. */
  async pageText(source: RowSource, selected: ReadableColumn[], query: RowQuery): Promise<(string | null)[][]> {
    const sql = pageTextSql(source.tableName, source.columns, selected, query);
    const rows = (await this.query(sql.text, sql.values)) as Record<string, string | null>[];
    return rows.map((row) => Object.values(row));
  }

  async count(source: RowSource, query: Pick<RowQuery, 'filters' | 'search'>): Promise<number> {
    const sql = countSql(source.tableName, source.columns, query);
    const [row] = (await this.query(sql.text, sql.values)) as { total: string }[];
    return Number(row?.total ?? 0);
  }

  /**
   * Opens a whole-version export on a connection of its own, reading through a server-side cursor
   * in a read-only snapshot: memory stays flat however many rows the version holds. The
   * connection is taken now (so that "busy" is known before anything is served) and given back
   * when the batches end or their consumer stops.
   */
  async openExport(source: RowSource, format: 'csv' | 'json', disputed: string | null = null): Promise<RowExport> {
    let client: pg.PoolClient;
    try {
      client = await this.exportPool.connect();
    } catch (error) {
      if (isDatabaseUnavailable(error) && !/timeout exceeded/i.test((error as Error).message)) throw databaseUnavailable();
      throw new CausewayError(ErrorCode.RATE_LIMITED, 'Too many downloads are running; retry in a minute', { retryAfterSeconds: 60 });
    }
    const text = exportSql(source.tableName, source.columns, format, disputed);
    const logger = this.logger;
    // A download paused by a slow reader holds its client between statements: if the database
    // goes away then, the client's error event must be heard here (unheard, it ends the process).
    let broken: Error | undefined;
    const unguard = guardClient(client, (error) => {
      broken = error;
      logger.warn(`export connection of ${source.dataset.code} failed: ${error.message}`);
    });
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      unguard();
      client.release(error ?? broken);
    };
    return {
      release: () => release(),
      async *batches() {
        if (released) throw new Error('this export was released');
        let failed: Error | undefined;
        let open = false;
        try {
          await client.query('begin isolation level repeatable read read only');
          open = true;
          await client.query(`set local statement_timeout = ${QUERY_TIMEOUT_MS}`);
          // A reader that stops reading for this long gives its connection back.
          await client.query(`set local idle_in_transaction_session_timeout = 300000`);
          await client.query(`declare portal_export no scroll cursor for ${text}`);
          for (;;) {
            const result = await client.query<(string | null)[]>({ text: `fetch forward ${EXPORT_BATCH} from portal_export`, rowMode: 'array' });
            if (result.rows.length === 0) break;
            yield result.rows;
            if (result.rows.length < EXPORT_BATCH) break;
          }
        } catch (error) {
          failed = error as Error;
          logger.warn(`export of ${source.dataset.code} v${source.version.version} stopped: ${failed.message}`);
          throw error;
        } finally {
          if (open) await client.query('rollback').catch(() => undefined);
          release(failed);
        }
      },
    };
  }

  /** A short read on the main pool, bounded in time like CKAN's datastore queries. */
  private query(text: string, values: unknown[]): Promise<unknown[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('set transaction read only');
      await tx.query(`set local statement_timeout = ${QUERY_TIMEOUT_MS}`);
      return tx.query(text, values) as Promise<unknown[]>;
    });
  }
}
