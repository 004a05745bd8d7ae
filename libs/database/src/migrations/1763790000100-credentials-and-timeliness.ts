import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13. A person's credentials over time: `session_version` is carried by every login token
 * and raised when the password changes, is reset, or the account is disabled, so that the tokens
 * issued before stop working at once; `must_change_password` holds a person whose password an
 * administrator reset to a temporary one to changing it before anything else. And the answer-time
 * statistics read access requests by the period they were filed in.
 */
export class CredentialsAndTimeliness1763790000100 implements MigrationInterface {
  name = 'CredentialsAndTimeliness1763790000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table app_user
        add column session_version int not null default 0,
        add column must_change_password boolean not null default false,
        add column password_changed_at timestamptz`);
    await db.query(`create index access_request_created on access_request (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index access_request_created`);
    await db.query(`alter table app_user drop column session_version, drop column must_change_password, drop column password_changed_at`);
  }
}
