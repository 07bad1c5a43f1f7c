#!/usr/bin/env bash
# Builds the web site into web/dist/: the app (Bevy on WebGL2, the scenes and lessons inside
# it) with `index.html`, the shipped models and recorded data beside it (`models/`,
# `assets/data/`: the page fetches what the chosen scene reads), and the training worker module (the
# science core, `web/worker`) for the browser (`dist/worker/`, and `dist/worker-relaxed/` with
# relaxed SIMD) and for Node (`dist/node/`, `dist/node-relaxed/`: what `web/test_worker.cjs` runs). `web/build.sh worker` builds the worker module alone;
# HNN_LAB_WEB_LINT=1 lints what it builds (below).
# Tools come from the registries only: the wasm32 target from rustup, wasm-bindgen-cli from
# crates.io at the version Cargo.lock pins (its glue must match the wasm-bindgen crate).
# Serve the result as static files, e.g. python3 -m http.server --bind 127.0.0.1 -d web/dist
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
what="${1:-all}"

rustup target add wasm32-unknown-unknown >/dev/null
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
    cargo install wasm-bindgen-cli --version "$want"
fi
out="$target/wasm32-unknown-unknown/release"
# HNN_LAB_WEB_LINT=1 (CI): the builds run clippy on the project's own crates as they compile
# them (clippy's driver in rustc's place, as `cargo clippy` sets it up), with warnings as
# errors, so linting for wasm32 costs no separate check build of the dependencies.
if [ "${HNN_LAB_WEB_LINT:-0}" = 1 ]; then
    RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver)
    export RUSTC_WORKSPACE_WRAPPER
    export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
fi
mkdir -p web/dist

# The worker's module twice: plain, and with relaxed SIMD's fused multiply-add in its products
# (`worker-relaxed/`, `node-relaxed/`), which web/worker.js loads where the engine has it. The
# second build recompiles only the project's two crates.
for variant in "" -relaxed; do
    features=()
    [ -n "$variant" ] && features=(--features relaxed-simd)
    cargo build -p hnn-lab-worker --target wasm32-unknown-unknown --release "${features[@]}"
    rm -rf "web/dist/worker$variant" "web/dist/node$variant"
    wasm-bindgen --target web --no-typescript --out-dir "web/dist/worker$variant" "$out/hnn_lab_worker.wasm"
    wasm-bindgen --target nodejs --no-typescript --out-dir "web/dist/node$variant" "$out/hnn_lab_worker.wasm"
done

if [ "$what" != worker ]; then
    # The app in the release profile, sharing the worker's dependency builds (the quick build
    # the tests use), or in the `web` profile that web/publish.sh asks for (Cargo.toml:
    # optimised for size, whole-program LTO: a third the download, but a cold build 4 min
    # longer and a 7 GB link).
    profile="${HNN_LAB_WEB_PROFILE:-release}"
    cargo build --profile "$profile" --target wasm32-unknown-unknown --bin hnn-lab
    rm -rf web/dist/app
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
        --out-dir web/dist/app "$target/wasm32-unknown-unknown/$profile/hnn-lab.wasm"
    # The page, its scene chooser filled from the scenes folder, and the worker's script.
    options=""
    for f in scenes/*.ron; do
        n=$(basename "$f" .ron)
        options+="    <option value=\"scene=$n\">$n</option>\n"
    done
    for f in scenes/lessons/*.ron; do
        n=$(basename "$f" .ron)
        options+="    <option value=\"lesson=$n\">lesson: $n</option>\n"
    done
    awk -v opts="$options" '/<!-- SCENES/ { printf "%s", opts; next } { print }' \
        web/index.html >web/dist/index.html
    cp web/worker.js web/dist/worker.js
    # What scenes read from the site, fetched when the page opens one of them (the app lists
    # them by name and size at build time, src/embedded.rs).
    rm -rf web/dist/models web/dist/assets
    mkdir -p web/dist/assets
    cp -r models web/dist/models
    cp -r assets/data web/dist/assets/data
fi
ls -l web/dist/*/*.wasm
