// The training worker's module, run by Node (the same WebAssembly a browser's worker loads):
// the spring trains from scratch in it, and bad input comes back as one clear error.
// Run: bash web/build.sh && node web/test_worker.cjs
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { WebTrainer } = require('./dist/node/hnn_lab_worker.js');

const root = path.join(__dirname, '..');
const spring = fs.readFileSync(path.join(root, 'scenes/spring.ron'), 'utf8');

for (const kind of ['hnn', 'baseline']) {
  const t = new WebTrainer(spring, 'scenes/spring.ron', kind);
  const first = t.steps(1);
  const t0 = performance.now();
  const last = t.steps(300);
  const ms = (performance.now() - t0) / 300;
  assert.strictEqual(t.steps_done(), 301);
  assert.ok(Number.isFinite(first) && Number.isFinite(last), `${kind}: ${first} ${last}`);
  assert.ok(last < first / 10, `${kind}: the loss fell only from ${first} to ${last}`);
  console.log(`${kind}: loss ${first.toExponential(3)} -> ${last.toExponential(3)} in 301 steps, ${ms.toFixed(2)} ms/step`);
}

// A broken scene and an unknown model kind: errors naming the file, line and field.
assert.throws(() => new WebTrainer(spring.replace('k: 1.0', 'k: -1.0'), 'spring.ron', 'hnn'),
  (e) => /spring\.ron:\d+:\d+/.test(e.message) && /system\.Spring\.k/.test(e.message) || assert.fail(e.message));
assert.throws(() => new WebTrainer(spring, 'spring.ron', 'lstm'),
  (e) => /"lstm"/.test(e.message) || assert.fail(e.message));
console.log('worker module: ok');
