import { Module } from '@nestjs/common';
import { AccessModule } from '@causeway/access';
import { CatalogueModule } from '@causeway/catalogue';
import { ExchangeModule } from '@causeway/exchange';
import { IdentityModule } from '@causeway/identity';
import { IngestModule } from '@causeway/ingest';
import { DemoSeeder } from './demo-seeder.js';
import { StartupDataService } from './startup-data.js';

@Module({
  imports: [IdentityModule, CatalogueModule, IngestModule, AccessModule, ExchangeModule],
  providers: [DemoSeeder, StartupDataService],
  exports: [DemoSeeder, StartupDataService],
})
export class SeedModule {}
