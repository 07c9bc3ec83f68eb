#!/usr/bin/env bash
# How good the suggestions are: the attribution finder scored on PolNeAR (political news
# attribution relations, brat standoff) — its train and dev splits only. The test split is held
# out for evaluation elsewhere; the scorer refuses it.
#
# POLNEAR=<checkout> uses a copy already on disk; otherwise the corpus is cloned from GitHub
# (POLNEAR_GIT overrides where from) into target/polnear. Nothing of it is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${POLNEAR:-target/polnear}"
if [ ! -d "$dir/data/train" ]; then
  echo "PolNeAR: cloning into $dir" >&2
  rm -rf "$dir"
  git clone --quiet --depth 1 "${POLNEAR_GIT:-https://github.com/networkdynamics/PolNeAR}" "$dir"
fi
for split in train dev; do
  echo "== PolNeAR $split =="
  cargo run --quiet --release -p claimdesk-suggest --example eval -- "$dir" --split "$split"
done
