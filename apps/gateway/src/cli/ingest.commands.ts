import { CatalogueRegistry } from '@causeway/catalogue';
import { CausewayError, Role, type RequestContext } from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import { IngestService, REQUESTED_ENCODINGS, type IngestReport, type RequestedEncoding, type RowError } from '@causeway/ingest';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, UsageError } from './output.js';

interface IngestCommandOptions {
  encoding?: RequestedEncoding;
  publish?: boolean;
  maxErrors?: number;
  sheet?: string;
  json?: boolean;
}

/** A report's row errors as lines a person reads. */
export function errorLines(errors: readonly RowError[], total: number): string[] {
  const lines = errors.map((error) => `  line ${error.line}${error.field ? ` ${error.field}` : ''}: ${error.reason}`);
  if (total > errors.length) lines.push(`  … and ${total - errors.length} more`);
  return lines;
}

export function summary(report: IngestReport): string {
  const head = report.duplicate
    ? `${report.dataset}: the same content is already version ${report.version} (checksum ${report.checksum.slice(0, 12)}…); nothing new was loaded`
    : `${report.dataset} version ${report.version}: ${report.rowCount} rows loaded from ${report.sourceName ?? 'the file'} (${report.format}, ${report.encoding}) in ${report.durationMs} ms`;
  const rejected = report.rowsRejected > 0 ? [`${report.rowsRejected} rows refused:`, ...errorLines(report.errors, report.errorCount)] : [];
  return [head, ...rejected, report.current ? `version ${report.version} is the current version` : `not published: publish it with --publish or the publishVersion mutation`].join('\n');
}

/**
 * `causeway ingest CODE FILE`: loads a file as a new version, as a steward of the dataset's
 * provider. The command line is an operator's tool on the database itself (like `seed`), so it
 * acts for the provider without a credential; the version records `cli:<os user>` as its loader.
 */
@Command({ name: 'ingest', arguments: '<code> <file>', description: 'Load a CSV, JSON, NDJSON or XLSX file as a new version of a dataset' })
export class IngestCommand extends CommandRunner {
  constructor(
    private readonly ingest: IngestService,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
  ) {
    super();
  }

  async run([code, file]: string[], options: IngestCommandOptions): Promise<void> {
    if (!code || !file) throw new UsageError('usage: causeway ingest CODE FILE, e.g. causeway ingest AMR-ENT-REG enterprises.csv');
    await stat(file).catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
    const dataset = await this.catalogue.findByCode(code);
    if (!dataset) throw new UsageError(`no dataset ${code}; list them with the datasets query`);
    const department = (await this.departments.byId(dataset.providerDepartmentId))!;
    const ctx: RequestContext = {
      requestId: `cli-${Date.now().toString(36)}`,
      principal: {
        kind: 'USER',
        id: 'cli',
        label: `cli:${os.userInfo().username}`,
        departmentId: department.id,
        departmentCode: department.code,
        divisionCode: department.divisionCode,
        roles: [Role.STEWARD],
      },
      clientIp: null,
      purpose: 'command line ingest',
      endUserId: null,
      startedAt: Date.now(),
    };
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    try {
      const report = await this.ingest.ingest(ctx, code, stream, {
        sourceName: path.basename(file),
        encoding: options.encoding ?? 'auto',
        publish: options.publish ?? false,
        maxErrors: options.maxErrors ?? 0,
        sheet: options.sheet ?? null,
      });
      out(options.json ? JSON.stringify(report, null, 2) : summary(report));
    } catch (error) {
      if (error instanceof CausewayError && options.json) {
        out(JSON.stringify({ error: { code: error.code, message: error.message, ...error.extensions } }, null, 2));
        process.exitCode = 1;
        return;
      }
      if (error instanceof CausewayError) {
        const report = error.extensions.report as { errors?: RowError[]; errorCount?: number } | undefined;
        const detail = report?.errors ? `\n${errorLines(report.errors, report.errorCount ?? report.errors.length).join('\n')}` : '';
        throw new CausewayError(error.code, `${error.message}${detail}`, error.extensions);
      }
      throw error;
    } finally {
      stream.destroy();
    }
  }

  @Option({ flags: '--encoding <encoding>', description: `auto (default: strict UTF-8, then strict GB18030), ${REQUESTED_ENCODINGS.filter((e) => e !== 'auto').join(', ')}` })
  parseEncoding(value: string): RequestedEncoding {
    if (!REQUESTED_ENCODINGS.includes(value as RequestedEncoding)) throw new UsageError(`--encoding takes one of ${REQUESTED_ENCODINGS.join(', ')}`);
    return value as RequestedEncoding;
  }

  @Option({ flags: '--publish', description: 'make the new version current' })
  parsePublish(): boolean {
    return true;
  }

  @Option({ flags: '--max-errors <n>', description: 'keep the version if at most n rows are refused (default 0)' })
  parseMaxErrors(value: string): number {
    if (!/^\d+$/.test(value)) throw new UsageError('--max-errors takes a whole number, e.g. --max-errors 10');
    return Number(value);
  }

  @Option({ flags: '--sheet <name>', description: 'XLSX: the sheet to load (default the first)' })
  parseSheet(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }
}
