import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CatalogueVersions, DatasetStatus, DisputeLookup, type DisputedKeys } from '@causeway/catalogue';
import { CausewayError, ErrorCode } from '@causeway/core';
import { databaseUnavailable, DatabaseServer, guardClient, isDatabaseUnavailable } from '@causeway/database';
import { anonymousContext, PolicyService, type FieldTypes, type PolicyDataset, type ReadPlan } from '@causeway/policy';
import pg from 'pg';
import { DataPool } from './data-pool.js';
import { DISPUTED_KEY } from './exchange.service.js';
import { countStatement, exportStatement, namedFields, pageStatement, type ReadableColumn, type RowQuery, type TableStatementInput } from './table-statement.js';

/** One published version of an open dataset, as the anonymous public may read it. */
export interface OpenTable {
  code: string;
  version: number;
  /** The fields the anonymous policy opens that the version holds (and the caller lists), typed as stored, in catalogue order. */
  columns: ReadableColumn[];
  /** Records of the version under open objections; null (the common case) when none. */
  disputes: DisputedKeys | null;
  /** The engine's own: where the rows are, and the policy attributes reads are planned on. */
  readonly source: { tableName: string; storedTypes: FieldTypes; dataset: PolicyDataset };
}

export interface TableRead {
  /** Columns returned, in order (`_id` is the row's position in the file). */
  select: readonly string[];
  query: RowQuery;
  /** Count the rows the filters and words admit (a second statement). */
  withTotal: boolean;
}

/** An open export: batches of rows in file order, on a connection of its own until closed. */
export interface RowExport {
  /** CSV: arrays of text cells; JSON: arrays holding one JSON object text; last the disputed flag. Releases the connection when done. */
  batches(): AsyncGenerator<(string | null)[][]>;
  /** Gives the connection back without reading (an export that will not be served). Idempotent. */
  release(): void;
}

/** The open reads run under the anonymous principal's policy, whoever asks the portal. */
const ANONYMOUS = anonymousContext('open-rows');
/** Rows an export fetches per round trip: small enough for flat memory, large enough for speed. */
const EXPORT_BATCH = 2_000;
/** Exports hold a connection for their whole length, so they get a pool of their own. */
const EXPORT_CONNECTIONS = 4;
const EXPORT_TIMEOUT_MS = 30_000;
/** A datastore search that ran too long, in the portal's words (CKAN's parameters, not records'). */
const SEARCH_TOO_LONG = 'The search ran longer than the portal allows: narrow it with filters or q, or ask for a smaller limit, then retry';

/**
 * The exchange engine's reads for the open-data portal (ARCHITECTURE §3 rule 6): tabular pages
 * (CKAN datastore_search) on the data pool, and whole-version exports (downloads) streamed from a
 * server-side cursor. The columns are the policy's: each read is planned for the anonymous
 * principal (the fields returned, and in clear those filtered, searched or sorted) and its SQL
 * built by the exchange's builders, which refuse what the plan does not allow. The caller (the
 * portal) puts each read on the audit trail before serving it.
 */
@Injectable()
export class OpenRowsService implements OnApplicationShutdown {
  private readonly logger = new Logger('OpenRows');
  private readonly exportPool: pg.Pool;

  constructor(
    private readonly policy: PolicyService,
    private readonly catalogue: CatalogueVersions,
    private readonly pool: DataPool,
    private readonly disputeLookup: DisputeLookup,
    server: DatabaseServer,
  ) {
    this.exportPool = new pg.Pool({
      connectionString: server.url,
      max: EXPORT_CONNECTIONS,
      // An export that cannot get a connection soon is answered "busy, retry" instead of queueing.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'causeway-portal-export',
      // Date-times as the datastore's pages give them (the data pool runs in UTC too).
      options: '-c TimeZone=UTC',
    });
    this.exportPool.on('error', (error) => this.logger.warn(`idle export connection failed: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.exportPool.end();
  }

  /**
   * A published version of a dataset as the public may read it, or null when it serves the public
   * no rows (unknown, not published, not open, no such published version, no open column in it).
   * `listed`: the fields the caller itself shows the public; a column must be in both.
   */
  async table(code: string, versionId: string, listed: readonly string[]): Promise<OpenTable | null> {
    const dataset = await this.policy.dataset(code);
    if (!dataset || dataset.status !== DatasetStatus.PUBLISHED || !dataset.currentVersionId) return null;
    if (versionId !== dataset.currentVersionId) {
      const versions = await this.catalogue.versions(dataset.id, dataset.currentVersionId);
      if (!versions.some((version) => version.id === versionId && version.publishedAt !== null)) return null;
    }
    const stored = await this.catalogue.versionFields(versionId);
    if (!stored) return null;
    const storedTypes: FieldTypes = new Map(stored.fields.map((field) => [field.name, field.type]));
    const open = new Set(await this.policy.openFields(dataset.code));
    const shown = new Set(listed);
    // A field the version was not loaded with has no column there.
    const columns = dataset.fields
      .filter((field) => open.has(field.name) && shown.has(field.name) && storedTypes.has(field.name))
      .map((field) => ({ name: field.name, type: storedTypes.get(field.name)! }));
    if (columns.length === 0) return null;
    const disputes = await this.disputeLookup.forVersion(dataset.id, stored.version);
    return { code: dataset.code, version: stored.version, columns, disputes, source: { tableName: stored.tableName, storedTypes, dataset } };
  }

  /**
   * One page as JSON texts, built by PostgreSQL so that numbers and dates come out exactly as
   * stored: objects (a disputed row carries `"_disputed": true`, as records rows do) or lists.
   */
  async jsonPage(table: OpenTable, read: TableRead, format: 'objects' | 'lists'): Promise<{ rows: string[]; total: number | null }> {
    const input = await this.planned(table, read.select, read.query);
    const statement = pageStatement(input, read.select, read.query, format, format === 'objects' ? table.disputes : null);
    const rows = await this.pool.query(statement.sql, statement.values, SEARCH_TOO_LONG);
    const flagged = statement.columns.length > 1;
    const texts = rows.map((row) => {
      const text = row[0] as string;
      if (!flagged || row[1] !== true) return text;
      return text === '{}' ? `{"${DISPUTED_KEY}":true}` : `${text.slice(0, -1)},"${DISPUTED_KEY}":true}`;
    });
    return { rows: texts, total: read.withTotal ? await this.count(input, read.query) : null };
  }

  /** One page as text cells, for CSV/TSV records. */
  async textPage(table: OpenTable, read: TableRead): Promise<{ rows: (string | null)[][]; total: number | null }> {
    const input = await this.planned(table, read.select, read.query);
    const statement = pageStatement(input, read.select, read.query, 'text');
    const rows = (await this.pool.query(statement.sql, statement.values, SEARCH_TOO_LONG)) as (string | null)[][];
    return { rows, total: read.withTotal ? await this.count(input, read.query) : null };
  }

  /**
   * Opens a whole-version export on a connection of its own, reading through a server-side cursor
   * in a read-only snapshot: memory stays flat however many rows the version holds. The
   * connection is taken now (so that "busy", RATE_LIMITED, is known before anything is served)
   * and given back when the batches end or their consumer stops.
   */
  async openExport(table: OpenTable, format: 'csv' | 'json'): Promise<RowExport> {
    const input = await this.planned(table, table.columns.map((column) => column.name), { filters: [], search: [], sort: [] });
    const text = exportStatement(input, format, table.disputes);
    let client: pg.PoolClient;
    try {
      client = await this.exportPool.connect();
    } catch (error) {
      if (isDatabaseUnavailable(error) && !/timeout exceeded/i.test((error as Error).message)) throw databaseUnavailable();
      throw new CausewayError(ErrorCode.RATE_LIMITED, 'Too many downloads are running; retry in a minute', { retryAfterSeconds: 60 });
    }
    const logger = this.logger;
    // An export paused by a slow reader holds its client between statements: if the database
    // goes away then, the client's error event must be heard here (unheard, it ends the process).
    let broken: Error | undefined;
    const unguard = guardClient(client, (error) => {
      broken = error;
      logger.warn(`export connection of ${table.code} failed: ${error.message}`);
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
          await client.query(`set local statement_timeout = ${EXPORT_TIMEOUT_MS}`);
          // A reader that stops reading for this long gives its connection back.
          await client.query(`set local idle_in_transaction_session_timeout = 300000`);
          await client.query(`declare open_export no scroll cursor for ${text}`);
          for (;;) {
            const result = await client.query<(string | null)[]>({ text: `fetch forward ${EXPORT_BATCH} from open_export`, rowMode: 'array' });
            if (result.rows.length === 0) break;
            yield result.rows;
            if (result.rows.length < EXPORT_BATCH) break;
          }
        } catch (error) {
          failed = error as Error;
          logger.warn(`export of ${table.code} v${table.version} stopped: ${failed.message}`);
          throw error;
        } finally {
          if (open) await client.query('rollback').catch(() => undefined);
          release(failed);
        }
      },
    };
  }

  /**
   * Plans one read for the anonymous principal (refused whole, FORBIDDEN_FIELDS, when it names a
   * field the public may not read, or in clear where it filters, searches or sorts) and gives the
   * statement builders what the plan allows. Open reads serve no masks: a field the plan would
   * mask is refused.
   */
  private async planned(table: OpenTable, select: readonly string[], query: Pick<RowQuery, 'filters' | 'search' | 'sort'>): Promise<TableStatementInput> {
    const plan: ReadPlan = await this.policy.plan(ANONYMOUS, table.source.dataset, { mode: 'records', ...namedFields(table.columns, select, query) });
    const masked = plan.fields.filter((field) => field.level !== 'CLEAR').map((field) => field.name);
    if (masked.length > 0) throw new CausewayError(ErrorCode.FORBIDDEN_FIELDS, `The open reads serve fields in clear only: ${masked.join(', ')}`, { fields: masked });
    return { tableName: table.source.tableName, columns: table.columns, storedTypes: table.source.storedTypes, allowed: plan.allowed, rowScope: plan.rowScope };
  }

  private async count(input: TableStatementInput, query: RowQuery): Promise<number> {
    const statement = countStatement(input, query);
    const [row] = await this.pool.query(statement.sql, statement.values, SEARCH_TOO_LONG);
    return Number(row?.[0] ?? 0);
  }
}
