import { describe, expect, it } from '@jest/globals';
import { toCsv, toJsonLines } from './auditExport';
import type { AuditEvent } from './operations';

const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
  seq: '1', at: '2026-12-07T10:00:00.000Z', action: 'records.query', outcome: 'ALLOWED', principal: 'user:a@b', principalKind: 'USER',
  departmentCode: 'TH-AMR', providerDepartmentCode: 'DG-PSB', dataset: 'PSB-PEOPLE', version: 1, purpose: '核查', reason: null, requestId: 'r1',
  clientIp: null, endUserId: null, target: null, rowsReturned: 2, durationMs: 3, rowScope: null, detail: null, grantIds: [],
  fieldsRequested: ['name'], fieldsClear: [], fieldsMasked: ['name'], fieldsRefused: [], hash: 'h', prevHash: 'p', ...overrides,
});

describe('audit export', () => {
  it('the CSV starts with a UTF-8 byte order mark so Excel on Chinese Windows does not garble the Chinese', () => {
    const csv = toCsv([event({})]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('核查');
  });

  it('a purpose that looks like a spreadsheet formula is exported inert, and commas and quotes are quoted', () => {
    const csv = toCsv([event({ purpose: '=HYPERLINK("http://x")', reason: 'a, "b"' })]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain('"a, ""b"""');
  });

  it('JSONL has one parseable event per line', () => {
    const lines = toJsonLines([event({ seq: '1' }), event({ seq: '2' })]).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEvent).seq)).toEqual(['1', '2']);
  });
});
