//! The RON scene: one file that fixes a task's system, data, model, training and evaluation,
//! so that the same scene and seed reproduce the same data and the same model.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::physics::{Friction, Hamiltonian};
use crate::ranges;

mod cue;
mod latent_step;
mod lines;
mod model_kind;
mod pixel_spec;
mod recorded_spec;
mod system;
mod validate;
mod view_spec;
pub(crate) use cue::check_cues;
pub use cue::{Cue, LessonAction};
pub use latent_step::LatentStep;
pub use model_kind::ModelKind;
pub use pixel_spec::{PixelDataSpec, RenderSpec};
pub use recorded_spec::{Columns, Derivatives, RecordedSpec};
pub use system::SystemSpec;
pub(crate) use validate::line_of;
pub use view_spec::{GameSpec, ViewSpec};

/// Reads a RON file's text as `T`; errors name the file, the line and column, and the field
/// (for scenes, lessons and any other RON the project reads).
pub(crate) fn parse_ron<T: serde::de::DeserializeOwned>(src: &str, path: &Path) -> Result<T> {
    let here = path.display();
    let mut de = ron::Deserializer::from_str(src)
        .map_err(|e| anyhow::anyhow!("{here}:{}: {}", e.span.start, e.code))?;
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let field = e.path().to_string();
            let spanned = de.span_error(e.into_inner());
            bail!(
                "{here}:{}: field `{field}`: {}",
                spanned.span.start,
                spanned.code
            );
        }
    };
    if let Err(e) = de.end() {
        let spanned = de.span_error(e);
        bail!("{here}:{}: {}", spanned.span.start, spanned.code);
    }
    Ok(value)
}

/// A complete, validated scene.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Short name; models live in `models/<name>/`.
    pub name: String,
    /// The energy function that defines the truth (and, for recorded data, the metric).
    pub system: SystemSpec,
    /// Friction on the simulated system (none by default; not written when there is none,
    /// so frictionless scenes keep their hash and their trained models).
    #[serde(default, skip_serializing_if = "Friction::is_none")]
    pub friction: Friction,
    pub data: DataSpec,
    #[serde(default)]
    pub model: ModelSpec,
    #[serde(default)]
    pub train: TrainSpec,
    #[serde(default)]
    pub eval: EvalSpec,
    /// How the app first shows the scene (the CLI ignores it). Never serialised, so not part
    /// of the scene's hash: changing it never makes trained models stale.
    #[serde(default, skip_serializing)]
    pub view: ViewSpec,
    /// A lesson's timeline the app plays over the scene (see `lesson`); like `view`, not
    /// part of the hash.
    #[serde(default, skip_serializing)]
    pub timeline: Vec<Cue>,
    /// Where the file was read from; relative data paths resolve against its folder.
    #[serde(skip)]
    pub source: PathBuf,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum DataSpec {
    /// Noisy trajectories of the analytic system, as in the reference `data.py`.
    Synthetic(SyntheticSpec),
    /// A recorded trajectory file in the Schmidt & Lipson format.
    Recorded(RecordedSpec),
    /// Rendered frames of the rapier pendulum (the paper's Task 5).
    Pixels(PixelDataSpec),
    /// Exact derivatives on a regular grid over the state space, shuffled (the Dissipative
    /// HNN paper's damped-spring data).
    Grid(GridSpec),
}

/// A `side`^2n grid of states over [lo, hi] in every coordinate, with the true derivative at
/// each; shuffled by `seed`, the leading `train_fraction` trains.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GridSpec {
    #[serde(deserialize_with = "ranges::grid_side")]
    pub side: usize,
    #[serde(deserialize_with = "ranges::grid_extent")]
    pub lo: f64,
    #[serde(deserialize_with = "ranges::grid_extent")]
    pub hi: f64,
    #[serde(deserialize_with = "ranges::fraction_closed")]
    pub train_fraction: f64,
    pub seed: u64,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SyntheticSpec {
    #[serde(deserialize_with = "ranges::trajectories")]
    pub trajectories: usize,
    #[serde(deserialize_with = "ranges::duration")]
    pub t_end: f64,
    #[serde(deserialize_with = "ranges::points")]
    pub points: usize,
    /// Initial states lie on a sphere of radius U[lo, hi) in (q, p) (`init: Sphere`), or
    /// orbits start at a radius in this range (`init: Orbits`).
    #[serde(deserialize_with = "ranges::radius")]
    pub radius: (f64, f64),
    #[serde(deserialize_with = "ranges::noise")]
    pub noise_std: f64,
    /// Leading share of the trajectories used for training; the rest is the test set.
    #[serde(deserialize_with = "ranges::fraction_closed")]
    pub train_fraction: f64,
    pub seed: u64,
    /// How initial states are drawn (not written when it is the default, so older scenes keep
    /// their hash).
    #[serde(skip_serializing_if = "InitSpec::is_sphere")]
    pub init: InitSpec,
}

/// How a synthetic dataset draws its initial states.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum InitSpec {
    /// A direction uniform in the cube [−1, 1]^{2n}, rescaled to a radius U[lo, hi): the
    /// reference code's draw for the spring and the pendulum, for any n.
    #[default]
    Sphere,
    /// Near-circular orbits of a `Gravity` system, as the reference code draws them. Two
    /// bodies: body 1 at (x, y), each U[lo, hi), body 2 mirrored, circular-orbit speed times
    /// 1 + noise·N(0, 1). Three or more: bodies on a circle of radius U[lo, hi) at equal angles,
    /// circular-orbit velocities, each component times 1 + noise·U(−1, 1).
    Orbits { noise: f64 },
}

impl InitSpec {
    fn is_sphere(&self) -> bool {
        *self == InitSpec::Sphere
    }
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        Self {
            trajectories: 50,
            t_end: 3.0,
            points: 30,
            radius: (0.1, 1.0),
            noise_std: 0.1,
            train_fraction: 0.5,
            seed: 0,
            init: InitSpec::Sphere,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ModelSpec {
    /// Hidden layer widths of the tanh MLP.
    #[serde(deserialize_with = "ranges::widths")]
    pub hidden: Vec<usize>,
    /// Width of the pixel autoencoder's layers.
    #[serde(
        skip_serializing_if = "is_default_ae_hidden",
        deserialize_with = "ranges::width"
    )]
    pub ae_hidden: usize,
    /// The models the scene trains, evaluates and shows (by default the paper's two; a
    /// damped scene adds `Dhnn`). Which models are trained never changes how one is, so
    /// this is not part of the scene's hash.
    #[serde(skip_serializing, deserialize_with = "model_kind::checked_kinds")]
    pub kinds: Vec<ModelKind>,
    /// How a pixel model's latent field is fitted to the next frame's encoding (not written
    /// when Euler, the paper's, so those scenes keep their hash).
    #[serde(skip_serializing_if = "LatentStep::is_euler")]
    pub latent_step: LatentStep,
}

fn is_default_ae_hidden(v: &usize) -> bool {
    *v == 200
}

impl Default for ModelSpec {
    fn default() -> Self {
        Self {
            hidden: vec![200, 200],
            ae_hidden: 200,
            kinds: vec![ModelKind::Hnn, ModelKind::Baseline],
            latent_step: LatentStep::Euler,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TrainSpec {
    #[serde(deserialize_with = "ranges::steps")]
    pub steps: usize,
    #[serde(deserialize_with = "ranges::learning_rate")]
    pub learning_rate: f64,
    /// PyTorch-style (coupled, L2) weight decay.
    #[serde(deserialize_with = "ranges::weight_decay")]
    pub weight_decay: f64,
    pub seed: u64,
    /// Minibatch size; `None` trains on the full batch.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "ranges::batch"
    )]
    pub batch_size: Option<usize>,
}

impl Default for TrainSpec {
    fn default() -> Self {
        Self {
            steps: 2000,
            learning_rate: 1e-3,
            weight_decay: 1e-4,
            seed: 0,
            batch_size: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EvalSpec {
    /// Number of rollouts (synthetic data only; recorded data roll out the test segment).
    #[serde(deserialize_with = "ranges::trajectories")]
    pub trajectories: usize,
    #[serde(deserialize_with = "ranges::duration")]
    pub t_end: f64,
    #[serde(deserialize_with = "ranges::points")]
    pub points: usize,
    /// Relative and absolute tolerance of the adaptive integrator.
    #[serde(deserialize_with = "ranges::rtol")]
    pub rtol: f64,
    /// Groups over which the energy error's standard error is taken.
    #[serde(deserialize_with = "ranges::splits")]
    pub splits: usize,
    pub seed: u64,
    /// The energy the metric measures, when not the system's own (e.g. the reference
    /// notebook's q² + p² for the pendulum, to compare with its numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy: Option<SystemSpec>,
    /// Rollout starts given outright (e.g. D-HNN's (0.85, 0.25)); when empty, `trajectories`
    /// starts are drawn like the training data's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub starts: Vec<Vec<f64>>,
}

impl Default for EvalSpec {
    fn default() -> Self {
        Self {
            trajectories: 15,
            t_end: 20.0,
            points: 100,
            rtol: 1e-10,
            splits: 5,
            seed: 1,
            energy: None,
            starts: Vec::new(),
        }
    }
}

impl Scene {
    /// Reads and validates a scene; every error names the file, and where it can the line
    /// and the field.
    pub fn load(path: &Path) -> Result<Self> {
        let src =
            crate::textfile::read_capped(path, crate::textfile::SPEC_MAX_BYTES, "scene file")?;
        Self::from_text(&src, path)
    }

    fn parse(src: &str, path: &Path) -> Result<Self> {
        parse_ron(src, path)
    }

    /// A scene from its text, as `load` reads a file (where there are no files: a browser);
    /// `name` stands for the file in errors and resolves the scene's relative paths.
    pub fn from_text(src: &str, name: &Path) -> Result<Self> {
        anyhow::ensure!(
            src.len() as u64 <= crate::textfile::SPEC_MAX_BYTES,
            "{}: {} bytes is more than a scene may have ({})",
            name.display(),
            src.len(),
            crate::textfile::SPEC_MAX_BYTES
        );
        let mut scene = Self::parse(src, name)?;
        scene.source = name.to_path_buf();
        scene.validate(src)?;
        Ok(scene)
    }

    /// The true dynamics: the system's H with the scene's friction, or the system's own
    /// (the rapier rod's joint friction): J∇H − Γ∇H, the system itself when there is none.
    pub fn dynamics(&self) -> Box<dyn Hamiltonian> {
        crate::physics::with_friction(self.system.hamiltonian(), self.total_friction())
    }

    /// The friction the truth runs with: the scene's, or the system's own.
    pub fn total_friction(&self) -> Friction {
        self.system.total_friction(self.friction)
    }

    /// A path from the scene file resolved against the scene's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.source.parent().unwrap_or(Path::new(".")).join(p)
        }
    }

    /// A stable fingerprint of everything that determines data and model (FNV-1a of the
    /// canonical RON form), stored beside trained models.
    pub fn hash(&self) -> String {
        let text = ron::to_string(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

#[cfg(test)]
mod tests;
