// Writes `FILE.gz` (gzip -9) and `FILE.br` (brotli, quality 11) beside every file of the
// site folder, for hosts that serve precompressed files (nginx `gzip_static`/`brotli_static`,
// Caddy `precompressed`), and checks that each decompresses to its original. A file that
// gzip shrinks by less than 10% (model weights) gets no copies. The Node build
// of the worker (`node/`, for the tests) is not part of the site and is skipped.
// Run: node web/precompress.cjs web/dist
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = process.argv[2];
if (!root || !fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
  console.error('usage: node web/precompress.cjs SITE_FOLDER (a folder, e.g. web/dist)');
  process.exit(1);
}

function* files(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!(dir === root && e.name === 'node')) yield* files(p);
    } else if (!/\.(gz|br)$/.test(e.name)) {
      yield p;
    }
  }
}

// Written to a temporary name, then renamed: a reader never sees half a file.
function write(p, bytes) {
  const tmp = `${p}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, p);
}

let total = [0, 0, 0];
for (const p of files(root)) {
  const raw = fs.readFileSync(p);
  const gz = zlib.gzipSync(raw, { level: 9 });
  // Model weights hardly compress (~7%): they are served as they are, which saves brotli's
  // slowest work (minutes on the site's 30 MB of models) for a few percent.
  if (gz.length > 0.9 * raw.length) {
    for (const old of [`${p}.gz`, `${p}.br`]) fs.rmSync(old, { force: true });
    total = [total[0] + raw.length, total[1] + raw.length, total[2] + raw.length];
    console.log(`${path.relative(root, p)}: ${raw.length} bytes, served uncompressed (gzip would save ${raw.length - gz.length})`);
    continue;
  }
  const br = zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  if (!zlib.gunzipSync(gz).equals(raw) || !zlib.brotliDecompressSync(br).equals(raw)) {
    console.error(`${p}: a compressed copy does not decompress to the file`);
    process.exit(1);
  }
  write(`${p}.gz`, gz);
  write(`${p}.br`, br);
  total = [total[0] + raw.length, total[1] + gz.length, total[2] + br.length];
  console.log(`${path.relative(root, p)}: ${raw.length} bytes, gzip ${gz.length}, brotli ${br.length}`);
}
console.log(`all: ${total[0]} bytes, gzip ${total[1]}, brotli ${total[2]}`);
