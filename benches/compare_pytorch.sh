#!/usr/bin/env bash
# Times hnn-lab's training steps beside PyTorch's and JAX's on this machine, in one run.
# Needs a Python with torch and jax[cpu]: PYTHON=/path/to/venv/bin/python
# (pip install torch numpy "jax[cpu]"). JAX is limited to one core with taskset (XLA ignores
# its thread flags).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
cargo build --release --no-default-features -q
for round in 1 2; do
  echo "round $round"
  ./target/release/hnn-lab bench --json
  "$PY" benches/pytorch_reference.py --threads 1
  "$PY" benches/pytorch_reference.py --threads 2
  if "$PY" -c "import jax" 2>/dev/null; then
    taskset -c 0 "$PY" benches/jax_reference.py
    "$PY" benches/jax_reference.py
  fi
done
