import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { CatalogueService, type RegisterDatasetInput } from '@causeway/catalogue';
import { Role, type RequestContext } from '@causeway/core';
import { DepartmentsService } from '@causeway/identity';
import type { DataSource } from 'typeorm';

/** A department (created when missing) and a request context of one of its people or systems. */
export async function actor(app: TestingModule, department: string, roles: Role[], divisionCode = '440100'): Promise<RequestContext> {
  const departments = app.get(DepartmentsService);
  const found = (await departments.byCode(department)) ?? (await departments.create(null, { code: department, name: `${department} 部门`, divisionCode }));
  return {
    requestId: `medium-${department}`,
    principal: {
      kind: roles.includes(Role.STEWARD) ? 'USER' : 'CLIENT',
      id: `medium:${department}:${roles.join('+')}`,
      label: `medium:${department}`,
      departmentId: found.id,
      departmentCode: department,
      divisionCode: found.divisionCode,
      roles,
    },
    clientIp: null,
    purpose: null,
    endUserId: null,
    startedAt: Date.now(),
  };
}

/**
 * Registers a dataset and publishes an (empty) first version of it: what policy and the access
 * workflow need of the catalogue. No rows are loaded and no version table is made; the medium
 * tests of those contexts decide on the catalogue entry only.
 */
export async function publishedDataset(app: TestingModule, steward: RequestContext, input: RegisterDatasetInput): Promise<void> {
  const catalogue = app.get(CatalogueService);
  await catalogue.register(steward, input);
  const db = app.get<DataSource>(getDataSourceToken() as string);
  const version = await db.transaction(async (tx) => {
    const begun = await catalogue.beginVersion(tx, steward, input.code);
    const fields = begun.dataset.fields.map(({ name, title, type, nullable, isKey }) => ({ name, title, type, nullable, isKey }));
    await catalogue.recordVersion(tx, steward, begun.dataset, {
      version: begun.version,
      tableName: begun.tableName,
      rowCount: 0,
      checksum: `medium-${input.code}-${begun.version}`,
      sourceName: 'medium',
      encoding: null,
      format: 'test',
      fields,
    });
    return begun.version;
  });
  await catalogue.publishVersion(steward, input.code, version);
}
