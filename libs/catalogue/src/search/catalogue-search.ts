import { Injectable } from '@nestjs/common';
import { badInput, CursorCodec, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type RequestContext } from '@causeway/core';
import { CatalogueStore, visibleTo } from '../catalogue-store.js';
import { DatasetConnection, DatasetDto, DatasetFilter } from '../dto.js';
import { DatasetEntity } from '../entities.js';
import { DatasetStatus } from '../enums.js';
import { likePattern } from '../rules.js';

/** The catalogue's search: finding datasets by words and attributes, and listing the published ones. */
@Injectable()
export class CatalogueSearch {
  constructor(
    private readonly store: CatalogueStore,
    private readonly cursors: CursorCodec,
  ) {}

  async search(ctx: RequestContext, filter: DatasetFilter = {}, first = DEFAULT_PAGE_SIZE, after?: string): Promise<DatasetConnection> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    const scope = `datasets:${JSON.stringify(filter)}`;
    const query = this.store.db.getRepository(DatasetEntity).createQueryBuilder('d');
    visibleTo(query, ctx.principal);
    if (filter.search?.trim()) {
      const terms = filter.search.trim().split(/\s+/).slice(0, 8);
      terms.forEach((term, index) => query.andWhere(`d.search_text like :term${index}`, { [`term${index}`]: likePattern(term) }));
    }
    if (filter.category) query.andWhere('d.category = :category', { category: filter.category });
    if (filter.sharingType) query.andWhere('d.sharing_type = :sharingType', { sharingType: filter.sharingType });
    if (filter.openType) query.andWhere('d.open_type = :openType', { openType: filter.openType });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.provider) {
      query.andWhere('d.provider_department_id = (select id from department where code = :provider)', { provider: filter.provider });
    }
    const totalCount = await query.clone().getCount();
    if (after) query.andWhere('d.code > :afterCode', { afterCode: this.cursors.decode<{ code: string }>(scope, after).code });
    const rows = await query.orderBy('d.code', 'ASC').limit(first + 1).getMany();
    const page = rows.slice(0, first);
    const nodes = await this.store.toDtos(page);
    const edges = nodes.map((node) => ({ node, cursor: this.cursors.encode(scope, { code: node.code }) }));
    return {
      nodes,
      edges,
      totalCount,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** Every dataset with a published current version (typed schema, portal). */
  async listPublished(): Promise<DatasetDto[]> {
    const rows = await this.store.db.getRepository(DatasetEntity).find({ where: { status: DatasetStatus.PUBLISHED }, order: { code: 'ASC' } });
    return this.store.toDtos(rows);
  }
}
