import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
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

  /** The platform (data bureau) department that publishes the exchange statistics as an open dataset (PLATFORM-EXCHANGE-STATS). */
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'STATS_DEPARTMENT must be a department code, e.g. GZ-DATA' })
  STATS_DEPARTMENT = 'GZ-DATA';

  /** Published exchange statistics: a cell counting fewer exchanges than this is dropped (1 publishes every cell). */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'STATS_MIN_COUNT must be a whole number of exchanges between 1 and 1000, e.g. 5' })
  @Min(1, { message: 'STATS_MIN_COUNT must be a whole number of exchanges between 1 and 1000, e.g. 5' })
  @Max(1000, { message: 'STATS_MIN_COUNT must be a whole number of exchanges between 1 and 1000, e.g. 5' })
  STATS_MIN_COUNT = 5;

  /** Whether the gateway refreshes the published statistics daily by itself (never under NODE_ENV=test). */
  @Transform(({ value }) => (value === undefined || value === '' ? true : value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'STATS_SCHEDULE must be true or false' })
  STATS_SCHEDULE = true;

  /** Working days a provider has to answer an objection to its data (校核纠错; a Causeway default, not from the regulation). */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Min(1, { message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  @Max(60, { message: 'DEADLINE_OBJECTION_ANSWER_WORKING_DAYS must be a whole number of working days between 1 and 60, e.g. 5' })
  DEADLINE_OBJECTION_ANSWER_WORKING_DAYS = 5;

  @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
  NODE_ENV = 'development';

  /**
   * Seeds the demo city (with its published passwords) on an empty database. Unset: yes outside
   * production, never in production; `true` or `false` decides for every NODE_ENV.
   */
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsOptional()
  @IsBoolean({ message: 'CAUSEWAY_DEMO must be true or false' })
  CAUSEWAY_DEMO: boolean | null = null;

  /** When no administrator exists yet, one is created with this e-mail and a one-time password printed once in the log. */
  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an e-mail address, e.g. admin@data.gz.gov.cn' })
  ADMIN_EMAIL: string | null = null;

  /** The department of the first administrator (created when missing). */
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'ADMIN_DEPARTMENT must be a department code of 2 to 32 capital letters, digits and dashes, e.g. GZ-DATA' })
  ADMIN_DEPARTMENT = 'PLATFORM';

  /** Failed logins of one account (any address) before it is locked for LOGIN_LOCKOUT_SECONDS; 0 turns the lock off. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'LOGIN_MAX_FAILURES must be a whole number of attempts between 0 and 1000, e.g. 5 (0 turns the lock off)' })
  @Min(0, { message: 'LOGIN_MAX_FAILURES must be a whole number of attempts between 0 and 1000, e.g. 5 (0 turns the lock off)' })
  @Max(1000, { message: 'LOGIN_MAX_FAILURES must be a whole number of attempts between 0 and 1000, e.g. 5 (0 turns the lock off)' })
  LOGIN_MAX_FAILURES = 5;

  /** Failed logins from one address (any account) before it may not log in for LOGIN_LOCKOUT_SECONDS; 0 turns this off. */
  @Transform(({ value }) => (value === undefined || value === '' ? 50 : Number(value)))
  @IsInt({ message: 'LOGIN_MAX_FAILURES_PER_IP must be a whole number of attempts between 0 and 100000, e.g. 50 (0 turns it off)' })
  @Min(0, { message: 'LOGIN_MAX_FAILURES_PER_IP must be a whole number of attempts between 0 and 100000, e.g. 50 (0 turns it off)' })
  @Max(100_000, { message: 'LOGIN_MAX_FAILURES_PER_IP must be a whole number of attempts between 0 and 100000, e.g. 50 (0 turns it off)' })
  LOGIN_MAX_FAILURES_PER_IP = 50;

  /** How long failed logins are counted, and so how long a lock lasts at most. */
  @Transform(({ value }) => (value === undefined || value === '' ? 900 : Number(value)))
  @IsInt({ message: 'LOGIN_LOCKOUT_SECONDS must be a whole number of seconds between 1 and 86400, e.g. 900' })
  @Min(1, { message: 'LOGIN_LOCKOUT_SECONDS must be a whole number of seconds between 1 and 86400, e.g. 900' })
  @Max(86_400, { message: 'LOGIN_LOCKOUT_SECONDS must be a whole number of seconds between 1 and 86400, e.g. 900' })
  LOGIN_LOCKOUT_SECONDS = 900;

  /** GraphQL requests a minute from one address without credentials; 0 turns the limit off. */
  @Transform(({ value }) => (value === undefined || value === '' ? 600 : Number(value)))
  @IsInt({ message: 'RATE_LIMIT_ANONYMOUS must be a whole number of requests a minute between 0 and 1000000, e.g. 600 (0 turns it off)' })
  @Min(0, { message: 'RATE_LIMIT_ANONYMOUS must be a whole number of requests a minute between 0 and 1000000, e.g. 600 (0 turns it off)' })
  @Max(1_000_000, { message: 'RATE_LIMIT_ANONYMOUS must be a whole number of requests a minute between 0 and 1000000, e.g. 600 (0 turns it off)' })
  RATE_LIMIT_ANONYMOUS = 600;

  /** GraphQL requests a minute from one API key or person; 0 turns the limit off. */
  @Transform(({ value }) => (value === undefined || value === '' ? 300000 : Number(value)))
  @IsInt({ message: 'RATE_LIMIT_AUTHENTICATED must be a whole number of requests a minute between 0 and 10000000, e.g. 300000 (0 turns it off)' })
  @Min(0, { message: 'RATE_LIMIT_AUTHENTICATED must be a whole number of requests a minute between 0 and 10000000, e.g. 300000 (0 turns it off)' })
  @Max(10_000_000, { message: 'RATE_LIMIT_AUTHENTICATED must be a whole number of requests a minute between 0 and 10000000, e.g. 300000 (0 turns it off)' })
  RATE_LIMIT_AUTHENTICATED = 300_000;

  /** Connections of the application's main pool (catalogue, identity, policy, uploads' transactions). */
  @Transform(({ value }) => (value === undefined || value === '' ? 20 : Number(value)))
  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number of connections between 2 and 500, e.g. 20' })
  @Min(2, { message: 'DATABASE_POOL_SIZE must be a whole number of connections between 2 and 500, e.g. 20' })
  @Max(500, { message: 'DATABASE_POOL_SIZE must be a whole number of connections between 2 and 500, e.g. 20' })
  DATABASE_POOL_SIZE = 20;

  /** Uploads that load at once in this process (each holds one connection of the main pool while it loads). */
  @Transform(({ value }) => (value === undefined || value === '' ? 4 : Number(value)))
  @IsInt({ message: 'INGEST_MAX_CONCURRENT must be a whole number of uploads between 1 and 100, e.g. 4' })
  @Min(1, { message: 'INGEST_MAX_CONCURRENT must be a whole number of uploads between 1 and 100, e.g. 4' })
  @Max(100, { message: 'INGEST_MAX_CONCURRENT must be a whole number of uploads between 1 and 100, e.g. 4' })
  INGEST_MAX_CONCURRENT = 4;

  /** Uploads that may wait for a turn beyond those; any more are answered 429 with Retry-After. */
  @Transform(({ value }) => (value === undefined || value === '' ? 16 : Number(value)))
  @IsInt({ message: 'INGEST_MAX_QUEUED must be a whole number of uploads between 0 and 1000, e.g. 16' })
  @Min(0, { message: 'INGEST_MAX_QUEUED must be a whole number of uploads between 0 and 1000, e.g. 16' })
  @Max(1000, { message: 'INGEST_MAX_QUEUED must be a whole number of uploads between 0 and 1000, e.g. 16' })
  INGEST_MAX_QUEUED = 16;

  /** An upload whose body sends no byte for this long fails (nothing is loaded; its lock and connection are freed). */
  @Transform(({ value }) => (value === undefined || value === '' ? 60_000 : Number(value)))
  @IsInt({ message: 'INGEST_BODY_IDLE_TIMEOUT_MS must be a whole number of milliseconds between 100 and 3600000, e.g. 60000' })
  @Min(100, { message: 'INGEST_BODY_IDLE_TIMEOUT_MS must be a whole number of milliseconds between 100 and 3600000, e.g. 60000' })
  @Max(3_600_000, { message: 'INGEST_BODY_IDLE_TIMEOUT_MS must be a whole number of milliseconds between 100 and 3600000, e.g. 60000' })
  INGEST_BODY_IDLE_TIMEOUT_MS = 60_000;

  /**
   * Dataset rows may be read from a DATABASE_REPLICA_URLS replica only while it is at most this far
   * behind the primary; past it they are read from the primary. 0 never reads from replicas.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'REPLICA_MAX_LAG_MS must be a whole number of milliseconds between 0 and 600000, e.g. 1000' })
  @Min(0, { message: 'REPLICA_MAX_LAG_MS must be a whole number of milliseconds between 0 and 600000, e.g. 1000' })
  @Max(600_000, { message: 'REPLICA_MAX_LAG_MS must be a whole number of milliseconds between 0 and 600000, e.g. 1000' })
  REPLICA_MAX_LAG_MS = 1000;

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
