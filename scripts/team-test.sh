#!/usr/bin/env bash
# Runs the team-project tests against a real, throwaway PostgreSQL server (scripts/with-postgres.sh
# starts it and exports PGHOST/PGPORT/PGUSER/PGPASSWORD for its superuser, then removes it).
# Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres.sh cargo test -p claimdesk-team "$@"
