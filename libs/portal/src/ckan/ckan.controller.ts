import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Logger, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ANONYMOUS, Ctx, Public, type RequestContext } from '@causeway/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentUrlOf, queryValue, urlsFor } from '../http/portal-request.js';
import { PortalRateLimitGuard } from '../http/rate-limit.js';
import { PortalSettings } from '../portal-settings.js';
import { ckanFailure, CkanError, type CkanResponse } from './ckan-errors.js';
import { ckanBodyOf } from './ckan-http.js';
import { requestData } from './ckan-params.js';
import { CkanService } from './ckan.service.js';
import { serialiseWithRawJson } from './datastore.service.js';

const JSON_TYPE = 'application/json;charset=utf-8';
const JAVASCRIPT_TYPE = 'application/javascript;charset=utf-8';
/**
 * A JSONP callback: a JavaScript name or dotted path, nothing else. CKAN only HTML-escapes the
 * callback; a strict name keeps any script, comment or Flash-style payload out of the answer.
 */
const CALLBACK_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;

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
    // CKAN answers JSONP to a GET only (ckan/views/api.py `_finish`).
    const callback = request.method === 'GET' ? queryValue(request, 'callback') : undefined;
    if (callback !== undefined && !CALLBACK_NAME.test(callback)) {
      return send(reply, this.ckan.failure(action, CkanError.invalid('callback', 'Must be a JavaScript function name: a letter, _ or $, then letters, digits, _, $ or ., at most 64 characters'), urls));
    }
    let input;
    try {
      const body = ckanBodyOf(request);
      input = body ? requestData(request.method, request.query, body.text, body.mediaType) : requestData(request.method, request.query, request.body);
    } catch (error) {
      return send(reply, this.ckan.failure(action, error as CkanError, urls));
    }
    // As CKAN, a JSONP call runs as anonymous: a page that includes the script must not borrow its visitor's credential.
    const caller = callback === undefined ? ctx : { ...ctx, principal: ANONYMOUS };
    const answer = await this.ckan.call(caller, action, input, { urls, current: currentUrlOf(request) });
    if (callback === undefined || answer.status !== 200) return send(reply, answer);
    return reply.status(200).header('content-type', JAVASCRIPT_TYPE).header('x-content-type-options', 'nosniff').send(`${callback}(${serialiseWithRawJson(answer.body)});`);
  }
}
