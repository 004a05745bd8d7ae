import { Module } from '@nestjs/common';
import { AccessModule } from '@causeway/access';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { DemoSeeder } from './demo-seeder.js';
import { StartupDataService } from './startup-data.js';

@Module({
  imports: [IdentityModule, CatalogueModule, IngestModule, AccessModule],
  providers: [DemoSeeder, StartupDataService],
  exports: [DemoSeeder, StartupDataService],
})
export class SeedModule {}
