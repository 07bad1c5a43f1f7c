#!/usr/bin/env bash
# Retrains each task with training seeds 0-4 (same data) and prints each seed's Table 1 row as
# JSON, to show how much the metrics move with the initial weights alone.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --no-default-features -q
out=${OUT_DIR:-/tmp/hnn-seeds}
for scene in spring pendulum real_pendulum; do
  for seed in 0 1 2 3 4; do
    ./target/release/hnn-lab train --scene scenes/$scene.ron --seed $seed --out "$out/$scene-$seed" --quiet 2>/dev/null
    ./target/release/hnn-lab eval --scene scenes/$scene.ron --models "$out/$scene-$seed" --json 2>/dev/null | tail -1 | sed "s/^{/{\"seed\":$seed,/"
  done
done
