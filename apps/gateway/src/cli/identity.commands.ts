import { Role } from '@causeway/core';
import { DepartmentsService, SystemClientsService, UsersService } from '@causeway/identity';
import { Command, CommandRunner, Option } from 'nest-commander';
import { out, required, UsageError } from './output.js';

function roles(value: string | undefined, allowed: readonly Role[], fallback?: Role[]): Role[] {
  if (value === undefined) {
    if (fallback) return fallback;
    throw new UsageError(`--roles is required, e.g. --roles ${allowed[0]}`);
  }
  const list = value.split(',').map((role) => role.trim().toUpperCase()).filter(Boolean);
  const wrong = list.filter((role) => !allowed.includes(role as Role));
  if (wrong.length > 0 || list.length === 0) throw new UsageError(`--roles takes a comma-separated list of ${allowed.join(', ')}; got "${value}"`);
  return list as Role[];
}

interface DepartmentOptions {
  code?: string;
  name?: string;
  nameEn?: string;
  parent?: string;
  division?: string;
}

@Command({ name: 'department:create', description: 'Create a department' })
export class DepartmentCreateCommand extends CommandRunner {
  constructor(private readonly departments: DepartmentsService) {
    super();
  }

  async run(_args: string[], options: DepartmentOptions): Promise<void> {
    const created = await this.departments.create(null, {
      code: required(options.code, '--code', 'DG-AMR'),
      name: required(options.name, '--name', '市场监督管理局'),
      nameEn: options.nameEn,
      parentCode: options.parent,
      divisionCode: options.division,
    });
    out(`created department ${created.code} ${created.name}`);
  }

  @Option({ flags: '--code <code>', description: 'department code, e.g. DG-AMR' })
  parseCode(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'name in Chinese' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--name-en <name>', description: 'name in English' })
  parseNameEn(value: string): string {
    return value;
  }

  @Option({ flags: '--parent <code>', description: 'parent department code' })
  parseParent(value: string): string {
    return value;
  }

  @Option({ flags: '--division <code>', description: '行政区划代码, e.g. 440100' })
  parseDivision(value: string): string {
    return value;
  }
}

interface UserOptions {
  department?: string;
  email?: string;
  name?: string;
  roles?: string;
  password?: string;
}

@Command({ name: 'user:create', description: 'Create a person who logs in with e-mail and password' })
export class UserCreateCommand extends CommandRunner {
  constructor(private readonly users: UsersService) {
    super();
  }

  async run(_args: string[], options: UserOptions): Promise<void> {
    const email = required(options.email, '--email', 'li.na@amr.gov.cn');
    const password = required(options.password ?? process.env.CAUSEWAY_PASSWORD, '--password', "'a long passphrase' (or set CAUSEWAY_PASSWORD)");
    if (password.length < 12) throw new UsageError('--password must be at least 12 characters');
    const user = await this.users.create(null, {
      department: required(options.department, '--department', 'DG-AMR'),
      email,
      displayName: options.name ?? email,
      roles: roles(options.roles, [Role.ADMIN, Role.STEWARD, Role.AUDITOR, Role.ANALYST]),
      password,
    });
    out(`created user ${user.email} (${user.roles.join(', ')}) in ${user.department.code}`);
  }

  @Option({ flags: '--department <code>', description: 'department code' })
  parseDepartment(value: string): string {
    return value;
  }

  @Option({ flags: '--email <email>', description: 'login e-mail' })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'display name' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--roles <roles>', description: 'comma-separated: ADMIN, STEWARD, AUDITOR, ANALYST' })
  parseRoles(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', description: 'at least 12 characters (or CAUSEWAY_PASSWORD)' })
  parsePassword(value: string): string {
    return value;
  }
}

interface ClientOptions {
  department?: string;
  name?: string;
  roles?: string;
  expires?: string;
  json?: boolean;
}

@Command({ name: 'client:create', description: 'Create a system client and print its API key (shown this once)' })
export class ClientCreateCommand extends CommandRunner {
  constructor(private readonly clients: SystemClientsService) {
    super();
  }

  async run(_args: string[], options: ClientOptions): Promise<void> {
    let expiresAt: Date | undefined;
    if (options.expires) {
      expiresAt = new Date(options.expires);
      if (Number.isNaN(expiresAt.getTime())) throw new UsageError(`--expires must be a date, e.g. 2027-12-31 or 2027-12-31T18:00:00+08:00; got "${options.expires}"`);
    }
    const created = await this.clients.create(null, {
      department: required(options.department, '--department', 'DG-TAX'),
      name: required(options.name, '--name', 'tax-collection'),
      roles: roles(options.roles, [Role.CONSUMER, Role.STEWARD, Role.AUDITOR, Role.ADMIN], [Role.CONSUMER]),
      expiresAt,
    });
    if (options.json) {
      out(JSON.stringify({ id: created.client.id, key: created.key }));
      return;
    }
    out(`created system client ${created.client.department.code}/${created.client.name} (${created.client.roles.join(', ')})`);
    out(`id:  ${created.client.id}`);
    out(`key: ${created.key}`);
    out('The key is shown this once; store it in the calling system’s secret store.');
  }

  @Option({ flags: '--department <code>', description: 'department code' })
  parseDepartment(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'client name, e.g. tax-collection' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--roles <roles>', description: 'comma-separated: CONSUMER (default), STEWARD, AUDITOR, ADMIN' })
  parseRoles(value: string): string {
    return value;
  }

  @Option({ flags: '--expires <date>', description: 'refuse the key after this date' })
  parseExpires(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print {"id","key"} only' })
  parseJson(): boolean {
    return true;
  }
}
