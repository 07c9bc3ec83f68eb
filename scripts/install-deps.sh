#!/usr/bin/env bash
# Installs what building, running and testing Claimdesk need on Debian/Ubuntu, skipping what is
# already there. Usage: scripts/install-deps.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}

# System libraries for Tauri (WebKitGTK), plus what the end-to-end tests drive it with.
packages=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
          libssl-dev libxdo-dev build-essential pkg-config file)
if [ "$purpose" = test ]; then
  packages+=(webkit2gtk-driver xvfb xauth python3 python3-venv)
  # The package test: the desktop's MIME database and launcher (gio), the desktop entry's
  # validator, and rpm to read the .rpm it builds (Tauri's bundler writes .rpm without it).
  packages+=(shared-mime-info desktop-file-utils libglib2.0-bin rpm)
  # Team projects are tested against a real PostgreSQL server (scripts/with-postgres.sh
  # starts a throwaway one for the run with its initdb and pg_ctl).
  packages+=(postgresql postgresql-common)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js 20.19+ builds the UI (Vite 8).
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "error: Node.js 20.19 or newer is needed to build the UI (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "Install it from your distribution or nodejs.org, then run this again." >&2
  exit 1
fi
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "Installing UI packages (npm ci)"
  # esbuild's install step runs the binary npm has just written, and on some file systems that
  # now and then fails with ETXTBSY (the file still open for writing): a second try succeeds.
  for attempt in 1 2 3; do
    if (cd ui && npm ci --no-audit --no-fund --loglevel=error); then break; fi
    if [ "$attempt" = 3 ]; then echo "error: npm ci failed three times" >&2; exit 1; fi
    echo "npm ci failed (try $attempt of 3); trying again"
    sleep 2
  done
fi

# tauri-driver bridges WebDriver to the app; installed into target/tools, not system-wide.
if [ "$purpose" = test ] && [ ! -x target/tools/bin/tauri-driver ]; then
  echo "Installing tauri-driver into target/tools"
  cargo install tauri-driver --version '^2' --locked --root target/tools --quiet
fi
