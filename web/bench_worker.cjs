// Training speed of the worker module (the WebAssembly a browser's worker runs), in Node, one
// model at a time: ms per step over ten windows, so a slowdown as training converges
// (subnormal floats) shows. The scene's path is given relative to the repository (it names
// the scene's file, as in the app).
// Run: bash web/build.sh worker && node web/bench_worker.cjs [scenes/spring.ron] [steps per window]
'use strict';
const fs = require('fs');
const path = require('path');
const { TrainerWorker, command_bytes, describe } = require('./dist/node/hnn_lab_worker.js');

const scene = process.argv[2] || 'scenes/spring.ron';
const per = Number(process.argv[3] || 200);
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
