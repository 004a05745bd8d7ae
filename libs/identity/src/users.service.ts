import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { badInput, conflict, forbidden, notFound, Role, USER_ROLES, type RequestContext } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { EntityManager, Repository } from 'typeorm';
import { generateTemporaryPassword, hashPassword } from './credentials.js';
import type { CreateUserInput, PasswordResetDto, UserDto } from './dto.js';
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

  /**
   * Disables a person: logging in is refused, and so is every token issued before (its session
   * version is raised, so re-enabling the account does not bring them back). Nobody disables
   * themselves, nor the last active administrator.
   */
  async disable(ctx: RequestContext, id: string, reason: string): Promise<UserDto> {
    const why = reason.trim();
    if (!why) throw badInput('reason', 'is required: say why the account is disabled');
    const saved = await this.users.manager.transaction(async (tx) => {
      const row = await this.locked(tx, id);
      if (ctx.principal.kind === 'USER' && ctx.principal.id === row.id) throw forbidden('You cannot disable your own account; ask another administrator');
      if (!row.active) return row;
      if (row.roles.includes(Role.ADMIN)) {
        const others = await tx
          .getRepository(UserEntity)
          .createQueryBuilder('u')
          .where('u.active')
          .andWhere(':admin = any(u.roles)', { admin: Role.ADMIN })
          .andWhere('u.id <> :id', { id: row.id })
          .getExists();
        if (!others) throw conflict(`${row.email} is the last active administrator: enable or create another one first`);
      }
      await tx.getRepository(UserEntity).update(row.id, { active: false, sessionVersion: row.sessionVersion + 1 });
      await this.recordAct(tx, ctx, row, 'user.disable', { reason: why.slice(0, 500) });
      return { ...row, active: false };
    });
    return this.toDto(saved);
  }

  async enable(ctx: RequestContext, id: string): Promise<UserDto> {
    const saved = await this.users.manager.transaction(async (tx) => {
      const row = await this.locked(tx, id);
      if (row.active) return row;
      await tx.getRepository(UserEntity).update(row.id, { active: true });
      await this.recordAct(tx, ctx, row, 'user.enable', {});
      return { ...row, active: true };
    });
    return this.toDto(saved);
  }

  /**
   * Sets a one-time password, answered once and stored only as a hash: the person's tokens stop
   * working, and the next login serves nothing but changing it (mustChangePassword).
   */
  async resetPassword(ctx: RequestContext, id: string): Promise<PasswordResetDto> {
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const saved = await this.users.manager.transaction(async (tx) => {
      const row = await this.locked(tx, id);
      const changed = { passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), sessionVersion: row.sessionVersion + 1 };
      await tx.getRepository(UserEntity).update(row.id, changed);
      await this.recordAct(tx, ctx, row, 'user.password.reset', {});
      return { ...row, ...changed };
    });
    return { user: await this.toDto(saved), temporaryPassword };
  }

  /** The row, locked for the rest of the transaction; NOT_FOUND for an unknown or malformed id. */
  private async locked(tx: EntityManager, id: string): Promise<UserEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await tx.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!row) throw notFound(`User ${id}`);
    return row;
  }

  /** Every change to a person is seen by every gateway at once (cached principals) and is on the audit record. */
  private async recordAct(tx: EntityManager, ctx: RequestContext, row: UserEntity, action: string, detail: { reason?: string }): Promise<void> {
    await this.feed.notify(tx, 'users', row.id);
    const department = await this.departments.byId(row.departmentId);
    await this.audit.record(ctx, {
      action,
      outcome: AuditOutcome.ALLOWED,
      providerDepartment: department?.code ?? null,
      target: `user:${row.email}`,
      reason: detail.reason ?? null,
      detail: { userId: row.id },
    });
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
      mustChangePassword: row.mustChangePassword,
      createdAt: row.createdAt,
      lastLoginAt: row.lastLoginAt,
      passwordChangedAt: row.passwordChangedAt,
    };
  }
}
