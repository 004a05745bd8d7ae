import { FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { GrantsService, PolicyService, type NewGrant } from '@causeway/policy';
import { DepartmentsService } from '@causeway/identity';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { TestGateway } from './gateway.js';

/** A people register (人口基础信息) with a field of every sensitivity and most types. */
export function peopleRegister(overrides: Partial<RegisterDatasetInput> = {}): RegisterDatasetInput {
  return {
    code: 'PSB-PEOPLE',
    apiName: 'peopleRegister',
    title: '人口基础信息',
    summary: '测试用人口信息',
    category: '基础',
    updateCycle: UpdateCycle.DAILY,
    sharingType: SharingType.UNCONDITIONAL,
    sharingBasis: '测试依据',
    openType: OpenType.CLOSED,
    fields: [
      { name: 'idCard', title: '身份证号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
      { name: 'name', title: '姓名', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.NAME },
      { name: 'district', title: '区划', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
      { name: 'age', title: '年龄', type: FieldType.INTEGER, sensitivity: Sensitivity.PUBLIC },
      { name: 'birthDate', title: '出生日期', type: FieldType.DATE, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.YEAR_ONLY },
      { name: 'income', title: '收入', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL, sharingType: SharingType.CONDITIONAL },
      { name: 'phone', title: '电话', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
      { name: 'verified', title: '已核验', type: FieldType.BOOLEAN, sensitivity: Sensitivity.PUBLIC },
    ],
    ...overrides,
  };
}

export const PEOPLE = [
  { idCard: '440106199001011234', name: '张三', district: '440106', age: 36, birthDate: '1990-01-01', income: '12000.50', phone: '13812345678', verified: true },
  { idCard: '440106198502023456', name: '李四', district: '440106', age: 41, birthDate: '1985-02-02', income: '8000.00', phone: '13900001111', verified: false },
  { idCard: '440111197703035678', name: '王五', district: '440111', age: 49, birthDate: '1977-03-03', income: '15000.25', phone: '13700002222', verified: true },
  { idCard: '440111200104047890', name: '赵六', district: '440111', age: 25, birthDate: '2001-04-04', income: null, phone: '13600003333', verified: null },
  { idCard: '440103199905059012', name: '欧阳娜娜', district: '440103', age: 27, birthDate: '1999-05-05', income: '9000.75', phone: null, verified: true },
];

/** Creates a grant directly through the policy context (the access workflow is tested on its own). */
export async function grant(
  gateway: TestGateway,
  provider: string,
  consumer: string,
  code: string,
  spec: Partial<Omit<NewGrant, 'dataset' | 'consumerDepartmentId'>> & { fields: string[] },
): Promise<string> {
  const policy = gateway.get(PolicyService);
  policy.datasetChanged('*');
  const dataset = (await policy.dataset(code))!;
  const consumerDepartment = (await gateway.get(DepartmentsService).byCode(consumer))!;
  const db = gateway.app.get<DataSource>(getDataSourceToken() as string);
  const grants = gateway.get(GrantsService);
  const created = await db.transaction((tx) =>
    gateway.steward(provider).then((ctx) =>
      grants.create(tx, ctx, {
        dataset,
        consumerDepartmentId: consumerDepartment.id,
        accessRequestId: null,
        masked: [],
        rowScope: null,
        purpose: 'test',
        useScope: null,
        legalBasis: null,
        validUntil: null,
        aggregateOnly: false,
        requirePurpose: false,
        requireEndUserId: false,
        ...spec,
      }),
    ),
  );
  return created.id;
}
