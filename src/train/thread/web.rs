//! The page's side of a trainer in a browser's Web Worker (`web/worker.js` running the
//! `web/worker` module): a page has no threads to spawn, so [`TrainerHandle::spawn_worker`]
//! starts a worker instead and the handle posts commands to it and receives its progress,
//! both as [`wire`](super::wire) bytes, through the same `send`/`drain` as the native thread.
//!
//! The JavaScript objects stay on the page's thread in a registry keyed by number, so the
//! handle itself remains `Send` (the app keeps it in a resource).

use std::cell::RefCell;
use std::collections::HashMap;

use crossbeam_channel::Sender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use super::wire::{decode, encode, Wire};
use super::{Cadence, Command, Progress};
use crate::nn::ModelKind;

/// What a worker needs to build its trainer: the scene as RON text (the current one,
/// physics changed in the app included), its file's name (errors and data paths), the model,
/// the weights to continue from (safetensors bytes; none: from scratch) and the cadence.
pub struct WorkerSpec {
    pub scene: String,
    pub name: String,
    pub kind: ModelKind,
    pub weights: Option<Vec<u8>>,
    pub cadence: Cadence,
    /// Files the worker's data are read from (a recording), as the page fetched them: the
    /// worker's module carries none.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The worker's script, next to the page.
pub const SCRIPT: &str = "worker.js";

struct Link {
    worker: Worker,
    // Kept alive as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    static WORKERS: RefCell<(u32, HashMap<u32, Link>)> = RefCell::new((0, HashMap::new()));
}

fn words(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

/// One message from the worker: progress bytes, or `{ended: why}` when its module stopped.
fn receive<S: Wire>(data: JsValue) -> Vec<Progress<S>> {
    if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
        return vec![decode(&bytes.to_vec()).unwrap_or_else(|e| {
            Progress::Error(format!(
                "a message from the training worker was damaged: {e:#}"
            ))
        })];
    }
    let ended = js_sys::Reflect::get(&data, &"ended".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "the training worker sent something unexpected".into());
    vec![Progress::Running(false), Progress::Ended(ended)]
}

/// Starts the worker and sends it `spec`; its messages go to `out`. The number names it.
pub(super) fn start<S: Wire + Send + Sync + 'static>(
    spec: WorkerSpec,
    out: Sender<Progress<S>>,
) -> Result<u32, String> {
    let opts = WorkerOptions::new();
    opts.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(SCRIPT, &opts).map_err(|e| words(&e))?;
    let tx = out.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        for m in receive::<S>(e.data()) {
            let _ = tx.send(m);
        }
    });
    // A script that cannot load (missing, or its module fails to compile) ends up here, as
    // a plain event without a message; an error thrown in the worker as an `ErrorEvent`.
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let why = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{SCRIPT} or its module could not be loaded"));
        let _ = out.send(Progress::Running(false));
        let _ = out.send(Progress::Ended(format!(
            "the training worker failed: {why}; Start begins a new one"
        )));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    // From here on a failure ends the worker it started.
    let sent = send_init(&worker, spec);
    if let Err(e) = sent {
        detach(&worker);
        return Err(e);
    }
    Ok(WORKERS.with(|w| {
        let (next, map) = &mut *w.borrow_mut();
        *next += 1;
        map.insert(
            *next,
            Link {
                worker,
                _on_message: on_message,
                _on_error: on_error,
            },
        );
        *next
    }))
}

/// Stops `worker` and unhooks its callbacks first (an event already queued must not reach a
/// dropped closure).
fn detach(worker: &Worker) {
    worker.set_onmessage(None);
    worker.set_onerror(None);
    worker.terminate();
}

/// Posts `{init: {...}}`: what the worker builds its trainer from.
fn send_init(worker: &Worker, spec: WorkerSpec) -> Result<(), String> {
    let init = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&init, &k.into(), &v).map(|_| ());
    let kind = spec.kind.name();
    set("scene", spec.scene.into()).map_err(|e| words(&e))?;
    set("name", spec.name.into()).map_err(|e| words(&e))?;
    set("kind", kind.into()).map_err(|e| words(&e))?;
    let weights = match &spec.weights {
        Some(w) => js_sys::Uint8Array::from(w.as_slice()).into(),
        None => JsValue::NULL,
    };
    set("weights", weights).map_err(|e| words(&e))?;
    let files = js_sys::Array::new();
    for (path, bytes) in &spec.files {
        let pair = js_sys::Array::of2(
            &path.into(),
            &js_sys::Uint8Array::from(bytes.as_slice()).into(),
        );
        files.push(&pair);
    }
    set("files", files.into()).map_err(|e| words(&e))?;
    set(
        "snapshot_every",
        (spec.cadence.snapshot_every as f64).into(),
    )
    .map_err(|e| words(&e))?;
    let report_ms = spec.cadence.report_every.as_millis() as f64;
    set("report_ms", report_ms.into()).map_err(|e| words(&e))?;
    let msg = js_sys::Object::new();
    js_sys::Reflect::set(&msg, &"init".into(), &init).map_err(|e| words(&e))?;
    worker.post_message(&msg).map_err(|e| words(&e))
}

/// Posts `c` to worker `id` (nothing if it is gone: its last messages said why).
pub(super) fn post(id: u32, c: &Command) {
    WORKERS.with(|w| {
        if let Some(link) = w.borrow().1.get(&id) {
            let bytes = js_sys::Uint8Array::from(encode(c).as_slice());
            let _ = link.worker.post_message(&bytes);
        }
    });
}

/// Ends worker `id` at once: a step in progress is abandoned, and so is a save still queued
/// (natively a dropped handle lets the thread finish it).
pub(super) fn stop(id: u32) {
    if let Some(link) = WORKERS.with(|w| w.borrow_mut().1.remove(&id)) {
        detach(&link.worker);
    }
}
