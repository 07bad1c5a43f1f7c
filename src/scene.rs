//! The RON scene: one file that fixes a task's system, data, model, training and evaluation,
//! so that the same scene and seed reproduce the same data and the same model.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::data::PixelDataSpec;
use crate::physics::{Hamiltonian, Pendulum, RapierSpec, Spring};

/// A complete, validated scene.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Short name; models live in `models/<name>/`.
    pub name: String,
    /// The energy function that defines the truth (and, for recorded data, the metric).
    pub system: SystemSpec,
    pub data: DataSpec,
    #[serde(default)]
    pub model: ModelSpec,
    #[serde(default)]
    pub train: TrainSpec,
    #[serde(default)]
    pub eval: EvalSpec,
    /// Where the file was read from; relative data paths resolve against its folder.
    #[serde(skip)]
    pub source: PathBuf,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum SystemSpec {
    /// H = k q² + m p².
    Spring { k: f64, m: f64 },
    /// H = k (1 − cos q) + m p².
    Pendulum { k: f64, m: f64 },
    /// A rod on a revolute joint simulated by rapier2d (the pixel task's ground truth).
    RapierPendulum(RapierSpec),
}

impl SystemSpec {
    pub fn hamiltonian(&self) -> Box<dyn Hamiltonian> {
        match *self {
            SystemSpec::Spring { k, m } => Box::new(Spring { k, m }),
            SystemSpec::Pendulum { k, m } => Box::new(Pendulum { k, m }),
            // In canonical (θ, p = Iω): H = p² / 2I + m g (l/2)(1 − cos θ).
            SystemSpec::RapierPendulum(r) => Box::new(Pendulum {
                k: r.mass * r.gravity * r.length / 2.0,
                m: 1.0 / (2.0 * r.inertia()),
            }),
        }
    }
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
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SyntheticSpec {
    pub trajectories: usize,
    pub t_end: f64,
    pub points: usize,
    /// Initial states lie on a circle of radius U[lo, hi) in (q, p).
    pub radius: (f64, f64),
    pub noise_std: f64,
    /// Leading share of the trajectories used for training; the rest is the test set.
    pub train_fraction: f64,
    pub seed: u64,
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
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RecordedSpec {
    /// Path of the data file, relative to the scene file.
    pub file: PathBuf,
    /// Column used as q.
    pub q: String,
    /// Column used as p.
    pub p: String,
    /// The test set is the samples [floor(test_start·N), +floor(test_fraction·N)).
    #[serde(default = "default_test_start")]
    pub test_start: f64,
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
    /// Explicit test sample range [a, b), overriding the fractions (to pin a reference split).
    #[serde(default)]
    pub test_indices: Option<(usize, usize)>,
}

fn default_test_start() -> f64 {
    0.8
}
fn default_test_fraction() -> f64 {
    0.2
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ModelSpec {
    /// Hidden layer widths of the tanh MLP.
    pub hidden: Vec<usize>,
    /// Width of the pixel autoencoder's layers.
    #[serde(skip_serializing_if = "is_default_ae_hidden")]
    pub ae_hidden: usize,
}

fn is_default_ae_hidden(v: &usize) -> bool {
    *v == 200
}

impl Default for ModelSpec {
    fn default() -> Self {
        Self {
            hidden: vec![200, 200],
            ae_hidden: 200,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TrainSpec {
    pub steps: usize,
    pub learning_rate: f64,
    /// PyTorch-style (coupled, L2) weight decay.
    pub weight_decay: f64,
    pub seed: u64,
    /// Minibatch size; `None` trains on the full batch.
    #[serde(skip_serializing_if = "Option::is_none")]
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
    pub trajectories: usize,
    pub t_end: f64,
    pub points: usize,
    /// Relative and absolute tolerance of the adaptive integrator.
    pub rtol: f64,
    /// Groups over which the energy error's standard error is taken.
    pub splits: usize,
    pub seed: u64,
    /// The energy the metric measures, when not the system's own (e.g. the reference
    /// notebook's q² + p² for the pendulum, to compare with its numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy: Option<SystemSpec>,
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
        }
    }
}

impl Scene {
    /// Reads and validates a scene; every error names the file, and where it can the line
    /// and the field.
    pub fn load(path: &Path) -> Result<Self> {
        let src = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read scene file {}", path.display()))?;
        let mut scene = Self::parse(&src, path)?;
        scene.source = path.to_path_buf();
        scene.validate(&src)?;
        Ok(scene)
    }

    fn parse(src: &str, path: &Path) -> Result<Self> {
        let here = path.display();
        let mut de = ron::Deserializer::from_str(src)
            .map_err(|e| anyhow::anyhow!("{here}:{}: {}", e.span.start, e.code))?;
        let scene: Scene = match serde_path_to_error::deserialize(&mut de) {
            Ok(s) => s,
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
        Ok(scene)
    }

    /// Semantic checks serde cannot express.
    fn validate(&self, src: &str) -> Result<()> {
        let here = self.source.display();
        let fail = |field: &str, msg: String| -> anyhow::Error {
            let key = field.rsplit('.').next().unwrap_or(field);
            match line_of(src, key) {
                Some(line) => anyhow::anyhow!("{here}:{line}: field `{field}`: {msg}"),
                None => anyhow::anyhow!("{here}: field `{field}`: {msg}"),
            }
        };
        if self.name.is_empty()
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(fail(
                "name",
                format!("{:?} must be non-empty letters, digits, _ or -", self.name),
            ));
        }
        match self.system {
            SystemSpec::Spring { k, m } | SystemSpec::Pendulum { k, m } => {
                if !(k.is_finite() && m.is_finite() && k > 0.0 && m > 0.0) {
                    return Err(fail(
                        "system",
                        format!("k = {k} and m = {m} must be finite and positive"),
                    ));
                }
            }
            SystemSpec::RapierPendulum(r) => {
                let checks = [
                    ("mass", r.mass),
                    ("length", r.length),
                    ("gravity", r.gravity),
                    ("dt", r.dt),
                ];
                for (name, v) in checks {
                    if !(v.is_finite() && v > 0.0) {
                        return Err(fail(name, format!("{v} must be finite and positive")));
                    }
                }
                if r.substeps == 0 || r.solver_iterations == 0 {
                    return Err(fail(
                        "substeps",
                        "substeps and solver_iterations must be > 0".into(),
                    ));
                }
            }
        }
        let pixel_system = matches!(self.system, SystemSpec::RapierPendulum(_));
        let pixel_data = matches!(self.data, DataSpec::Pixels(_));
        if pixel_system != pixel_data {
            return Err(fail(
                "data",
                "Pixels data go with a RapierPendulum system, and only with it".into(),
            ));
        }
        match &self.data {
            DataSpec::Pixels(_) => {}
            DataSpec::Synthetic(d) => {
                if d.trajectories < 2 {
                    return Err(fail(
                        "data.trajectories",
                        "needs at least 2 (train and test)".into(),
                    ));
                }
                if d.points < 2 {
                    return Err(fail(
                        "data.points",
                        "needs at least 2 points per trajectory".into(),
                    ));
                }
                if !(d.t_end > 0.0) {
                    return Err(fail("data.t_end", format!("{} must be positive", d.t_end)));
                }
                if !(d.radius.0 >= 0.0 && d.radius.1 >= d.radius.0) {
                    return Err(fail(
                        "data.radius",
                        format!("{:?} must be 0 <= lo <= hi", d.radius),
                    ));
                }
                if !(d.noise_std >= 0.0) {
                    return Err(fail("data.noise_std", "must be >= 0".into()));
                }
                let n_train = (d.train_fraction * d.trajectories as f64).round() as usize;
                if n_train == 0 || n_train >= d.trajectories {
                    return Err(fail(
                        "data.train_fraction",
                        format!("{} leaves an empty train or test set", d.train_fraction),
                    ));
                }
            }
            DataSpec::Recorded(r) => {
                let file = self.resolve(&r.file);
                if !file.is_file() {
                    return Err(fail(
                        "data.file",
                        format!("data file {} does not exist", file.display()),
                    ));
                }
                if r.test_indices.is_none()
                    && !(r.test_start >= 0.0
                        && r.test_fraction > 0.0
                        && r.test_start + r.test_fraction <= 1.0 + 1e-12)
                {
                    return Err(fail(
                        "data.test_start",
                        "need 0 <= test_start, 0 < test_fraction, sum <= 1".into(),
                    ));
                }
            }
        }
        if let (DataSpec::Pixels(d), SystemSpec::RapierPendulum(r)) = (&self.data, &self.system) {
            if let Err(e) = d.steps_per_frame(r) {
                return Err(fail("data.frame_dt", e.to_string()));
            }
            if d.trials < 2 || d.steps < 3 {
                return Err(fail(
                    "data.trials",
                    "need at least 2 trials of at least 3 frames".into(),
                ));
            }
            if d.render.size < 4 || !(d.render.rod_px > 0.0 && d.render.width_px > 0.0) {
                return Err(fail(
                    "data.render",
                    "size >= 4 and positive rod sizes".into(),
                ));
            }
            if !(d.test_fraction > 0.0 && d.test_fraction < 1.0) {
                return Err(fail("data.test_fraction", "must be in (0, 1)".into()));
            }
        }
        if self.train.batch_size == Some(0) {
            return Err(fail("train.batch_size", "must be > 0".into()));
        }
        if self.model.hidden.is_empty() || self.model.hidden.contains(&0) {
            return Err(fail(
                "model.hidden",
                "needs at least one hidden layer, all widths > 0".into(),
            ));
        }
        if self.train.steps == 0 {
            return Err(fail("train.steps", "must be > 0".into()));
        }
        if !(self.train.learning_rate > 0.0 && self.train.learning_rate.is_finite()) {
            return Err(fail("train.learning_rate", "must be positive".into()));
        }
        if !(self.train.weight_decay >= 0.0) {
            return Err(fail("train.weight_decay", "must be >= 0".into()));
        }
        if self.eval.points < 2 || !(self.eval.t_end > 0.0) {
            return Err(fail("eval.points", "need points >= 2 and t_end > 0".into()));
        }
        if self.eval.splits == 0 {
            return Err(fail("eval.splits", "must be > 0".into()));
        }
        if !(self.eval.rtol > 0.0 && self.eval.rtol < 1.0) {
            return Err(fail("eval.rtol", "must be in (0, 1)".into()));
        }
        Ok(())
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

/// First line (1-based) where `key:` appears as a whole word, to point validation errors at
/// the source.
fn line_of(src: &str, key: &str) -> Option<usize> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    src.lines()
        .position(|l| {
            l.match_indices(key).any(|(i, _)| {
                let before_ok = l[..i].chars().next_back().is_none_or(|c| !is_word(c));
                let after = l[i + key.len()..].trim_start();
                before_ok && after.starts_with(':')
            })
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const GOOD: &str = r#"Scene(
    name: "spring",
    system: Spring(k: 1.0, m: 1.0),
    data: Synthetic((trajectories: 10, points: 5)),
    train: (steps: 3),
)
"#;

    #[test]
    fn good_scene_loads_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let s = Scene::load(&write(dir.path(), "s.ron", GOOD)).unwrap();
        assert_eq!(s.train.steps, 3);
        assert_eq!(s.train.learning_rate, 1e-3);
        assert_eq!(s.model.hidden, vec![200, 200]);
        match &s.data {
            DataSpec::Synthetic(d) => {
                assert_eq!((d.trajectories, d.points, d.noise_std), (10, 5, 0.1))
            }
            _ => panic!("wrong data kind"),
        }
    }

    fn err_of(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        format!(
            "{:#}",
            Scene::load(&write(dir.path(), "bad.ron", text)).unwrap_err()
        )
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let e = err_of(
            "Scene(\n    name: \"x\",\n    system: Spring(k: 1.0, m: 1.0)\n    data: oops\n)",
        );
        assert!(e.contains("bad.ron:"), "{e}");
        assert!(e.contains("bad.ron:4:") || e.contains("bad.ron:3:"), "{e}");
    }

    #[test]
    fn unknown_field_is_named() {
        let e = err_of(&GOOD.replace("train: (steps: 3)", "train: (stepz: 3)"));
        assert!(e.contains("stepz") && e.contains("bad.ron:5:"), "{e}");
    }

    #[test]
    fn wrong_type_names_field_and_line() {
        let e = err_of(&GOOD.replace("steps: 3", "steps: \"many\""));
        assert!(e.contains("train.steps") && e.contains("bad.ron:5:"), "{e}");
    }

    #[test]
    fn missing_data_file_is_named() {
        let e = err_of(
            r#"Scene(
    name: "real",
    system: Pendulum(k: 2.4, m: 1.0),
    data: Recorded((file: "nope.txt", q: "o", p: "v")),
)"#,
        );
        assert!(
            e.contains("nope.txt") && e.contains("data.file") && e.contains("bad.ron:4"),
            "{e}"
        );
    }

    #[test]
    fn semantic_error_names_line() {
        let e = err_of(&GOOD.replace("steps: 3", "steps: 0"));
        assert!(e.contains("train.steps") && e.contains("bad.ron:5"), "{e}");
    }

    #[test]
    fn hash_changes_with_content() {
        let dir = tempfile::tempdir().unwrap();
        let a = Scene::load(&write(dir.path(), "a.ron", GOOD)).unwrap();
        let b = Scene::load(&write(
            dir.path(),
            "b.ron",
            &GOOD.replace("steps: 3", "steps: 4"),
        ))
        .unwrap();
        assert_ne!(a.hash(), b.hash());
        assert_eq!(
            a.hash(),
            Scene::load(&write(dir.path(), "c.ron", GOOD))
                .unwrap()
                .hash()
        );
    }
}
