import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import path from 'node:path';

const postgresUrl = /^postgres(ql)?:\/\/.+/;
const redisUrl = /^rediss?:\/\/.+/;

/** Settings read once from the environment at start; see docs/configuration.md. */
export class CausewayConfig {
  @IsOptional()
  @Matches(postgresUrl, { message: 'DATABASE_URL must be a postgres:// URL, e.g. postgres://causeway:secret@db:5432/causeway' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((url) => url.trim()).filter(Boolean) : value))
  @Matches(postgresUrl, { each: true, message: 'DATABASE_REPLICA_URLS must be a comma-separated list of postgres:// URLs' })
  DATABASE_REPLICA_URLS: string[] = [];

  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt({ message: 'PORT must be a whole number between 0 and 65535, e.g. 3000' })
  @Min(0, { message: 'PORT must be a whole number between 0 and 65535, e.g. 3000' })
  @Max(65535, { message: 'PORT must be a whole number between 0 and 65535, e.g. 3000' })
  PORT = 3000;

  /** Connections of the data-query pool (records, typed fields, aggregate). */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt({ message: 'EXCHANGE_POOL_SIZE must be a whole number of connections between 1 and 200, e.g. 10' })
  @Min(1, { message: 'EXCHANGE_POOL_SIZE must be a whole number of connections between 1 and 200, e.g. 10' })
  @Max(200, { message: 'EXCHANGE_POOL_SIZE must be a whole number of connections between 1 and 200, e.g. 10' })
  EXCHANGE_POOL_SIZE = 10;

  /** A data query running longer than this is cancelled and answered RATE_LIMITED. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5000 : Number(value)))
  @IsInt({ message: 'EXCHANGE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds between 100 and 600000, e.g. 5000' })
  @Min(100, { message: 'EXCHANGE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds between 100 and 600000, e.g. 5000' })
  @Max(600_000, { message: 'EXCHANGE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds between 100 and 600000, e.g. 5000' })
  EXCHANGE_STATEMENT_TIMEOUT_MS = 5000;

  /** A data query waiting longer than this for a connection is answered RATE_LIMITED instead of queueing on. */
  @Transform(({ value }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'EXCHANGE_ACQUIRE_TIMEOUT_MS must be a whole number of milliseconds between 10 and 60000, e.g. 1000' })
  @Min(10, { message: 'EXCHANGE_ACQUIRE_TIMEOUT_MS must be a whole number of milliseconds between 10 and 60000, e.g. 1000' })
  @Max(60_000, { message: 'EXCHANGE_ACQUIRE_TIMEOUT_MS must be a whole number of milliseconds between 10 and 60000, e.g. 1000' })
  EXCHANGE_ACQUIRE_TIMEOUT_MS = 1000;

  @IsString()
  @MinLength(1, { message: 'CAUSEWAY_DATA_DIR must name a folder, e.g. ./.causeway' })
  CAUSEWAY_DATA_DIR = '.causeway';

  /** Signs login tokens and cursors; generated into the data folder when unset outside production. */
  @IsOptional()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters; generate one with `openssl rand -base64 48`' })
  JWT_SECRET?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  @IsOptional()
  @Matches(redisUrl, { message: 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL?: string;

  /**
   * Ed25519 private key (PEM, or base64 of PKCS#8 DER) that signs audit checkpoints. Secret. When
   * unset, one is generated into the data folder (audit-signing-key.pem); replicas that do not
   * share a data folder should share this key so that every checkpoint verifies under one key.
   */
  @IsOptional()
  @IsString()
  AUDIT_SIGNING_KEY?: string;

  /** A signed checkpoint after this many events... */
  @Transform(({ value }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'AUDIT_CHECKPOINT_EVERY must be a whole number of events between 1 and 1000000, e.g. 1000' })
  @Min(1, { message: 'AUDIT_CHECKPOINT_EVERY must be a whole number of events between 1 and 1000000, e.g. 1000' })
  @Max(1_000_000, { message: 'AUDIT_CHECKPOINT_EVERY must be a whole number of events between 1 and 1000000, e.g. 1000' })
  AUDIT_CHECKPOINT_EVERY = 1000;

  /** ...or after this many minutes with new events, whichever comes first. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'AUDIT_CHECKPOINT_MINUTES must be a whole number of minutes between 1 and 1440, e.g. 5' })
  @Min(1, { message: 'AUDIT_CHECKPOINT_MINUTES must be a whole number of minutes between 1 and 1440, e.g. 5' })
  @Max(1440, { message: 'AUDIT_CHECKPOINT_MINUTES must be a whole number of minutes between 1 and 1440, e.g. 5' })
  AUDIT_CHECKPOINT_MINUTES = 5;

  /**
   * The longest a group commit may wait for exchanges already in flight to join it (like
   * PostgreSQL's commit_delay; never more than half the time its quickest exchange took): under
   * load, bigger batches cost less per event; a request alone never waits. 0 writes every batch at once.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 20 : Number(value)))
  @IsInt({ message: 'AUDIT_COMMIT_DELAY_MS must be a whole number of milliseconds between 0 and 50, e.g. 20' })
  @Min(0, { message: 'AUDIT_COMMIT_DELAY_MS must be a whole number of milliseconds between 0 and 50, e.g. 20' })
  @Max(50, { message: 'AUDIT_COMMIT_DELAY_MS must be a whole number of milliseconds between 0 and 50, e.g. 20' })
  AUDIT_COMMIT_DELAY_MS = 20;

  /** Departments whose auditors see the whole city's audit trail (other auditors see their own department's). */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((code) => code.trim()).filter(Boolean) : value))
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { each: true, message: 'AUDIT_CITY_DEPARTMENTS must be a comma-separated list of department codes, e.g. GZ-GOV,GZ-DATA' })
  AUDIT_CITY_DEPARTMENTS: string[] = ['GZ-GOV', 'GZ-DATA'];

  /** Working days a provider has to answer an access request (《政务信息资源共享管理暂行办法》: 10); see docs/workflows.md. */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt({ message: 'DEADLINE_ACCESS_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  @Min(1, { message: 'DEADLINE_ACCESS_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  @Max(60, { message: 'DEADLINE_ACCESS_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  DEADLINE_ACCESS_ANSWER_WORKING_DAYS = 10;

  /** Working days the data bureau has to check a demand and assign it to a provider (a Causeway default, not from the regulation). */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'DEADLINE_DEMAND_ASSIGN_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Min(1, { message: 'DEADLINE_DEMAND_ASSIGN_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Max(60, { message: 'DEADLINE_DEMAND_ASSIGN_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  DEADLINE_DEMAND_ASSIGN_WORKING_DAYS = 5;

  /** Working days the assigned provider has to answer a demand (the same 10 as an access request). */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt({ message: 'DEADLINE_DEMAND_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  @Min(1, { message: 'DEADLINE_DEMAND_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  @Max(60, { message: 'DEADLINE_DEMAND_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 10' })
  DEADLINE_DEMAND_ANSWER_WORKING_DAYS = 10;

  /** Working days a provider has to answer an objection to its data (校核纠错; a Causeway default, not from the regulation). */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Min(1, { message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Max(60, { message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  DEADLINE_OBJECTION_ANSWER_WORKING_DAYS = 5;

  @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
  NODE_ENV = 'development';

  get dataDir(): string {
    return path.resolve(this.CAUSEWAY_DATA_DIR);
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Reads and validates the environment; throws a ConfigurationError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CausewayConfig {
  const known = Object.keys(new CausewayConfig()).concat(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'AUDIT_SIGNING_KEY']);
  const raw: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(CausewayConfig, raw);
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((error) => Object.values(error.constraints ?? {}));
  if (config.isProduction && !config.JWT_SECRET) {
    problems.push('JWT_SECRET is required when NODE_ENV=production; generate one with `openssl rand -base64 48`');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}
