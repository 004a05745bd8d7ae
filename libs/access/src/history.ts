import type { RequestContext } from '@causeway/core';
import type { EntityManager } from 'typeorm';

/** Each workflow's step log: its table and the column naming the item the step belongs to. */
const LOGS = {
  accessRequest: { table: 'access_request_event', subject: 'request_id' },
  demand: { table: 'demand_event', subject: 'demand_id' },
  objection: { table: 'objection_event', subject: 'objection_id' },
} as const;

export type WorkflowLog = keyof typeof LOGS;

/** Appends one step (who, from which department, what, why) to a workflow item's history, inside `tx`. */
export async function appendHistory(
  tx: EntityManager,
  log: WorkflowLog,
  ctx: RequestContext,
  subjectId: string,
  action: string,
  reason: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  const { table, subject } = LOGS[log];
  await tx.query(`insert into ${table} (${subject}, principal, department_code, action, reason, details) values ($1, $2, $3, $4, $5, $6::jsonb)`, [
    subjectId,
    ctx.principal.label,
    ctx.principal.departmentCode,
    action,
    reason,
    JSON.stringify(details),
  ]);
}
