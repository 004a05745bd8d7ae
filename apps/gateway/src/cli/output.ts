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
