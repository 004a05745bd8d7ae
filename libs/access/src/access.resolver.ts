import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CatalogueRegistry, DatasetDto } from '@causeway/catalogue';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, Role, Roles, type RequestContext } from '@causeway/core';
import { DepartmentDto, DepartmentsService } from '@causeway/identity';
import { GrantDto, GrantFilter } from '@causeway/policy';
import { AccessService } from './access.service.js';
import { AccessRequestConnection, AccessRequestDto, AccessRequestEventDto, AccessRequestFilter, ApproveAccessRequestInput, RequestAccessInput } from './dto.js';

@Resolver(() => AccessRequestDto)
@Authenticated()
export class AccessRequestResolver {
  constructor(
    private readonly access: AccessService,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
  ) {}

  @Query(() => AccessRequestConnection, { description: 'Access requests your department filed, and those waiting on your department’s datasets; newest first.' })
  @Authenticated()
  accessRequests(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter?: AccessRequestFilter,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AccessRequestConnection> {
    return this.access.list(ctx, filter, first, after);
  }

  @Query(() => AccessRequestDto)
  @Authenticated()
  accessRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<AccessRequestDto> {
    return this.access.get(ctx, id);
  }

  @Mutation(() => AccessRequestDto, { description: 'Ask another department for (some fields of) a dataset: 共享申请.' })
  @Roles(Role.STEWARD, Role.CONSUMER)
  requestAccess(@Ctx() ctx: RequestContext, @Args('input') input: RequestAccessInput): Promise<AccessRequestDto> {
    return this.access.requestAccess(ctx, input);
  }

  @Mutation(() => AccessRequestDto, { description: 'Grant a pending request, possibly narrowed, masked, row-scoped and time-limited (provider’s steward).' })
  @Roles(Role.STEWARD)
  approveAccessRequest(
    @Ctx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { nullable: true }) input?: ApproveAccessRequestInput,
  ): Promise<AccessRequestDto> {
    return this.access.approve(ctx, id, input);
  }

  @Mutation(() => AccessRequestDto, { description: 'Refuse a pending request; the reason is required and shown to the requester.' })
  @Roles(Role.STEWARD)
  rejectAccessRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string): Promise<AccessRequestDto> {
    return this.access.reject(ctx, id, reason);
  }

  @Mutation(() => AccessRequestDto, { description: 'Withdraw your department’s pending request.' })
  @Roles(Role.STEWARD, Role.CONSUMER)
  withdrawAccessRequest(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason', { nullable: true }) reason?: string): Promise<AccessRequestDto> {
    return this.access.withdraw(ctx, id, reason);
  }

  @ResolveField(() => DatasetDto)
  dataset(@Ctx() ctx: RequestContext, @Parent() request: AccessRequestDto): Promise<DatasetDto> {
    return this.catalogue.get(ctx, request.datasetCode);
  }

  @ResolveField(() => DepartmentDto)
  async consumerDepartment(@Parent() request: AccessRequestDto): Promise<DepartmentDto> {
    return (await this.departments.byId(request.consumerDepartmentId))!;
  }

  @ResolveField(() => GrantDto, { nullable: true, description: 'The grant an approval created.' })
  grant(@Parent() request: AccessRequestDto): Promise<GrantDto | null> {
    return request.grantId ? this.access.grantById(request.grantId) : Promise.resolve(null);
  }

  @ResolveField(() => [AccessRequestEventDto], { description: 'Every step: who, when, why.' })
  history(@Parent() request: AccessRequestDto): Promise<AccessRequestEventDto[]> {
    return this.access.historyOf(request.id);
  }
}

@Resolver(() => GrantDto)
@Authenticated()
export class GrantResolver {
  constructor(
    private readonly access: AccessService,
    private readonly catalogue: CatalogueRegistry,
    private readonly departments: DepartmentsService,
  ) {}

  @Query(() => [GrantDto], { description: 'Grants your department holds, and grants on your department’s datasets.' })
  @Authenticated()
  grants(@Ctx() ctx: RequestContext, @Args('filter', { nullable: true }) filter?: GrantFilter): Promise<GrantDto[]> {
    return this.access.listGrants(ctx, filter);
  }

  @Query(() => GrantDto)
  @Authenticated()
  grant(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<GrantDto> {
    return this.access.getGrant(ctx, id);
  }

  @Mutation(() => GrantDto, { description: 'End a grant at once (provider’s steward); the reason is required.' })
  @Roles(Role.STEWARD)
  revokeGrant(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string): Promise<GrantDto> {
    return this.access.revokeGrant(ctx, id, reason);
  }

  @ResolveField(() => DatasetDto)
  dataset(@Ctx() ctx: RequestContext, @Parent() grant: GrantDto): Promise<DatasetDto> {
    return this.catalogue.get(ctx, grant.datasetCode);
  }

  @ResolveField(() => DepartmentDto)
  async consumerDepartment(@Parent() grant: GrantDto): Promise<DepartmentDto> {
    return (await this.departments.byId(grant.consumerDepartmentId))!;
  }
}
