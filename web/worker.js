// The training worker: one model's trainer (the science core, `web/worker`) off the page's
// thread. The page posts {init: {scene, name, kind, weights, files, snapshot_every, report_ms}}
// once (files: [path, bytes] pairs the data are read from, e.g. a recording),
// then commands as bytes; the worker posts back progress as bytes, or {ended: why} if the
// module stopped on an internal error (it takes no more commands then, as the native thread).
//
// The module comes in two builds (web/build.sh): `worker-relaxed/` multiplies with WebAssembly
// relaxed SIMD's fused multiply-add, and does not load at all in an engine without it
// (Safari; Firefox before 145); `worker/` is the same without it. This probe, a function that
// uses `f32x4.relaxed_madd`, validates exactly where the first one loads
// (web/test_worker.cjs checks that).
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 253, 133, 2, 11]);
const modulePath = WebAssembly.validate(RELAXED_SIMD_PROBE)
  ? './worker-relaxed/hnn_lab_worker.js'
  : './worker/hnn_lab_worker.js';
let TrainerWorker, last_panic, put_file;
const ready = import(modulePath).then(async (m) => {
  await m.default();
  ({ TrainerWorker, last_panic, put_file } = m);
});
let trainer = null;
let ended = false;
let scheduled = false;

function flush() {
  for (let m = trainer.next_message(); m !== undefined; m = trainer.next_message()) {
    postMessage(m, [m.buffer]);
  }
}

function fail(e) {
  ended = true;
  try { const why = last_panic(); if (why) e = why; } catch (_) { /* the module is gone */ }
  postMessage({ ended: `the training worker stopped on an internal error (${e}); Start or Reset begins a new one` });
}

// Trains in slices of ~50 ms, so commands get in between (a slice is at least one step).
function pump() {
  scheduled = false;
  if (ended || trainer === null || !trainer.running()) return;
  try {
    trainer.work(50);
    flush();
  } catch (e) { fail(e); return; }
  schedule();
}

function schedule() {
  if (!scheduled) { scheduled = true; setTimeout(pump, 0); }
}

onmessage = async (e) => {
  try { await ready; } catch (err) { if (!ended) fail(err); return; }
  if (ended) return;
  try {
    if (e.data.init) {
      const o = e.data.init;
      for (const [path, bytes] of o.files ?? []) put_file(path, bytes);
      trainer = new TrainerWorker(o.scene, o.name, o.kind, o.weights ?? undefined, o.snapshot_every, o.report_ms);
    } else if (trainer && !trainer.command(new Uint8Array(e.data))) {
      flush();
      trainer.free();
      trainer = null;
      close();
      return;
    }
    flush();
  } catch (err) { fail(err); return; }
  schedule();
};
