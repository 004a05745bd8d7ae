import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { CatalogueRegistry, CatalogueSearch, CatalogueVersions } from '@causeway/catalogue';
import type { RequestContext } from '@causeway/core';
import { DepartmentsService, type DepartmentDto } from '@causeway/identity';
import type { Subscription } from 'rxjs';
import { toOpenDataset, type OpenDataset } from './open-dataset.js';

// Listings are read far more often than the catalogue changes. Changes made through this process
// clear the cache at once; the short lifetime bounds how long another replica's change takes to show.
const LISTING_TTL_MS = 5_000;

/**
 * The catalogue as the public sees it: only datasets the portal may list, each reduced to its
 * public face (OpenDataset). Every portal surface reads datasets through this service.
 */
@Injectable()
export class OpenCatalogueService implements OnModuleDestroy {
  private cache: { at: number; datasets: Promise<OpenDataset[]> } | null = null;
  private readonly subscription: Subscription;

  constructor(
    private readonly catalogue: CatalogueRegistry,
    private readonly versions: CatalogueVersions,
    private readonly search: CatalogueSearch,
    private readonly departments: DepartmentsService,
  ) {
    this.subscription = this.catalogue.changes.subscribe(() => {
      this.cache = null;
    });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  /** Every listed dataset, ordered by code. */
  async list(_ctx: RequestContext): Promise<OpenDataset[]> {
    if (this.cache && Date.now() - this.cache.at < LISTING_TTL_MS) return this.cache.datasets;
    const datasets = this.load();
    this.cache = { at: Date.now(), datasets };
    // A failed load is not cached: the next request tries again.
    datasets.catch(() => {
      if (this.cache?.datasets === datasets) this.cache = null;
    });
    return datasets;
  }

  /**
   * One listed dataset by code, CKAN name or id, read fresh from the catalogue (not from the
   * listing cache): paths that serve rows must see a dataset closed a moment ago as closed.
   */
  async find(ctx: RequestContext, idOrName: string): Promise<OpenDataset | null> {
    const key = idOrName.trim();
    if (key === '') return null;
    const dataset = UUID.test(key) ? await this.catalogue.findById(key.toLowerCase()) : await this.findByName(ctx, key);
    if (!dataset) return null;
    const versions = await this.versions.versionsOf([dataset]);
    const publisher = await this.departments.byId(dataset.providerDepartmentId);
    return toOpenDataset(dataset, versions.get(dataset.id) ?? [], publisher);
  }

  /** The dataset that holds a version (a CKAN resource id), read fresh. */
  async findByVersionId(ctx: RequestContext, versionId: string): Promise<{ dataset: OpenDataset; version: OpenDataset['versions'][number] } | null> {
    if (!UUID.test(versionId.trim())) return null;
    const id = versionId.trim().toLowerCase();
    const listed = (await this.list(ctx)).find((dataset) => dataset.versions.some((version) => version.id === id));
    if (!listed) return null;
    const fresh = await this.find(ctx, listed.id);
    const version = fresh?.versions.find((candidate) => candidate.id === id);
    return fresh && version ? { dataset: fresh, version } : null;
  }

  /**
   * A dataset the catalogue holds but the portal does not serve (closed, conditional, draft), for
   * the audit trail of a refused pull; null when no such dataset exists. Never shown to the caller.
   */
  async unlisted(code: string): Promise<{ dataset: string; provider: string | null } | null> {
    const key = code.trim();
    if (key === '' || key.length > 64) return null;
    const dataset = (await this.catalogue.findByCode(key)) ?? (await this.catalogue.findByCode(key.toUpperCase()));
    if (!dataset) return null;
    const provider = await this.departments.byId(dataset.providerDepartmentId);
    return { dataset: dataset.code, provider: provider?.code ?? null };
  }

  departmentsList(): Promise<DepartmentDto[]> {
    return this.departments.all();
  }

  private async findByName(ctx: RequestContext, name: string) {
    const exact = await this.catalogue.findByCode(name);
    if (exact) return exact;
    // CKAN names are the codes in lower case: the listing knows each code's exact spelling.
    const lowered = name.toLowerCase();
    const listed = (await this.list(ctx)).find((dataset) => dataset.name === lowered);
    return listed ? this.catalogue.findByCode(listed.code) : null;
  }

  private async load(): Promise<OpenDataset[]> {
    const published = await this.search.listPublished();
    const versions = await this.versions.versionsOf(published);
    const result: OpenDataset[] = [];
    for (const dataset of published) {
      const publisher = await this.departments.byId(dataset.providerDepartmentId);
      const open = toOpenDataset(dataset, versions.get(dataset.id) ?? [], publisher);
      if (open) result.push(open);
    }
    return result.sort((a, b) => a.code.localeCompare(b.code));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
