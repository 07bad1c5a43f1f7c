#!/usr/bin/env bash
# Publishes the web page in one command: builds the site (web/build.sh, the app in the `web`
# size profile), copies what a browser loads (index.html, worker.js, app/, worker/ and
# worker-relaxed/, and models/ and assets/data/, which it fetches when a scene reads them)
# into DEST (default web/public, emptied first),
# and writes precompressed .gz and .br copies beside every file for hosts that serve them
# (web/precompress.cjs checks each decompresses to its original). DEST is then a static site:
# upload it anywhere that serves .wasm as application/wasm (GitHub Pages, Netlify, nginx,
# `python3 -m http.server`). .github/workflows/pages.yml runs this script for GitHub Pages.
# Usage: bash web/publish.sh [DEST]
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-web/public}"
case "$dest" in
    ""|"/"|"."|"web"|"web/dist") echo "publish.sh: DEST must be a folder of its own, not '$dest'" >&2; exit 1 ;;
esac
# The app in the size profile (Cargo.toml's `web`): what a visitor downloads.
HNN_LAB_WEB_PROFILE=web bash web/build.sh
rm -rf "$dest"
mkdir -p "$dest"
cp -r web/dist/index.html web/dist/worker.js web/dist/app web/dist/worker web/dist/worker-relaxed \
    web/dist/models web/dist/assets "$dest"/
node web/precompress.cjs "$dest"
echo "published to $dest"
