import {
  AuditQueryService,
  AuditService,
  AuditSigningKey,
  checkpointSignatureValid,
  ChainVerifier,
  csvHeader,
  csvLine,
  exportCheckpoint,
  jsonlLine,
  keyIdOf,
  parseExportedCheckpoint,
  recordFromCsv,
  recordFromJson,
  type ChainVerdict,
  type ExportHeader,
  type SignedCheckpoint,
} from '@causeway/audit';
import { parse } from 'csv-parse';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, required, UsageError } from './output.js';

interface VerifyOptions {
  from?: number;
  checkpoint?: string[];
  publicKey?: string[];
  input?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function describe(verdict: ChainVerdict & { head?: { seq: number } }, source: string): string {
  if (verdict.ok) {
    return `audit chain intact: ${source}, events ${verdict.from}..${verdict.to} recomputed, ${verdict.checkpointsChecked} signed checkpoint(s) matched, head hash ${verdict.headHash}`;
  }
  const problem = verdict.problem!;
  return `audit chain BROKEN at seq ${problem.seq} (${problem.kind}): ${problem.message}\nevents ${verdict.from}..${verdict.to} check out; nothing from seq ${problem.seq} on can be trusted`;
}

@Command({
  name: 'audit:verify',
  description: 'Recompute the audit hash chain, check it against the signed checkpoints, and name the first tampered sequence number (exit code 0 only when intact)',
})
export class AuditVerifyCommand extends CommandRunner {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly key: AuditSigningKey,
  ) {
    super();
  }

  /** Exit code 0: intact; 1: broken (and where); 2: the verification could not run. */
  async run(_args: string[], options: VerifyOptions): Promise<void> {
    try {
      await this.verify(options);
    } catch (error) {
      process.stderr.write(`causeway: audit:verify could not run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    }
  }

  private async verify(options: VerifyOptions): Promise<void> {
    const publicKeys = new Map<string, KeyObject>([[this.key.keyId, this.key.publicKey]]);
    for (const file of options.publicKey ?? []) {
      const key = createPublicKey(await readFile(file, 'utf8'));
      publicKeys.set(keyIdOf(key), key);
    }
    const extra: SignedCheckpoint[] = [];
    for (const file of options.checkpoint ?? []) {
      const { checkpoint, publicKey } = parseExportedCheckpoint(await readFile(file, 'utf8'));
      // A checkpoint file the auditor kept is trusted with the key written in it; its key id is printed for comparison.
      publicKeys.set(keyIdOf(publicKey), publicKey);
      extra.push(checkpoint);
    }
    const verdict = options.input
      ? await this.verifyFile(options.input, publicKeys, extra)
      : await this.queries.verify({ from: options.from, extraCheckpoints: extra, publicKeys });
    const source = options.input ? `export ${options.input}` : 'database';
    if (options.json) out(JSON.stringify({ source, keys: [...publicKeys.keys()], ...verdict }, null, 2));
    else {
      out(describe(verdict, source));
      out(`trusted checkpoint keys: ${[...publicKeys.keys()].join(', ')}`);
    }
    if (!verdict.ok) process.exitCode = 1;
  }

  /** Verifies an export (audit:export, JSONL or CSV) offline, with the same verifier. */
  private async verifyFile(file: string, publicKeys: Map<string, KeyObject>, extra: SignedCheckpoint[]): Promise<ChainVerdict> {
    const checkpointValid = (checkpoint: SignedCheckpoint) => checkpointSignatureValid(checkpoint, publicKeys);
    if (file.endsWith('.csv')) {
      let verifier: ChainVerifier | null = null;
      const parser = createReadStream(file).pipe(parse({ bom: true, from_line: 2, cast: (value, context) => ({ value, quoted: context.quoting }) }));
      for await (const cells of parser as AsyncIterable<{ value: string; quoted: boolean }[]>) {
        const record = recordFromCsv(cells);
        verifier ??= new ChainVerifier({ anchor: { seq: record.seq - 1, hash: record.prevHash }, checkpoints: extra, checkpointValid });
        if (!verifier.push(record)) break;
      }
      return (verifier ?? new ChainVerifier()).finish();
    }
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let header: ExportHeader | null = null;
    const events: ReturnType<typeof recordFromJson>[] = [];
    const checkpoints = [...extra];
    for await (const line of lines) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.type === 'causeway-audit-export') {
        header = parsed as unknown as ExportHeader;
        for (const key of header.publicKeys) publicKeys.set(key.keyId, createPublicKey(key.pem));
      } else if (parsed.type === 'checkpoint') checkpoints.push(parsed as unknown as SignedCheckpoint);
      else if (parsed.type === 'event') events.push(recordFromJson(parsed));
    }
    if (!header) throw new UsageError(`${file} is not an audit export (no causeway-audit-export header line)`);
    const verifier = new ChainVerifier({ anchor: header.anchor ?? undefined, checkpoints, checkpointValid });
    for (const event of events) if (!verifier.push(event)) break;
    const verdict = verifier.finish();
    if (verdict.ok && header.lastSeq !== null && verdict.to !== header.lastSeq) {
      return { ...verdict, ok: false, problem: { seq: verdict.to + 1, kind: 'DELETED', message: `the export says it holds events up to ${header.lastSeq}, but it ends at ${verdict.to}` } };
    }
    return verdict;
  }

  @Option({ flags: '--from <seq>', description: 'start at this sequence number (trusting the stored hash of the one before)' })
  parseFrom(value: string): number {
    const seq = Number(value);
    if (!Number.isInteger(seq) || seq < 1) throw new UsageError(`--from takes a sequence number, e.g. --from 1000; got "${value}"`);
    return seq;
  }

  @Option({ flags: '--checkpoint <file>', description: 'an exported checkpoint (audit:checkpoint) to hold the chain against; repeatable' })
  parseCheckpoint(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--public-key <file>', description: 'another trusted checkpoint public key (PEM); repeatable' })
  parsePublicKey(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--input <file>', description: 'verify an export (audit:export, .jsonl or .csv) instead of the database' })
  parseInput(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the verdict as JSON' })
  parseJson(): boolean {
    return true;
  }
}

interface ExportOptions {
  from?: string;
  to?: string;
  format?: string;
  out?: string;
}

function time(value: string | undefined, flag: string): Date {
  const text = required(value, flag, flag === '--from' ? '2026-11-01' : '2026-12-01');
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} takes a date or time, e.g. ${flag} 2026-11-01 or ${flag} 2026-11-21T08:00:00Z; got "${text}"`);
  return date;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}

@Command({
  name: 'audit:export',
  description: 'Stream the audit events of a period (from inclusive, to exclusive) with their hashes, as evidence a third party can verify (audit:verify --input)',
})
export class AuditExportCommand extends CommandRunner {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly key: AuditSigningKey,
  ) {
    super();
  }

  async run(_args: string[], options: ExportOptions): Promise<void> {
    const from = time(options.from, '--from');
    // Without --to: everything up to now (`--from "$(date -u +%Y-%m-01)"` is this month so far).
    const to = options.to === undefined ? new Date() : time(options.to, '--to');
    const format = (options.format ?? 'jsonl').toLowerCase();
    if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format takes csv or jsonl; got "${options.format}"`);
    const stream: Writable = options.out ? createWriteStream(options.out) : process.stdout;
    let checkpoints: SignedCheckpoint[] = [];
    const count = await this.queries.exportRange(from, to, {
      begin: async ({ firstSeq, lastSeq, anchor, checkpoints: within }) => {
        checkpoints = within;
        if (format === 'csv') return write(stream, csvHeader());
        const header: ExportHeader = {
          type: 'causeway-audit-export',
          v: 1,
          from: from.toISOString(),
          to: to.toISOString(),
          firstSeq,
          lastSeq,
          anchor,
          publicKeys: [{ keyId: this.key.keyId, pem: this.key.publicKeyPem }],
        };
        return write(stream, jsonlLine(header));
      },
      event: (record) => write(stream, format === 'csv' ? csvLine(record) : jsonlLine({ type: 'event', ...record })),
    });
    if (format === 'jsonl') for (const checkpoint of checkpoints) await write(stream, jsonlLine({ type: 'checkpoint', ...checkpoint }));
    if (options.out) {
      stream.end();
      await finished(stream);
      process.stderr.write(`exported ${count} event(s) to ${options.out}\n`);
    }
  }

  @Option({ flags: '--from <time>', description: 'first moment (inclusive), e.g. 2026-11-01' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <time>', description: 'end (exclusive), e.g. 2026-12-01; default: now' })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--format <format>', description: 'jsonl (default; with the checkpoints and public key) or csv' })
  parseFormat(value: string): string {
    return value;
  }

  @Option({ flags: '--out <file>', description: 'write to a file instead of standard output' })
  parseOut(value: string): string {
    return value;
  }
}

@Command({
  name: 'audit:checkpoint',
  description: 'Sign a checkpoint of the audit chain head now and print it (keep the file outside the database; audit:verify --checkpoint FILE)',
})
export class AuditCheckpointCommand extends CommandRunner {
  constructor(
    private readonly audit: AuditService,
    private readonly key: AuditSigningKey,
  ) {
    super();
  }

  async run(_args: string[], options: { out?: string }): Promise<void> {
    const checkpoint = await this.audit.checkpoint(true);
    if (!checkpoint) throw new UsageError('the audit trail is empty: there is nothing to sign yet');
    const text = `${JSON.stringify(exportCheckpoint(checkpoint, this.key.publicKey), null, 2)}\n`;
    if (options.out) {
      const stream = createWriteStream(options.out, { mode: 0o644 });
      stream.end(text);
      await finished(stream);
      process.stderr.write(`checkpoint ${checkpoint.seq} written to ${options.out}\n`);
    } else process.stdout.write(text);
  }

  @Option({ flags: '--out <file>', description: 'write to a file instead of standard output' })
  parseOut(value: string): string {
    return value;
  }
}
