import { FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { IngestService, type IngestReport } from '@causeway/ingest';
import { Readable } from 'node:stream';
import type { TestGateway } from './gateway.js';
import { loadVersionWith } from './versions.js';

/** A CSV text with a header row, quoting as RFC 4180 wants. */
export function csvOf(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  const cell = (value: string | number | boolean | null) => {
    if (value === null) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/** Loads rows into a new version of a dataset through the ingest service and publishes it. */
export async function publishRows(gateway: TestGateway, provider: string, code: string, csv: string): Promise<IngestReport> {
  const ctx = await gateway.steward(provider);
  return gateway.get(IngestService).ingest(ctx, code, Readable.from([Buffer.from(csv)]), { format: 'csv', publish: true });
}

/** Text that must never appear on a public path: closed datasets' and hidden fields' names and values. */
export const SECRET = {
  closedCode: 'PSB-CLOSED-MARKER',
  closedTitle: '封闭数据集标记',
  closedValue: 'closed-row-value-7Q2',
  draftCode: 'AMR-DRAFT-MARKER',
  retiredCode: 'AMR-RETIRED-MARKER',
  conditionalValue: 'conditional-row-value-9X4',
  sensitiveField: 'legalRepIdCard',
  sensitiveValue: '440106199001011234',
  internalField: 'internalAddress',
  internalValue: '天河路内部地址一号',
  noneField: 'secretNote',
  noneValue: 'none-sharing-value-3K8',
} as const;

export const OPEN_CODE = 'AMR-OPEN-ENT';
export const CONDITIONAL_CODE = 'AMR-FOOD-COND';

/** An open dataset with public fields next to SENSITIVE, INTERNAL and NONE-shared ones. */
export const openEnterprises: RegisterDatasetInput = {
  code: OPEN_CODE,
  title: '企业登记开放数据',
  titleEn: 'Open Enterprise Registry',
  summary: '市场主体登记注册信息（开放字段）',
  category: '基础',
  theme: '法人',
  keywords: ['企业', 'enterprise'],
  updateCycle: UpdateCycle.DAILY,
  sharingType: SharingType.UNCONDITIONAL,
  openType: OpenType.OPEN,
  license: 'CC-BY-4.0',
  spatialCoverage: '广州市',
  fields: [
    { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'entName', title: '企业名称', type: FieldType.STRING, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: SECRET.sensitiveField, title: '法定代表人身份证号', type: FieldType.STRING, sensitivity: Sensitivity.SENSITIVE, mask: MaskType.ID_CARD },
    { name: SECRET.internalField, title: '内部住所', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
    { name: SECRET.noneField, title: '不予共享备注', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC, sharingType: SharingType.NONE },
    { name: 'regCapital', title: '注册资本', type: FieldType.DECIMAL, unit: '万元', sensitivity: Sensitivity.PUBLIC },
    { name: 'employees', title: '从业人数', type: FieldType.INTEGER, sensitivity: Sensitivity.PUBLIC },
    { name: 'estDate', title: '成立日期', type: FieldType.DATE, sensitivity: Sensitivity.PUBLIC },
    { name: 'district', title: '所属区', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
    { name: 'note', title: '备注', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  ],
};

export const OPEN_HEADER = ['creditCode', 'entName', SECRET.sensitiveField, SECRET.internalField, SECRET.noneField, 'regCapital', 'employees', 'estDate', 'district', 'note'];

const DISTRICTS = ['天河区', '越秀区', '海珠区'];

/** 25 enterprises; row 3 carries formula-like notes, row 5 a comma, quote and line break. */
export function openEnterpriseRows(): (string | number | null)[][] {
  return Array.from({ length: 25 }, (_, index) => {
    const n = index + 1;
    const note = n === 3 ? '=HYPERLINK("http://evil.example","点我")' : n === 4 ? '-2+3' : n === 5 ? '含,逗号 "引号"\n换行' : n === 6 ? '@SUM(A1)' : `备注${n}`;
    return [
      `9144010${String(n).padStart(11, '0')}`,
      `广州企业${String(n).padStart(2, '0')}有限公司`,
      n === 1 ? SECRET.sensitiveValue : `44010619900101${String(1000 + n)}`,
      n === 1 ? SECRET.internalValue : `内部地址${n}`,
      n === 1 ? SECRET.noneValue : `不共享${n}`,
      n === 7 ? '12345678901234567890.123456789' : (n * 10.5).toFixed(2),
      n === 8 ? -5 : n * 3,
      `2020-01-${String(n).padStart(2, '0')}`,
      DISTRICTS[n % 3]!,
      note,
    ];
  });
}

export const conditionalFood: RegisterDatasetInput = {
  code: CONDITIONAL_CODE,
  title: '食品经营许可证（有条件开放）',
  summary: '食品经营许可证信息',
  category: '部门',
  updateCycle: UpdateCycle.MONTHLY,
  sharingType: SharingType.UNCONDITIONAL,
  openType: OpenType.CONDITIONAL,
  openCondition: '仅向实名认证用户开放',
  fields: [
    { name: 'licenceNo', title: '许可证编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'operatorName', title: '经营者名称', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  ],
};

export const closedHousehold: RegisterDatasetInput = {
  code: SECRET.closedCode,
  title: SECRET.closedTitle,
  summary: '户籍人口（封闭）',
  category: '基础',
  keywords: ['closedkeyword'],
  updateCycle: UpdateCycle.DAILY,
  sharingType: SharingType.CONDITIONAL,
  sharingCondition: '仅用于户籍核验',
  sharingBasis: '《居民身份证法》',
  openType: OpenType.CLOSED,
  fields: [
    { name: 'idNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
    { name: 'value', title: '值', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
  ],
};

export function simpleOpen(code: string, title: string): RegisterDatasetInput {
  return {
    code,
    title,
    summary: `${title}摘要`,
    category: '部门',
    updateCycle: UpdateCycle.YEARLY,
    sharingType: SharingType.UNCONDITIONAL,
    openType: OpenType.OPEN,
    fields: [
      { name: 'itemNo', title: '编号', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
      { name: 'value', title: '值', type: FieldType.STRING, sensitivity: Sensitivity.PUBLIC },
    ],
  };
}

/**
 * A published version of `rows` generated rows, made by PostgreSQL itself (generate_series) so
 * that a large download can be tested without sending a large file. The dataset must have the
 * fields of `simpleOpen` (itemNo, value).
 */
export async function publishGeneratedRows(gateway: TestGateway, provider: string, code: string, rows: number): Promise<void> {
  await loadVersionWith(gateway, provider, code, async (tx, table) => {
    await tx.query(`insert into ${table} select n, 'ITEM-' || lpad(n::text, 8, '0'), '广州市天河区第' || n || '号，备注：' || md5(n::text) from generate_series(1, $1) as n`, [rows]);
    return { rowCount: rows, checksum: `generated-${rows}-${Date.now()}`, sourceName: 'generate_series', format: 'generated' };
  });
}
