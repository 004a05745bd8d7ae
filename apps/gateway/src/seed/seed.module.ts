import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IdentityModule } from '@causeway/identity';
import { DemoSeeder } from './demo-seeder.js';

@Module({
  imports: [IdentityModule, CatalogueModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class SeedModule {}
