import { Controller, Param, Post, Query, Req } from '@nestjs/common';
import { badInput, Ctx, Role, Roles, type RequestContext } from '@causeway/core';
import { IsIn, IsOptional, Length, Matches } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { REQUESTED_ENCODINGS, type RequestedEncoding } from './encoding.js';
import { IngestService, type IngestOptions, type IngestReport, type SourceOpener } from './ingest.service.js';
import { uploadBody, uploadMediaType } from './upload.http.js';

export class UploadQuery {
  @IsOptional()
  @IsIn(REQUESTED_ENCODINGS, { message: `must be one of ${REQUESTED_ENCODINGS.join(', ')}` })
  encoding?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  publish?: string;

  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'must be a whole number, 0 or more' })
  maxErrors?: string;

  @IsOptional()
  @Length(1, 100, { message: 'must name a sheet of the workbook (1 to 100 characters)' })
  sheet?: string;

  @IsOptional()
  @Length(1, 255, { message: 'must be 1 to 255 characters' })
  filename?: string;
}

/** `filename` of a Content-Disposition header, if any (RFC 6266, including filename*=UTF-8''…). */
export function dispositionFilename(header: string | undefined): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      return null;
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(header);
  return plain ? (plain[2] ?? plain[1]!) : null;
}

@Controller('api/v1/datasets')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * Uploads a new version of a dataset: the file as the raw body with its media type, or as the
   * `file` part of a multipart/form-data body. Answers the ingest report.
   */
  @Post(':code/versions')
  @Roles(Role.STEWARD)
  upload(@Ctx() ctx: RequestContext, @Param('code') code: string, @Query() query: UploadQuery, @Req() request: FastifyRequest): Promise<IngestReport> {
    const options: IngestOptions = {
      encoding: (query.encoding ?? 'auto') as RequestedEncoding,
      publish: query.publish === 'true',
      maxErrors: query.maxErrors === undefined ? 0 : Number(query.maxErrors),
      sheet: query.sheet ?? null,
    };
    return this.ingest.ingest(ctx, code, sourceOf(request, query.filename ?? null), options);
  }
}

/** Opens the upload's bytes only when the service asks (once the upload has its turn). */
function sourceOf(request: FastifyRequest, filename: string | null): SourceOpener {
  return async () => {
    if (request.isMultipart()) {
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw badInput('file', 'send the file as the multipart/form-data part named "file"');
      return { stream: part.file, mediaType: part.mimetype, sourceName: filename ?? part.filename ?? null };
    }
    const disposition = request.headers['content-disposition'];
    return { stream: uploadBody(request), mediaType: uploadMediaType(request), sourceName: filename ?? dispositionFilename(typeof disposition === 'string' ? disposition : undefined) };
  };
}
