import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Where commands write: results to stdout (so they can be piped), problems to stderr. */
export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function required(value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required, e.g. ${flag} ${example}`);
  return value.trim();
}

/**
 * Nest's console logger writes warnings to stdout, where they would break a `--json` answer or a
 * piped export: the CLI's log lines all go to stderr.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
