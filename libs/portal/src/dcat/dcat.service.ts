import { Injectable } from '@nestjs/common';
import { badInput, CausewayError, ErrorCode, type RequestContext } from '@causeway/core';
import type { Quad } from 'n3';
import type { HttpAnswer } from '../http/portal-request.js';
import { OpenCatalogueService } from '../open-catalogue.service.js';
import { openPublisher, type OpenPublisher } from '../open-dataset.js';
import { PortalSettings } from '../portal-settings.js';
import type { PortalUrls } from '../portal-urls.js';

export type RdfFormat = 'jsonld' | 'ttl';

const CONTENT_TYPES: Record<RdfFormat, string> = {
  jsonld: 'application/ld+json; charset=utf-8',
  ttl: 'text/turtle; charset=utf-8',
};

/** The graph builders and serialisers, loaded with n3 (≈ 1.5 MB of heap) on the first DCAT request. */
let rdf: Promise<[typeof import('./dcat-graph.js'), typeof import('./rdf-serialise.js')]> | null = null;
const loadRdf = () => (rdf ??= Promise.all([import('./dcat-graph.js'), import('./rdf-serialise.js')]));

/** The DCAT-AP 3 catalogue of open datasets, paged, in JSON-LD and Turtle. */
@Injectable()
export class DcatService {
  constructor(
    private readonly catalogue: OpenCatalogueService,
    private readonly settings: PortalSettings,
  ) {}

  async catalog(ctx: RequestContext, format: RdfFormat, pageParam: string | undefined, urls: PortalUrls): Promise<HttpAnswer> {
    if (pageParam !== undefined && !/^[1-9]\d{0,6}$/.test(pageParam)) throw badInput('page', 'must be a page number from 1, e.g. ?page=2');
    const page = pageParam === undefined ? 1 : Number(pageParam);
    const [{ catalogGraph, DATASETS_PER_PAGE }] = await loadRdf();
    const all = await this.catalogue.list(ctx);
    const last = Math.max(1, Math.ceil(all.length / DATASETS_PER_PAGE));
    if (page > last) throw new CausewayError(ErrorCode.NOT_FOUND, `The catalogue has ${last} page(s); ask for ?page=1 to ${last}`);
    const quads = catalogGraph(urls, {
      publisher: await this.publisher(),
      all,
      datasets: all.slice((page - 1) * DATASETS_PER_PAGE, page * DATASETS_PER_PAGE),
      paging: { page, totalItems: all.length, format },
    });
    return this.answer(format, quads);
  }

  /** One dataset's DCAT-AP description; null when the portal does not list it. */
  async dataset(ctx: RequestContext, code: string, format: RdfFormat, urls: PortalUrls): Promise<HttpAnswer | null> {
    const dataset = await this.catalogue.find(ctx, code);
    if (!dataset) return null;
    const [{ datasetGraph }] = await loadRdf();
    return this.answer(format, datasetGraph(urls, dataset));
  }

  private async answer(format: RdfFormat, quads: Quad[]): Promise<HttpAnswer> {
    const [, { toJsonLd, toTurtle }] = await loadRdf();
    const body = format === 'ttl' ? await toTurtle(quads) : JSON.stringify(toJsonLd(quads));
    return { status: 200, headers: { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-cache' }, body };
  }

  /** The catalogue's publisher: PORTAL_PUBLISHER, else the one root of the department hierarchy. */
  private async publisher(): Promise<OpenPublisher | null> {
    const departments = await this.catalogue.departmentsList();
    const chosen = this.settings.PORTAL_PUBLISHER
      ? departments.find((department) => department.code === this.settings.PORTAL_PUBLISHER)
      : (() => {
          const roots = departments.filter((department) => department.parentCode === null);
          return roots.length === 1 ? roots[0] : undefined;
        })();
    return chosen ? openPublisher(chosen) : null;
  }
}
