#!/bin/sh
# Run by the postgres image once, when it creates the primary's cluster: lets the replica
# (docker/compose.yaml, postgres-replica) stream WAL as the causeway user.
set -e
echo "host replication causeway all scram-sha-256" >> "$PGDATA/pg_hba.conf"
