#!/usr/bin/env bash
# Builds the web build's pieces into web/dist/. So far: the training worker module (the
# science core compiled to WebAssembly, `web/worker`), for the browser (`dist/worker/`) and for
# Node (`dist/node/`, what `web/test_worker.cjs` runs). Tools come from the registries only:
# the wasm32 target from rustup, wasm-bindgen-cli from crates.io at the version Cargo.lock
# pins (the generated glue must match the wasm-bindgen crate exactly).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"

rustup target add wasm32-unknown-unknown >/dev/null
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
    cargo install wasm-bindgen-cli --version "$want"
fi

cargo build -p hnn-lab-worker --target wasm32-unknown-unknown --release
wasm="$target/wasm32-unknown-unknown/release/hnn_lab_worker.wasm"
rm -rf web/dist/worker web/dist/node
wasm-bindgen --target web --out-dir web/dist/worker "$wasm"
wasm-bindgen --target nodejs --out-dir web/dist/node "$wasm"
ls -l web/dist/worker/*.wasm
