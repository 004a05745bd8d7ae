import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type AccessRequestState = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';

/** One row of access_request (共享申请). Mapped to AccessRequestDto before it leaves. */
@Entity('access_request')
export class AccessRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('uuid', { name: 'consumer_department_id' })
  consumerDepartmentId!: string;

  @Column('text', { name: 'requested_by' })
  requestedBy!: string;

  @Column('text', { array: true })
  fields!: string[];

  @Column('text')
  purpose!: string;

  @Column('text', { name: 'use_scope', nullable: true })
  useScope!: string | null;

  @Column('text', { name: 'legal_basis', nullable: true })
  legalBasis!: string | null;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  @Column('text')
  status!: AccessRequestState;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz')
  deadline!: Date;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column('text', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column('text', { name: 'decision_reason', nullable: true })
  decisionReason!: string | null;

  @Column('uuid', { name: 'grant_id', nullable: true })
  grantId!: string | null;
}

/** Every transition of a request: who, when, why. */
@Entity('access_request_event')
export class AccessRequestEventEntity {
  @PrimaryColumn('bigint', { generated: 'increment' })
  id!: string;

  @Column('uuid', { name: 'request_id' })
  requestId!: string;

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
