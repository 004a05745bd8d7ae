import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { FieldType } from '@causeway/catalogue';

/** A key field as it was when the objection was filed. */
export interface ObjectionKeyField {
  name: string;
  type: FieldType;
}

@Entity('objection')
export class ObjectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('uuid', { name: 'provider_department_id' })
  providerDepartmentId!: string;

  @Column('int')
  version!: number;

  @Column('jsonb', { name: 'key_fields' })
  keyFields!: ObjectionKeyField[];

  /** Key value tuples in the order of keyFields, normalised for their types. */
  @Column('jsonb', { name: 'record_keys' })
  recordKeys!: (string | boolean)[][];

  @Column('text', { array: true })
  fields!: string[];

  @Column('text')
  evidence!: string;

  @Column('text', { name: 'objector_kind' })
  objectorKind!: 'DEPARTMENT' | 'PUBLIC';

  @Column('uuid', { name: 'objector_department_id', nullable: true })
  objectorDepartmentId!: string | null;

  /** The principal's label (a department's user or system), or "public". */
  @Column('text')
  objector!: string;

  @Column('text', { nullable: true })
  contact!: string | null;

  @Column('text', { name: 'receipt_hash', nullable: true })
  receiptHash!: string | null;

  @Column('text')
  status!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz')
  deadline!: Date;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt!: Date | null;

  @Column('text', { name: 'answered_by', nullable: true })
  answeredBy!: string | null;

  @Column('int', { name: 'corrected_in_version', nullable: true })
  correctedInVersion!: number | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

/** Every step of an objection: who, when, why. */
@Entity('objection_event')
export class ObjectionEventEntity {
  @PrimaryColumn('bigint', { generated: 'increment' })
  id!: string;

  @Column('uuid', { name: 'objection_id' })
  objectionId!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('text')
  principal!: string;

  @Column('text', { name: 'department_code', nullable: true })
  departmentCode!: string | null;

  @Column('text')
  action!: string;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('jsonb')
  details!: Record<string, unknown>;
}
