import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and what it expects', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('DATABASE_URL must be a postgres:// URL');
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message).toContain('JWT_SECRET must be at least 32 characters');
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required when NODE_ENV=production/);
  });

  it('splits replica URLs', () => {
    expect(loadConfig({ DATABASE_REPLICA_URLS: 'postgres://a/x, postgres://b/x' }).DATABASE_REPLICA_URLS).toEqual(['postgres://a/x', 'postgres://b/x']);
  });
});
