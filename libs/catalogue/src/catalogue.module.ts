import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@causeway/identity';
import { CatalogueResolver } from './catalogue.resolver.js';
import { CatalogueStore } from './catalogue-store.js';
import { DisputeLookup } from './disputes.js';
import { DatasetChangeEntity, DatasetEntity, DatasetFieldEntity, DatasetVersionEntity } from './entities.js';
import { CatalogueRegistry } from './registry/catalogue-registry.js';
import { CatalogueSearch } from './search/catalogue-search.js';
import { CatalogueVersions } from './versions/catalogue-versions.js';

/** The catalogue, by job: the registry of datasets and fields, their versions (and version tables), and search. */
@Module({
  imports: [TypeOrmModule.forFeature([DatasetEntity, DatasetFieldEntity, DatasetVersionEntity, DatasetChangeEntity]), IdentityModule],
  providers: [CatalogueStore, CatalogueRegistry, CatalogueVersions, CatalogueSearch, CatalogueResolver, DisputeLookup],
  exports: [CatalogueRegistry, CatalogueVersions, CatalogueSearch, DisputeLookup],
})
export class CatalogueModule {}
