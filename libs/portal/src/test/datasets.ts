import { FieldType, OpenType, UpdateCycle } from '@causeway/catalogue';
import type { OpenDataset } from '../open-dataset.js';

/** An open dataset for unit tests (folders named test are not built into dist). */
export function openDataset(overrides: Partial<OpenDataset> = {}): OpenDataset {
  const current = { id: '11111111-1111-4111-8111-111111111111', version: 2, rowCount: 10, loadedAt: new Date('2024-03-01T00:00:00Z'), publishedAt: new Date('2024-03-02T00:00:00Z'), current: true };
  return {
    id: '00000000-0000-4000-8000-000000000001',
    code: 'AMR-ENT',
    name: 'amr-ent',
    title: '企业登记信息',
    titleEn: 'Enterprise Registration',
    summary: '全市市场主体登记注册信息',
    category: '基础',
    theme: '法人',
    keywords: ['企业', 'enterprise'],
    updateCycle: UpdateCycle.DAILY,
    openType: OpenType.OPEN,
    openCondition: null,
    license: 'CC-BY-4.0',
    temporalFrom: null,
    temporalTo: null,
    spatialCoverage: '广州市',
    publisher: { id: '00000000-0000-4000-8000-0000000000aa', code: 'DG-AMR', name: 'dg-amr', title: '市场监督管理局', titleEn: 'Administration for Market Regulation' },
    fields: [
      { name: 'creditCode', title: '统一社会信用代码', type: FieldType.STRING, description: null, unit: null, isKey: true },
      { name: 'regCapital', title: '注册资本', type: FieldType.DECIMAL, description: null, unit: '万元', isKey: false },
    ],
    versions: [current, { id: '22222222-2222-4222-8222-222222222222', version: 1, rowCount: 8, loadedAt: new Date('2024-01-01T00:00:00Z'), publishedAt: new Date('2024-01-02T00:00:00Z'), current: false }],
    current,
    createdAt: new Date('2023-12-01T00:00:00Z'),
    updatedAt: new Date('2024-03-02T00:00:00Z'),
    publishedAt: new Date('2024-01-02T00:00:00Z'),
    ...overrides,
  };
}
