//! A recorded task's data settings as a scene states them: the file, which of its columns
//! are q and p, the test split, and how the targets are differentiated. The reader that uses
//! them lives in `data::recorded`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A recording of states (e.g. Schmidt & Lipson's pendulums) as a scene's data.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RecordedSpec {
    /// Path of the data file, relative to the scene file.
    pub file: PathBuf,
    /// Columns used as q₁…qₙ: one name (`q: "o"`) or a list (`q: ["o1", "o2"]`). Left out
    /// (with `p`), every column the file's header names is the state, first half q.
    #[serde(default)]
    pub q: Columns,
    /// Columns used as p₁…pₙ, as many as `q`.
    #[serde(default)]
    pub p: Columns,
    /// The test set is the samples [floor(test_start·N), +floor(test_fraction·N)).
    #[serde(default = "default_test_start")]
    pub test_start: f64,
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
    /// The `p` columns hold angular velocities, not momenta: each row's are turned into
    /// p = M(θ)·ω with the scene's double pendulum before the targets are formed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub velocities: bool,
    /// With `velocities`: train on the angular velocities as recorded, as if they were
    /// momenta (the wrong symplectic structure, kept to compare); the energy metric still
    /// turns them into momenta.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_velocities: bool,
    /// Explicit test sample range [a, b), overriding the fractions (to pin a reference split).
    #[serde(default)]
    pub test_indices: Option<(usize, usize)>,
    /// How the targets are taken from the samples (forward differences unless said; not
    /// written when forward, so older scenes keep their hash).
    #[serde(default, skip_serializing_if = "Derivatives::is_forward")]
    pub derivatives: Derivatives,
}

/// Time derivatives of a recording's states.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq)]
pub enum Derivatives {
    /// (x₊ − x) / Δt at each sample but a trial's last (the HNN paper's).
    #[default]
    Forward,
    /// (x₊ − x₋) / (t₊ − t₋) at each sample but a trial's first; the last sample's backward
    /// (the Dissipative HNN paper's).
    Central,
}

impl Derivatives {
    fn is_forward(&self) -> bool {
        *self == Derivatives::Forward
    }
}

/// Column names of a recorded file: one, or a list (written as one name when there is one, so a
/// one-degree-of-freedom scene keeps its hash).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Columns {
    One(String),
    Many(Vec<String>),
}

impl Default for Columns {
    fn default() -> Self {
        Columns::Many(Vec::new())
    }
}

impl Columns {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Columns::One(s) => vec![s.as_str()],
            Columns::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

fn default_test_start() -> f64 {
    0.8
}
fn default_test_fraction() -> f64 {
    0.2
}
