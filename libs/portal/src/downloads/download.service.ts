import { Injectable } from '@nestjs/common';
import { FieldType } from '@causeway/catalogue';
import { badInput, CausewayError, ErrorCode, type RequestContext } from '@causeway/core';
import { OpenRowsService, type RowExport } from '@causeway/exchange';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { OpenCatalogueService } from '../open-catalogue.service.js';
import { PORTAL_ACTIONS, PortalAudit } from '../portal-audit.js';
import { rowSource, type RowSource } from '../rows/row-source.js';
import { DOWNLOAD_FORMATS } from '../vocabularies.js';
import { csvHeader, csvRow, UTF8_BOM } from './csv.js';
import { acceptsGzip, attachment, downloadEtag, etagMatches, notModifiedSince } from './http-conditions.js';

export interface DownloadRequest {
  method: string;
  /** ?version=N; the current version when absent. */
  version?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  acceptEncoding?: string;
}

/** A finished HTTP answer for the controller to send as is. */
export interface DownloadAnswer {
  status: number;
  headers: Record<string, string>;
  body: Readable | null;
}

/**
 * Whole-dataset downloads (CSV and JSON) streamed from a database cursor: constant memory, the
 * audit event written before the first byte, conditional requests answered without reading rows.
 */
@Injectable()
export class DownloadService {
  constructor(
    private readonly catalogue: OpenCatalogueService,
    private readonly rows: OpenRowsService,
    private readonly audit: PortalAudit,
  ) {}

  async download(ctx: RequestContext, code: string, format: 'csv' | 'json', request: DownloadRequest): Promise<DownloadAnswer> {
    const source = await this.resolve(ctx, code, request.version);
    const columns = source.table.columns.map((column) => column.name);
    const disputes = source.table.disputes;
    // The disputed flags change the file without a new version: they are part of its ETag.
    const etag = downloadEtag(source.version.id, [...columns, `${DISPUTED_COLUMN}:${disputes?.fingerprint ?? ''}`], format);
    // The version's publication, a later change of the dataset's fields, or of its objections, whichever is newest.
    const lastModified = new Date(Math.max(source.version.publishedAt.getTime(), source.dataset.updatedAt.getTime(), disputes?.changedAt.getTime() ?? 0));
    const gzip = acceptsGzip(request.acceptEncoding);
    const fileName = `${source.dataset.code}${source.version.current ? '' : `-v${source.version.version}`}.${format}`;
    const headers: Record<string, string> = {
      etag,
      'last-modified': lastModified.toUTCString(),
      // Revalidate every time: a dataset can be closed at any moment, and the ETag makes revalidation cheap.
      'cache-control': 'no-cache',
      vary: 'Accept-Encoding',
    };
    const notModified = request.ifNoneMatch !== undefined ? etagMatches(request.ifNoneMatch, etag) : notModifiedSince(request.ifModifiedSince, lastModified);
    if (notModified) return { status: 304, headers, body: null };

    Object.assign(headers, {
      'content-type': `${DOWNLOAD_FORMATS[format].mediaType}; charset=utf-8`,
      'content-disposition': attachment(fileName),
      'x-content-type-options': 'nosniff',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    // HEAD asks for the headers only: no rows are read, so there is nothing to audit. The size is
    // not known without reading them, and RFC 9110 lets a HEAD leave Content-Length out; an empty
    // stream (not an empty body) keeps Fastify from claiming `Content-Length: 0`.
    if (request.method === 'HEAD') return { status: 200, headers, body: Readable.from([]) };

    let rowExport: RowExport;
    try {
      rowExport = await this.rows.openExport(source.table, format);
    } catch (error) {
      if (error instanceof CausewayError && error.code === ErrorCode.RATE_LIMITED) {
        const retry = Number(error.extensions.retryAfterSeconds ?? 60);
        return {
          status: 503,
          headers: { 'retry-after': String(retry), 'content-type': 'application/json; charset=utf-8' },
          body: Readable.from([JSON.stringify({ error: { code: ErrorCode.RATE_LIMITED, message: error.message, requestId: ctx.requestId } })]),
        };
      }
      throw error;
    }
    try {
      await this.audit.pulled(ctx, PORTAL_ACTIONS.download, source, columns, source.version.rowCount, { format, gzip });
    } catch (error) {
      rowExport.release();
      throw error;
    }
    const text = Readable.from(format === 'csv' ? csvChunks(source, rowExport) : jsonChunks(rowExport));
    return { status: 200, headers, body: gzip ? text.pipe(createGzip()) : text };
  }

  /** The version to serve, or NOT_FOUND (the same for a missing, closed or conditional dataset). */
  private async resolve(ctx: RequestContext, code: string, versionParam: string | undefined): Promise<RowSource> {
    let wanted: number | undefined;
    if (versionParam !== undefined) {
      if (!/^\d{1,9}$/.test(versionParam)) throw badInput('version', 'must be a version number, e.g. 2; leave it out for the current version');
      wanted = Number(versionParam);
    }
    const dataset = await this.catalogue.find(ctx, code);
    if (!dataset) {
      const refused = await this.catalogue.unlisted(code);
      if (refused) await this.audit.refused(ctx, PORTAL_ACTIONS.download, refused, 'the dataset is not open to the public');
      throw NO_SUCH_DATASET;
    }
    const version = wanted === undefined ? dataset.current : dataset.versions.find((candidate) => candidate.version === wanted);
    const source = version ? await rowSource(this.rows, dataset, version) : null;
    if (!source) {
      if (!dataset.current) await this.audit.refused(ctx, PORTAL_ACTIONS.download, { dataset: dataset.code, provider: dataset.publisher?.code ?? null }, 'the dataset serves no rows to the public');
      throw wanted === undefined ? NO_SUCH_DATASET : new CausewayError(ErrorCode.NOT_FOUND, `This dataset has no published version ${wanted}; its versions are listed by package_show`);
    }
    return source;
  }
}

// The answer never repeats the requested code, so that a refused one reads exactly like a missing one.
const NO_SUCH_DATASET = new CausewayError(ErrorCode.NOT_FOUND, 'No open dataset has this code; the open datasets are listed at /api/3/action/package_list and /open');

const TEXT_TYPES = new Set([FieldType.STRING, FieldType.JSON]);

/**
 * The last column of every download: whether an open objection (异议) flags the row. Field names
 * start with a lower-case letter, so this name never meets one.
 */
export const DISPUTED_COLUMN = '_disputed';

async function* csvChunks(source: RowSource, rowExport: RowExport): AsyncGenerator<string> {
  const textColumns = [...source.table.columns.map((column) => TEXT_TYPES.has(column.type)), false];
  yield UTF8_BOM + csvHeader([...source.table.columns.map((column) => column.name), DISPUTED_COLUMN]);
  for await (const batch of rowExport.batches()) {
    let chunk = '';
    for (const row of batch) chunk += csvRow(row, { textColumns });
    yield chunk;
  }
}

async function* jsonChunks(rowExport: RowExport): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const batch of rowExport.batches()) {
    let chunk = '';
    for (const row of batch) {
      // row[0] is a JSON object's text; the flag goes in as its last member.
      chunk += `${first ? '\n' : ',\n'}${row[0]!.slice(0, -1)},"${DISPUTED_COLUMN}":${row[1] === 'true'}}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]\n';
}
