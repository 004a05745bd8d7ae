import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { CausewayError, Ctx, ErrorCode, Public, type RequestContext } from '@causeway/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DcatService } from '../dcat/dcat.service.js';
import { DownloadService } from '../downloads/download.service.js';
import { OpenPageService } from '../page/open-page.service.js';
import { PortalSettings } from '../portal-settings.js';
import { header, queryValue, sendAnswer, urlsFor } from './portal-request.js';
import { PortalRateLimitGuard } from './rate-limit.js';

const NOT_OPEN = new CausewayError(ErrorCode.NOT_FOUND, 'No open dataset has this code; the open datasets are listed at /api/3/action/package_list and /open');

/**
 * The open-data routes outside CKAN's API: the /open page, the DCAT-AP catalogue, and per dataset
 * its landing page, its DCAT description (.jsonld, .ttl) and its downloads (.csv, .json;
 * ?version=N for an earlier version).
 */
@Controller()
@Public()
@UseGuards(PortalRateLimitGuard)
export class OpenDataController {
  constructor(
    private readonly dcat: DcatService,
    private readonly downloads: DownloadService,
    private readonly pages: OpenPageService,
    private readonly settings: PortalSettings,
  ) {}

  /** The open data page: search and download links (server-rendered, no scripts). */
  @Get('open')
  async page(@Ctx() ctx: RequestContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendAnswer(reply, await this.pages.list(ctx, queryValue(request, 'q'), queryValue(request, 'page'), queryValue(request, 'org')));
  }

  /** A publisher's IRI in the DCAT feed: its datasets on the page. */
  @Get('open/organizations/:code')
  organization(@Param('code') code: string, @Res() reply: FastifyReply): FastifyReply {
    return reply.redirect(`/open?${new URLSearchParams({ org: code.toLowerCase() }).toString()}`, 303);
  }

  /** A theme's IRI in the DCAT feed: the datasets of that 主题 on the page. */
  @Get('open/themes/:theme')
  theme(@Param('theme') theme: string, @Res() reply: FastifyReply): FastifyReply {
    return reply.redirect(`/open?${new URLSearchParams({ q: theme }).toString()}`, 303);
  }

  /**
   * The catalogue's own IRI (the subject of the feed's dcat:Catalog): 303 See Other to the
   * document in the format the client asks for, as Linked Data serves a resource that is not
   * itself a document. Turtle or JSON-LD by Accept (JSON-LD when either will do), the /open page
   * for a browser; ?page is kept.
   */
  @Get('catalog')
  catalogIri(@Req() request: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const page = queryValue(request, 'page');
    const format = catalogFormatFor(header(request, 'accept'));
    const target = format === 'html' ? '/open' : `/catalog.${format}${page === undefined ? '' : `?${new URLSearchParams({ page }).toString()}`}`;
    return reply.header('vary', 'Accept').redirect(target, 303);
  }

  @Get('catalog.jsonld')
  async catalogJsonLd(@Ctx() ctx: RequestContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendAnswer(reply, await this.dcat.catalog(ctx, 'jsonld', queryValue(request, 'page'), urlsFor(this.settings, request)));
  }

  @Get('catalog.ttl')
  async catalogTurtle(@Ctx() ctx: RequestContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendAnswer(reply, await this.dcat.catalog(ctx, 'ttl', queryValue(request, 'page'), urlsFor(this.settings, request)));
  }

  @Get('open/datasets/:file')
  async datasetFile(@Ctx() ctx: RequestContext, @Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const match = /^(.+)\.(csv|json|jsonld|ttl)$/.exec(file);
    if (!match) {
      // No extension: the dataset's landing page (its DCAT IRI).
      const page = await this.pages.dataset(ctx, file);
      if (!page) throw NOT_OPEN;
      return sendAnswer(reply, page);
    }
    const [, code, extension] = match as unknown as [string, string, 'csv' | 'json' | 'jsonld' | 'ttl'];
    if (extension === 'jsonld' || extension === 'ttl') {
      const answer = await this.dcat.dataset(ctx, code, extension, urlsFor(this.settings, request));
      if (!answer) throw NOT_OPEN;
      return sendAnswer(reply, answer);
    }
    const answer = await this.downloads.download(ctx, code, extension, {
      method: request.method,
      version: queryValue(request, 'version'),
      ifNoneMatch: header(request, 'if-none-match'),
      ifModifiedSince: header(request, 'if-modified-since'),
      acceptEncoding: header(request, 'accept-encoding'),
    });
    return sendAnswer(reply, answer);
  }
}

const CATALOG_TYPES: [string, 'jsonld' | 'ttl' | 'html'][] = [
  ['application/ld+json', 'jsonld'],
  ['text/turtle', 'ttl'],
  ['application/x-turtle', 'ttl'],
  ['application/json', 'jsonld'],
  ['text/html', 'html'],
  ['application/xhtml+xml', 'html'],
];

/** The catalogue document an Accept header prefers: highest q wins, JSON-LD on a tie or with no Accept. */
export function catalogFormatFor(accept: string | undefined): 'jsonld' | 'ttl' | 'html' {
  if (!accept) return 'jsonld';
  const ranges = accept.split(',').slice(0, 32).map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const qualityOf = (type: string): number => {
    const exact = ranges.find((entry) => entry.range === type);
    if (exact) return exact.q;
    const family = ranges.find((entry) => entry.range === `${type.split('/')[0]}/*`);
    if (family) return family.q;
    return ranges.find((entry) => entry.range === '*/*')?.q ?? 0;
  };
  let best: { format: 'jsonld' | 'ttl' | 'html'; q: number } = { format: 'jsonld', q: 0 };
  for (const [type, format] of CATALOG_TYPES) {
    const q = qualityOf(type);
    if (q > best.q) best = { format, q };
  }
  return best.format;
}
