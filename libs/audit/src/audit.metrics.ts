import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';

/** The writer's metrics; registered on the gateway's registry by registerOn. */
export class AuditMetrics {
  readonly events = new Counter({ name: 'causeway_audit_events_total', help: 'Audit events committed, by outcome', labelNames: ['outcome'] as const, registers: [] });
  readonly failures = new Counter({ name: 'causeway_audit_failures_total', help: 'Audit events refused (AUDIT_UNAVAILABLE), by cause', labelNames: ['cause'] as const, registers: [] });
  readonly batchSize = new Histogram({
    name: 'causeway_audit_batch_size',
    help: 'Events per group-commit transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [],
  });
  readonly commitSeconds = new Histogram({
    name: 'causeway_audit_commit_seconds',
    help: 'Time to write and commit one batch',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [],
  });
  readonly conflicts = new Counter({ name: 'causeway_audit_head_conflicts_total', help: 'Optimistic appends that found the chain head moved by another process', registers: [] });
  readonly queueDepth = new Gauge({ name: 'causeway_audit_queue_depth', help: 'Audit events waiting for the writer', registers: [] });
  readonly headSeq = new Gauge({ name: 'causeway_audit_chain_head_seq', help: 'Sequence number of the last event this process committed', registers: [] });

  registerOn(registry: Registry): void {
    const metrics: [string, Metric][] = [
      ['causeway_audit_events_total', this.events],
      ['causeway_audit_failures_total', this.failures],
      ['causeway_audit_batch_size', this.batchSize],
      ['causeway_audit_commit_seconds', this.commitSeconds],
      ['causeway_audit_head_conflicts_total', this.conflicts],
      ['causeway_audit_queue_depth', this.queueDepth],
      ['causeway_audit_chain_head_seq', this.headSeq],
    ];
    for (const [name, metric] of metrics) if (!registry.getSingleMetric(name)) registry.registerMetric(metric);
  }
}
