export { AuditModule } from './audit.module.js';
export { AuditService, systemContext } from './audit.service.js';
export { AuditOutcome, GENESIS_HASH, type AuditEventInput, type AuditGrantRef, type AuditReceipt, type AuditRecord, type ChainedAuditRecord } from './audit.types.js';
