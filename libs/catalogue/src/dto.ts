import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '@causeway/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { DatasetStatus, FieldType, MaskType, OpenType, Sensitivity, SharingType, UpdateCycle } from './enums.js';

export const DATASET_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;
export const DATASET_CODE_MESSAGE = 'must be 2-64 letters, digits, dashes or underscores, e.g. AMR-ENT-REG';
export const FIELD_NAME = /^[a-z][a-zA-Z0-9_]{0,62}$/;
export const FIELD_NAME_MESSAGE = 'must start with a lower-case letter and hold only letters, digits and _, at most 63 characters, e.g. creditCode';
export const API_NAME = /^[a-z][a-zA-Z0-9]{1,62}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

@ObjectType('DatasetField', { description: '信息项: one field (column) of a dataset.' })
export class DatasetFieldDto {
  @Field()
  name!: string;

  @Field({ description: '信息项名称' })
  title!: string;

  @Field(() => FieldType)
  type!: FieldType;

  @Field()
  nullable!: boolean;

  @Field()
  isKey!: boolean;

  @Field(() => Sensitivity)
  sensitivity!: Sensitivity;

  @Field(() => SharingType, { description: 'The field’s own sharing type; the dataset’s when not set stricter.' })
  sharingType!: SharingType;

  @Field(() => MaskType)
  mask!: MaskType;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  unit!: string | null;
}

@ObjectType('DatasetVersion', { description: 'An immutable snapshot of a dataset’s rows.' })
export class DatasetVersionDto {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Int)
  rowCount!: number;

  @Field({ description: 'SHA-256 of the decoded content.' })
  checksum!: string;

  @Field(() => String, { nullable: true })
  sourceName!: string | null;

  @Field(() => String, { nullable: true })
  encoding!: string | null;

  @Field(() => String, { nullable: true })
  format!: string | null;

  @Field()
  loadedBy!: string;

  @Field(() => GraphQLISODateTime)
  loadedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  publishedAt!: Date | null;

  @Field()
  current!: boolean;
}

@ObjectType('DatasetChange', { description: 'One entry of a dataset’s change history.' })
export class DatasetChangeDto {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field({ description: 'Who made the change.' })
  principal!: string;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field({ description: 'REGISTERED, UPDATED, FIELDS_DEFINED, VERSION_PUBLISHED, RETIRED, …' })
  action!: string;

  @Field(() => GraphQLJSON, { description: 'What changed: { attribute: { from, to } }.' })
  changes!: Record<string, unknown>;
}

@ObjectType('Dataset', { description: '信息资源: a catalogue entry.' })
export class DatasetDto {
  @Field(() => ID)
  id!: string;

  @Field({ description: '资源代码' })
  code!: string;

  @Field({ description: 'Name of the dataset’s typed root field in this API.' })
  apiName!: string;

  @Field({ description: '资源名称' })
  title!: string;

  @Field(() => String, { nullable: true })
  titleEn!: string | null;

  @Field({ description: '摘要' })
  summary!: string;

  providerDepartmentId!: string;

  @Field({ description: 'Category: 基础, 主题 or 部门.' })
  category!: string;

  @Field(() => String, { nullable: true, description: 'Theme, e.g. 人口, 法人, 信用, 电子证照.' })
  theme!: string | null;

  @Field(() => [String])
  keywords!: string[];

  @Field(() => String, { nullable: true })
  format!: string | null;

  @Field(() => UpdateCycle)
  updateCycle!: UpdateCycle;

  @Field(() => SharingType)
  sharingType!: SharingType;

  @Field(() => String, { nullable: true, description: '共享条件' })
  sharingCondition!: string | null;

  @Field(() => String, { nullable: true, description: '共享依据' })
  sharingBasis!: string | null;

  @Field(() => OpenType)
  openType!: OpenType;

  @Field(() => String, { nullable: true, description: '开放条件' })
  openCondition!: string | null;

  @Field(() => String, { nullable: true })
  license!: string | null;

  @Field(() => String, { nullable: true, description: 'Start of the temporal coverage, YYYY-MM-DD.' })
  temporalFrom!: string | null;

  @Field(() => String, { nullable: true })
  temporalTo!: string | null;

  @Field(() => String, { nullable: true })
  spatialCoverage!: string | null;

  @Field(() => [String])
  relatedCodes!: string[];

  @Field(() => DatasetStatus)
  status!: DatasetStatus;

  @Field(() => [DatasetFieldDto])
  fields!: DatasetFieldDto[];

  currentVersionId!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  retiredAt!: Date | null;
}

@ObjectType('DatasetConnection')
export class DatasetConnection {
  @Field(() => [DatasetDto])
  nodes!: DatasetDto[];

  @Field(() => [DatasetEdge])
  edges!: DatasetEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType('DatasetEdge')
export class DatasetEdge {
  @Field()
  cursor!: string;

  @Field(() => DatasetDto)
  node!: DatasetDto;
}


@InputType()
export class FieldInput {
  @Field({ description: 'Machine name, [a-z][a-zA-Z0-9_]*: the column.' })
  @Matches(FIELD_NAME, { message: FIELD_NAME_MESSAGE })
  name!: string;

  @Field({ description: '信息项名称, e.g. 统一社会信用代码' })
  @Length(1, 100, { message: 'must be 1 to 100 characters' })
  title!: string;

  @Field(() => FieldType)
  @IsEnum(FieldType)
  type!: FieldType;

  @Field({ defaultValue: true })
  @IsOptional()
  @IsBoolean()
  nullable?: boolean;

  @Field({ defaultValue: false })
  @IsOptional()
  @IsBoolean()
  isKey?: boolean;

  @Field(() => Sensitivity, { defaultValue: Sensitivity.INTERNAL })
  @IsOptional()
  @IsEnum(Sensitivity)
  sensitivity?: Sensitivity;

  @Field(() => SharingType, { nullable: true, description: 'Defaults to the dataset’s; may only be stricter.' })
  @IsOptional()
  @IsEnum(SharingType)
  sharingType?: SharingType;

  @Field(() => MaskType, { defaultValue: MaskType.NONE })
  @IsOptional()
  @IsEnum(MaskType)
  mask?: MaskType;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  description?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(50)
  unit?: string;
}

@InputType()
export class UpdateDatasetInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  title?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(300)
  titleEn?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 4000, { message: 'must be 1 to 4000 characters' })
  summary?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 50, { message: 'must be 1 to 50 characters, e.g. 基础, 主题 or 部门' })
  category?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(50)
  theme?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 50, { each: true, message: 'each keyword must be 1 to 50 characters' })
  keywords?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(100)
  format?: string;

  @Field(() => UpdateCycle, { nullable: true })
  @IsOptional()
  @IsEnum(UpdateCycle)
  updateCycle?: UpdateCycle;

  @Field(() => SharingType, { nullable: true })
  @IsOptional()
  @IsEnum(SharingType)
  sharingType?: SharingType;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  sharingCondition?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  sharingBasis?: string;

  @Field(() => OpenType, { nullable: true })
  @IsOptional()
  @IsEnum(OpenType)
  openType?: OpenType;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  openCondition?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200)
  license?: string;

  @Field({ nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be a date as YYYY-MM-DD' })
  temporalFrom?: string;

  @Field({ nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'must be a date as YYYY-MM-DD' })
  temporalTo?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200)
  spatialCoverage?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(DATASET_CODE, { each: true, message: `each related code ${DATASET_CODE_MESSAGE}` })
  relatedCodes?: string[];
}

@InputType()
export class RegisterDatasetInput extends UpdateDatasetInput {
  @Field({ description: '资源代码, unique.' })
  @Matches(DATASET_CODE, { message: DATASET_CODE_MESSAGE })
  code!: string;

  @Field({ nullable: true, description: 'GraphQL name of the dataset’s typed field; derived from the code when omitted.' })
  @IsOptional()
  @Matches(API_NAME, { message: 'must be camelCase letters and digits starting with a lower-case letter, e.g. enterpriseRegistry' })
  apiName?: string;

  @Field()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  declare title: string;

  @Field()
  @Length(1, 4000, { message: 'must be 1 to 4000 characters' })
  declare summary: string;

  @Field()
  @Length(1, 50, { message: 'must be 1 to 50 characters, e.g. 基础, 主题 or 部门' })
  declare category: string;

  @Field(() => UpdateCycle)
  @IsEnum(UpdateCycle)
  declare updateCycle: UpdateCycle;

  @Field(() => SharingType)
  @IsEnum(SharingType)
  declare sharingType: SharingType;

  @Field(() => OpenType)
  @IsEnum(OpenType)
  declare openType: OpenType;

  @Field(() => [FieldInput])
  @ArrayMinSize(1, { message: 'must describe at least one field' })
  @ArrayMaxSize(500, { message: 'may describe at most 500 fields' })
  @ValidateNested({ each: true })
  @Type(() => FieldInput)
  fields!: FieldInput[];
}

@InputType()
export class DatasetFilter {
  @Field({ nullable: true, description: 'Words to find in code, titles, summary and keywords (Chinese or English).' })
  @IsOptional()
  @MaxLength(100)
  search?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(50)
  category?: string;

  @Field({ nullable: true, description: 'Provider department code.' })
  @IsOptional()
  @MaxLength(32)
  provider?: string;

  @Field(() => SharingType, { nullable: true })
  @IsOptional()
  @IsEnum(SharingType)
  sharingType?: SharingType;

  @Field(() => OpenType, { nullable: true })
  @IsOptional()
  @IsEnum(OpenType)
  openType?: OpenType;

  @Field(() => DatasetStatus, { nullable: true })
  @IsOptional()
  @IsEnum(DatasetStatus)
  status?: DatasetStatus;
}
