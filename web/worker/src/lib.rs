//! hnn-lab's science core for a Web Worker. A page cannot train on its own thread without
//! freezing, and a browser has no shared-memory threads on stable Rust, so each model trains
//! in a worker of its own, driven by the same [`Driver`] as the native training thread:
//! commands in and progress out as [`wire`] bytes, which the worker's script (`web/worker.js`)
//! passes between this module and the page without reading them.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hnn_lab::data::load_dataset;
use hnn_lab::data::pixel_cache::{cache_dir, load_or_generate};
use hnn_lab::nn::{ModelKind, PixelSnapshot};
use hnn_lab::scene::{DataSpec, Scene, SystemSpec};
use hnn_lab::train::thread::wire::{decode, encode, Wire};
use hnn_lab::train::thread::{Cadence, Command, Driver, Progress, Steppable};
use hnn_lab::train::{PixelTrainer, Trainer};
use wasm_bindgen::prelude::*;
use web_time::Instant;

enum AnyDriver {
    Field(Box<Driver<Trainer>>),
    Pixel(Box<Driver<PixelTrainer>>),
}

/// One model's trainer, as the worker holds it.
#[wasm_bindgen]
pub struct TrainerWorker {
    driver: Option<AnyDriver>,
    outbox: VecDeque<Vec<u8>>,
}

thread_local! {
    /// What the last panic said: a panic aborts the module's call, and the worker's script
    /// asks for it ([`last_panic`]) to say why the trainer ended.
    static PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Records what a panic says (where and why) before the module aborts the call.
fn catch_panics() {
    std::panic::set_hook(Box::new(|info| {
        PANIC.with(|p| *p.borrow_mut() = info.to_string());
    }));
}

/// Hands the module a file its data are read from (the scene's recording, fetched by the
/// page): the module carries none.
#[wasm_bindgen]
pub fn put_file(path: &str, bytes: Vec<u8>) {
    hnn_lab::fetched::arrived(Path::new(path), bytes);
}

/// What the last panic said ("" if none).
/// The largest relative error of this module's matrix product against a naive one (the
/// kernel with or without relaxed SIMD, `hnn_lab::train::fused::matmul_self_check`).
#[wasm_bindgen]
pub fn matmul_self_check() -> f64 {
    hnn_lab::train::fused::matmul_self_check()
}

/// GFLOP/s of this module's product of an m × k by a k × n matrix (best of `reps`).
#[wasm_bindgen]
pub fn matmul_gflops(m: usize, n: usize, k: usize, reps: usize) -> f64 {
    hnn_lab::train::fused::matmul_gflops(m, n, k, reps)
}

/// Whether this module was built with relaxed SIMD.
#[wasm_bindgen]
pub fn relaxed_simd() -> bool {
    cfg!(feature = "relaxed-simd")
}

#[wasm_bindgen]
pub fn last_panic() -> String {
    PANIC.with(|p| p.borrow().clone())
}

fn model_kind(kind: &str) -> anyhow::Result<ModelKind> {
    match kind {
        "hnn" => Ok(ModelKind::Hnn),
        "baseline" => Ok(ModelKind::Baseline),
        "dhnn" => Ok(ModelKind::Dhnn),
        other => anyhow::bail!("model kind {other:?}: expected \"hnn\", \"baseline\" or \"dhnn\""),
    }
}

/// The trainer for `scene`, as the native app builds it: a pixel model on frames of the
/// rapier pendulum (rendered here: a browser keeps no dataset cache), continuing from
/// `weights` (safetensors bytes) when given; a (q, p) model on the scene's dataset.
fn build(
    scene: &str,
    name: &str,
    kind: &str,
    weights: Option<Vec<u8>>,
    cadence: Cadence,
) -> anyhow::Result<AnyDriver> {
    let kind = model_kind(kind)?;
    let scene = Scene::from_text(scene, Path::new(name))?;
    let dev = hnn_lab::device::select("cpu")?;
    Ok(match (&scene.system, &scene.data) {
        (SystemSpec::RapierPendulum(physics), DataSpec::Pixels(data)) => {
            let d = Arc::new(load_or_generate(physics, data, &cache_dir())?);
            let mut t = PixelTrainer::new(kind, &scene, d, &dev)?;
            if let Some(bytes) = weights {
                let tensors = candle_core::safetensors::load_buffer(&bytes, &dev)?;
                t.load_tensors(&tensors)?;
            }
            AnyDriver::Pixel(Box::new(Driver::new(t, cadence)))
        }
        _ => {
            let data = load_dataset(&scene, None)?;
            AnyDriver::Field(Box::new(Driver::new(
                Trainer::new(kind, &scene, &data, &dev)?,
                cadence,
            )))
        }
    })
}

fn queue<S: Wire>(outbox: &mut VecDeque<Vec<u8>>, msgs: Vec<Progress<S>>) {
    outbox.extend(msgs.iter().map(encode));
}

#[wasm_bindgen]
impl TrainerWorker {
    /// A paused trainer for `kind` ("hnn" or "baseline") on the scene whose RON text is
    /// `scene` (`name` stands for its file in errors and resolves its data paths). Its data
    /// are made here. Never fails: its first message is `Ready`, or the error.
    #[wasm_bindgen(constructor)]
    pub fn new(
        scene: &str,
        name: &str,
        kind: &str,
        weights: Option<Vec<u8>>,
        snapshot_every: u32,
        report_ms: u32,
    ) -> TrainerWorker {
        catch_panics();
        let cadence = Cadence {
            report_every: Duration::from_millis(report_ms as u64),
            snapshot_every: snapshot_every as usize,
        };
        let mut w = TrainerWorker {
            driver: None,
            outbox: VecDeque::new(),
        };
        match build(scene, name, kind, weights, cadence) {
            Ok(d) => w.driver = Some(d),
            Err(e) => w
                .outbox
                .push_back(encode(&Progress::<PixelSnapshot>::Error(format!("{e:#}")))),
        }
        w.collect();
        w
    }

    fn collect(&mut self) {
        match &mut self.driver {
            Some(AnyDriver::Field(d)) => queue(&mut self.outbox, d.take()),
            Some(AnyDriver::Pixel(d)) => queue(&mut self.outbox, d.take()),
            None => {}
        }
    }

    /// Carries out one command (as [`wire`] bytes); false once the trainer is shut down or
    /// never existed. A damaged command is answered with an error message.
    pub fn command(&mut self, bytes: &[u8]) -> bool {
        let c = match decode::<Command>(bytes) {
            Ok(c) => c,
            Err(e) => {
                let m = Progress::<PixelSnapshot>::Error(format!("command not understood: {e:#}"));
                self.outbox.push_back(encode(&m));
                return self.driver.is_some();
            }
        };
        let alive = match &mut self.driver {
            Some(AnyDriver::Field(d)) => d.command(c),
            Some(AnyDriver::Pixel(d)) => d.command(c),
            None => false,
        };
        self.collect();
        if !alive {
            self.driver = None;
        }
        alive
    }

    /// Trains while running, for about `budget_ms` (at least one step); the steps taken.
    pub fn work(&mut self, budget_ms: f64) -> u32 {
        let start = Instant::now();
        let mut n = 0;
        while self.running() {
            match &mut self.driver {
                Some(AnyDriver::Field(d)) => d.step(),
                Some(AnyDriver::Pixel(d)) => d.step(),
                None => break,
            }
            n += 1;
            self.collect();
            if start.elapsed().as_secs_f64() * 1e3 >= budget_ms {
                break;
            }
        }
        n
    }

    pub fn running(&self) -> bool {
        match &self.driver {
            Some(AnyDriver::Field(d)) => d.running(),
            Some(AnyDriver::Pixel(d)) => d.running(),
            None => false,
        }
    }

    pub fn steps_done(&self) -> u32 {
        match &self.driver {
            Some(AnyDriver::Field(d)) => d.trainer().steps_done() as u32,
            Some(AnyDriver::Pixel(d)) => d.trainer().steps_done() as u32,
            None => 0,
        }
    }

    /// The oldest message not yet taken ([`wire`] bytes of a `Progress`).
    pub fn next_message(&mut self) -> Option<Vec<u8>> {
        self.outbox.pop_front()
    }
}

/// A command as bytes, for scripts and tests: "start", "pause", "reset", "snapshot",
/// "shutdown", "learning_rate" or "batch_size" (with `value`), or "save" (into folder `dir`).
#[wasm_bindgen]
pub fn command_bytes(name: &str, value: f64, dir: Option<String>) -> Result<Vec<u8>, JsError> {
    let c = match name {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "reset" => Command::Reset,
        "snapshot" => Command::Snapshot,
        "shutdown" => Command::Shutdown,
        "learning_rate" => Command::SetLearningRate(value),
        "batch_size" => Command::SetBatchSize(value as usize),
        "save" => Command::Save(dir.unwrap_or_default().into()),
        other => return Err(JsError::new(&format!("no command {other:?}"))),
    };
    Ok(encode(&c))
}

/// A progress message as JSON, for scripts and tests (weights as their size only).
#[wasm_bindgen]
pub fn describe(bytes: &[u8]) -> Result<String, JsError> {
    use serde_json::json;
    let m = decode::<Progress<Weights>>(bytes).map_err(|e| JsError::new(&format!("{e:#}")))?;
    Ok(match m {
        Progress::Step {
            step,
            losses,
            steps_per_sec,
            elapsed,
        } => json!({"type": "step", "step": step, "loss": losses.total,
                    "steps_per_sec": steps_per_sec, "seconds": elapsed.as_secs_f64()}),
        Progress::Snapshot { step, weights } => {
            json!({"type": "snapshot", "step": step, "bytes": weights.0})
        }
        Progress::Running(r) => json!({"type": "running", "running": r}),
        Progress::Ready(d) => json!({"type": "ready", "device": d}),
        Progress::Saved(p) => json!({"type": "saved", "path": p}),
        Progress::Error(e) => json!({"type": "error", "message": e}),
        Progress::Ended(e) => json!({"type": "ended", "message": e}),
        Progress::Files(f) => {
            let files: Vec<_> = f.iter().map(|(p, b)| json!([p, b.len()])).collect();
            json!({"type": "files", "files": files})
        }
    }
    .to_string())
}

/// Either kind of weights, read only for their size.
struct Weights(usize);

impl Wire for Weights {
    fn put(&self, _: &mut Vec<u8>) {
        unreachable!("only read")
    }
    fn get(r: &mut hnn_lab::train::thread::wire::Reader) -> anyhow::Result<Self> {
        Ok(Weights(r.rest().len()))
    }
}
