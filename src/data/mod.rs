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
    central_differences_mapped, forward_differences, forward_differences_mapped, load_table,
    parse_table, state_columns, Table,
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
        assert_eq!((x.len(), dx.len()), (self.dim, self.dim));
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
    load_dataset_with_notes(scene, data_override).map(|(d, _)| d)
}

/// As `load_dataset`, with what was done differently from the scene, one line each: a file
/// given with `--data` whose columns or split do not fit the scene's is read with its own
/// header's state columns and a chronological 80/20 split instead of being refused.
pub fn load_dataset_with_notes(
    scene: &Scene,
    data_override: Option<&std::path::Path>,
) -> Result<(Dataset, Vec<String>)> {
    let none = |d: Dataset| (d, Vec::new());
    match &scene.data {
        DataSpec::Synthetic(spec) => {
            if let Some(p) = data_override {
                anyhow::bail!(
                    "--data {} given, but scene {} generates synthetic data",
                    p.display(),
                    scene.source.display()
                );
            }
            damped_dataset(&scene.system, scene.total_friction(), spec)
                .map(none)
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
            Ok(none(grid_dataset(&scene.system, scene.friction, spec)))
        }
        DataSpec::Pixels(_) => anyhow::bail!(
            "scene {} is a pixel task: its data are frames, not (q, p) samples",
            scene.source.display()
        ),
        DataSpec::Recorded(spec) => recorded_dataset(scene, spec, data_override),
    }
}

/// A recording's dataset: the scene's file and columns, or a file given with `--data`, read
/// with the file's own state columns and a chronological 80/20 split where the scene's do not
/// fit it (each such change noted).
fn recorded_dataset(
    scene: &Scene,
    spec: &crate::scene::RecordedSpec,
    data_override: Option<&std::path::Path>,
) -> Result<(Dataset, Vec<String>)> {
    let path = match data_override {
        Some(p) => p.to_path_buf(),
        None => scene.resolve(&spec.file),
    };
    let here = path.display();
    let mut notes = Vec::new();
    let named = !(spec.q.names().is_empty() && spec.p.names().is_empty());
    let all = match recorded_samples(&scene.system, spec, &path) {
        Ok(all) => all,
        Err(e) if data_override.is_some() && named => {
            let own = crate::scene::RecordedSpec {
                q: Default::default(),
                p: Default::default(),
                ..spec.clone()
            };
            let all = recorded_samples(&scene.system, &own, &path).map_err(|e2| {
                anyhow::anyhow!("{e:#}; nor do the file's own state columns fit: {e2:#}")
            })?;
            notes.push(format!(
                "{here}: the scene's columns do not fit ({e:#}); using the file's own state columns"
            ));
            all
        }
        Err(e) => return Err(e),
    };
    let split = lipson::split_recorded(
        all.clone(),
        spec.test_start,
        spec.test_fraction,
        spec.test_indices,
    );
    let d = match split {
        Ok(d) => d,
        Err(e) if data_override.is_some() => {
            notes.push(format!(
                "{here}: the scene's split does not fit ({e}); using a chronological 80/20 split"
            ));
            // The first 80% train, the rest (to the last sample) test.
            let n = all.len();
            let a = (0.8 * n as f64).floor() as usize;
            lipson::split_recorded(all, 0.8, 0.2, Some((a, n)))
                .map_err(|e| anyhow::anyhow!("{here}: {e}"))?
        }
        Err(e) => anyhow::bail!("{here}: {e}"),
    };
    Ok((d, notes))
}
