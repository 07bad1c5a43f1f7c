//! What the app runs: the scene, where its models live, and the shipped models as loaded (or
//! why they could not be). Everything here is read at start, before a window opens, so a
//! broken scene fails at once with the file, line and field.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Result};
use bevy::prelude::*;

use crate::data::PixelDataSpec;
use crate::nn::{ModelKind, PixelSnapshot};
use crate::physics::RapierSpec;
use crate::scene::{DataSpec, Scene, SystemSpec};
use crate::train::load_pixel_tensors;

/// The two learned twins, in the order the app shows them.
pub const KINDS: [ModelKind; 2] = [ModelKind::Hnn, ModelKind::Baseline];

/// Index of a kind in `KINDS`.
pub fn slot(kind: ModelKind) -> usize {
    match kind {
        ModelKind::Hnn => 0,
        ModelKind::Baseline => 1,
    }
}

/// A model as found on disk.
#[derive(Clone, Debug)]
pub enum ModelStatus {
    Loaded {
        weights: Arc<PixelSnapshot>,
        /// E.g. "trained from a different version of the scene".
        warning: Option<String>,
    },
    /// Missing or broken, with the reason (shown on screen; the user can train from scratch).
    Unavailable(String),
}

/// The scene and its models: the app's configuration.
#[derive(Resource, Clone, Debug)]
pub struct Lab {
    pub scene: Scene,
    pub physics: RapierSpec,
    pub data: PixelDataSpec,
    /// Where the shipped models are read from.
    pub models_dir: PathBuf,
    /// Where "Save" writes.
    pub save_dir: PathBuf,
    /// `auto`, `cpu` or `cuda` (the training device).
    pub device: String,
    /// Per `KINDS` slot.
    pub shipped: [ModelStatus; 2],
}

impl Lab {
    /// Reads the scene (errors are fatal) and its models (errors are reported, not fatal).
    pub fn load(scene: &Path, models: Option<&Path>, device: &str) -> Result<Self> {
        let scene = Scene::load(scene)?;
        let (SystemSpec::RapierPendulum(physics), DataSpec::Pixels(data)) =
            (&scene.system, &scene.data)
        else {
            bail!(
                "{}: the app runs pixel scenes (system: RapierPendulum, data: Pixels); \
                 for the other tasks use `hnn-lab eval` / `hnn-lab figures`",
                scene.source.display()
            );
        };
        let (physics, data) = (*physics, data.clone());
        let models_dir = match models {
            Some(p) => p.to_path_buf(),
            None => scene
                .resolve(Path::new(".."))
                .join("models")
                .join(&scene.name),
        };
        let save_dir = user_data_dir().join("models").join(&scene.name);
        let shipped = KINDS.map(|k| load_status(&models_dir, k, &scene));
        Ok(Self {
            scene,
            physics,
            data,
            models_dir,
            save_dir,
            device: device.to_string(),
            shipped,
        })
    }

    /// Reloads the models from `models_dir` (the panel's "load shipped").
    pub fn reload(&mut self) {
        self.shipped = KINDS.map(|k| load_status(&self.models_dir, k, &self.scene));
    }

    /// Seconds between the two frames of an observation.
    pub fn frame_dt(&self) -> f64 {
        self.data.frame_dt
    }
}

fn load_status(dir: &Path, kind: ModelKind, scene: &Scene) -> ModelStatus {
    let load = || -> Result<(PixelSnapshot, Option<String>)> {
        let (tensors, warning) = load_pixel_tensors(dir, kind, scene)?;
        Ok((PixelSnapshot::from_tensors(kind, &tensors)?, warning))
    };
    match load() {
        Ok((w, warning)) => ModelStatus::Loaded {
            weights: Arc::new(w),
            warning,
        },
        Err(e) => ModelStatus::Unavailable(format!("{e:#}")),
    }
}

/// `$XDG_DATA_HOME/hnn-lab` or `~/.local/share/hnn-lab` (the app's own files: saved models,
/// screenshots).
pub fn user_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("hnn-lab");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/hnn-lab"),
        None => PathBuf::from("hnn-lab-data"),
    }
}
