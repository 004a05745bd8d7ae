import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { DemoSeeder } from './demo-seeder.js';
import { StartupDataService } from './startup-data.js';

@Module({
  imports: [IdentityModule, CatalogueModule, IngestModule],
  providers: [DemoSeeder, StartupDataService],
  exports: [DemoSeeder, StartupDataService],
})
export class SeedModule {}
