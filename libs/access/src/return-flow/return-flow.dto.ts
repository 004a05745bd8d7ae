import { Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsDate, IsOptional, Length, Matches, MaxLength } from 'class-validator';

export enum ReturnFlowStatus {
  ACTIVE = 'ACTIVE',
  /** Past validUntil: its grants stopped at that instant (not stored: nothing runs to expire it). */
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ReturnFlowStatus, { name: 'ReturnFlowStatus' });

const DEPARTMENT_CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

@InputType()
export class CreateReturnFlowInput {
  @Field({ description: 'Code of your department’s dataset whose rows flow back (资源代码).' })
  @Length(2, 64)
  dataset!: string;

  @Field(() => [String], { description: 'The fields each district receives.' })
  @ArrayMinSize(1, { message: 'must name at least one field' })
  @ArrayMaxSize(500)
  @Length(1, 64, { each: true })
  fields!: string[];

  @Field(() => [String], { nullable: true, description: 'Those of `fields` served masked (the rest in clear).' })
  @IsOptional()
  @ArrayMaxSize(500)
  @Length(1, 64, { each: true })
  masked?: string[];

  @Field({ description: 'The dataset’s field holding each row’s 行政区划代码: a district reads the rows whose value equals its own division code.' })
  @Length(1, 64)
  divisionField!: string;

  @Field(() => [String], { nullable: true, description: 'The receiving departments (codes), each in a division below yours. Give this or consumersUnder.' })
  @IsOptional()
  @ArrayMinSize(1, { message: 'must name at least one department' })
  @ArrayMaxSize(500)
  @Matches(DEPARTMENT_CODE, { each: true, message: 'each must be a department code, e.g. TH-AMR' })
  consumers?: string[];

  @Field({ nullable: true, description: 'This department and every department under it (its subtree) whose division lies below yours. Give this or consumers.' })
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a department code, e.g. DG-AMR' })
  consumersUnder?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the agreement ends (its grants stop at that instant); none: until revoked.' })
  @IsOptional()
  @IsDate()
  validUntil?: Date;

  @Field({ description: 'What the returned data serves (回流用途).' })
  @Length(1, 2000, { message: 'must say what the returned data serves (1 to 2000 characters)' })
  purpose!: string;

  @Field({ nullable: true, description: 'The law or document the return flow rests on.' })
  @IsOptional()
  @MaxLength(2000)
  legalBasis?: string;
}

@ObjectType('ReturnFlow', { description: 'A return-flow agreement (数据回流): one grant per receiving district, each scoped to the rows of its own division.' })
export class ReturnFlowDto {
  @Field(() => ID)
  id!: string;

  @Field()
  datasetCode!: string;

  @Field()
  providerDepartmentCode!: string;

  @Field({ description: 'The field compared with each receiver’s division code.' })
  divisionField!: string;

  @Field(() => [String])
  fields!: string[];

  @Field(() => [String])
  masked!: string[];

  @Field(() => [String], { description: 'The receiving departments (codes).' })
  consumerDepartmentCodes!: string[];

  @Field()
  purpose!: string;

  @Field(() => String, { nullable: true })
  legalBasis!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  validUntil!: Date | null;

  @Field(() => ReturnFlowStatus)
  status!: ReturnFlowStatus;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokedBy!: string | null;

  @Field(() => String, { nullable: true })
  revokeReason!: string | null;

  /** Grant ids by receiving department id; resolved to grants by the resolver. */
  grantIds!: { consumerDepartmentId: string; grantId: string }[];
}
