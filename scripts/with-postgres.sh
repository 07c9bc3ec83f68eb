#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server of its own: initdb in a temporary
# directory, a free TCP port on 127.0.0.1, password authentication, fsync off. The command gets
# PGHOST, PGPORT, PGUSER and PGPASSWORD for the server's superuser, and PGCTL: a program that
# runs `pg_ctl stop|start` on this server (the E2E test stops it as a crash would). The server
# and its directory are removed when the command ends, however it ends.
#
# Unlike pg_virtualenv, nothing is registered system-wide, so a run killed half-way leaves
# nothing that stops the next one, and two runs at the same time do not meet.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }

bin=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && bin=$d
done
[ -n "$bin" ] || { echo "error: PostgreSQL's server programs are missing; run scripts/install-deps.sh test" >&2; exit 1; }

home=$(mktemp -d "${TMPDIR:-/tmp}/claimdesk-pg.XXXXXX")
run=()
if [ "$(id -u)" = 0 ]; then
  # The server refuses to run as root: it runs as the postgres user the packages made.
  chown postgres:postgres "$home"
  run=(runuser -u postgres --)
fi

cleanup() {
  "${run[@]}" "$bin/pg_ctl" -D "$home/data" -m immediate -s stop >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    port=$p
    break
  fi
done
[ -n "$port" ] || { echo "error: no free port for the test server" >&2; exit 1; }

password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$home/pw"
[ ${#run[@]} -eq 0 ] || chown postgres:postgres "$home/pw"
"${run[@]}" "$bin/initdb" -D "$home/data" -U postgres --pwfile="$home/pw" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 --no-sync >"$home/initdb.log" 2>&1 ||
  { cat "$home/initdb.log" >&2; exit 1; }
rm -f "$home/pw"
cat >>"$home/data/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$home'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

cat >"$home/pgctl" <<EOF
#!/bin/sh
# pg_ctl stop|start for the test server at $home.
exec ${run[*]} "$bin/pg_ctl" -D "$home/data" -l "$home/log" -w -s "\$@"
EOF
chmod +x "$home/pgctl"
"$home/pgctl" start || { cat "$home/log" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGPASSWORD=$password PGDATABASE=postgres
export PGCTL="$home/pgctl"
unset PGSERVICE PGSSLMODE PGPASSFILE
set +e
"$@"
status=$?
exit $status
