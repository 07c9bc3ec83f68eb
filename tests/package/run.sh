#!/usr/bin/env bash
# The package test: packs the debug build into a .deb (and an .rpm), checks what they hold,
# installs the .deb, runs the smoke test against the installed app (installed.test.mjs), removes
# the package and checks that the user's projects are still there, byte for byte.
#
# As root the .deb is installed with dpkg -i and removed with dpkg -r, as an analyst would. Not
# as root, or when a claimdesk package is installed already (which this test must not replace),
# it is unpacked with dpkg-deb -x into a temporary folder and run from there; so it is with
# CLAIMDESK_PACKAGE_INSTALL=unpack.
# Usage: tests/package/run.sh (after `make build`; `make package-test` does both).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

step() { printf '\n== %s\n' "$*"; }
fail() { echo "package test: FAILED: $*" >&2; exit 1; }
already_installed() { dpkg-query -W -f='${Status}' claimdesk 2>/dev/null | grep -q "install ok installed"; }

step "bundling the debug build"
packaging/bundle.sh debug
bundles=target/package/debug/bundle
deb=$(ls -t $bundles/deb/*.deb | head -n 1)
rpm=$(ls -t $bundles/rpm/*.rpm | head -n 1)

step "checking what $(basename "$deb") and $(basename "$rpm") hold"
wanted=(usr/bin/claimdesk usr/bin/claimdesk-cli usr/share/applications/Claimdesk.desktop
        usr/share/mime/packages/claimdesk.xml usr/share/icons/hicolor/256x256/apps/claimdesk.png)
deb_files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./||')
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null | sed 's|^/||')
for f in "${wanted[@]}"; do
  grep -qx "$f" <<<"$deb_files" || fail "the .deb lacks /$f"
  grep -qx "$f" <<<"$rpm_files" || fail "the .rpm lacks /$f"
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -qw -- "$d" <<<"$depends" || fail "the .deb does not depend on $d (Depends: $depends)"
done
requires=$(rpm -qpR "$rpm" 2>/dev/null)
for r in 'libwebkit2gtk-4.1.so.0()(64bit)' 'libgtk-3.so.0()(64bit)'; do
  grep -qxF -- "$r" <<<"$requires" || fail "the .rpm does not require $r"
done
# The packed binaries are the ones just staged from the build, not something older.
for b in claimdesk claimdesk-cli; do
  cmp -s <(dpkg-deb --fsys-tarfile "$deb" | tar -xO "usr/bin/$b") "target/package/debug/$b" ||
    fail "the .deb's $b is not the build's (target/package/debug/$b)"
done
echo "both hold ${wanted[*]}; Depends: $depends"

work=$(mktemp -d "${TMPDIR:-/tmp}/claimdesk-package-XXXXXX")
home=$work/home
mkdir -p "$home"
installed=no
cleanup() {
  # A failed run must not leave the test's package installed.
  if [ "$installed" = dpkg ] && already_installed; then
    dpkg -r claimdesk >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ] && ! already_installed && [ "${CLAIMDESK_PACKAGE_INSTALL:-}" != unpack ]; then
  step "installing with dpkg -i"
  installed=dpkg
  dpkg -i "$deb"
  bin=/usr/bin
  share=/usr/share
else
  if [ "$(id -u)" -ne 0 ]; then
    why="not root"
  elif already_installed; then
    why="a claimdesk package is installed on this machine already; it is left alone"
  else
    why="CLAIMDESK_PACKAGE_INSTALL=unpack"
  fi
  step "unpacking with dpkg-deb -x ($why)"
  installed=unpacked
  dpkg-deb -x "$deb" "$work/root"
  bin=$work/root/usr/bin
  share=$work/root/usr/share
  # What the shared-mime-info and desktop-file-utils triggers do for an installed package.
  XDG_DATA_DIRS=$share:/usr/local/share:/usr/share update-mime-database "$share/mime"
  update-desktop-database "$share/applications"
fi
[ -x "$bin/claimdesk" ] && [ -x "$bin/claimdesk-cli" ] || fail "claimdesk and claimdesk-cli are not in $bin"
grep -Eq '^[0-9]+:application/x-claimdesk:\*\.claimdesk$' "$share/mime/globs2" ||
  fail "$share/mime/globs2 does not map *.claimdesk to application/x-claimdesk"

step "the smoke test against the installed app ($bin/claimdesk)"
CLAIMDESK_BIN_DIR=$bin CLAIMDESK_PACKAGE_SHARE=$share CLAIMDESK_PACKAGE_HOME=$home \
  xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/package/

# What the user made while the package was installed: projects, their backups, settings.
user_files() {
  local dirs=() d
  for d in .local/share/claimdesk .config/claimdesk Documents; do [ -d "$home/$d" ] && dirs+=("$d"); done
  (cd "$home" && find "${dirs[@]}" -type f -print0 | sort -z | xargs -0 sha256sum)
}
before=$(user_files)
projects=$(grep -v '\.backups/' <<<"$before" | grep -c '\.claimdesk$' || true)
[ "$projects" -eq 3 ] || fail "expected the test's 3 projects in $home, found $projects:
$before"

if [ "$installed" = dpkg ]; then
  step "removing with dpkg -r"
  dpkg -r claimdesk
  ! already_installed || fail "claimdesk is still installed"
  for f in "${wanted[@]}"; do
    [ ! -e "/$f" ] || fail "/$f is still there after dpkg -r"
  done
  ! grep -q 'application/x-claimdesk' /usr/share/mime/globs2 || fail "the MIME type outlived the package"
else
  step "removing the unpacked package"
  rm -rf "$work/root"
fi

after=$(user_files)
[ "$before" = "$after" ] || fail "removing the package changed the user's files:
$(diff <(echo "$before") <(echo "$after"))"
# The coding done in the installed app is still in the project, read by the build tree's CLI.
target/debug/claimdesk-cli --project "$home/.local/share/claimdesk/default.claimdesk" annotations 1 |
  grep -q '"quote":"Tammy Bruce"' || fail "the default project lost the annotation made in the installed app"
echo "the user's $projects projects, their backups and the settings are unchanged:"
sed 's/^/  /' <<<"$after"

echo
echo "package test: passed in $(( $(date +%s) - started )) s ($installed; $(du -h "$deb" | cut -f1) .deb, $(du -h "$rpm" | cut -f1) .rpm, debug build)"
