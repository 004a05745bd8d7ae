import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditOutcome, AuditService, systemContext } from '@causeway/audit';
import { badInput, conflict, notFound, type RequestContext } from '@causeway/core';
import { ChangeFeed, FeedCache } from '@causeway/database';
import type { Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import type { CreateDepartmentInput, DepartmentDto } from './dto.js';
import { DepartmentEntity } from './entities.js';

interface DepartmentIndex {
  byId: Map<string, DepartmentDto>;
  byCode: Map<string, DepartmentDto>;
}

/**
 * Departments change rarely and are read on almost every request: kept in memory, and dropped
 * on every department change notice (from any process, see ChangeFeed).
 */
@Injectable()
export class DepartmentsService implements OnModuleDestroy {
  private readonly cache: FeedCache<DepartmentIndex>;
  private readonly subscription: Subscription;

  constructor(
    @InjectRepository(DepartmentEntity) private readonly departments: Repository<DepartmentEntity>,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
  ) {
    this.cache = new FeedCache(feed);
    this.subscription = feed.on('departments').subscribe(() => this.cache.clear());
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  async all(): Promise<DepartmentDto[]> {
    return [...(await this.load()).byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /**
   * Ids come from rows that reference a department (users, clients, datasets), so a miss means this
   * process has not heard of a department yet: it reads the departments afresh once before saying null.
   */
  async byId(id: string): Promise<DepartmentDto | null> {
    const found = (await this.load()).byId.get(id);
    if (found) return found;
    this.cache.clear();
    return (await this.load()).byId.get(id) ?? null;
  }

  async byCode(code: string): Promise<DepartmentDto | null> {
    return (await this.load()).byCode.get(code) ?? null;
  }

  async requireByCode(code: string, argument = 'department'): Promise<DepartmentDto> {
    const department = await this.byCode(code);
    if (!department) throw badInput(argument, `no department has the code "${code}"; list them with the departments query`);
    return department;
  }

  async get(code: string): Promise<DepartmentDto> {
    const department = await this.byCode(code);
    if (!department) throw notFound(`Department ${code}`);
    return department;
  }

  async create(ctx: RequestContext | null, input: CreateDepartmentInput): Promise<DepartmentDto> {
    if (await this.byCode(input.code)) throw conflict(`A department with the code ${input.code} already exists`);
    const parent = input.parentCode ? await this.requireByCode(input.parentCode, 'input.parentCode') : null;
    const saved = await this.departments.manager.transaction(async (tx) => {
      const row = await tx.getRepository(DepartmentEntity).save(
        tx.getRepository(DepartmentEntity).create({
          code: input.code,
          name: input.name,
          nameEn: input.nameEn ?? null,
          parentId: parent?.id ?? null,
          divisionCode: input.divisionCode ?? parent?.divisionCode ?? null,
          contactName: input.contactName ?? null,
          contactPhone: input.contactPhone ?? null,
          contactEmail: input.contactEmail ?? null,
        }),
      );
      await this.feed.notify(tx, 'departments', row.id);
      await this.audit.record(ctx ?? systemContext('cli'), {
        action: 'department.create',
        outcome: AuditOutcome.ALLOWED,
        providerDepartment: input.code,
        target: `department:${input.code}`,
        detail: { name: input.name, parentCode: input.parentCode ?? null },
      });
      return row;
    });
    return (await this.byId(saved.id))!;
  }

  private load(): Promise<DepartmentIndex> {
    return this.cache.get('all', () => this.read());
  }

  private async read(): Promise<DepartmentIndex> {
    const rows = await this.departments.find();
    const codeOf = new Map(rows.map((row) => [row.id, row.code]));
    const dtos = rows.map(
      (row): DepartmentDto => ({
        id: row.id,
        code: row.code,
        name: row.name,
        nameEn: row.nameEn,
        parentCode: row.parentId ? (codeOf.get(row.parentId) ?? null) : null,
        divisionCode: row.divisionCode,
        contactName: row.contactName,
        contactPhone: row.contactPhone,
        contactEmail: row.contactEmail,
      }),
    );
    return { byId: new Map(dtos.map((dto) => [dto.id, dto])), byCode: new Map(dtos.map((dto) => [dto.code, dto])) };
  }
}
