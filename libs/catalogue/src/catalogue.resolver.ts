import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, Ctx, DEFAULT_PAGE_SIZE, EachValidPipe, Role, Roles, type RequestContext } from '@causeway/core';
import { DepartmentDto, DepartmentsService } from '@causeway/identity';
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
import { CatalogueRegistry } from './registry/catalogue-registry.js';
import { CatalogueSearch } from './search/catalogue-search.js';
import { CatalogueVersions } from './versions/catalogue-versions.js';

@Resolver(() => DatasetDto)
@Authenticated()
export class CatalogueResolver {
  constructor(
    private readonly registry: CatalogueRegistry,
    private readonly datasetVersions: CatalogueVersions,
    private readonly search: CatalogueSearch,
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
    return this.search.search(ctx, filter, first, after);
  }

  @Query(() => DatasetDto)
  @Authenticated()
  dataset(@Ctx() ctx: RequestContext, @Args('code') code: string): Promise<DatasetDto> {
    return this.registry.get(ctx, code);
  }

  @Mutation(() => DatasetDto, { description: 'Register a dataset provided by the caller’s department (status DRAFT).' })
  @Roles(Role.STEWARD)
  registerDataset(@Ctx() ctx: RequestContext, @Args('input') input: RegisterDatasetInput): Promise<DatasetDto> {
    return this.registry.register(ctx, input);
  }

  @Mutation(() => DatasetDto)
  @Roles(Role.STEWARD)
  updateDataset(@Ctx() ctx: RequestContext, @Args('code') code: string, @Args('input') input: UpdateDatasetInput): Promise<DatasetDto> {
    return this.registry.update(ctx, code, input);
  }

  @Mutation(() => DatasetDto, { description: 'Replace the field list (信息项); the next uploaded version is loaded under it.' })
  @Roles(Role.STEWARD)
  defineFields(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('fields', { type: () => [FieldInput] }, new EachValidPipe(FieldInput, 'fields')) fields: FieldInput[],
  ): Promise<DatasetDto> {
    return this.registry.defineFields(ctx, dataset, fields);
  }

  @Mutation(() => DatasetDto, { description: 'Make a loaded version the current one, atomically.' })
  @Roles(Role.STEWARD)
  publishVersion(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('version', { type: () => Int }) version: number,
  ): Promise<DatasetDto> {
    return this.datasetVersions.publishVersion(ctx, dataset, version);
  }

  @Mutation(() => DatasetVersionDto, { description: 'Retention: drop an old version’s rows. The current version cannot be dropped.' })
  @Roles(Role.STEWARD)
  dropVersion(
    @Ctx() ctx: RequestContext,
    @Args('dataset') dataset: string,
    @Args('version', { type: () => Int }) version: number,
  ): Promise<DatasetVersionDto> {
    return this.datasetVersions.dropVersion(ctx, dataset, version);
  }

  @Mutation(() => DatasetDto, { description: 'Retire a dataset: it stays in the catalogue’s history but serves no data.' })
  @Roles(Role.STEWARD)
  retireDataset(@Ctx() ctx: RequestContext, @Args('code') code: string, @Args('reason', { nullable: true }) reason?: string): Promise<DatasetDto> {
    return this.registry.retire(ctx, code, reason);
  }

  @ResolveField(() => DepartmentDto, { description: '提供方' })
  async providerDepartment(@Parent() dataset: DatasetDto): Promise<DepartmentDto> {
    return (await this.departments.byId(dataset.providerDepartmentId))!;
  }

  @ResolveField(() => [DatasetVersionDto])
  versions(@Parent() dataset: DatasetDto): Promise<DatasetVersionDto[]> {
    return this.datasetVersions.versions(dataset.id, dataset.currentVersionId);
  }

  @ResolveField(() => DatasetVersionDto, { nullable: true })
  currentVersion(@Parent() dataset: DatasetDto): Promise<DatasetVersionDto | null> {
    return this.datasetVersions.currentVersion(dataset);
  }

  @ResolveField(() => [DatasetChangeDto], { description: 'Change history, newest first: who changed what, when.' })
  history(@Parent() dataset: DatasetDto, @Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<DatasetChangeDto[]> {
    return this.registry.history(dataset.id, Math.min(Math.max(first, 1), 500));
  }
}
