import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import {
  analyzeVersionTableSql,
  CatalogueVersions,
  copyIntoVersionTableSql,
  createVersionTableSql,
  quoteVersionTable,
  versionKeyIndexSql,
  versionPrimaryKeySql,
  type VersionFieldSnapshot,
} from '@causeway/catalogue';
import { badInput, CausewayConfig, CausewayError, ErrorCode, type RequestContext } from '@causeway/core';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type QueryRunner } from 'typeorm';
import { bodyArriving, openWithin, watchBody } from './body-watch.js';
import { EncodingError, REQUESTED_ENCODINGS, type RequestedEncoding } from './encoding.js';
import { IngestFailure } from './failure.js';
import { formatOf, INGEST_FORMATS, UPLOAD_MEDIA_TYPES, type IngestFormat } from './formats.js';
import { ErrorLog, LineMap, REPORTED_ERRORS, type RowError } from './rows.js';
import { transcode, type TranscodeSummary } from './transcode.js';
import { UploadSlots } from './upload-slots.js';

export interface IngestOptions {
  /** Media type of the upload (Content-Type); decides the format unless `format` is given. */
  mediaType?: string | null;
  /** The file's name as uploaded; kept on the version, and its extension names the format when the media type does not. */
  sourceName?: string | null;
  format?: IngestFormat;
  /** auto (default): strict UTF-8, then strict GB18030. */
  encoding?: RequestedEncoding;
  /** Make the new version current once loaded. */
  publish?: boolean;
  /** How many rejected rows still keep the version (default 0: any rejected row refuses the upload). */
  maxErrors?: number;
  /** XLSX: the sheet to read (default the first). */
  sheet?: string | null;
}

/** An upload whose bytes are opened only once it has its turn (multipart). */
export interface UploadSource {
  stream: Readable;
  mediaType?: string | null;
  sourceName?: string | null;
}
export type SourceOpener = () => Promise<UploadSource>;

/** What an upload did, row by row. */
export interface IngestReport {
  dataset: string;
  version: number;
  versionId: string;
  /** True when the same content (checksum) was already loaded: that version is the answer. */
  duplicate: boolean;
  /** Whether this version is now the dataset's current one. */
  current: boolean;
  format: IngestFormat;
  encoding: string | null;
  sourceName: string | null;
  /** SHA-256 of the decoded content (XLSX: of the file). */
  checksum: string;
  rowCount: number;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** The first REPORTED_ERRORS row errors in full. */
  errors: RowError[];
  /** All row errors, listed or not. */
  errorCount: number;
  durationMs: number;
}

interface Loaded {
  format: IngestFormat;
  encoding: string | null;
  checksum: string;
  rowsRead: number;
  rowsAccepted: number;
  rowCount: number;
  errors: RowError[];
  errorCount: number;
  rowsRejected: number;
}

const MAX_ERRORS_LIMIT = 1_000_000_000;

/**
 * Loads a file into a new version of a dataset: one typed table per version, filled by COPY, all
 * in one transaction, so an upload that fails or is refused leaves nothing behind.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly slots: UploadSlots;
  private readonly bodyIdleMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly versions: CatalogueVersions,
    private readonly audit: AuditService,
    config: CausewayConfig,
  ) {
    this.slots = new UploadSlots(config.INGEST_MAX_CONCURRENT, config.INGEST_MAX_QUEUED);
    this.bodyIdleMs = config.INGEST_BODY_IDLE_TIMEOUT_MS;
  }

  async ingest(ctx: RequestContext, code: string, source: Readable | SourceOpener, options: IngestOptions = {}): Promise<IngestReport> {
    const started = Date.now();
    const encoding = options.encoding ?? 'auto';
    if (!REQUESTED_ENCODINGS.includes(encoding)) throw badInput('encoding', `must be one of ${REQUESTED_ENCODINGS.join(', ')}`);
    const maxErrors = options.maxErrors ?? 0;
    if (!Number.isInteger(maxErrors) || maxErrors < 0 || maxErrors > MAX_ERRORS_LIMIT) throw badInput('maxErrors', 'must be a whole number, 0 or more');
    if (options.format && !INGEST_FORMATS.includes(options.format)) throw badInput('format', `must be one of ${INGEST_FORMATS.join(', ')}`);

    // A bounded number load at once (each holds one connection); more wait, or are refused (429).
    const release = await this.slots.acquire();
    let body: Readable | null = null;
    try {
      const opened = typeof source === 'function' ? await openWithin(source(), this.bodyIdleMs) : { stream: source, mediaType: options.mediaType, sourceName: options.sourceName };
      // A body that stops arriving fails the upload, whenever it stops.
      body = watchBody(opened.stream, this.bodyIdleMs);
      // No transaction, lock or connection is taken before the body has begun to arrive.
      await bodyArriving(body);
      return await this.load(ctx, code, { ...opened, stream: body }, options, encoding, maxErrors, started);
    } catch (error) {
      throw toCausewayError(error);
    } finally {
      if (body && !body.readableEnded) body.destroy();
      release();
    }
  }

  /** The upload's one transaction on one connection: every read and write of the upload goes through it. */
  private async load(
    ctx: RequestContext,
    code: string,
    upload: UploadSource,
    options: IngestOptions,
    encoding: RequestedEncoding,
    maxErrors: number,
    started: number,
  ): Promise<IngestReport> {
    const runner = this.db.createQueryRunner('master');
    await runner.connect();
    let report: IngestReport;
    try {
      await runner.startTransaction();
      // The upload's first trip into the catalogue: checks that the caller stewards the provider,
      // and serialises uploads to this dataset, before a byte of the upload is parsed.
      const opened = await this.versions.open(runner.manager, ctx, code);
      const sourceName = upload.sourceName ?? options.sourceName ?? null;
      const format = options.format ?? formatOf(upload.mediaType ?? options.mediaType, sourceName);
      if (!format) {
        throw new IngestFailure('UNSUPPORTED_FORMAT', `Send the file as one of ${UPLOAD_MEDIA_TYPES.join(', ')} (or name it .csv, .json, .ndjson or .xlsx)`, {
          mediaType: upload.mediaType ?? null,
        });
      }
      await runner.query(createVersionTableSql(opened.tableName, opened.fields));
      const loaded = await this.loadRows(runner, opened.tableName, opened.fields, upload.stream, format, encoding, options.sheet ?? null, maxErrors);
      // The second: records the version (or finds the live one with the same content, which is
      // then the answer) and, in the same transaction, makes it current when asked.
      const publish = options.publish === true;
      const recorded = await this.versions.record(
        runner.manager,
        opened,
        { rowCount: loaded.rowCount, checksum: loaded.checksum, sourceName, encoding: loaded.encoding, format },
        { publish },
      );
      if (!recorded.duplicate) await runner.query(analyzeVersionTableSql(opened.tableName));
      const { version } = recorded;
      // Before the commit: if the audit trail cannot take the event, nothing is loaded (fail
      // closed). The one event covers the publish too.
      await this.recordUpload(ctx, code, version.version, { ...loaded, sourceName, duplicate: recorded.duplicate, published: recorded.published });
      await runner.commitTransaction();
      report = { ...this.report(code, version.version, version.id, loaded, sourceName, started), duplicate: recorded.duplicate, current: version.current, rowCount: version.rowCount };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    if (!report.duplicate) this.logger.log(`${code} v${report.version}: ${report.rowCount} rows (${report.format}, ${report.encoding}) in ${report.durationMs} ms by ${ctx.principal.label}`);
    return report;
  }

  private async recordUpload(
    ctx: RequestContext,
    code: string,
    version: number,
    loaded: Loaded & { sourceName: string | null; duplicate: boolean; published: boolean },
  ): Promise<void> {
    await this.audit.record(ctx, {
      action: 'ingest.upload',
      outcome: AuditOutcome.ALLOWED,
      dataset: code,
      version,
      providerDepartment: ctx.principal.departmentCode,
      detail: {
        rows: loaded.rowCount,
        rowsRead: loaded.rowsRead,
        rowsRejected: loaded.rowsRejected,
        format: loaded.format,
        encoding: loaded.encoding,
        checksum: loaded.checksum,
        source: loaded.sourceName,
        duplicate: loaded.duplicate,
        published: loaded.published,
      },
    });
  }

  private report(code: string, version: number, versionId: string, loaded: Loaded, sourceName: string | null, started: number): IngestReport {
    return {
      dataset: code,
      version,
      versionId,
      duplicate: false,
      current: false,
      format: loaded.format,
      encoding: loaded.encoding,
      sourceName,
      checksum: loaded.checksum,
      rowCount: loaded.rowCount,
      rowsRead: loaded.rowsRead,
      rowsAccepted: loaded.rowCount,
      rowsRejected: loaded.rowsRejected,
      errors: loaded.errors,
      errorCount: loaded.errorCount,
      durationMs: Date.now() - started,
    };
  }

  /** Streams the upload through decoder, reader and encoder into COPY, then builds the indexes. */
  private async loadRows(
    runner: QueryRunner,
    tableName: string,
    fields: VersionFieldSnapshot[],
    stream: Readable,
    format: IngestFormat,
    encoding: RequestedEncoding,
    sheet: string | null,
    maxErrors: number,
  ): Promise<Loaded> {
    const encoder = new LoadState();
    const { checksum, encoding: detected } = await this.copyRows(runner, tableName, fields, stream, format, encoding, sheet, encoder);
    if (encoder.rowsRead === 0) throw new IngestFailure('NO_ROWS', 'The file has no rows (a header alone, or an empty array): nothing to load');
    const errors = encoder.errors;
    let rowCount = encoder.rowsAccepted;
    // The indexes are built after the rows (faster than keeping them up to date row by row);
    // with more sort memory than the default 64 MB a 12-million-row build sorts in memory.
    await runner.query(`set local maintenance_work_mem = '256MB'`);
    const keys = fields.filter((field) => field.isKey);
    if (keys.length > 0) rowCount -= await this.indexKeys(runner, tableName, keys, encoder, maxErrors);
    await runner.query(versionPrimaryKeySql(tableName));
    const failed = { rowsRead: encoder.rowsRead, rowsRejected: errors.rejectedRows, errors: errors.listed, errorCount: errors.total };
    if (errors.rejectedRows > maxErrors) {
      throw new IngestFailure(
        'TOO_MANY_ERRORS',
        `${errors.rejectedRows} of ${encoder.rowsRead} rows were refused (maxErrors is ${maxErrors}); nothing was loaded. The report lists the first ${Math.min(errors.total, REPORTED_ERRORS)} problems.`,
        { report: failed },
      );
    }
    if (rowCount === 0) throw new IngestFailure('NO_ROWS', `None of the ${encoder.rowsRead} rows could be loaded`, { report: failed });
    return {
      format,
      encoding: detected,
      checksum,
      rowsRead: encoder.rowsRead,
      rowsAccepted: rowCount,
      rowCount,
      errors: errors.listed,
      errorCount: errors.total,
      rowsRejected: errors.rejectedRows,
    };
  }

  /** Reads the upload into the version table with COPY; answers the content's checksum and encoding. */
  private async copyRows(
    runner: QueryRunner,
    tableName: string,
    fields: VersionFieldSnapshot[],
    stream: Readable,
    format: IngestFormat,
    encoding: RequestedEncoding,
    sheet: string | null,
    state: LoadState,
  ): Promise<{ checksum: string; encoding: string }> {
    const client = (await runner.connect()) as pg.PoolClient;
    let spooled: Awaited<ReturnType<typeof spool>> | null = null;
    try {
      // A zip is read by its directory, at its end: XLSX is spooled to disk first.
      if (format === 'xlsx') spooled = await spool(stream);
      // From here the connection is in COPY mode until the stream ends or fails.
      const copy: Writable = client.query(copyFrom(copyIntoVersionTableSql(tableName, fields)));
      let summary: TranscodeSummary;
      try {
        summary = await transcode({ fields, format, encoding, sheet, file: spooled?.file ?? null }, spooled ? null : stream, copy, state.lines);
      } catch (error) {
        // Leaves COPY mode (CopyFail) so that the transaction can be rolled back; the server's
        // answer to that arrives later as an error of the stream, expected and ignored.
        copy.on('error', () => undefined);
        if (!copy.destroyed) copy.destroy();
        const where = (error as { where?: unknown }).where;
        if (typeof where === 'string' && where.includes('COPY')) throw refusedByDatabase(error as Error, where, state.lines);
        throw error;
      }
      state.rowsRead = summary.rowsRead;
      state.rowsAccepted = summary.rowsAccepted;
      state.errors.listed.push(...summary.errors);
      state.errors.total = summary.errorTotal;
      state.errors.rejectedRows = summary.rejectedRows;
      return { checksum: summary.checksum ?? spooled!.checksum, encoding: summary.encoding ?? 'utf-8' };
    } finally {
      if (spooled) await spooled.remove();
    }
  }

  /**
   * Builds the unique index on the key fields. Uniqueness is checked by PostgreSQL rather than
   * in memory (a set of 12 million keys would not keep memory flat): when the index cannot be
   * built, the duplicates are found with one query, reported by line, and — if maxErrors allows —
   * removed (the first occurrence stays) and the rows renumbered. Returns how many were removed.
   */
  private async indexKeys(runner: QueryRunner, tableName: string, keys: VersionFieldSnapshot[], encoder: LoadState, maxErrors: number): Promise<number> {
    const table = quoteVersionTable(tableName);
    const keyColumns = keys.map((key) => pg.escapeIdentifier(key.name)).join(', ');
    await runner.query('savepoint causeway_keys');
    try {
      await runner.query(versionKeyIndexSql(tableName, keys));
      await runner.query('release savepoint causeway_keys');
      return 0;
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await runner.query('rollback to savepoint causeway_keys');
    }
    const duplicates = `select _row, first, ${keys.map((key) => `${pg.escapeIdentifier(key.name)}::text as ${pg.escapeIdentifier(key.name)}`).join(', ')}
      from (select _row, ${keyColumns}, first_value(_row) over w as first, row_number() over w as n from ${table} window w as (partition by ${keyColumns} order by _row)) d
      where n > 1`;
    const [{ count }] = (await runner.query(`select count(*)::int as count from (${duplicates}) c`)) as { count: number }[];
    const listed = (await runner.query(`${duplicates} order by _row limit ${REPORTED_ERRORS}`)) as (Record<string, string> & { _row: string; first: string })[];
    const where = (row: number): string => {
      const line = encoder.lines.lineOf(row);
      return line === null ? `row ${row}` : `line ${line}`;
    };
    for (const duplicate of listed) {
      const row = Number(duplicate._row);
      encoder.errors.add({
        line: encoder.lines.lineOf(row) ?? row,
        field: keys.map((key) => key.name).join(', '),
        reason: `duplicate key ${keys.map((key) => duplicate[key.name]).join(' / ')}: ${where(Number(duplicate.first))} has the same`,
      });
    }
    encoder.errors.total += Math.max(0, count - listed.length);
    encoder.errors.rejectedRows += count;
    if (encoder.errors.rejectedRows > maxErrors) return count;
    await runner.query(`delete from ${table} t using (${duplicates}) d where t._row = d._row`);
    await runner.query(`update ${table} t set _row = r.n from (select _row, row_number() over (order by _row) as n from ${table}) r where t._row = r._row and t._row <> r.n`);
    await runner.query(versionKeyIndexSql(tableName, keys));
    return count;
  }
}

/** Counts, row errors and the row → line map of a load (filled from the worker's report). */
class LoadState {
  readonly errors = new ErrorLog();
  readonly lines = new LineMap();
  rowsRead = 0;
  rowsAccepted = 0;
}

function refusedByDatabase(error: Error, where: string, lines: LineMap): IngestFailure {
  const match = /line (\d+)/.exec(where);
  const row = match ? Number(match[1]) : null;
  const line = row === null ? null : lines.lineOf(row);
  return new IngestFailure('ROW_REFUSED_BY_DATABASE', `The database refused ${line ? `the row at line ${line}` : 'a row'}: ${error.message}`, line ? { line } : {});
}

/**
 * A client that goes away mid-upload leaves its request stream closed without an end (and not
 * always with an error): the load must fail then, not wait for ever holding its transaction.
 */
function watchUpload(stream: Readable, next: Transform): void {
  stream.once('error', (error) => next.destroy(error));
  stream.once('close', () => {
    if (!stream.readableEnded) next.destroy(new IngestFailure('UPLOAD_INTERRUPTED', 'The upload ended before the whole file arrived; nothing was loaded'));
  });
}

/** Writes an upload to a private temporary file (XLSX must be read out of order), hashing it. */
async function spool(stream: Readable): Promise<{ file: string; checksum: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'causeway-upload-'));
  const file = path.join(directory, 'upload.xlsx');
  const hash = createHash('sha256');
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => hash.update(chunk));
  try {
    watchUpload(stream, tap);
    stream.pipe(tap);
    await pipeline(tap, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    stream.unpipe(tap);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { file, checksum: hash.digest('hex'), remove: () => rm(directory, { recursive: true, force: true }) };
}

/** Upload failures as the caller sees them: BAD_USER_INPUT with what was wrong and where. */
function toCausewayError(error: unknown): unknown {
  if (error instanceof IngestFailure) {
    return new CausewayError(ErrorCode.BAD_USER_INPUT, error.message, { reason: error.reason, ...error.details });
  }
  if (error instanceof EncodingError) {
    return new CausewayError(ErrorCode.BAD_USER_INPUT, error.message, { reason: 'INVALID_ENCODING', byteOffset: error.byteOffset, attempts: error.attempts });
  }
  return error;
}
