import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fingerprint of the deployment's master secret (JWT_SECRET), recorded by the first process
 * that starts on the database: every later gateway replica or CLI run compares its own, so that
 * a replica with another secret (tokens, cursors and masked values that differ between replicas)
 * refuses to start. Never the secret itself.
 */
export class DeploymentSecret1763740000000 implements MigrationInterface {
  name = 'DeploymentSecret1763740000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table deployment_secret (
        id smallint primary key default 1 check (id = 1),
        fingerprint text not null,
        recorded_at timestamptz not null default now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table deployment_secret`);
  }
}
