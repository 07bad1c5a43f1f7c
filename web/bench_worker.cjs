// Training speed of the worker module (the WebAssembly a browser's worker runs), in Node, one
// model at a time: ms per step over ten windows, so a slowdown as training converges
// (subnormal floats) shows. The scene's path is given relative to the repository (it names
// the scene's file, as in the app). MODULE is `node` (plain SIMD, the default) or
// `node-relaxed` (relaxed SIMD's fused multiply-add; on Node 20, which has it behind a flag,
// the script runs itself again with the flag). First it prints the module's matrix product
// rate on the pixel models' three largest shapes.
// Run: bash web/build.sh worker && node web/bench_worker.cjs [scenes/spring.ron] [steps per window] [MODULE]
'use strict';
const child = require('child_process');
const fs = require('fs');
const path = require('path');

const scene = process.argv[2] || 'scenes/spring.ron';
const per = Number(process.argv[3] || 200);
const which = process.argv[4] || 'node';
const flag = '--experimental-wasm-relaxed-simd';
const bytes = fs.readFileSync(path.join(__dirname, 'dist', which, 'hnn_lab_worker_bg.wasm'));
if (!WebAssembly.validate(bytes)) {
  if (process.execArgv.includes(flag)) throw new Error(`this Node (${process.version}) cannot load dist/${which}`);
  process.exit(child.spawnSync(process.execPath, [flag, ...process.argv.slice(1)], { stdio: 'inherit' }).status ?? 1);
}
const { TrainerWorker, command_bytes, describe, matmul_gflops } = require(`./dist/${which}/hnn_lab_worker.js`);
// (batch × hidden by hidden × hidden; the decoder's output layer forward; its input gradient)
const rates = [[200, 200, 200], [200, 1568, 200], [200, 200, 1568]].map(([m, n, k]) => `${m}×${k}·${k}×${n} ${matmul_gflops(m, n, k, 20).toFixed(1)}`);
console.log(`dist/${which} (node ${process.version}): product GFLOP/s ${rates.join(', ')}`);
const text = fs.readFileSync(path.join(__dirname, '..', scene), 'utf8');
for (const kind of ['hnn', 'baseline']) {
  const t0 = performance.now();
  const t = new TrainerWorker(text, scene, kind, undefined, 0, 1e9);
  const made = performance.now() - t0;
  const first = JSON.parse(describe(t.next_message()));
  if (first.type !== 'ready') throw new Error(first.message);
  t.command(command_bytes('start', 0, undefined));
  const windows = [];
  for (let w = 0; w < 10; w++) {
    const t1 = performance.now();
    let n = 0;
    while (n < per) {
      const k = t.work(0);
      if (k === 0) throw new Error(`training stopped: ${describe(t.next_message())}`);
      n += k;
    }
    windows.push(((performance.now() - t1) / n).toFixed(2));
  }
  console.log(`${kind}: data and model made in ${(made / 1e3).toFixed(1)} s; ms/step per ${per} steps: ${windows.join(' ')}`);
}
