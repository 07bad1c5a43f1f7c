// Training speed of the worker module (the WebAssembly a browser's worker runs), in Node:
// ms per step of the spring's HNN and baseline over ten windows of 200 steps each, so a
// slowdown as training converges (subnormal floats) shows.
// Run: bash web/build.sh && node web/bench_worker.cjs [scene]
'use strict';
const fs = require('fs');
const path = require('path');
const { WebTrainer } = require('./dist/node/hnn_lab_worker.js');

const scene = process.argv[2] || path.join(__dirname, '../scenes/spring.ron');
const text = fs.readFileSync(scene, 'utf8');
for (const kind of ['hnn', 'baseline']) {
  const t = new WebTrainer(text, scene, kind);
  const windows = [];
  let loss = NaN;
  for (let w = 0; w < 10; w++) {
    const t0 = performance.now();
    loss = t.steps(200);
    windows.push(((performance.now() - t0) / 200).toFixed(2));
  }
  console.log(`${kind}: ms/step per 200 steps: ${windows.join(' ')} (loss ${loss.toExponential(3)})`);
}
