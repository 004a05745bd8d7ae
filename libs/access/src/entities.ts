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

  @Column('timestamptz', { name: 'last_reminded_at', nullable: true })
  lastRemindedAt!: Date | null;
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

export type DemandState = 'SUBMITTED' | 'ASSIGNED' | 'PLANNED' | 'LINKED' | 'DECLINED';

/** One row of demand (需求清单): a department asking for data not catalogued yet. */
@Entity('demand')
export class DemandEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'requester_department_id' })
  requesterDepartmentId!: string;

  @Column('text', { name: 'requested_by' })
  requestedBy!: string;

  @Column('text')
  title!: string;

  @Column('text')
  description!: string;

  @Column('text', { array: true })
  fields!: string[];

  @Column('text')
  purpose!: string;

  @Column('text', { name: 'legal_basis', nullable: true })
  legalBasis!: string | null;

  @Column('uuid', { name: 'suggested_provider_department_id', nullable: true })
  suggestedProviderDepartmentId!: string | null;

  @Column('uuid', { name: 'provider_department_id', nullable: true })
  providerDepartmentId!: string | null;

  @Column('text')
  status!: DemandState;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'assign_deadline' })
  assignDeadline!: Date;

  @Column('timestamptz', { name: 'assigned_at', nullable: true })
  assignedAt!: Date | null;

  @Column('text', { name: 'assigned_by', nullable: true })
  assignedBy!: string | null;

  @Column('timestamptz', { name: 'answer_deadline', nullable: true })
  answerDeadline!: Date | null;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt!: Date | null;

  @Column('text', { name: 'answered_by', nullable: true })
  answeredBy!: string | null;

  /** The date (China time) the provider promised to catalogue the data by. */
  @Column('date', { name: 'planned_by', nullable: true })
  plannedBy!: string | null;

  @Column('uuid', { name: 'dataset_id', nullable: true })
  datasetId!: string | null;

  @Column('text', { name: 'decline_reason', nullable: true })
  declineReason!: string | null;

  @Column('uuid', { name: 'access_request_id', nullable: true })
  accessRequestId!: string | null;

  @Column('timestamptz', { name: 'last_reminded_at', nullable: true })
  lastRemindedAt!: Date | null;
}

/** Every step of a demand: who, when, why. */
@Entity('demand_event')
export class DemandEventEntity {
  @PrimaryColumn('bigint', { generated: 'increment' })
  id!: string;

  @Column('uuid', { name: 'demand_id' })
  demandId!: string;

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
