import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@causeway/core';
import { searchPackages } from '../ckan/package-search.js';
import { CkanError } from '../ckan/ckan-errors.js';
import type { HttpAnswer } from '../http/portal-request.js';
import { OpenCatalogueService } from '../open-catalogue.service.js';
import { PAGE_HEADERS, renderDatasetPage, renderListPage } from './open-page.js';

const PER_PAGE = 50;

/** The /open pages, server-rendered: the searchable list of open datasets and each dataset's page. */
@Injectable()
export class OpenPageService {
  constructor(private readonly catalogue: OpenCatalogueService) {}

  /** The list, searched by words and optionally narrowed to one publisher (its CKAN name, e.g. dg-amr). */
  async list(ctx: RequestContext, q: string | undefined, pageParam: string | undefined, organization?: string): Promise<HttpAnswer> {
    const query = (q ?? '').slice(0, 200).trim();
    const org = organization && /^[a-z0-9][a-z0-9_-]{0,31}$/.test(organization.toLowerCase()) ? organization.toLowerCase() : undefined;
    const page = pageParam && /^[1-9]\d{0,5}$/.test(pageParam) ? Number(pageParam) : 1;
    const all = await this.catalogue.list(ctx);
    // A visitor types words, not Solr syntax: each word must appear; characters Solr would read
    // as syntax are taken literally.
    const words = query
      .split(/\s+/)
      .filter((word) => word !== '')
      .map((word) => `"${word.replace(/["\\]/g, '\\$&')}"`)
      .join(' ');
    let found;
    try {
      found = searchPackages(all, { q: words || undefined, fq: org ? [`organization:"${org}"`] : [], rows: PER_PAGE, start: (page - 1) * PER_PAGE, facetFields: [], facetLimit: 0, facetMinCount: 1 });
    } catch (error) {
      if (!(error instanceof CkanError)) throw error;
      found = { count: 0, datasets: [] };
    }
    const pages = Math.max(1, Math.ceil(found.count / PER_PAGE));
    return { status: 200, headers: PAGE_HEADERS, body: renderListPage({ q: query, org, total: found.count, page, pages, datasets: found.datasets }) };
  }

  /** A dataset's landing page; null when the portal does not list it. */
  async dataset(ctx: RequestContext, code: string): Promise<HttpAnswer | null> {
    const dataset = await this.catalogue.find(ctx, code);
    return dataset ? { status: 200, headers: PAGE_HEADERS, body: renderDatasetPage(dataset) } : null;
  }
}
