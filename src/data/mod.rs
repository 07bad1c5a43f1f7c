//! Training data: (state, time derivative) pairs split into train and test sets, plus the
//! per-axis scaling that lets the networks train on data of any units.

mod lipson;
pub mod pixel;
pub mod pixel_cache;
mod recorded;
pub mod render;
mod scaling;
mod shared;
mod synthetic;

pub use lipson::{
    forward_differences, forward_differences_mapped, load_table, parse_table, state_columns, Table,
};
pub use pixel::{PixelDataSpec, PixelDataset};
pub use recorded::{fit_double_pendulum, mass_matrix_of, recorded_samples, DoublePendulumFit};
pub use render::RenderSpec;
pub use scaling::Scaling;
pub use shared::shared_dataset;
pub use synthetic::{
    damped_dataset, draw_initial, grid_dataset, initial_state, orbit_state, synthetic_dataset,
};

use anyhow::Result;

use crate::scene::{DataSpec, Scene};

/// Samples of states x = (q₁…qₙ, p₁…pₙ) and their time derivatives, stored flat: sample i is
/// `x[i·dim..(i+1)·dim]` with dim = 2n.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    pub dim: usize,
    pub x: Vec<f64>,
    pub dx: Vec<f64>,
    /// Sample times (recorded data need them for the test rollout).
    pub t: Vec<f64>,
}

impl Split {
    /// An empty split of states with `dim` numbers.
    pub fn new(dim: usize) -> Self {
        Self {
            dim,
            ..Default::default()
        }
    }
    pub fn len(&self) -> usize {
        self.t.len()
    }
    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }
    pub fn x(&self, i: usize) -> &[f64] {
        &self.x[i * self.dim..(i + 1) * self.dim]
    }
    pub fn dx(&self, i: usize) -> &[f64] {
        &self.dx[i * self.dim..(i + 1) * self.dim]
    }
    /// Every state, in order.
    pub fn states(&self) -> std::slice::ChunksExact<'_, f64> {
        self.x.chunks_exact(self.dim.max(1))
    }
    pub fn push(&mut self, x: &[f64], dx: &[f64], t: f64) {
        debug_assert_eq!((x.len(), dx.len()), (self.dim, self.dim));
        self.x.extend_from_slice(x);
        self.dx.extend_from_slice(dx);
        self.t.push(t);
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
            damped_dataset(&scene.system, scene.friction, spec)
                .map_err(|e| anyhow::anyhow!("scene {}: {e}", scene.source.display()))
        }
        DataSpec::Grid(spec) => {
            if let Some(p) = data_override {
                anyhow::bail!(
                    "--data {} given, but scene {} samples its own grid",
                    p.display(),
                    scene.source.display()
                );
            }
            Ok(grid_dataset(&scene.system, scene.friction, spec))
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
            let all = recorded_samples(&scene.system, spec, &path)?;
            Ok(
                lipson::split_recorded(all, spec.test_start, spec.test_fraction, spec.test_indices)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            )
        }
    }
}
