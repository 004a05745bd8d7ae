import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CausewayConfig, ConfigurationError, Secrets } from '@causeway/core';
import { DataSource } from 'typeorm';

/**
 * Login tokens, cursors and masked values are derived from the master secret (JWT_SECRET): every
 * gateway replica and the CLI must share it. The first process on the database records the
 * secret's fingerprint; one with another secret refuses to start, naming JWT_SECRET.
 */
@Injectable()
export class SecretFingerprintCheck implements OnModuleInit {
  private readonly logger = new Logger(SecretFingerprintCheck.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly secrets: Secrets,
    private readonly config: CausewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const mine = this.secrets.fingerprint();
    const inserted = (await this.dataSource.query(`insert into deployment_secret (id, fingerprint) values (1, $1) on conflict (id) do nothing returning id`, [mine])) as unknown[];
    if (inserted.length > 0) {
      this.logger.log('recorded the fingerprint of the master secret: every replica must start with the same JWT_SECRET');
      return;
    }
    const [{ fingerprint }] = (await this.dataSource.query(`select fingerprint from deployment_secret where id = 1`)) as [{ fingerprint: string }];
    if (fingerprint === mine) return;
    const source = this.config.JWT_SECRET ? 'Its JWT_SECRET' : `It has no JWT_SECRET and uses the secret generated into ${this.config.dataDir}/master.key, which`;
    throw new ConfigurationError([
      `JWT_SECRET differs from the master secret this database was first started with. ${source} is not the one the other gateways use, ` +
        'so their login tokens, cursors and masked values would not agree with this process. Give every gateway replica and the CLI the same JWT_SECRET ' +
        '(e.g. from your secret store); the database keeps only a fingerprint of it, in deployment_secret.',
    ]);
  }
}
