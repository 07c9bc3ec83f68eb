#!/usr/bin/env bash
# Runs the team-project tests against a real, throwaway PostgreSQL cluster: pg_virtualenv
# (postgresql-common) creates it, exports PGHOST/PGPORT/PGUSER/PGPASSWORD for its superuser,
# runs the command, and drops the cluster. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pg_virtualenv >/dev/null || { echo "error: pg_virtualenv is missing; run scripts/install-deps.sh test" >&2; exit 1; }
exec pg_virtualenv cargo test -p claimdesk-team "$@"
