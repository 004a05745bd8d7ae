import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { FieldType, MaskType, Sensitivity, SharingType } from './enums.js';

@Entity('dataset')
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  code!: string;

  @Column('text', { name: 'api_name' })
  apiName!: string;

  @Column('text')
  title!: string;

  @Column('text', { name: 'title_en', nullable: true })
  titleEn!: string | null;

  @Column('text')
  summary!: string;

  @Column('uuid', { name: 'provider_department_id' })
  providerDepartmentId!: string;

  @Column('text')
  category!: string;

  @Column('text', { nullable: true })
  theme!: string | null;

  @Column('text', { array: true })
  keywords!: string[];

  @Column('text', { nullable: true })
  format!: string | null;

  @Column('text', { name: 'update_cycle' })
  updateCycle!: string;

  @Column('text', { name: 'sharing_type' })
  sharingType!: string;

  @Column('text', { name: 'sharing_condition', nullable: true })
  sharingCondition!: string | null;

  @Column('text', { name: 'sharing_basis', nullable: true })
  sharingBasis!: string | null;

  @Column('text', { name: 'open_type' })
  openType!: string;

  @Column('text', { name: 'open_condition', nullable: true })
  openCondition!: string | null;

  @Column('text', { nullable: true })
  license!: string | null;

  @Column('date', { name: 'temporal_from', nullable: true })
  temporalFrom!: string | null;

  @Column('date', { name: 'temporal_to', nullable: true })
  temporalTo!: string | null;

  @Column('text', { name: 'spatial_coverage', nullable: true })
  spatialCoverage!: string | null;

  @Column('text', { name: 'related_codes', array: true })
  relatedCodes!: string[];

  @Column('text')
  status!: string;

  @Column('uuid', { name: 'current_version_id', nullable: true })
  currentVersionId!: string | null;

  @Column('text', { name: 'search_text' })
  searchText!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}

@Entity('dataset_field')
export class DatasetFieldEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('int')
  position!: number;

  @Column('text')
  name!: string;

  @Column('text')
  title!: string;

  @Column('text')
  type!: FieldType;

  @Column('boolean')
  nullable!: boolean;

  @Column('boolean', { name: 'is_key' })
  isKey!: boolean;

  @Column('text')
  sensitivity!: Sensitivity;

  @Column('text', { name: 'sharing_type', nullable: true })
  sharingType!: SharingType | null;

  @Column('text')
  mask!: MaskType;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('text', { nullable: true })
  unit!: string | null;
}

/** The structural part of a field, frozen into each version (the columns of its table). */
export interface VersionFieldSnapshot {
  name: string;
  title: string;
  type: FieldType;
  nullable: boolean;
  isKey: boolean;
}

@Entity('dataset_version')
export class DatasetVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('int')
  version!: number;

  /** Schema-qualified, e.g. causeway_data.d_1f0c…_v3 (see versionTableName). */
  @Column('text', { name: 'table_name' })
  tableName!: string;

  @Column('bigint', { name: 'row_count', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  rowCount!: number;

  @Column('text')
  checksum!: string;

  @Column('text', { name: 'source_name', nullable: true })
  sourceName!: string | null;

  @Column('text', { nullable: true })
  encoding!: string | null;

  @Column('text', { nullable: true })
  format!: string | null;

  @Column('jsonb')
  fields!: VersionFieldSnapshot[];

  @Column('text', { name: 'loaded_by' })
  loadedBy!: string;

  @Column('timestamptz', { name: 'loaded_at' })
  loadedAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('timestamptz', { name: 'dropped_at', nullable: true })
  droppedAt!: Date | null;
}

@Entity('dataset_change')
export class DatasetChangeEntity {
  @PrimaryColumn('bigint', { generated: 'increment' })
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('text')
  principal!: string;

  @Column('text', { name: 'department_code', nullable: true })
  departmentCode!: string | null;

  @Column('text')
  action!: string;

  @Column('jsonb')
  changes!: Record<string, unknown>;
}
