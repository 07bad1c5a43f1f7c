//! Training data: (state, time derivative) pairs split into train and test sets, plus the
//! per-axis scaling that lets the networks train on data of any units.

mod lipson;
pub mod pixel;
pub mod render;
mod scaling;
mod synthetic;

pub use lipson::{forward_differences, load_table, Table};
pub use pixel::{PixelDataSpec, PixelDataset};
pub use render::RenderSpec;
pub use scaling::Scaling;
pub use synthetic::{initial_state, synthetic_dataset};

use anyhow::Result;

use crate::scene::{DataSpec, Scene};

/// Samples of states x = (q, p) and their time derivatives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    pub x: Vec<[f64; 2]>,
    pub dx: Vec<[f64; 2]>,
    /// Sample times (recorded data need them for the test rollout).
    pub t: Vec<f64>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.x.len()
    }
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub train: Split,
    pub test: Split,
}

/// Builds the scene's dataset; `data_override` replaces a recorded scene's file (CLI `--data`).
pub fn load_dataset(scene: &Scene, data_override: Option<&std::path::Path>) -> Result<Dataset> {
    match &scene.data {
        DataSpec::Synthetic(spec) => {
            if let Some(p) = data_override {
                anyhow::bail!(
                    "--data {} given, but scene {} generates synthetic data",
                    p.display(),
                    scene.source.display()
                );
            }
            Ok(synthetic_dataset(scene.system.hamiltonian().as_ref(), spec))
        }
        DataSpec::Pixels(_) => anyhow::bail!(
            "scene {} is a pixel task: its data are frames, not (q, p) samples",
            scene.source.display()
        ),
        DataSpec::Recorded(spec) => {
            let path = match data_override {
                Some(p) => p.to_path_buf(),
                None => scene.resolve(&spec.file),
            };
            let table = load_table(&path)?;
            let all = forward_differences(&table, &spec.q, &spec.p)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(
                lipson::split_recorded(all, spec.test_start, spec.test_fraction, spec.test_indices)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            )
        }
    }
}
