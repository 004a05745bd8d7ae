import { Module } from '@nestjs/common';
import { CatalogueModule } from '@causeway/catalogue';
import { ExchangeModule } from '@causeway/exchange';
import { IdentityModule } from '@causeway/identity';
import { CkanController, CkanExceptionFilter } from './ckan/ckan.controller.js';
import { CkanHttpSetup } from './ckan/ckan-http.js';
import { CkanService } from './ckan/ckan.service.js';
import { DatastoreService } from './ckan/datastore.service.js';
import { DcatService } from './dcat/dcat.service.js';
import { DownloadService } from './downloads/download.service.js';
import { OpenDataController } from './http/open-data.controller.js';
import { PortalRateLimiter, PortalRateLimitGuard } from './http/rate-limit.js';
import { OpenCatalogueService } from './open-catalogue.service.js';
import { OpenPageService } from './page/open-page.service.js';
import { PortalAudit } from './portal-audit.js';
import { loadPortalSettings, PortalSettings } from './portal-settings.js';

/**
 * The open-data portal: CKAN-compatible Action API, DCAT-AP catalogue, downloads and the /open
 * page, for anonymous callers, over OPEN datasets' PUBLIC fields only.
 */
@Module({
  imports: [CatalogueModule, ExchangeModule, IdentityModule],
  controllers: [CkanController, OpenDataController],
  providers: [
    { provide: PortalSettings, useFactory: () => loadPortalSettings() },
    OpenCatalogueService,
    PortalAudit,
    PortalRateLimiter,
    PortalRateLimitGuard,
    CkanExceptionFilter,
    CkanHttpSetup,
    CkanService,
    DatastoreService,
    DownloadService,
    DcatService,
    OpenPageService,
  ],
  exports: [OpenCatalogueService],
})
export class PortalModule {}
