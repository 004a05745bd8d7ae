import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Logger, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Ctx, Public, type RequestContext } from '@causeway/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentUrlOf, urlsFor } from '../http/portal-request.js';
import { PortalRateLimitGuard } from '../http/rate-limit.js';
import { PortalSettings } from '../portal-settings.js';
import { ckanFailure, CkanError, type CkanResponse } from './ckan-errors.js';
import { requestData } from './ckan-params.js';
import { CkanService } from './ckan.service.js';
import { serialiseWithRawJson } from './datastore.service.js';

const JSON_TYPE = 'application/json;charset=utf-8';

function send(reply: FastifyReply, answer: CkanResponse): FastifyReply {
  return reply.status(answer.status).header('content-type', JSON_TYPE).send(serialiseWithRawJson(answer.body));
}

/**
 * Errors raised before an action runs (the authentication guard refusing a bad credential, the
 * rate limit) answered in CKAN's shape, so that CKAN clients can read them.
 */
@Catch()
export class CkanExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('CKAN');

  constructor(private readonly settings: PortalSettings) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const action = (request.params as Record<string, string> | undefined)?.action ?? 'unknown';
    const error = CkanError.from(exception);
    if (!error) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return send(reply, ckanFailure(urlsFor(this.settings, request).ckanHelp(action), error ?? CkanError.internal()));
  }
}

/** CKAN's Action API: GET with query parameters or POST with a JSON body, at /api/3/action/… and /api/action/…. */
@Controller('api')
@Public()
@UseGuards(PortalRateLimitGuard)
@UseFilters(CkanExceptionFilter)
export class CkanController {
  constructor(
    private readonly ckan: CkanService,
    private readonly settings: PortalSettings,
  ) {}

  @Get(['3/action/:action', 'action/:action'])
  get(@Ctx() ctx: RequestContext, @Param('action') action: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.answer(ctx, action, request, reply);
  }

  @Post(['3/action/:action', 'action/:action'])
  post(@Ctx() ctx: RequestContext, @Param('action') action: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.answer(ctx, action, request, reply);
  }

  /** CKAN's API root answers its version. */
  @Get('3')
  version(): { version: number } {
    return { version: 3 };
  }

  private async answer(ctx: RequestContext, action: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const urls = urlsFor(this.settings, request);
    let input;
    try {
      input = requestData(request.method, request.query, request.body);
    } catch (error) {
      return send(reply, this.ckan.failure(action, error as CkanError, urls));
    }
    return send(reply, await this.ckan.call(ctx, action, input, { urls, current: currentUrlOf(request) }));
  }
}
