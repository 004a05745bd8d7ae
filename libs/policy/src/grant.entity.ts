import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row of access_grant (see the Grants migration). Never leaves libs/policy: GrantDto does. */
@Entity('access_grant')
export class GrantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'dataset_id' })
  datasetId!: string;

  @Column('uuid', { name: 'consumer_department_id' })
  consumerDepartmentId!: string;

  @Column('uuid', { name: 'access_request_id', nullable: true })
  accessRequestId!: string | null;

  /** [{ field, access: CLEAR | MASKED }] */
  @Column('jsonb')
  fields!: { field: string; access: 'CLEAR' | 'MASKED' }[];

  /** The where-JSON row scope as approved, consumer references unresolved. */
  @Column('jsonb', { name: 'row_scope', nullable: true })
  rowScope!: Record<string, unknown> | null;

  @Column('text')
  purpose!: string;

  @Column('text', { name: 'use_scope', nullable: true })
  useScope!: string | null;

  @Column('text', { name: 'legal_basis', nullable: true })
  legalBasis!: string | null;

  @Column('timestamptz', { name: 'valid_from' })
  validFrom!: Date;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  @Column('boolean', { name: 'aggregate_only' })
  aggregateOnly!: boolean;

  @Column('boolean', { name: 'require_purpose' })
  requirePurpose!: boolean;

  @Column('boolean', { name: 'require_end_user_id' })
  requireEndUserId!: boolean;

  @Column('text')
  status!: 'ACTIVE' | 'REVOKED';

  @Column('int')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { name: 'revoked_by', nullable: true })
  revokedBy!: string | null;

  @Column('text', { name: 'revoke_reason', nullable: true })
  revokeReason!: string | null;
}
