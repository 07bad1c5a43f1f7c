#!/usr/bin/env bash
# Times hnn-lab's training steps beside PyTorch's on this machine, in one run.
# Needs a Python with torch: PYTHON=/path/to/venv/bin/python (pip install torch numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
cargo build --release --no-default-features -q
for round in 1 2; do
  echo "round $round"
  ./target/release/hnn-lab bench --json
  "$PY" benches/pytorch_reference.py --threads 1
  "$PY" benches/pytorch_reference.py --threads 2
done
