// The training worker's module, run by Node (the same WebAssembly a browser's worker loads,
// driven as `web/worker.js` drives it): the spring trains from scratch in it through the
// command and progress messages, and bad input comes back as one clear error message.
// Both builds of the module are tested: `dist/node` (plain SIMD), then, in a second Node
// process, `dist/node-relaxed` (relaxed SIMD's fused multiply-add; Node 20 needs a flag for it,
// which the script passes). Each first checks its matrix product against a naive one, and that
// web/worker.js's relaxed-SIMD probe validates exactly where the relaxed module loads.
// Run: bash web/build.sh worker && node web/test_worker.cjs
'use strict';
const assert = require('assert');
const child = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const which = process.argv[2] || 'node';
assert.ok(which === 'node' || which === 'node-relaxed', `unknown module folder ${which}`);
const flag = '--experimental-wasm-relaxed-simd';

// The probe web/worker.js picks its module with, read from that file.
const probeText = /RELAXED_SIMD_PROBE = new Uint8Array\(\[([\d,\s]+)\]\)/.exec(fs.readFileSync(path.join(__dirname, 'worker.js'), 'utf8'));
assert.ok(probeText, 'web/worker.js defines RELAXED_SIMD_PROBE');
const probe = WebAssembly.validate(new Uint8Array(probeText[1].split(',').map(Number)));
const relaxedBytes = fs.readFileSync(path.join(__dirname, 'dist/node-relaxed/hnn_lab_worker_bg.wasm'));
assert.strictEqual(probe, WebAssembly.validate(relaxedBytes),
  `the relaxed-SIMD probe says ${probe}, the relaxed module ${!probe} (node ${process.version} ${process.execArgv.join(' ')})`);
assert.ok(WebAssembly.validate(fs.readFileSync(path.join(__dirname, 'dist/node/hnn_lab_worker_bg.wasm'))), 'the plain module validates');
if (which === 'node-relaxed' && !probe) {
  // An engine that has relaxed SIMD behind a flag (Node 20): run this test again with it.
  assert.ok(!process.execArgv.includes(flag), `relaxed SIMD does not validate even with ${flag}`);
  const r = child.spawnSync(process.execPath, [flag, __filename, which], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { TrainerWorker, command_bytes, describe, put_file, matmul_self_check, relaxed_simd } = require(`./dist/${which}/hnn_lab_worker.js`);
assert.strictEqual(relaxed_simd(), which === 'node-relaxed', `dist/${which} built with relaxed SIMD: ${relaxed_simd()}`);
const worst = matmul_self_check();
assert.ok(worst < 1e-5, `dist/${which}: the product's largest relative error ${worst}`);
console.log(`dist/${which}: node ${process.version}, relaxed SIMD probe ${probe}; product's largest relative error ${worst.toExponential(2)}`);
const spring = fs.readFileSync(path.join(root, 'scenes/spring.ron'), 'utf8');

function messages(t) {
  const out = [];
  for (let m = t.next_message(); m !== undefined; m = t.next_message()) out.push(JSON.parse(describe(m)));
  return out;
}

for (const kind of ['hnn', 'baseline']) {
  const t = new TrainerWorker(spring, 'scenes/spring.ron', kind, undefined, 50, 0);
  const first = messages(t);
  assert.strictEqual(first[0].type, 'ready', JSON.stringify(first));
  assert.ok(t.command(command_bytes('start', 0, undefined)));
  assert.ok(t.running());
  const t0 = performance.now();
  let steps = 0;
  while (steps < 300) {
    const n = t.work(20);
    // A trainer that stopped (diverged, a failed step) fails the test instead of hanging it.
    if (n === 0 || !t.running()) assert.fail(`${kind}: training stopped at step ${steps}: ${JSON.stringify(messages(t))}`);
    steps += n;
  }
  const ms = (performance.now() - t0) / steps;
  const got = messages(t);
  const losses = got.filter((m) => m.type === 'step').map((m) => m.loss);
  const snaps = got.filter((m) => m.type === 'snapshot');
  assert.ok(losses.length >= 10, `${kind}: ${losses.length} progress reports`);
  assert.ok(losses.every(Number.isFinite), `${kind}: ${losses}`);
  assert.ok(losses.at(-1) < losses[0] / 10, `${kind}: the loss fell only from ${losses[0]} to ${losses.at(-1)}`);
  // Snapshots every 50 steps, each vouched for by the next step's loss.
  assert.ok(snaps.length >= 5 && snaps.every((s) => s.step % 50 === 0 && s.bytes > 1000), JSON.stringify(snaps));
  // A save: no disk in a worker, so the files come back in a message, then "saved".
  t.command(command_bytes('save', 0, 'saved/spring'));
  const saved = messages(t).filter((m) => m.type === 'files' || m.type === 'saved');
  assert.deepStrictEqual(saved.map((m) => m.type), ['files', 'saved'], JSON.stringify(saved));
  const names = Object.fromEntries(saved[0].files);
  assert.ok(names['saved/spring/meta.ron'] > 100, JSON.stringify(names));
  assert.ok(names[`saved/spring/${kind}.safetensors`] > 10000, JSON.stringify(names));
  // Paused, it takes no step; a reset sends fresh weights at step 0.
  t.command(command_bytes('pause', 0, undefined));
  assert.strictEqual(t.work(20), 0);
  t.command(command_bytes('reset', 0, undefined));
  const after = messages(t);
  assert.ok(after.some((m) => m.type === 'snapshot' && m.step === 0), JSON.stringify(after));
  assert.strictEqual(t.command(command_bytes('shutdown', 0, undefined)), false);
  console.log(`${kind}: loss ${losses[0].toExponential(3)} -> ${losses.at(-1).toExponential(3)} in ${steps} steps, ${ms.toFixed(2)} ms/step, ${snaps.length} snapshots`);
}

// A broken scene and an unknown model kind: one error message naming the file, line and field.
const broken = messages(new TrainerWorker(spring.replace('k: 1.0', 'k: -1.0'), 'spring.ron', 'hnn', undefined, 50, 0));
assert.strictEqual(broken.length, 1);
assert.ok(broken[0].type === 'error' && /spring\.ron:\d+:\d+/.test(broken[0].message) && /system\.Spring\.k/.test(broken[0].message), broken[0].message);
const lstm = messages(new TrainerWorker(spring, 'spring.ron', 'lstm', undefined, 50, 0));
assert.ok(lstm[0].type === 'error' && /"lstm"/.test(lstm[0].message), JSON.stringify(lstm));
// A damaged command is an error message, not a crash.
const t = new TrainerWorker(spring, 'spring.ron', 'hnn', undefined, 50, 0);
messages(t);
assert.ok(t.command(new Uint8Array([3, 1])));
assert.match(messages(t)[0].message, /command not understood/);

// A recording: the module carries none; without the page's copy it is one clear error naming
// the file, with it the model trains.
const real = fs.readFileSync(path.join(root, 'scenes/real_pendulum.ron'), 'utf8');
const lacking = messages(new TrainerWorker(real, 'scenes/real_pendulum.ron', 'hnn', undefined, 50, 0));
assert.ok(lacking[0].type === 'error' && /real_pend_h_1\.txt/.test(lacking[0].message), JSON.stringify(lacking));
const recording = 'assets/data/lipson/real_pend_h_1.txt';
put_file(recording, fs.readFileSync(path.join(root, recording)));
const rt = new TrainerWorker(real, 'scenes/real_pendulum.ron', 'hnn', undefined, 50, 0);
assert.strictEqual(messages(rt)[0].type, 'ready');
rt.command(command_bytes('start', 0, undefined));
assert.ok(rt.work(0) >= 1);
assert.ok(messages(rt).some((m) => m.type === 'step'), 'the recorded pendulum did not train');
console.log(`dist/${which}: ok`);

// Then the relaxed module, in a process of its own (with the flag where the engine needs it).
if (which === 'node') {
  const args = probe ? [__filename, 'node-relaxed'] : [flag, __filename, 'node-relaxed'];
  const r = child.spawnSync(process.execPath, args, { stdio: 'inherit' });
  assert.strictEqual(r.status, 0, 'the relaxed-SIMD module failed its test');
}
