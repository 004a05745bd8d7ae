export { DatabaseModule, dataSourceOptions, runMigrations, type DatabaseModuleOptions } from './database.module.js';
export { DatabaseServer } from './database-server.js';
export { CLUSTERS_FOR_UNREACHABLE_FOLDERS, EmbeddedDatabaseError, EmbeddedPostgres } from './embedded-postgres.js';
export { asUnavailable, databaseUnavailable, DATABASE_RETRY_AFTER_SECONDS, guardClient, isDatabaseUnavailable } from './availability.js';
export { ChangeFeed, FeedCache, type ChangeChannel, type ChangeEvent } from './change-feed.js';
export { ReplicaRouter } from './replicas.js';
