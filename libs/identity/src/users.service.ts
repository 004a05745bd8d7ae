import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { badInput, conflict, Role, USER_ROLES, type RequestContext } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { Repository } from 'typeorm';
import { hashPassword } from './credentials.js';
import type { CreateUserInput, UserDto } from './dto.js';
import { DepartmentsService } from './departments.service.js';
import { UserEntity } from './entities.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly departments: DepartmentsService,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
  ) {}

  async create(ctx: RequestContext | null, input: CreateUserInput): Promise<UserDto> {
    const department = await this.departments.requireByCode(input.department, 'input.department');
    const wrong = input.roles.filter((role) => !USER_ROLES.includes(role));
    if (wrong.length > 0) throw badInput('input.roles', `${wrong.join(', ')} is a role of system clients; people take ADMIN, STEWARD, AUDITOR or ANALYST`);
    const taken = await this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email: input.email }).getExists();
    if (taken) throw conflict(`A user with the e-mail ${input.email} already exists`);
    const passwordHash = await hashPassword(input.password);
    const saved = await this.users.manager.transaction(async (tx) => {
      const row = await tx.getRepository(UserEntity).save(
        tx.getRepository(UserEntity).create({
          departmentId: department.id,
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          roles: input.roles,
          active: true,
        }),
      );
      await this.feed.notify(tx, 'users', row.id);
      await this.audit.record(ctx ?? systemContext('cli'), {
        action: 'user.create',
        outcome: AuditOutcome.ALLOWED,
        providerDepartment: department.code,
        target: `user:${input.email}`,
        detail: { userId: row.id, roles: input.roles },
      });
      return row;
    });
    return this.toDto(saved);
  }

  async list(departmentCode?: string): Promise<UserDto[]> {
    const department = departmentCode ? await this.departments.requireByCode(departmentCode) : null;
    const rows = await this.users.find({ where: department ? { departmentId: department.id } : {}, order: { email: 'ASC' } });
    return Promise.all(rows.map((row) => this.toDto(row)));
  }

  /** Whether anyone can administer the platform (an active person with the ADMIN role). */
  async hasActiveAdmin(): Promise<boolean> {
    return this.users.createQueryBuilder('u').where('u.active').andWhere(':admin = any(u.roles)', { admin: Role.ADMIN }).getExists();
  }

  async toDto(row: UserEntity): Promise<UserDto> {
    return {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      department: (await this.departments.byId(row.departmentId))!,
      roles: row.roles as Role[],
      active: row.active,
      createdAt: row.createdAt,
    };
  }
}
