import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { Ctx, notFound, Public, type RequestContext } from '@causeway/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { header, queryValue, sendAnswer } from '../http/portal-request.js';
import { PortalRateLimitGuard } from '../http/rate-limit.js';
import { DownloadService } from './download.service.js';

/** Full downloads of open datasets: /open/datasets/{code}.csv and .json (?version=N for an earlier version). */
@Controller('open/datasets')
@Public()
@UseGuards(PortalRateLimitGuard)
export class DownloadController {
  constructor(private readonly downloads: DownloadService) {}

  @Get(':file')
  async file(@Ctx() ctx: RequestContext, @Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const match = /^(.+)\.(csv|json)$/.exec(file);
    if (!match) throw notFound(`Dataset file ${file}`);
    const answer = await this.downloads.download(ctx, match[1]!, match[2] as 'csv' | 'json', {
      method: request.method,
      version: queryValue(request, 'version'),
      ifNoneMatch: header(request, 'if-none-match'),
      ifModifiedSince: header(request, 'if-modified-since'),
      acceptEncoding: header(request, 'accept-encoding'),
    });
    return sendAnswer(reply, answer);
  }
}
