import { ConfigurationError } from '@causeway/core';
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, validateSync } from 'class-validator';

const whole = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** The portal's own settings, read once from the environment at start (see docs/configuration.md). */
export class PortalSettings {
  /**
   * The public address of the gateway, e.g. https://data.gz.gov.cn. Absolute links (CKAN help, DCAT
   * IRIs, download URLs) are built on it; unset, they are built from the request's Host header,
   * which is fine behind a proxy that sets it but should not be trusted on an open network.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PORTAL_PUBLIC_URL must be an http(s) URL without query, e.g. https://data.example.gov.cn' })
  PORTAL_PUBLIC_URL?: string;

  /** Anonymous requests allowed per client IP per minute on the portal's routes; 0 turns the limit off. */
  @Transform(whole)
  @IsInt({ message: 'PORTAL_RATE_LIMIT must be a whole number of requests per minute, e.g. 600 (0 turns the limit off)' })
  @Min(0, { message: 'PORTAL_RATE_LIMIT must be 0 or more' })
  @Max(1_000_000, { message: 'PORTAL_RATE_LIMIT must be at most 1000000' })
  PORTAL_RATE_LIMIT = 600;

  /** Department code that publishes the DCAT catalogue; by default the root of the department hierarchy. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'PORTAL_PUBLISHER must be a department code, e.g. GZ-DATA' })
  PORTAL_PUBLISHER?: string;

  get publicUrl(): string | null {
    return this.PORTAL_PUBLIC_URL ? this.PORTAL_PUBLIC_URL.replace(/\/+$/, '') : null;
  }
}

export function loadPortalSettings(env: NodeJS.ProcessEnv = process.env): PortalSettings {
  const raw: Record<string, string> = {};
  for (const key of ['PORTAL_PUBLIC_URL', 'PORTAL_RATE_LIMIT', 'PORTAL_PUBLISHER']) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const settings = plainToInstance(PortalSettings, raw);
  const problems = validateSync(settings).flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return settings;
}
