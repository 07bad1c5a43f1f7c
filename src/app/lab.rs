//! What the app runs: the scene, where its models live, and the shipped models as loaded (or
//! why they could not be). Everything here is read at start, before a window opens, so a
//! broken scene fails at once with the file, line and field.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use bevy::prelude::*;

use super::per_model::PerModel;
use crate::data::PixelDataSpec;
use crate::lesson::Lesson;
use crate::nn::{ModelKind, PixelSnapshot};
use crate::physics::{Friction, RapierSpec};

pub use super::physics_state::Physics;
use crate::scene::{DataSpec, GameSpec, Scene, SystemSpec};
use crate::train::{load_pixel_tensors, load_snapshot};
use crate::twin::TwinWeights;

/// The fixed step of the (q, p) systems (the pixel scenes use their physics step).
pub const FIELD_DT: f64 = 1.0 / 60.0;

/// A model as found on disk.
#[derive(Clone, Debug)]
pub enum ModelStatus {
    Loaded {
        weights: TwinWeights,
        /// E.g. "trained from a different version of the scene".
        warning: Option<String>,
    },
    /// Missing or broken, with the reason (shown on screen; the user can train from scratch).
    Unavailable(String),
    /// On its way: a web page fetches the shipped models while the app runs (bytes so far,
    /// and of all its files). The app loads it when it has come (`model_arrival`).
    Loading { loaded: u64, total: u64 },
}

/// The kind of scene, which decides what the truth and the twins are.
#[derive(Clone, Debug)]
pub enum Task {
    /// The rapier pendulum observed as frames; twins in a learned latent space.
    Pixels {
        physics: RapierSpec,
        data: PixelDataSpec,
    },
    /// A (q, p) system (spring, pendulum, double pendulums, orbits) or a recording (real
    /// pendulum); twins in (q₁…qₙ, p₁…pₙ).
    Field { system: SystemSpec, recorded: bool },
}

/// The scene and its models: the app's configuration.
#[derive(Resource, Clone, Debug)]
pub struct Lab {
    pub scene: Scene,
    pub task: Task,
    /// Where the shipped models are read from.
    pub models_dir: PathBuf,
    /// Where "Save" writes.
    pub save_dir: PathBuf,
    /// The game's best-score table.
    pub scores_file: PathBuf,
    /// `auto`, `cpu` or `cuda` (the training device).
    pub device: String,
    /// Per model of the scene (`kinds`).
    pub shipped: PerModel<ModelStatus>,
    /// The lesson to play over the scene (a lesson file, or the scene's own timeline).
    pub lesson: Option<Lesson>,
    /// The physics the twins' weights learned (the scene's, until a retrain on new physics):
    /// when the truth's differ, the twins are outside their training data.
    pub trained_on: Physics,
    /// The physics of the scene as read (what the shipped models learned).
    pub shipped_on: Physics,
    /// What each model's weights learned (they arrive at different times after a retrain).
    pub learned: PerModel<Physics>,
}

impl Lab {
    /// Reads the scene (errors are fatal) and its models (errors are reported, not fatal).
    pub fn load(scene: &Path, models: Option<&Path>, device: &str) -> Result<Self> {
        let scene = Scene::load(scene)?;
        let lesson = Lesson::of_scene(&scene);
        Self::with_scene(scene, lesson, models, device)
    }

    /// A lesson file and the scene it names (errors are fatal, as for a scene).
    pub fn load_lesson(path: &Path, models: Option<&Path>, device: &str) -> Result<Self> {
        let (lesson, scene) = Lesson::load(path)?;
        Self::with_scene(scene, Some(lesson), models, device)
    }

    fn with_scene(
        scene: Scene,
        lesson: Option<Lesson>,
        models: Option<&Path>,
        device: &str,
    ) -> Result<Self> {
        let task = match (&scene.system, &scene.data) {
            (SystemSpec::RapierPendulum(physics), DataSpec::Pixels(data)) => Task::Pixels {
                physics: *physics,
                data: data.clone(),
            },
            (system, data) => Task::Field {
                system: system.clone(),
                recorded: matches!(data, DataSpec::Recorded(_)),
            },
        };
        let scene_physics = Physics {
            system: scene.system.clone(),
            friction: scene.friction,
        };
        let models_dir = match models {
            Some(p) => p.to_path_buf(),
            None => Self::shipped_dir(&scene),
        };
        let save_dir = user_data_dir().join("models").join(&scene.name);
        let mut lab = Self {
            scene,
            task,
            models_dir,
            save_dir,
            scores_file: user_data_dir().join("best_scores.ron"),
            device: device.to_string(),
            shipped: PerModel::default(),
            lesson,
            trained_on: scene_physics.clone(),
            learned: PerModel::default(),
            shipped_on: scene_physics,
        };
        lab.reload();
        lab.learned = PerModel::from_fn(lab.kinds(), |_| lab.shipped_on.clone());
        lab.make_truth()?; // a recording that cannot be read fails here, before any window
        Ok(lab)
    }

    /// The scene's learned models, in column order.
    pub fn kinds(&self) -> &[ModelKind] {
        &self.scene.model.kinds
    }

    /// Columns on screen: the truth and one per model.
    pub fn columns(&self) -> usize {
        1 + self.kinds().len()
    }

    /// The scene's truth at its start state.
    pub fn make_truth(&self) -> Result<crate::truth::TruthSystem> {
        crate::truth::TruthSystem::for_scene(&self.scene, &self.start(), FIELD_DT)
    }

    /// Reloads the models from `models_dir` (the panel's "load shipped").
    pub fn reload(&mut self) {
        self.shipped = PerModel::from_fn(&self.scene.model.kinds, |k| self.load_status(k));
    }

    fn load_status(&self, kind: ModelKind) -> ModelStatus {
        let (dir, scene) = (&self.models_dir, &self.scene);
        if let Some((loaded, total)) = self.still_loading(kind) {
            return ModelStatus::Loading { loaded, total };
        }
        let load = || -> Result<(TwinWeights, Option<String>)> {
            Ok(match self.task {
                Task::Pixels { .. } => {
                    let (tensors, warning) = load_pixel_tensors(dir, kind, scene)?;
                    let w = PixelSnapshot::from_tensors(kind, &tensors)?;
                    (TwinWeights::Pixel(Arc::new(w)), warning)
                }
                Task::Field { .. } => {
                    let (w, warning) = load_snapshot(dir, kind, scene)?;
                    (TwinWeights::Field(Arc::new(w)), warning)
                }
            })
        };
        match load() {
            Ok((weights, warning)) => ModelStatus::Loaded { weights, warning },
            Err(e) => ModelStatus::Unavailable(format!("{e:#}")),
        }
    }

    /// New physics (the truth took them): the scene (what a retrain learns) follows the
    /// truth; `trained_on` keeps what the twins learned.
    pub fn set_physics(&mut self, spec: SystemSpec) {
        match (&mut self.task, &spec) {
            (Task::Pixels { physics, .. }, SystemSpec::RapierPendulum(p)) => *physics = *p,
            (Task::Field { system, .. }, _) => *system = spec.clone(),
            _ => return,
        }
        self.scene.system = spec;
    }

    /// Whether the truth's physics differ from those the twins learned.
    pub fn physics_changed(&self) -> bool {
        self.physics() != self.trained_on
    }

    /// The physics the truth obeys now (the scene follows the truth).
    pub fn physics(&self) -> Physics {
        Physics {
            system: self.scene.system.clone(),
            friction: self.scene.friction,
        }
    }

    /// New friction (the truth took it): the scene follows.
    pub fn set_friction(&mut self, friction: Friction) {
        self.scene.friction = friction;
    }

    /// The factor model `kind`'s ∇D (a D-HNN's) is scaled by to follow the truth's friction
    /// from the one its weights learned (1 when they learned none: no ∇D to scale).
    pub fn dissipation_scale(&self, kind: ModelKind) -> f64 {
        let learned = self.learned.get(kind).unwrap_or(&self.trained_on);
        self.scene
            .total_friction()
            .ratio_to(&learned.total_friction())
            .unwrap_or(1.0)
    }

    /// Model `kind`'s weights now learned `physics` (new weights arrived, or were loaded).
    pub fn set_learned(&mut self, kind: ModelKind, physics: Physics) {
        if let Some(l) = self.learned.get_mut(kind) {
            *l = physics.clone();
        }
        self.trained_on = physics;
    }

    /// The friction a slider strength `s` means here: the scene's rule (on p, or on q), or,
    /// where the truth has none now, the rule of the friction the scene was made with.
    pub fn friction_at(&self, s: f64) -> Friction {
        let now = self.scene.total_friction();
        let rule = if now.is_none() {
            self.shipped_on.total_friction()
        } else {
            now
        };
        rule.with_strength(s)
    }

    /// The energy-target game's rules for this scene (None: a recording cannot be kicked).
    pub fn game_spec(&self) -> Option<GameSpec> {
        // Orbits have no rest amplitude to aim at (a round would start the bodies at rest,
        // on top of each other), whatever the scene's view says.
        if matches!(self.scene.system, SystemSpec::Gravity { .. }) {
            return None;
        }
        if let Some(g) = &self.scene.view.game {
            return Some(g.clone());
        }
        match &self.task {
            Task::Field { recorded: true, .. } => None,
            Task::Field {
                system: SystemSpec::Spring { .. },
                ..
            } => Some(GameSpec {
                targets: vec![0.7, 0.5, 0.8],
                band: 0.05,
                kick: 0.2,
                kicks: 6,
                hold: 5.0,
            }),
            _ => Some(GameSpec::default()),
        }
    }

    /// The pixel scene's physics and data settings, if this is one.
    pub fn pixels(&self) -> Option<(&RapierSpec, &PixelDataSpec)> {
        match &self.task {
            Task::Pixels { physics, data } => Some((physics, data)),
            Task::Field { .. } => None,
        }
    }

    /// The scene's view settings (defaults where it has none).
    pub fn view(&self) -> crate::scene::ViewSpec {
        self.scene.view.clone()
    }

    /// Where the truth starts and returns to on reset: (θ, ω) or (q₁…qₙ, p₁…pₙ).
    pub fn start(&self) -> Vec<f64> {
        if let Some(x) = &self.view().start {
            return x.clone();
        }
        match &self.task {
            Task::Pixels { .. } => vec![0.4, 0.0],
            Task::Field { system, .. } => match system {
                SystemSpec::Spring { .. } => vec![0.6, 0.0],
                SystemSpec::Pendulum { .. } => vec![1.5, 0.0],
                // At rest, the rods bent against each other: a chaotic swing.
                SystemSpec::DoublePendulum { .. } | SystemSpec::RapierDoublePendulum(_) => {
                    vec![1.4, -0.5, 0.0, 0.0]
                }
                // An orbit drawn as the scene's data are (its evaluation seed), without noise.
                SystemSpec::Gravity { masses, g } => {
                    let grav = crate::physics::Gravity {
                        masses: masses.clone(),
                        g: *g,
                    };
                    let radius = match &self.scene.data {
                        DataSpec::Synthetic(d) => d.radius,
                        _ => (0.5, 1.5),
                    };
                    let mut rng = crate::rng::Rng::new(self.scene.eval.seed);
                    crate::data::orbit_state(&mut rng, &grav, radius, 0.0)
                }
                SystemSpec::RapierPendulum(_) => vec![0.4, 0.0],
            },
        }
    }

    /// Whether the truth's q are angles drawn as rods from a pivot (else a spring's
    /// displacement or bodies in a plane).
    pub fn draws_rod(&self) -> bool {
        self.scene.system.is_chain()
    }

    /// Whether the bodies move freely in the plane (orbits).
    pub fn draws_orbits(&self) -> bool {
        matches!(self.scene.system, SystemSpec::Gravity { .. })
    }

    /// Names of the state coordinates and of the energy unit, for labels.
    pub fn units(&self) -> (&'static str, &'static str, &'static str) {
        match self.task {
            Task::Pixels { .. } => ("θ (rad)", "ω (rad/s)", "J"),
            Task::Field {
                system: SystemSpec::DoublePendulum { .. } | SystemSpec::RapierDoublePendulum(_),
                ..
            } => ("θ (rad)", "p (J·s)", "J"),
            Task::Field { .. } => ("q", "p", "H units"),
        }
    }

    /// Names of the state's numbers, in order: (θ₁, θ₂, p₁, p₂) for double pendulums,
    /// (x₁…, y₁…, px₁…, py₁…) for orbits, (q, p) or (θ, ω) for one degree of freedom.
    pub fn coordinate_names(&self) -> Vec<String> {
        const SUB: [&str; 10] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"];
        let sub = |i: usize| -> String {
            (i + 1)
                .to_string()
                .chars()
                .map(|d| SUB[d.to_digit(10).unwrap_or(0) as usize])
                .collect()
        };
        match &self.scene.system {
            SystemSpec::Gravity { masses, .. } => ["x", "y", "px", "py"]
                .iter()
                .flat_map(|c| (0..masses.len()).map(move |i| format!("{c}{}", sub(i))))
                .collect(),
            s if s.dof() > 1 => ["θ", "p"]
                .iter()
                .flat_map(|c| (0..s.dof()).map(move |i| format!("{c}{}", sub(i))))
                .collect(),
            _ => match self.task {
                Task::Pixels { .. } => vec!["θ".into(), "ω".into()],
                Task::Field { .. } => vec!["q".into(), "p".into()],
            },
        }
    }

    /// A title for the truth's column.
    pub fn truth_name(&self) -> &'static str {
        match self.task {
            Task::Pixels { .. }
            | Task::Field {
                system: SystemSpec::RapierDoublePendulum(_),
                ..
            } => "Truth (rapier2d)",
            Task::Field { recorded: true, .. } => "Truth (recording)",
            Task::Field { .. } => "Truth (analytic)",
        }
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
