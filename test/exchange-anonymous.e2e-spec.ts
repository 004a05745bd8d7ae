import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditService } from '@causeway/audit';
import { CatalogueRegistry, FieldType, OpenType, Sensitivity, SharingType, UpdateCycle, type RegisterDatasetInput } from '@causeway/catalogue';
import { CausewayError } from '@causeway/core';
import { ExchangeService, OpenRowsService, TypedSchemaRegistry, type OpenTable } from '@causeway/exchange';
import { anonymousContext } from '@causeway/policy';
import pg from 'pg';
import { TestGateway, type HttpResponse } from './support/gateway.js';
import { loadVersion } from './support/versions.js';

/**
 * An outsider (no credentials, or refused ones) may learn nothing of a non-open dataset's schema:
 * not its typed field, its row, where or order types, its field names, nor an open dataset's
 * non-public (SECRET) fields, through no error message; and a closed dataset's code is refused
 * exactly as an unknown code, after the same work.
 */

const CLOSED_NAMES = ['hiddenLedger', 'HiddenLedger', 'ledgerAmount', 'ledgerSecretPin', 'openSecretCol', 'openInternal'];

function dataset(code: string, apiName: string, openType: OpenType, fields: RegisterDatasetInput['fields']): RegisterDatasetInput {
  return {
    code,
    apiName,
    title: `数据 ${code}`,
    summary: 'anonymous schema test',
    category: '部门',
    updateCycle: UpdateCycle.MONTHLY,
    sharingType: SharingType.CONDITIONAL,
    sharingCondition: '测试',
    sharingBasis: '测试',
    openType,
    ...(openType === OpenType.OPEN ? { license: 'CC-BY-4.0' } : {}),
    fields,
  };
}

/** The body without what differs from one request to the next. */
const stable = (response: HttpResponse) => ({ status: response.status, body: response.body.replace(/"requestId":"[^"]*"/g, '"requestId":"…"') });

describe('what an anonymous caller learns of the schema', () => {
  let gateway: TestGateway;
  let consumer: string;

  const post = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    gateway.http('POST', '/graphql', { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

  beforeAll(async () => {
    gateway = await TestGateway.start();
    consumer = await gateway.client('DG-ANC', 'anc-system');
    await gateway.dataset(
      'DG-ANP',
      dataset('ANON-CLOSED', 'hiddenLedger', OpenType.CLOSED, [
        { name: 'ledgerKey', title: '键', type: FieldType.STRING, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'ledgerAmount', title: '金额', type: FieldType.DECIMAL, sensitivity: Sensitivity.INTERNAL },
        { name: 'ledgerSecretPin', title: '密码', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
      ]),
    );
    await gateway.dataset(
      'DG-ANP',
      dataset('ANON-OPEN', 'anonOpen', OpenType.OPEN, [
        { name: 'year', title: '年份', type: FieldType.INTEGER, isKey: true, nullable: false, sensitivity: Sensitivity.PUBLIC },
        { name: 'openInternal', title: '内部', type: FieldType.STRING, sensitivity: Sensitivity.INTERNAL },
        { name: 'openSecretCol', title: '机密', type: FieldType.STRING, sensitivity: Sensitivity.SECRET, sharingType: SharingType.NONE },
      ]),
    );
    await loadVersion(gateway, 'DG-ANP', 'ANON-CLOSED', [{ ledgerKey: 'L1', ledgerAmount: '10.00', ledgerSecretPin: '7788' }]);
    await loadVersion(gateway, 'DG-ANP', 'ANON-OPEN', [{ year: 2026, openInternal: 'inside', openSecretCol: 'hush' }]);
    await gateway.get(TypedSchemaRegistry).settled();
  }, 120_000);
  afterAll(() => gateway.close());

  /**
   * Each pair: a document naming something of a closed dataset (or a hidden field of an open
   * one), and the same document with that name replaced by one of equal length that exists
   * nowhere. An outsider must get the same answer for both.
   */
  const PAIRS: { query: string; hidden: string; unknown: string; variables?: (name: string) => Record<string, unknown> }[] = [
    { query: '{ NAME { nodes { ledgerAmount } } }', hidden: 'hiddenLedger', unknown: 'hiddenLedgex' },
    { query: '{ hiddenLedger { nodes { NAME } } }', hidden: 'ledgerSecretPin', unknown: 'ledgerSecretPix' },
    { query: '{ hiddenLedger { nodes { ledgerKey NAME } } }', hidden: 'ledgerAmount', unknown: 'ledgerAmounx' },
    { query: '{ hiddenLedger(where: { NAME: { eq: "1" } }) { totalCount } }', hidden: 'ledgerSecretPin', unknown: 'ledgerSecretPix' },
    { query: 'query($w: NAME) { __typename }', hidden: 'HiddenLedgerWhere', unknown: 'HiddenLedgerWherx' },
    { query: '{ __typename ... on NAME { ledgerAmount } }', hidden: 'HiddenLedgerRow', unknown: 'HiddenLedgerRox' },
    { query: '{ anonOpen { nodes { year NAME } } }', hidden: 'openSecretCol', unknown: 'openSecretCox' },
    { query: '{ anonOpen { nodes { NAME } } }', hidden: 'openInternal', unknown: 'openInternax' },
    { query: '{ anonOpen(orderBy: [{ field: NAME }]) { totalCount } }', hidden: 'openSecretCol', unknown: 'openSecretCox' },
    { query: '{ anonOpen(where: { NAME: { isNull: true } }) { totalCount } }', hidden: 'openInternal', unknown: 'openInternax' },
    {
      query: 'query($w: AnonOpenWhere) { anonOpen(where: $w) { totalCount } }',
      hidden: 'openSecretCol',
      unknown: 'openSecretCox',
      variables: (name) => ({ w: { [name]: { eq: 'x' } } }),
    },
  ];

  it('an anonymous caller learns no closed dataset’s typed field, types or field names, nor an open dataset’s SECRET fields, from errors', async () => {
    const callers: Record<string, string>[] = [{}, { authorization: 'Bearer cwk_forged.not-a-real-key' }];
    for (const credentials of callers) {
      for (const pair of PAIRS) {
        const hidden = await post(pair.query.replace('NAME', pair.hidden), pair.variables?.(pair.hidden), credentials);
        const unknown = await post(pair.query.replace('NAME', pair.unknown), pair.variables?.(pair.unknown), credentials);
        // Byte for byte the same answer, but for the name the caller wrote itself.
        expect(stable(hidden)).toEqual({ ...stable(unknown), body: stable(unknown).body.replaceAll(pair.unknown, pair.hidden) });
        // Refused credentials are told so, whatever the document names.
        expect({ status: hidden.status, code: hidden.json<{ errors: { extensions: { code: string } }[] }>().errors[0]!.extensions.code }).toEqual(
          credentials.authorization ? { status: 401, code: 'UNAUTHENTICATED' } : { status: 400, code: pair.variables ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED' },
        );
        // No closed name the caller did not write, anywhere in the answer.
        const written = `${pair.query.replace('NAME', pair.hidden)} ${JSON.stringify(pair.variables?.(pair.hidden) ?? {})}`;
        for (const name of CLOSED_NAMES.filter((closed) => !written.includes(closed))) expect(hidden.body).not.toContain(name);
        expect(hidden.body).not.toMatch(/Did you mean/);
      }
    }
  });

  it('still tells an anonymous caller to authenticate for an open dataset’s public fields', async () => {
    const answer = await post('{ anonOpen { nodes { year } } }');
    expect(answer.json<{ errors: { extensions: { code: string } }[] }>().errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    for (const name of CLOSED_NAMES) expect(answer.body).not.toContain(name);
  });

  it('keeps validation messages whole for authenticated callers', async () => {
    const answer = await gateway.gql('{ hiddenLedger { nodes { nope } } }', {}, consumer);
    expect(answer.errors?.[0]).toMatchObject({ message: 'Cannot query field "nope" on type "HiddenLedgerRow".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('an anonymous caller gets the same refusal, after the same database work, for a closed dataset code and an unknown one', async () => {
    const audit = gateway.get(AuditService);
    const statements: string[] = [];
    const original = pg.Client.prototype.query;
    const recording = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      statements.push(typeof config === 'string' ? config : (config?.text ?? ''));
      return (original as (...rest: unknown[]) => unknown).apply(this, args);
    };
    const run = async (query: string) => {
      await audit.flush();
      statements.length = 0;
      pg.Client.prototype.query = recording as typeof original;
      try {
        const answer = await post(query);
        await audit.flush();
        return { answer: stable(answer), statements: [...statements] };
      } finally {
        pg.Client.prototype.query = original;
      }
    };
    const pairs = [
      { query: '{ records(dataset: "NAME", fields: ["ledgerAmount"]) { nodes } }', hidden: 'ANON-CLOSED', unknown: 'ANON-NOPE01' },
      { query: '{ NAME(first: 1) { totalCount } }', hidden: 'hiddenLedger', unknown: 'hiddenLedgex' },
    ];
    for (const pair of pairs) {
      // Each name twice: the second asks every cache that the first filled.
      for (let pass = 0; pass < 2; pass += 1) {
        const closed = await run(pair.query.replace('NAME', pair.hidden));
        const unknown = await run(pair.query.replace('NAME', pair.unknown));
        expect(closed.answer).toEqual({ ...unknown.answer, body: unknown.answer.body.replaceAll(pair.unknown, pair.hidden) });
        expect(closed.statements).toEqual(unknown.statements);
        // Both refusals are on the audit record.
        expect(closed.statements.length).toBeGreaterThan(0);
      }
    }
  });

  it('the exchange refuses the anonymous public a closed dataset exactly as an unknown code', async () => {
    const exchange = gateway.get(ExchangeService);
    const refusal = async (code: string) => {
      try {
        await exchange.records(anonymousContext(), { dataset: code, fields: ['ledgerAmount'] });
        return null;
      } catch (error) {
        const { code: errorCode, message } = error as { code: string; message: string };
        return { code: errorCode, message: message.replaceAll(code, '<code>') };
      }
    };
    expect(await refusal('ANON-CLOSED')).toEqual({ code: 'NOT_FOUND', message: 'Dataset <code> was not found' });
    expect(await refusal('ANON-CLOSED')).toEqual(await refusal('ANON-NOPE01'));
  });

  it('the open reads (the portal’s) take their columns from the anonymous plan, whatever their caller lists', async () => {
    const rows = gateway.get(OpenRowsService);
    const catalogue = gateway.get(CatalogueRegistry);
    const versionOf = async (code: string) => (await catalogue.findByCode(code))!.currentVersionId!;
    const everything = ['year', 'openInternal', 'openSecretCol', 'ledgerKey', 'ledgerAmount', 'ledgerSecretPin'];
    expect(await rows.table('ANON-CLOSED', await versionOf('ANON-CLOSED'), everything)).toBeNull();
    // A version of another dataset is not this dataset's.
    expect(await rows.table('ANON-OPEN', await versionOf('ANON-CLOSED'), everything)).toBeNull();
    const table = (await rows.table('ANON-OPEN', await versionOf('ANON-OPEN'), everything))!;
    expect(table.columns).toEqual([{ name: 'year', type: FieldType.INTEGER }]);
    const query = { filters: [], search: [], sort: [], limit: 10, offset: 0 };
    expect(await rows.jsonPage(table, { select: ['_id', 'year'], query, withTotal: true }, 'objects')).toEqual({ rows: ['{"_id":1,"year":2026}'], total: 1 });
    expect(await rows.textPage(table, { select: ['year'], query: { ...query, search: [{ column: null, words: ['2026'] }] }, withTotal: false })).toEqual({ rows: [['2026']], total: null });

    // A caller that adds a column the public may not read is refused by the plan, before any SQL runs.
    const forged: OpenTable = { ...table, columns: [...table.columns, { name: 'openInternal', type: FieldType.STRING }] };
    const refused = async (read: () => Promise<unknown>) => {
      try {
        await read();
      } catch (error) {
        expect(error).toBeInstanceOf(CausewayError);
        return { code: (error as CausewayError).code, fields: (error as CausewayError).extensions.fields };
      }
      throw new Error('expected a refusal');
    };
    const forbidden = { code: 'FORBIDDEN_FIELDS', fields: ['openInternal'] };
    expect(await refused(() => rows.jsonPage(forged, { select: ['openInternal'], query, withTotal: false }, 'lists'))).toEqual(forbidden);
    expect(await refused(() => rows.jsonPage(forged, { select: ['year'], query: { ...query, filters: [{ column: 'openInternal', values: ['inside'] }] }, withTotal: false }, 'objects'))).toEqual(forbidden);
    expect(await refused(() => rows.textPage(forged, { select: ['year'], query: { ...query, search: [{ column: null, words: ['inside'] }] }, withTotal: true }))).toEqual(forbidden);
    expect(await refused(() => rows.openExport(forged, 'csv'))).toEqual(forbidden);
  });
});
