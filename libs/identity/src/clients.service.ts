import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { badInput, CLIENT_ROLES, conflict, notFound, Role, type RequestContext } from '@causeway/core';
import { ChangeFeed } from '@causeway/database';
import { isIP } from 'node:net';
import { Repository } from 'typeorm';
import { generateApiKey } from './credentials.js';
import type { CreatedSystemClientDto, CreateSystemClientInput, SystemClientDto } from './dto.js';
import { DepartmentsService } from './departments.service.js';
import { SystemClientEntity } from './entities.js';

function validCidr(cidr: string): boolean {
  const [network, bits, extra] = cidr.split('/');
  if (!network || bits === undefined || extra !== undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(network);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

@Injectable()
export class SystemClientsService {
  constructor(
    @InjectRepository(SystemClientEntity) private readonly clients: Repository<SystemClientEntity>,
    private readonly departments: DepartmentsService,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
  ) {}

  /** Creates the client and returns its key: the only time the key is ever visible. */
  async create(ctx: RequestContext | null, input: CreateSystemClientInput): Promise<CreatedSystemClientDto> {
    const department = await this.departments.requireByCode(input.department, 'input.department');
    const roles = input.roles ?? [Role.CONSUMER];
    const wrong = roles.filter((role) => !CLIENT_ROLES.includes(role));
    if (wrong.length > 0) throw badInput('input.roles', `${wrong.join(', ')} is a role of people; system clients take CONSUMER, STEWARD, AUDITOR or ADMIN`);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('input.expiresAt', 'must be in the future');
    const cidrs = input.allowedCidrs ?? [];
    const badCidr = cidrs.find((cidr) => !validCidr(cidr));
    if (badCidr) throw badInput('input.allowedCidrs', `"${badCidr}" is not a network in CIDR notation, e.g. 10.12.0.0/16 or 2001:db8::/32`);
    if (await this.clients.existsBy({ departmentId: department.id, name: input.name })) {
      throw conflict(`${department.code} already has a system client named ${input.name}`);
    }
    const generated = generateApiKey();
    // The event commits before the client does: a client whose creation is not on record never exists.
    const saved = await this.clients.manager.transaction(async (tx) => {
      const row = await tx.getRepository(SystemClientEntity).save(
        tx.getRepository(SystemClientEntity).create({
          departmentId: department.id,
          name: input.name,
          roles,
          keyPrefix: generated.prefix,
          keyHash: generated.hash,
          allowedCidrs: cidrs,
          createdBy: ctx?.principal.label ?? 'cli',
          expiresAt: input.expiresAt ?? null,
        }),
      );
      await this.feed.notify(tx, 'clients', row.id);
      await this.audit.record(ctx ?? systemContext('cli'), {
        action: 'client.create',
        outcome: AuditOutcome.ALLOWED,
        providerDepartment: department.code,
        target: `client:${department.code}/${input.name}`,
        detail: { clientId: row.id, keyPrefix: `cw_${generated.prefix}`, roles, allowedCidrs: cidrs, expiresAt: input.expiresAt ?? null },
      });
      return row;
    });
    return { client: await this.toDto(saved), key: generated.key };
  }

  async revoke(ctx: RequestContext | null, id: string, reason: string): Promise<SystemClientDto> {
    const client = await this.clients.findOne({ where: { id } });
    if (!client) throw notFound(`System client ${id}`);
    if (!client.revokedAt) {
      client.revokedAt = new Date();
      client.revokedBy = ctx?.principal.label ?? 'cli';
      client.revokeReason = reason;
      const department = await this.departments.byId(client.departmentId);
      await this.clients.manager.transaction(async (tx) => {
        await tx.getRepository(SystemClientEntity).save(client);
        // Every gateway drops the key's cached principal when this commits.
        await this.feed.notify(tx, 'clients', client.id);
        await this.audit.record(ctx ?? systemContext('cli'), {
          action: 'client.revoke',
          outcome: AuditOutcome.ALLOWED,
          providerDepartment: department?.code ?? null,
          target: `client:${department?.code ?? '?'}/${client.name}`,
          reason,
          detail: { clientId: client.id, keyPrefix: `cw_${client.keyPrefix}` },
        });
      });
    }
    return this.toDto(client);
  }

  async list(departmentCode?: string): Promise<SystemClientDto[]> {
    const department = departmentCode ? await this.departments.requireByCode(departmentCode) : null;
    const rows = await this.clients.find({ where: department ? { departmentId: department.id } : {}, order: { name: 'ASC' } });
    return Promise.all(rows.map((row) => this.toDto(row)));
  }

  private async toDto(row: SystemClientEntity): Promise<SystemClientDto> {
    return {
      id: row.id,
      name: row.name,
      department: (await this.departments.byId(row.departmentId))!,
      roles: row.roles as Role[],
      keyPrefix: `cw_${row.keyPrefix}_…`,
      allowedCidrs: row.allowedCidrs,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      revokeReason: row.revokeReason,
      lastUsedAt: row.lastUsedAt,
    };
  }
}
