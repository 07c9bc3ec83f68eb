#!/usr/bin/env bash
# Interoperability tests: loads Claimdesk exports with the Python libraries analysts use.
#
#   scripts/interop.sh                 # all of tests/interop
#   scripts/interop.sh -k csv -x       # extra arguments go to pytest
#
# Creates target/interop-venv on first use and reinstalls the pinned packages only when
# tests/interop/requirements.txt or constraints.txt change. Does not build Rust: it runs the
# CLI at $CLAIMDESK_CLI (default target/debug/claimdesk-cli), which `make build` produces.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/target/interop-venv"
REQS="$ROOT/tests/interop/requirements.txt"
CONSTRAINTS="$ROOT/tests/interop/constraints.txt"
STAMP="$VENV/.claimdesk-requirements.sha256"

die() {
    echo "interop: $*" >&2
    exit 1
}

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.11 (Debian: python3, python3-venv)."

version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" ||
    die "$PYTHON does not run."
if [ "$version" != "3.11" ]; then
    echo "interop: warning: the pins in tests/interop are resolved for Python 3.11, this is $version" >&2
fi

# A venv whose interpreter no longer runs (Python upgraded or moved) is rebuilt.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    echo "interop: $VENV is broken; recreating it" >&2
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    mkdir -p "$ROOT/target"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "cannot create a virtual environment with '$PYTHON -m venv'. On Debian or Ubuntu install the python3-venv package (apt-get install python3-venv) and run this again."
    fi
fi

wanted="$(cat "$REQS" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)-$version"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ]; then
    echo "interop: installing tests/interop/requirements.txt into target/interop-venv" >&2
    rm -f "$STAMP"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --only-binary=:all: -r "$REQS" -c "$CONSTRAINTS"
    echo "$wanted" >"$STAMP"
fi

CLAIMDESK_CLI="${CLAIMDESK_CLI:-$ROOT/target/debug/claimdesk-cli}"
case "$CLAIMDESK_CLI" in
/*) ;;
*) CLAIMDESK_CLI="$ROOT/$CLAIMDESK_CLI" ;;
esac
[ -x "$CLAIMDESK_CLI" ] || die "no CLI at $CLAIMDESK_CLI; build it first (make build, or cargo build -p claimdesk-cli), or set CLAIMDESK_CLI."

export CLAIMDESK_CLI
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
export HF_HOME="$ROOT/target/interop-hf"
export PYTHONDONTWRITEBYTECODE=1
exec "$VENV/bin/python" -m pytest -o cache_dir="$ROOT/target/interop-pytest-cache" "$ROOT/tests/interop" "$@"
