import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { IngestController } from './ingest.controller.js';
import { IngestService } from './ingest.service.js';
import { UploadHttpSetup } from './upload.http.js';

@Module({
  imports: [CatalogueModule],
  controllers: [IngestController],
  providers: [IngestService, UploadHttpSetup],
  exports: [IngestService],
})
export class IngestModule {}
