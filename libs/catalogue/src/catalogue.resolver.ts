import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, EachValidPipe, Role, Roles, type RequestContext } from '@causeway/core';
import { DepartmentDto, DepartmentsService } from '@causeway/identity';
import { CatalogueService } from './catalogue.service.js';
import {
  DatasetChangeDto,
  DatasetConnection,
  DatasetDto,
  DatasetFilter,
  DatasetVersionDto,
  FieldInput,
  RegisterDatasetInput,
  UpdateDatasetInput,
} from './dto.js';

@Resolver(() => DatasetDto)
@Authenticated()
export class CatalogueResolver {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly departments: DepartmentsService,
  ) {}

  @Query(() => DatasetConnection, { description: 'Search the catalogue. Drafts are visible to their provider only.' })
  @Authenticated()
  datasets(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter?: DatasetFilter,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE_SIZE }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<DatasetConnection> {
    return this.catalogue.search(ctx, filter, first, after);
  }

  @Query(() => DatasetDto)
  @Authenticated()
  dataset(@Ctx() ctx: RequestContext, @Args('code') code: string): Promise<DatasetDto> {
    return this.catalogue.get(ctx, code);
  }

  @Mutation(() => DatasetDto, { description: 'Register a dataset provided by the caller’s department (status DRAFT).' })
  @Roles(Role.STEWARD)
  registerDataset(@Ctx() ctx: RequestContext, @Args('input') input: RegisterDatasetInput): Promise<DatasetDto> {
    return this.catalogue.register(ctx, input);
  }

  @Mutation(() => DatasetDto)
  @Roles(Role.STEWARD)
  updateDataset(@Ctx() ctx: RequestContext, @Args('code') code: string, @Args('input') input: UpdateDatasetInput): Promise<DatasetDto> {
    return this.catalogue.update(ctx, code, input);
  }

  @Mutation(() => DatasetDto, { description: 'Replace the field list (信息项); the next uploaded version is loaded under it.' })
  @Roles(Role.STEWARD)
  defineFields(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('fields', { type: () => [FieldInput] }, new EachValidPipe(FieldInput, 'fields')) fields: FieldInput[],
  ): Promise<DatasetDto> {
    return this.catalogue.defineFields(ctx, dataset, fields);
  }

  @Mutation(() => DatasetDto, { description: 'Make a loaded version the current one, atomically.' })
  @Roles(Role.STEWARD)
  publishVersion(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('version', { type: () => Int }) version: number,
  ): Promise<DatasetDto> {
    return this.catalogue.publishVersion(ctx, dataset, version);
  }

  @Mutation(() => DatasetVersionDto, { description: 'Retention: drop an old version’s rows. The current version cannot be dropped.' })
  @Roles(Role.STEWARD)
  dropVersion(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('version', { type: () => Int }) version: number,
  ): Promise<DatasetVersionDto> {
    return this.catalogue.dropVersion(ctx, dataset, version);
  }

  @Mutation(() => DatasetDto, { description: 'Retire a dataset: it stays in the catalogue’s history but serves no data.' })
  @Roles(Role.STEWARD)
  retireDataset(@Ctx() ctx: RequestContext, @Args('code') code: string, @Args('reason', { nullable: true }) reason?: string): Promise<DatasetDto> {
    return this.catalogue.retire(ctx, code, reason);
  }

  @ResolveField(() => DepartmentDto, { description: '提供方' })
  async providerDepartment(@Parent() dataset: DatasetDto): Promise<DepartmentDto> {
    return (await this.departments.byId(dataset.providerDepartmentId))!;
  }

  @ResolveField(() => [DatasetVersionDto])
  versions(@Parent() dataset: DatasetDto): Promise<DatasetVersionDto[]> {
    return this.catalogue.versions(dataset.id, dataset.currentVersionId);
  }

  @ResolveField(() => DatasetVersionDto, { nullable: true })
  async currentVersion(@Parent() dataset: DatasetDto): Promise<DatasetVersionDto | null> {
    const row = await this.catalogue.currentVersion(dataset);
    return row ? this.catalogue.versionDto(row, dataset.currentVersionId) : null;
  }

  @ResolveField(() => [DatasetChangeDto], { description: 'Change history, newest first: who changed what, when.' })
  history(@Parent() dataset: DatasetDto, @Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<DatasetChangeDto[]> {
    return this.catalogue.history(dataset.id, Math.min(Math.max(first, 1), 500));
  }
}
