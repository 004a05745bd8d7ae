// A second gateway process for the audit concurrency test: it boots the whole gateway (from the
// build) on the database named by DATABASE_URL and records events as concurrent requests would.
// Plain JavaScript over dist/ (npm test builds first), run with `node`.
import { createGateway } from '../../dist/apps/gateway/src/bootstrap.js';
import { AuditService, systemContext } from '../../dist/libs/audit/src/index.js';

const [label, rounds, concurrency] = [process.argv[2] ?? 'process', Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 20)];
const app = await createGateway({ logger: false });
await app.init();
const audit = app.get(AuditService);
process.stdout.write('ready\n');
// Start together: the parent writes "go" once every process is ready.
await new Promise((resolve) => process.stdin.once('data', resolve));
const seqs = [];
for (let round = 0; round < rounds; round += 1) {
  const receipts = await Promise.all(
    Array.from({ length: concurrency }, (_, index) =>
      audit.record(systemContext(label, `${label}-${round}-${index}`), { action: `concurrency.${label}`, outcome: 'ALLOWED', rowsReturned: index }),
    ),
  );
  seqs.push(...receipts.map((receipt) => receipt.seq));
}
await app.close();
process.stdout.write(`${JSON.stringify({ label, seqs })}\n`, () => process.exit(0));
