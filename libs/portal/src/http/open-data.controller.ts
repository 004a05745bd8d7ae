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
