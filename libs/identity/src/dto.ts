import { Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { applyDecorators } from '@nestjs/common';
import { Role } from '@causeway/core';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export enum PrincipalKindEnum {
  USER = 'USER',
  CLIENT = 'CLIENT',
  ANONYMOUS = 'ANONYMOUS',
}
registerEnumType(PrincipalKindEnum, { name: 'PrincipalKind' });

@ObjectType('Department', { description: 'A government department (部门), a provider and consumer of data.' })
export class DepartmentDto {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Department code, e.g. DG-AMR.' })
  code!: string;

  @Field({ description: '部门名称' })
  name!: string;

  @Field(() => String, { nullable: true })
  nameEn!: string | null;

  @Field(() => String, { nullable: true, description: 'Code of the parent department in the administrative hierarchy.' })
  parentCode!: string | null;

  @Field(() => String, { nullable: true, description: '行政区划代码 of the area the department serves.' })
  divisionCode!: string | null;

  @Field(() => String, { nullable: true })
  contactName!: string | null;

  @Field(() => String, { nullable: true })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true })
  contactEmail!: string | null;
}

@ObjectType('Me', { description: 'The caller.' })
export class MeDto {
  @Field(() => PrincipalKindEnum)
  kind!: PrincipalKindEnum;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'How the caller appears in logs and the audit trail.' })
  label!: string;

  @Field(() => DepartmentDto, { nullable: true })
  department!: DepartmentDto | null;

  @Field(() => [Role])
  roles!: Role[];
}

@ObjectType('User', { description: 'A person working in a department.' })
export class UserDto {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => DepartmentDto)
  department!: DepartmentDto;

  @Field(() => [Role])
  roles!: Role[];

  @Field({ description: 'A disabled person cannot log in, and their login tokens are refused.' })
  active!: boolean;

  @Field({ description: 'The password is a temporary one an administrator set: the person must change it before doing anything else.' })
  mustChangePassword!: boolean;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastLoginAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the password was last changed or reset.' })
  passwordChangedAt!: Date | null;
}

@ObjectType('PasswordReset')
export class PasswordResetDto {
  @Field(() => UserDto)
  user!: UserDto;

  @Field({ description: 'A one-time password, shown this once only: the person must change it at their next login.' })
  temporaryPassword!: string;
}

@ObjectType('SystemClient', { description: "A department's system that calls Causeway with an API key. The key itself is never shown again." })
export class SystemClientDto {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => DepartmentDto)
  department!: DepartmentDto;

  @Field(() => [Role])
  roles!: Role[];

  @Field({ description: 'The public part of the key (cw_<prefix>_…), to recognise it in logs.' })
  keyPrefix!: string;

  @Field(() => [String])
  allowedCidrs!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokeReason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastUsedAt!: Date | null;
}

@ObjectType('CreatedSystemClient')
export class CreatedSystemClientDto {
  @Field(() => SystemClientDto)
  client!: SystemClientDto;

  @Field({ description: 'The API key, shown this once only. Send it as `Authorization: Bearer <key>`.' })
  key!: string;
}

@ObjectType('LoginResult')
export class LoginResultDto {
  @Field({ description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => UserDto)
  user!: UserDto;

  @Field({ description: 'The password is a temporary one: the token serves only `me` and `changePassword` until it is changed.' })
  mustChangePassword!: boolean;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** The rules every password a person chooses follows: at creation and at each change. */
const NewPassword = (): PropertyDecorator =>
  applyDecorators(MinLength(12, { message: 'must be at least 12 characters' }), MaxLength(200, { message: 'must be at most 200 characters' }));
const CODE_MESSAGE = 'must be 2-32 upper-case letters, digits and dashes, e.g. DG-AMR';

@InputType()
export class LoginInput {
  @Field()
  @IsEmail({}, { message: 'must be an e-mail address, e.g. li.na@amr.gov.cn' })
  email!: string;

  @Field()
  @IsString()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  password!: string;
}

@InputType()
export class CreateDepartmentInput {
  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field()
  @Length(1, 100, { message: 'must be 1 to 100 characters' })
  name!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  nameEn?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  parentCode?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^[0-9]{6,12}$/, { message: 'must be a 行政区划代码 of 6 to 12 digits, e.g. 440100' })
  divisionCode?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(100)
  contactName?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(50)
  contactPhone?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an e-mail address' })
  contactEmail?: string;
}

@InputType()
export class CreateUserInput {
  @Field({ description: 'Code of the department the person works in.' })
  @Matches(CODE, { message: CODE_MESSAGE })
  department!: string;

  @Field()
  @IsEmail({}, { message: 'must be an e-mail address, e.g. li.na@amr.gov.cn' })
  email!: string;

  @Field()
  @Length(1, 100, { message: 'must be 1 to 100 characters' })
  displayName!: string;

  @Field(() => [Role])
  @ArrayMinSize(1, { message: 'must name at least one role: ADMIN, STEWARD, AUDITOR or ANALYST' })
  @ArrayUnique({ message: 'must not repeat a role' })
  @IsEnum(Role, { each: true })
  roles!: Role[];

  @Field()
  @NewPassword()
  password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @IsString()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  currentPassword!: string;

  @Field({ description: 'At least 12 characters, as at creation.' })
  @NewPassword()
  newPassword!: string;
}

@InputType()
export class CreateSystemClientInput {
  @Field({ description: 'Code of the department the system belongs to.' })
  @Matches(CODE, { message: CODE_MESSAGE })
  department!: string;

  @Field()
  @Matches(/^[a-z0-9][a-z0-9._-]{1,63}$/, { message: 'must be 2-64 lower-case letters, digits, dots, dashes or underscores, e.g. tax-collection' })
  name!: string;

  @Field(() => [Role], { nullable: true, description: 'Defaults to [CONSUMER].' })
  @IsOptional()
  @ArrayMinSize(1, { message: 'must name at least one role' })
  @ArrayUnique({ message: 'must not repeat a role' })
  @IsEnum(Role, { each: true })
  roles?: Role[];

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'After this moment the key is refused.' })
  @IsOptional()
  expiresAt?: Date;

  @Field(() => [String], { nullable: true, description: 'Networks the key may be used from, in CIDR notation, e.g. 10.12.0.0/16.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  allowedCidrs?: string[];
}
