import { Foundation1763700000000 } from './1763700000000-foundation.js';
import { Grants1763720000000 } from './1763720000000-grants.js';
import { AccessRequests1763720000001 } from './1763720000001-access-requests.js';
import { Audit1763730000000 } from './1763730000000-audit.js';
import { AuditLeanIndexes1763730000001 } from './1763730000001-audit-lean-indexes.js';
import { DeploymentSecret1763740000000 } from './1763740000000-deployment-secret.js';
import { Workflows1763750000000 } from './1763750000000-workflows.js';
import { Objections1763760000000 } from './1763760000000-objections.js';
import { ReturnFlows1763780000000 } from './1763780000000-return-flows.js';
import { ExchangeStats1763780000001 } from './1763780000001-exchange-stats.js';
import { AuditSearchIndexes1763790000000 } from './1763790000000-audit-search-indexes.js';
import { CredentialsAndTimeliness1763790000100 } from './1763790000100-credentials-and-timeliness.js';

/** Every migration, oldest first. Add new files here; never edit one that has shipped. */
export const MIGRATIONS = [
  Foundation1763700000000,
  Grants1763720000000,
  AccessRequests1763720000001,
  Audit1763730000000,
  AuditLeanIndexes1763730000001,
  DeploymentSecret1763740000000,
  Workflows1763750000000,
  Objections1763760000000,
  ReturnFlows1763780000000,
  ExchangeStats1763780000001,
  AuditSearchIndexes1763790000000,
  CredentialsAndTimeliness1763790000100,
];
