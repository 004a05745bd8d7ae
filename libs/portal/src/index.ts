export { PortalModule } from './portal.module.js';
export { OpenCatalogueService } from './open-catalogue.service.js';
export { PortalSettings, loadPortalSettings } from './portal-settings.js';
export type { OpenDataset, OpenField, OpenPublisher, OpenVersion } from './open-dataset.js';
export { PORTAL_ACTIONS } from './portal-audit.js';
