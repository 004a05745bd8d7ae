import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, Public, Role, Roles, type RequestContext } from '@causeway/core';
import { AllowedBeforePasswordChange } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { SystemClientsService } from './clients.service.js';
import { DepartmentsService } from './departments.service.js';
import {
  ChangePasswordInput,
  CreatedSystemClientDto,
  CreateDepartmentInput,
  CreateSystemClientInput,
  CreateUserInput,
  DepartmentDto,
  LoginInput,
  LoginResultDto,
  MeDto,
  PasswordResetDto,
  PrincipalKindEnum,
  SystemClientDto,
  UserDto,
} from './dto.js';
import { UsersService } from './users.service.js';

@Resolver()
export class IdentityResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly departmentDirectory: DepartmentsService,
    private readonly people: UsersService,
    private readonly clients: SystemClientsService,
  ) {}

  @Query(() => MeDto, { description: 'Who the caller is: principal, department and roles.' })
  @Authenticated()
  @AllowedBeforePasswordChange()
  async me(@Ctx() ctx: RequestContext): Promise<MeDto> {
    const { principal } = ctx;
    return {
      kind: PrincipalKindEnum[principal.kind],
      id: principal.id,
      label: principal.label,
      department: principal.departmentId ? await this.departmentDirectory.byId(principal.departmentId) : null,
      roles: [...principal.roles],
    };
  }

  @Query(() => [DepartmentDto])
  @Authenticated()
  departments(): Promise<DepartmentDto[]> {
    return this.departmentDirectory.all();
  }

  @Query(() => DepartmentDto)
  @Authenticated()
  department(@Args('code') code: string): Promise<DepartmentDto> {
    return this.departmentDirectory.get(code);
  }

  @Mutation(() => LoginResultDto, { description: 'Exchange a person’s e-mail and password for a login token.' })
  @Public()
  login(@Ctx() ctx: RequestContext, @Args('input') input: LoginInput): Promise<LoginResultDto> {
    return this.auth.login(ctx, input);
  }

  @Mutation(() => LoginResultDto, {
    description: 'Change your own password (people only): the current one is required, the new one has at least 12 characters. Every login token issued before stops working; the answer carries a new one.',
  })
  @Authenticated()
  @AllowedBeforePasswordChange()
  changePassword(@Ctx() ctx: RequestContext, @Args('input') input: ChangePasswordInput): Promise<LoginResultDto> {
    return this.auth.changePassword(ctx, input);
  }

  @Mutation(() => DepartmentDto)
  @Roles(Role.ADMIN)
  createDepartment(@Ctx() ctx: RequestContext, @Args('input') input: CreateDepartmentInput): Promise<DepartmentDto> {
    return this.departmentDirectory.create(ctx, input);
  }

  @Query(() => [UserDto])
  @Roles(Role.ADMIN)
  users(@Args('department', { nullable: true }) department?: string): Promise<UserDto[]> {
    return this.people.list(department);
  }

  @Mutation(() => UserDto)
  @Roles(Role.ADMIN)
  createUser(@Ctx() ctx: RequestContext, @Args('input') input: CreateUserInput): Promise<UserDto> {
    return this.people.create(ctx, input);
  }

  @Mutation(() => UserDto, { description: 'Disable a person: logging in is refused, and so are the login tokens issued before (also after re-enabling).' })
  @Roles(Role.ADMIN)
  disableUser(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { defaultValue: 'disabled by an administrator' }) reason: string,
  ): Promise<UserDto> {
    return this.people.disable(ctx, id, reason);
  }

  @Mutation(() => UserDto, { description: 'Re-enable a disabled person: they may log in again.' })
  @Roles(Role.ADMIN)
  enableUser(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<UserDto> {
    return this.people.enable(ctx, id);
  }

  @Mutation(() => PasswordResetDto, {
    description: "Reset a person's password to a one-time password, answered this once: their login tokens stop working and they must change it at their next login.",
  })
  @Roles(Role.ADMIN)
  resetUserPassword(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<PasswordResetDto> {
    return this.people.resetPassword(ctx, id);
  }

  @Query(() => [SystemClientDto])
  @Roles(Role.ADMIN)
  systemClients(@Args('department', { nullable: true }) department?: string): Promise<SystemClientDto[]> {
    return this.clients.list(department);
  }

  @Mutation(() => CreatedSystemClientDto, { description: 'Create a system client; its API key is in the answer and never shown again.' })
  @Roles(Role.ADMIN)
  createSystemClient(@Ctx() ctx: RequestContext, @Args('input') input: CreateSystemClientInput): Promise<CreatedSystemClientDto> {
    return this.clients.create(ctx, input);
  }

  @Mutation(() => SystemClientDto, { description: 'Revoke a system client: its key is refused from now on.' })
  @Roles(Role.ADMIN)
  revokeSystemClient(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { defaultValue: 'revoked by an administrator' }) reason: string,
  ): Promise<SystemClientDto> {
    return this.clients.revoke(ctx, id, reason);
  }
}
