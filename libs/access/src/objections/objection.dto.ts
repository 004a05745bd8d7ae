import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '@causeway/core';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsEnum, IsInt, IsOptional, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';

export enum ObjectionStatus {
  /** Waiting for the provider's answer; its records are disputed. */
  OPEN = 'OPEN',
  /** The provider agrees; the correcting version is not published yet, so the records stay disputed. */
  CONFIRMED = 'CONFIRMED',
  /** The correcting version is published. */
  CORRECTED = 'CORRECTED',
  /** The provider rejected it with a reason. */
  REJECTED = 'REJECTED',
}
registerEnumType(ObjectionStatus, { name: 'ObjectionStatus', description: 'OPEN → CONFIRMED → CORRECTED (the correcting version is published), or OPEN → REJECTED.' });

export enum ObjectionOutcome {
  CONFIRM = 'CONFIRM',
  REJECT = 'REJECT',
}
registerEnumType(ObjectionOutcome, { name: 'ObjectionOutcome' });

export const MAX_OBJECTION_RECORDS = 100;
export const MAX_EVIDENCE = 4000;

@InputType({ description: 'Records (by their key values) or fields of a dataset you read that you believe are wrong (校核纠错).' })
export class FileObjectionInput {
  @Field({ description: 'Dataset code (资源代码).' })
  @Length(2, 64)
  dataset!: string;

  @Field(() => [GraphQLJSON], { description: 'The records, each an object of the dataset’s key fields and their values, e.g. {"creditCode": "91440101…"}.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OBJECTION_RECORDS)
  records!: unknown[];

  @Field(() => [String], { nullable: true, description: 'The fields you believe are wrong in these records (fields you may read); all of them when left out.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @Length(1, 63, { each: true })
  fields?: string[];

  @Field({ description: 'What is wrong and how you know it (up to 4000 characters).' })
  @Length(1, MAX_EVIDENCE)
  evidence!: string;

  @Field({ nullable: true, description: 'How the provider reaches you: an e-mail address or a phone number. Required without credentials (the public, for OPEN datasets).' })
  @IsOptional()
  @MaxLength(254)
  contact?: string;
}

@InputType()
export class AnswerObjectionInput {
  @Field(() => ObjectionOutcome)
  @IsEnum(ObjectionOutcome)
  outcome!: ObjectionOutcome;

  @Field(() => Int, { nullable: true, description: 'CONFIRM: the version number that corrects the records (published now or later; the objection resolves when it is).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  correctedInVersion?: number;

  @Field({ nullable: true, description: 'REJECT: why the data is right (shown to the objector); CONFIRM: an optional note.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string;
}

@InputType()
export class ObjectionFilter {
  @Field(() => ObjectionStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ObjectionStatus)
  status?: ObjectionStatus;

  @Field({ nullable: true, description: 'Dataset code.' })
  @IsOptional()
  @Length(2, 64)
  dataset?: string;

  @Field({ nullable: true, description: 'Provider department code.' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'must be a department code, e.g. DG-AMR' })
  provider?: string;

  @Field({ nullable: true, description: 'true: open past its deadline; false: the others.' })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}

@ObjectType('ObjectionEvent', { description: 'One step of an objection: who, when, why.' })
export class ObjectionEventDto {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field()
  principal!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field({ description: 'FILED, CONFIRMED, REJECTED, CORRECTED' })
  action!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLJSON)
  details!: Record<string, unknown>;
}

@ObjectType('Objection', { description: '校核纠错/异议: records or fields of a dataset a reader says are wrong, and the provider’s answer.' })
export class ObjectionDto {
  @Field(() => ID)
  id!: string;

  @Field()
  datasetCode!: string;

  @Field()
  providerDepartmentCode!: string;

  @Field(() => Int, { description: 'The dataset version the records were read in.' })
  version!: number;

  @Field(() => [String], { description: 'The key fields the records are named by.' })
  keyFields!: string[];

  @Field(() => [GraphQLJSON], { description: 'The records, by their key values.' })
  records!: Record<string, unknown>[];

  @Field(() => [String], { description: 'The fields said to be wrong (empty: the records as a whole).' })
  fields!: string[];

  @Field()
  evidence!: string;

  @Field({ description: 'A department code, or PUBLIC for an objection from the public (an OPEN dataset, no credentials).' })
  objector!: string;

  @Field(() => String, { nullable: true, description: 'The public objector’s contact: shown to the provider and the data bureau only.' })
  contact!: string | null;

  @Field(() => ObjectionStatus)
  status!: ObjectionStatus;

  @Field(() => Boolean, { description: 'Whether its records are marked disputed now (OPEN, or CONFIRMED until the correcting version is published).' })
  disputing!: boolean;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'End of the last working day the provider has to answer (DEADLINE_OBJECTION_ANSWER_WORKING_DAYS).' })
  deadline!: Date;

  @Field({ description: 'Open past its deadline.' })
  overdue!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  answeredAt!: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Answered by the deadline (null while open).' })
  answeredInTime!: boolean | null;

  @Field(() => Int, { nullable: true, description: 'The version that corrects the records (CONFIRMED, CORRECTED).' })
  correctedInVersion!: number | null;

  @Field(() => String, { nullable: true, description: 'The provider’s reason (a rejection’s, or a confirmation’s note).' })
  reason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the correcting version was published.' })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Only in the answer to fileObjection without credentials: keep it to follow the objection with objectionByReceipt. It is not shown again.' })
  receipt!: string | null;

  @Field(() => [ObjectionEventDto])
  history!: ObjectionEventDto[];
}

@ObjectType()
export class ObjectionEdge {
  @Field()
  cursor!: string;

  @Field(() => ObjectionDto)
  node!: ObjectionDto;
}

@ObjectType()
export class ObjectionConnection {
  @Field(() => [ObjectionDto])
  nodes!: ObjectionDto[];

  @Field(() => [ObjectionEdge])
  edges!: ObjectionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType('ObjectionStatistics', { description: 'Objections to one provider’s data (all time).' })
export class ObjectionStatisticsDto {
  @Field()
  providerDepartmentCode!: string;

  @Field(() => Int, { description: 'Objections received.' })
  received!: number;

  @Field(() => Int, { description: 'Not answered yet.' })
  open!: number;

  @Field(() => Int, { description: 'Not answered and past the deadline.' })
  overdue!: number;

  @Field(() => Int, { description: 'Answered (confirmed or rejected).' })
  answered!: number;

  @Field(() => Int, { description: 'Answered by the deadline.' })
  answeredInTime!: number;

  @Field(() => Int, { description: 'Confirmed, correction not published yet.' })
  confirmed!: number;

  @Field(() => Int, { description: 'Corrected: the correcting version is published.' })
  corrected!: number;

  @Field(() => Int)
  rejected!: number;
}
