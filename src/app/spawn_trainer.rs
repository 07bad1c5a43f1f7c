//! Starting a model's trainer: natively on a thread of its own, in a browser in a Web Worker
//! (the same trainer, built there from the scene's text). The rest of the app sees one
//! `AnyHandle` either way.

use std::collections::HashMap;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Arc;

use super::lab::{Lab, Task};
#[cfg(not(target_arch = "wasm32"))]
use crate::data::pixel_cache::{cache_dir, load_or_generate};
#[cfg(not(target_arch = "wasm32"))]
use crate::data::shared_dataset;
use crate::nn::ModelKind;
use crate::nn::{FieldSnapshot, PixelSnapshot};
use crate::train::load_pixel_tensors;
use crate::train::thread::{Cadence, Command, Progress, ThreadOptions, TrainerHandle};
#[cfg(not(target_arch = "wasm32"))]
use crate::train::{PixelTrainer, Trainer};
use crate::twin::TwinWeights;

/// A training thread of either kind of model.
pub enum AnyHandle {
    Pixel(TrainerHandle<PixelSnapshot>),
    Field(TrainerHandle<FieldSnapshot>),
}

impl AnyHandle {
    pub fn send(&self, c: Command) {
        match self {
            AnyHandle::Pixel(h) => h.send(c),
            AnyHandle::Field(h) => h.send(c),
        }
    }

    /// Everything sent since the last call, the weights wrapped for the twins.
    pub fn drain(&self) -> Vec<Progress<TwinWeights>> {
        match self {
            AnyHandle::Pixel(h) => h
                .drain()
                .into_iter()
                .map(|m| m.map(TwinWeights::Pixel))
                .collect(),
            AnyHandle::Field(h) => h
                .drain()
                .into_iter()
                .map(|m| m.map(TwinWeights::Field))
                .collect(),
        }
    }
}

/// What a new trainer is started with (the panel's settings).
pub(super) struct TrainSettings {
    pub learning_rate: f64,
    pub batch_size: usize,
    pub cadence: Cadence,
    /// The thread's pool and priority (natively; a worker has neither).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub options: ThreadOptions,
}

/// Where a new trainer's weights come from.
pub(super) enum Init {
    Scratch,
    /// The models on disk in the lab's models folder (pixel models; the low-dimensional
    /// ones train from scratch in seconds).
    Shipped,
    /// These weights (a twin's current ones).
    Tensors(HashMap<String, candle_core::Tensor>),
}

/// Starts `kind`'s trainer (its own thread, or a Web Worker in a browser) and gives it the
/// panel's settings, as commands too, so it keeps them across a reset. (q, p) models send
/// weights more often: they train in seconds.
pub(super) fn spawn_trainer(
    lab: &Lab,
    kind: ModelKind,
    init: Init,
    t: &TrainSettings,
) -> AnyHandle {
    let cadence = match lab.task {
        Task::Pixels { .. } => t.cadence,
        Task::Field { .. } => Cadence {
            snapshot_every: 50,
            ..t.cadence
        },
    };
    let h = start(lab, kind, init, cadence, t);
    h.send(Command::SetLearningRate(t.learning_rate));
    h.send(Command::SetBatchSize(t.batch_size));
    h
}

/// On a thread of its own: data from the cache (or simulated); a pixel model continues from
/// `init`'s weights when given.
#[cfg(not(target_arch = "wasm32"))]
fn start(lab: &Lab, kind: ModelKind, init: Init, cadence: Cadence, t: &TrainSettings) -> AnyHandle {
    let scene = lab.scene.clone();
    let (device, dir) = (lab.device.clone(), lab.models_dir.clone());
    match lab.task.clone() {
        Task::Pixels { physics, data } => AnyHandle::Pixel(TrainerHandle::spawn_with(
            move || {
                let dev = crate::device::select(&device)?;
                let d = Arc::new(load_or_generate(&physics, &data, &cache_dir())?);
                let mut tr = PixelTrainer::new(kind, &scene, d, &dev)?;
                match init {
                    Init::Scratch => {}
                    Init::Shipped => {
                        let (tensors, _) = load_pixel_tensors(&dir, kind, &scene)?;
                        tr.load_tensors(&tensors)?;
                    }
                    Init::Tensors(tensors) => tr.load_tensors(&tensors)?,
                }
                Ok(tr)
            },
            cadence,
            t.options,
        )),
        Task::Field { .. } => AnyHandle::Field(TrainerHandle::spawn_with(
            move || {
                let dev = crate::device::select(&device)?;
                // Made once for both trainers (they start together on the same scene).
                let data = shared_dataset(&scene)?;
                Ok(Trainer::new(kind, &scene, &data, &dev)?)
            },
            cadence,
            t.options,
        )),
    }
}

/// In a browser: the same trainer built in a Web Worker of its own from the scene as it is
/// now (its physics included); a pixel model is sent the weights it continues from.
#[cfg(target_arch = "wasm32")]
fn start(lab: &Lab, kind: ModelKind, init: Init, cadence: Cadence, _: &TrainSettings) -> AnyHandle {
    use crate::train::thread::web::WorkerSpec;
    let pixels = matches!(lab.task, Task::Pixels { .. });
    let weights = match init {
        Init::Scratch => Ok(None),
        Init::Shipped => load_pixel_tensors(&lab.models_dir, kind, &lab.scene)
            .and_then(|(t, _)| tensor_bytes(&t))
            .map(Some),
        Init::Tensors(t) => tensor_bytes(&t).map(Some),
    };
    // The recording the data are read from, as the page fetched it.
    let files = Lab::files_to_fetch(&lab.scene)
        .0
        .into_iter()
        .map(|f| {
            let max = crate::textfile::DATA_MAX_BYTES;
            let bytes = crate::textfile::read_bytes_capped(&f, max, "data file")?;
            Ok((crate::embedded::key(&f), bytes))
        })
        .collect::<anyhow::Result<Vec<_>>>();
    let spec = ron::to_string(&lab.scene)
        .map_err(anyhow::Error::from)
        .and_then(|scene| {
            Ok(WorkerSpec {
                scene,
                name: lab.scene.source.to_string_lossy().into_owned(),
                kind,
                weights: weights?,
                cadence,
                files: files?,
            })
        });
    match (spec, pixels) {
        (Ok(spec), true) => AnyHandle::Pixel(TrainerHandle::spawn_worker(spec)),
        (Ok(spec), false) => AnyHandle::Field(TrainerHandle::spawn_worker(spec)),
        (Err(e), true) => AnyHandle::Pixel(TrainerHandle::failed(format!("{e:#}"))),
        (Err(e), false) => AnyHandle::Field(TrainerHandle::failed(format!("{e:#}"))),
    }
}

/// Weights as safetensors bytes, for a worker to load.
#[cfg(target_arch = "wasm32")]
fn tensor_bytes(t: &HashMap<String, candle_core::Tensor>) -> anyhow::Result<Vec<u8>> {
    Ok(safetensors::serialize(t.iter(), None)?)
}
