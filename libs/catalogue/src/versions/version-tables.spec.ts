import { describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { Foundation1763700000000 } from '../../../database/src/migrations/1763700000000-foundation.js';
import type { VersionFieldSnapshot } from '../entities.js';
import { FieldType } from '../enums.js';
import {
  analyzeVersionTableSql,
  COLUMN_TYPES,
  copyIntoVersionTableSql,
  createVersionTableSql,
  DATA_SCHEMA,
  dropVersionTableSql,
  quoteVersionTable,
  versionKeyIndexSql,
  versionPrimaryKeySql,
  versionTableName,
} from './version-tables.js';

const DATASET = '1f0c2d3e-aaaa-bbbb-cccc-0123456789ab';
const TABLE = 'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v3';
const QUOTED = '"causeway_data"."d_1f0c2d3eaaaabbbbcccc0123456789ab_v3"';

const field = (name: string, type: FieldType, nullable = true, isKey = false): VersionFieldSnapshot => ({ name, title: name, type, nullable, isKey });

describe('version tables', () => {
  it('names a version table in the data schema with no characters needing quotes', () => {
    expect(versionTableName(DATASET, 3)).toBe(TABLE);
    expect(versionTableName(DATASET, 999_999_999)).toBe('causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v999999999');
  });

  it('refuses to name a table for anything but a dataset id and a version number', () => {
    for (const version of [0, -1, 1.5, Number.NaN, 1_000_000_000]) expect(() => versionTableName(DATASET, version)).toThrow('not a version number');
    for (const id of ['', 'x', `${DATASET}x`, DATASET.toUpperCase(), `${DATASET.slice(0, -1)}"`, `"; drop table dataset; --`]) {
      expect(() => versionTableName(id, 1)).toThrow('not a dataset id');
    }
  });

  it('quotes a version table part by part', () => {
    expect(quoteVersionTable(TABLE)).toBe(QUOTED);
    expect(quoteVersionTable(versionTableName(DATASET, 1))).toBe('"causeway_data"."d_1f0c2d3eaaaabbbbcccc0123456789ab_v1"');
  });

  it('refuses, rather than quotes, any name that is not a version table', () => {
    const refused = [
      '',
      'dataset',
      'public.dataset',
      'd_1f0c2d3eaaaabbbbcccc0123456789ab_v3',
      'other_schema.d_1f0c2d3eaaaabbbbcccc0123456789ab_v3',
      'Causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v3',
      'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789AB_v3',
      'causeway_data.d_0f0f_v2',
      'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v0',
      'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v1234567890',
      'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab',
      `${TABLE}.x`,
      `${TABLE} `,
      ` ${TABLE}`,
      `${TABLE}\n`,
      `${TABLE}; drop table dataset; --`,
      'causeway_data.d_x"; drop table y; --_v1',
      'causeway_data."d_1f0c2d3eaaaabbbbcccc0123456789ab_v3"',
      `causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v3" cascade; drop table dataset; --`,
      'causeway_data.d_1f0c2d3eaaaabbbbcccc0123456789ab_v3/**/',
    ];
    for (const name of refused) expect(() => quoteVersionTable(name)).toThrow('not a version table');
    for (const build of [createVersionTableSql, copyIntoVersionTableSql]) expect(() => build('public.dataset', [])).toThrow('not a version table');
    for (const build of [versionPrimaryKeySql, analyzeVersionTableSql, dropVersionTableSql]) expect(() => build(`${TABLE}; drop table dataset`)).toThrow('not a version table');
  });

  it('is the schema the foundation migration creates', async () => {
    const statements: string[] = [];
    const recorder = { query: async (sql: string) => void statements.push(sql) } as unknown as QueryRunner;
    await new Foundation1763700000000().up(recorder);
    expect(statements).toContain(`create schema if not exists ${DATA_SCHEMA}`);
  });

  it('creates one typed column per field, not null where the field may not be empty, _row first', () => {
    const fields = [
      field('creditCode', FieldType.STRING, false, true),
      field('beds', FieldType.INTEGER),
      field('rate', FieldType.DECIMAL),
      field('open', FieldType.BOOLEAN, false),
      field('opened', FieldType.DATE),
      field('checkedAt', FieldType.DATETIME, false),
      field('extra', FieldType.JSON),
    ];
    expect(createVersionTableSql(TABLE, fields)).toBe(
      `create table ${QUOTED} (_row bigint not null, "creditCode" text not null, "beds" bigint, "rate" numeric, "open" boolean not null, ` +
        `"opened" date, "checkedAt" timestamptz not null, "extra" jsonb)`,
    );
  });

  it('has a column type for every field type', () => {
    expect(COLUMN_TYPES).toEqual({ STRING: 'text', INTEGER: 'bigint', DECIMAL: 'numeric', BOOLEAN: 'boolean', DATE: 'date', DATETIME: 'timestamptz', JSON: 'jsonb' });
    for (const type of Object.values(FieldType)) expect(COLUMN_TYPES[type]).toMatch(/^[a-z]+$/);
  });

  it('quotes field names as identifiers, whatever they hold', () => {
    expect(createVersionTableSql(TABLE, [field('a"b', FieldType.STRING)])).toBe(`create table ${QUOTED} (_row bigint not null, "a""b" text)`);
    expect(copyIntoVersionTableSql(TABLE, [field('名称', FieldType.STRING), field('a"b', FieldType.INTEGER)])).toBe(
      `copy ${QUOTED} ("_row", "名称", "a""b") from stdin with (format text, freeze)`,
    );
  });

  it('builds the key index, the primary key, analyze and drop on the quoted table', () => {
    expect(versionKeyIndexSql(TABLE, [field('region', FieldType.STRING), field('code', FieldType.STRING)])).toBe(
      `create unique index "d_1f0c2d3eaaaabbbbcccc0123456789ab_v3_key" on ${QUOTED} ("region", "code")`,
    );
    expect(() => versionKeyIndexSql(TABLE, [])).toThrow('at least one key');
    expect(versionPrimaryKeySql(TABLE)).toBe(`alter table ${QUOTED} add primary key (_row)`);
    expect(analyzeVersionTableSql(TABLE)).toBe(`analyze ${QUOTED}`);
    expect(dropVersionTableSql(TABLE)).toBe(`drop table if exists ${QUOTED}`);
  });
});
