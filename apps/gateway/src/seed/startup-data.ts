import { Injectable, Logger } from '@nestjs/common';
import { CausewayConfig, Role } from '@causeway/core';
import { DepartmentsService, UsersService } from '@causeway/identity';
import { randomBytes } from 'node:crypto';
import { DemoSeeder } from './demo-seeder.js';

export interface StartupData {
  /** The demo city was seeded by this start. */
  demoSeeded: boolean;
  /** The first administrator created by this start from ADMIN_EMAIL; its password is shown only here and in the log, once. */
  firstAdmin: { email: string; password: string } | null;
  /** No administrator exists and none was created: the log says how to create one. */
  adminMissing: boolean;
}

/**
 * What a gateway puts into its database when it starts. The demo city (whose passwords are
 * published) is seeded only outside production or when CAUSEWAY_DEMO=true asks for it; a fresh
 * production database gets its first administrator from ADMIN_EMAIL, or instructions in the log.
 */
@Injectable()
export class StartupDataService {
  private readonly logger = new Logger('StartupData');

  constructor(
    private readonly config: CausewayConfig,
    private readonly demo: DemoSeeder,
    private readonly departments: DepartmentsService,
    private readonly users: UsersService,
  ) {}

  get demoWanted(): boolean {
    return this.config.CAUSEWAY_DEMO ?? !this.config.isProduction;
  }

  async prepare(): Promise<StartupData> {
    const demoSeeded = this.demoWanted ? await this.demo.seedIfEmpty() : false;
    if (!this.demoWanted && (await this.departments.all()).length === 0) {
      this.logger.log('empty database: the demo city is not seeded (NODE_ENV=production; set CAUSEWAY_DEMO=true or run `causeway seed --demo` to have it)');
    }
    if (await this.users.hasActiveAdmin()) return { demoSeeded, firstAdmin: null, adminMissing: false };
    if (this.config.ADMIN_EMAIL) {
      if (!(await this.users.list()).some((user) => user.email.toLowerCase() === this.config.ADMIN_EMAIL!.toLowerCase())) {
        return { demoSeeded, firstAdmin: await this.createFirstAdmin(this.config.ADMIN_EMAIL), adminMissing: false };
      }
      this.logger.warn(`ADMIN_EMAIL ${this.config.ADMIN_EMAIL} is a person already, but not an active ADMIN: no administrator is created`);
    }
    this.logger.warn(
      'no administrator exists yet. Create the first one by restarting with ADMIN_EMAIL=<e-mail> (a one-time password is printed once in this log), ' +
        'or with the command line: causeway department:create --code PLATFORM --name 平台管理 && ' +
        'causeway user:create --department PLATFORM --email <e-mail> --roles ADMIN --password <at least 12 characters>',
    );
    return { demoSeeded, firstAdmin: null, adminMissing: true };
  }

  private async createFirstAdmin(email: string): Promise<{ email: string; password: string }> {
    const department = this.config.ADMIN_DEPARTMENT;
    if (!(await this.departments.byCode(department))) {
      await this.departments.create(null, { code: department, name: '平台管理', nameEn: 'Platform administration' });
    }
    const password = randomBytes(18).toString('base64url');
    await this.users.create(null, { department, email, displayName: email, roles: [Role.ADMIN], password });
    this.logger.warn(
      `first administrator created: ${email} (department ${department}) with the one-time password ${password} — ` +
        'it is shown only this once: keep it in a password manager and keep this log private',
    );
    return { email, password };
  }
}
