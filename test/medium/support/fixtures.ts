import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { CatalogueRegistry, CatalogueVersions, type RegisterDatasetInput } from '@causeway/catalogue';
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
  await app.get(CatalogueRegistry).register(steward, input);
  const versions = app.get(CatalogueVersions);
  const db = app.get<DataSource>(getDataSourceToken() as string);
  await db.transaction(async (tx) => {
    const opened = await versions.open(tx, steward, input.code);
    await versions.record(tx, opened, { rowCount: 0, checksum: `medium-${input.code}-${opened.version}`, sourceName: 'medium', encoding: null, format: 'test' }, { publish: true });
  });
}
