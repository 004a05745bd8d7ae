import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { FieldType } from '@causeway/catalogue';
import type { RequestContext } from '@causeway/core';
import { ID_COLUMN, OpenRowsService } from '@causeway/exchange';
import { csvRow } from '../downloads/csv.js';
import { OpenCatalogueService } from '../open-catalogue.service.js';
import { PORTAL_ACTIONS, PortalAudit } from '../portal-audit.js';
import { rowSource } from '../rows/row-source.js';
import { CkanError } from './ckan-errors.js';
import { datastoreField, type DatastoreFieldInfo } from './ckan-mapping.js';
import type { CkanInput } from './ckan-params.js';
import { parseDatastoreRequest } from './datastore-params.js';

/** JSON text spliced into an answer as is: PostgreSQL built it, and parsing it again would round numbers. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serialises an answer that may hold RawJson values. */
export function serialiseWithRawJson(value: unknown): string {
  const raws: string[] = [];
  // A marker no caller can guess, so that a caller's own text (echoed back, e.g. q) is never replaced.
  const nonce = randomBytes(12).toString('hex');
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `raw:${nonce}:${raws.length - 1}`;
    }
    return item;
  });
  return raws.length === 0 ? text : text.replace(new RegExp(`"raw:${nonce}:(\\d+)"`, 'g'), (_match, index: string) => raws[Number(index)]!);
}

/** The current request's path and query, for datastore_search's `_links` (CKAN builds them from CKAN_CURRENT_URL). */
export interface CurrentUrl {
  path: string;
  query: URLSearchParams;
}

/** CKAN's datastore_search over the version tables of open datasets. */
@Injectable()
export class DatastoreService {
  constructor(
    private readonly catalogue: OpenCatalogueService,
    private readonly rows: OpenRowsService,
    private readonly audit: PortalAudit,
  ) {}

  async search(ctx: RequestContext, input: CkanInput, current?: CurrentUrl): Promise<Record<string, unknown>> {
    const resourceId = String(input.resource_id ?? input.id ?? '').trim();
    if (resourceId === '') throw CkanError.validation({ resource_id: ['Missing value'] });
    const found = await this.catalogue.findByVersionId(ctx, resourceId);
    const source = found ? await rowSource(this.rows, found.dataset, found.version) : null;
    // CKAN's words for a resource it does not have; the same for one the public may not read.
    if (!source) throw CkanError.notFound(`Resource "${resourceId}" was not found.`);

    const request = parseDatastoreRequest(input, source.table.columns);
    const { query, selected } = request;
    const read = { select: selected.map((column) => column.name), query, withTotal: request.includeTotal };
    let records: RawJson | string;
    let returned: number;
    let total: number | null;
    if (request.recordsFormat === 'objects' || request.recordsFormat === 'lists') {
      const page = await this.rows.jsonPage(source.table, read, request.recordsFormat);
      records = new RawJson(`[${page.rows.join(',')}]`);
      returned = page.rows.length;
      total = page.total;
    } else {
      const page = await this.rows.textPage(source.table, read);
      const textColumns = selected.map((column) => column.type === FieldType.STRING || column.type === FieldType.JSON);
      const delimiter = request.recordsFormat === 'tsv' ? '\t' : ',';
      // CKAN's COPY output ends lines with \n.
      records = page.rows.map((row) => csvRow(row, { delimiter, textColumns }).replace(/\r\n$/, '\n')).join('');
      returned = page.rows.length;
      total = page.total;
    }
    const fieldNames = selected.filter((column) => column.name !== ID_COLUMN.name).map((column) => column.name);
    await this.audit.pulled(ctx, PORTAL_ACTIONS.datastoreSearch, source, fieldNames, returned, {
      limit: query.limit,
      offset: query.offset,
      filtered: query.filters.map((filter) => filter.column),
      searched: query.search.length > 0,
    });

    const fields: DatastoreFieldInfo[] = selected.map((column) => {
      if (column.name === ID_COLUMN.name) return { id: '_id', type: 'int' };
      return datastoreField(source.dataset.fields.find((field) => field.name === column.name)!);
    });
    return {
      include_total: request.includeTotal,
      limit: query.limit,
      records_format: request.recordsFormat,
      resource_id: resourceId,
      total_estimation_threshold: null,
      ...request.echo,
      records,
      fields,
      _links: links(current, query.limit, query.offset),
      ...(total === null ? {} : { total, total_was_estimated: false }),
    };
  }
}

/** CKAN's `_links`: the same request from the start, the next page, and the previous one when there is one. */
export function links(current: CurrentUrl | undefined, limit: number, offset: number): Record<string, string> {
  if (!current) return {};
  const start = new URLSearchParams(current.query);
  start.delete('offset');
  const next = new URLSearchParams(current.query);
  next.set('offset', String(offset + limit));
  const result: Record<string, string> = {
    start: withQuery(current.path, start),
    next: withQuery(current.path, next),
  };
  if (offset - limit > 0) {
    const prev = new URLSearchParams(current.query);
    prev.set('offset', String(offset - limit));
    result.prev = withQuery(current.path, prev);
  }
  return result;
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
