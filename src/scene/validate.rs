//! Semantic checks of a parsed scene, with errors pointing at the offending line.

use anyhow::Result;

use super::{DataSpec, Scene, SystemSpec};

impl Scene {
    /// Semantic checks serde cannot express.
    pub(super) fn validate(&self, src: &str) -> Result<()> {
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
        let positive = |v: f64| v.is_finite() && v > 0.0;
        match &self.system {
            // Each constant's range is checked as the scene is read (`ranges`).
            SystemSpec::DoublePendulum { .. } => {}
            SystemSpec::RapierDoublePendulum(r) => {
                if let DataSpec::Synthetic(d) = &self.data {
                    let k = d.t_end / (d.points.max(2) - 1) as f64 / r.dt;
                    if !(k >= 0.999 && (k - k.round()).abs() < 1e-6) {
                        return Err(fail(
                            "data.t_end",
                            format!("samples every t_end / (points − 1) = {} s must be a whole number of physics steps of {} s", d.t_end / (d.points.max(2) - 1) as f64, r.dt),
                        ));
                    }
                }
            }
            SystemSpec::Gravity { masses, g } => {
                if masses.len() < 2
                    || masses.len() > 16
                    || !masses.iter().all(|m| positive(*m))
                    || !positive(*g)
                {
                    return Err(fail(
                        "system",
                        format!("Gravity needs 2 to 16 masses and g, all finite and positive (masses {masses:?}, g = {g})"),
                    ));
                }
            }
            SystemSpec::Spring { .. }
            | SystemSpec::Pendulum { .. }
            | SystemSpec::RapierPendulum(_) => {}
        }
        if let Some(start) = &self.view.start {
            let want = 2 * self.system.dof();
            if start.len() != want {
                return Err(fail(
                    "view.start",
                    format!(
                        "a state of {} numbers does not fit this system: it needs {want} (q₁…qₙ, p₁…pₙ)",
                        start.len()
                    ),
                ));
            }
        }
        if !self.friction.is_none() {
            // Friction is a property of a simulated system: a recording has whatever friction
            // it had, and the rapier truths and orbits have no damped model here yet.
            let simulated = matches!(self.data, DataSpec::Synthetic(_) | DataSpec::Grid(_));
            let damped_system = matches!(
                self.system,
                SystemSpec::Spring { .. }
                    | SystemSpec::Pendulum { .. }
                    | SystemSpec::DoublePendulum { .. }
            );
            if matches!(self.system, SystemSpec::RapierPendulum(_)) {
                return Err(fail(
                    "friction",
                    "the rapier rod's friction is its joint's: set `friction: γ` (N·m·s) inside RapierPendulum((...))".into(),
                ));
            }
            if !simulated || !damped_system {
                return Err(fail(
                    "friction",
                    "friction applies to a simulated Spring, Pendulum or DoublePendulum (Synthetic or Grid data)".into(),
                ));
            }
        }
        for (i, start) in self.eval.starts.iter().enumerate() {
            let want = 2 * self.system.dof();
            if start.len() != want || start.iter().any(|v| !v.is_finite() || v.abs() > 1e4) {
                return Err(fail(
                    "eval.starts",
                    format!(
                        "start {i} {start:?} must be {want} finite numbers (q₁…qₙ, p₁…pₙ) within ±1e4"
                    ),
                ));
            }
        }
        if self.eval.starts.len() > 100_000 {
            return Err(fail("eval.starts", "at most 100000 starts".into()));
        }
        let pixel_system = matches!(self.system, SystemSpec::RapierPendulum(_));
        let pixel_data = matches!(self.data, DataSpec::Pixels(_));
        if pixel_system != pixel_data {
            return Err(fail(
                "data",
                "Pixels data go with a RapierPendulum system, and only with it".into(),
            ));
        }
        if !pixel_data && !self.model.latent_step.is_euler() {
            return Err(fail(
                "model.latent_step",
                "a latent step (Euler or Midpoint) is for pixel models; this scene's models \
                 learn the field itself"
                    .into(),
            ));
        }
        match &self.data {
            DataSpec::Pixels(_) => {}
            DataSpec::Grid(g) => {
                if !(g.lo < g.hi) {
                    return Err(fail(
                        "data.lo",
                        format!("the grid's lo {} must be below its hi {}", g.lo, g.hi),
                    ));
                }
                // A grid over every coordinate would put orbiting bodies on top of each
                // other (an infinite field); rapier has no field to sample.
                if !matches!(
                    self.system,
                    SystemSpec::Spring { .. }
                        | SystemSpec::Pendulum { .. }
                        | SystemSpec::DoublePendulum { .. }
                ) {
                    return Err(fail(
                        "data",
                        "Grid data need a Spring, Pendulum or DoublePendulum system".into(),
                    ));
                }
                let dim = 2 * self.system.dof() as i32;
                let samples = (g.side as f64).powi(dim);
                if 16.0 * samples * dim as f64 > MAX_DATA_BYTES {
                    return Err(fail(
                        "data.side",
                        format!("{}^{dim} grid points are too many", g.side),
                    ));
                }
                let n_train = (g.train_fraction * samples).round();
                if n_train < 1.0 || n_train >= samples {
                    return Err(fail(
                        "data.train_fraction",
                        format!("{} leaves an empty train or test set", g.train_fraction),
                    ));
                }
            }
            DataSpec::Synthetic(d) => {
                if let crate::scene::InitSpec::Orbits { noise } = d.init {
                    let SystemSpec::Gravity { masses, .. } = &self.system else {
                        return Err(fail("data.init", "Orbits go with a Gravity system".into()));
                    };
                    if masses.len() >= 3 && masses.iter().any(|m| m != &masses[0]) {
                        return Err(fail(
                            "data.init",
                            format!("orbits of three or more bodies are drawn for equal masses, got {masses:?}"),
                        ));
                    }
                    if !(noise.is_finite() && (0.0..1.0).contains(&noise)) {
                        return Err(fail(
                            "data.init",
                            format!("orbit noise {noise} must be in [0, 1)"),
                        ));
                    }
                    if !(d.radius.0 > 0.0) {
                        return Err(fail(
                            "data.radius",
                            format!("{:?}: orbits need a radius > 0", d.radius),
                        ));
                    }
                }
                if d.trajectories < 2 {
                    return Err(fail(
                        "data.trajectories",
                        "needs at least 2 (train and test)".into(),
                    ));
                }
                // What the dataset would hold: states and derivatives, f64.
                let bytes = 16.0 * (d.trajectories * d.points * 2 * self.system.dof()) as f64;
                if bytes > MAX_DATA_BYTES {
                    return Err(fail(
                        "data.trajectories",
                        format!(
                            "{} trajectories × {} points would hold {:.1} GB; at most {:.0} GB",
                            d.trajectories,
                            d.points,
                            bytes / 1e9,
                            MAX_DATA_BYTES / 1e9
                        ),
                    ));
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
                let (q, p) = (r.q.names(), r.p.names());
                let from_header = q.is_empty() && p.is_empty();
                if !from_header && (q.len() != self.system.dof() || p.len() != self.system.dof()) {
                    return Err(fail(
                        "data.q",
                        format!(
                            "{} q and {} p columns, but the system has {} degree(s) of freedom: give one q and one p column per degree",
                            q.len(),
                            p.len(),
                            self.system.dof()
                        ),
                    ));
                }
                if r.keep_velocities && !r.velocities {
                    return Err(fail(
                        "data.keep_velocities",
                        "goes with `velocities: true` (the file holds velocities)".into(),
                    ));
                }
                if r.velocities
                    && !matches!(
                        self.system,
                        SystemSpec::DoublePendulum { .. } | SystemSpec::RapierDoublePendulum(_)
                    )
                {
                    return Err(fail(
                        "data.velocities",
                        "`velocities: true` needs a double pendulum system (its mass matrix maps velocities to momenta)".into(),
                    ));
                }
                let file = self.resolve(&r.file);
                if !crate::textfile::is_file(&file) {
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
            if d.trials < 2 {
                return Err(fail(
                    "data.trials",
                    "needs at least 2 trials (train and test)".into(),
                ));
            }
            // The frames, f32.
            let bytes = 4.0 * (d.trials * d.steps * d.render.pixels()) as f64;
            if bytes > MAX_DATA_BYTES {
                return Err(fail(
                    "data.trials",
                    format!(
                        "{} trials × {} frames of {}² pixels would hold {:.1} GB; at most {:.0} GB",
                        d.trials,
                        d.steps,
                        d.render.size,
                        bytes / 1e9,
                        MAX_DATA_BYTES / 1e9
                    ),
                ));
            }
            if d.render.rod_px > d.render.size as f64 || d.render.width_px > d.render.size as f64 {
                return Err(fail(
                    "data.render",
                    "rod_px and width_px must fit the frame (at most size)".into(),
                ));
            }
            if !(d.test_fraction > 0.0 && d.test_fraction < 1.0) {
                return Err(fail("data.test_fraction", "must be in (0, 1)".into()));
            }
        }
        // What an evaluation rollout holds: 2 models × trajectories × points states of f64.
        let bytes =
            16.0 * (self.eval.trajectories * self.eval.points * 2 * self.system.dof()) as f64;
        if bytes > MAX_DATA_BYTES {
            return Err(fail(
                "eval.trajectories",
                format!(
                    "{} rollouts × {} points would hold {:.1} GB; at most {:.0} GB",
                    self.eval.trajectories,
                    self.eval.points,
                    bytes / 1e9,
                    MAX_DATA_BYTES / 1e9
                ),
            ));
        }
        let recorded = matches!(self.data, DataSpec::Recorded(_));
        crate::scene::check_cues(&self.timeline, src, &self.source, &self.system, recorded)?;
        Ok(())
    }
}

/// The most a scene may ask to hold in memory for one dataset or one evaluation (bytes): the
/// machines the lab runs on have a few GB to spare, and beyond that a typo (`trials: 2000000`)
/// would end in the out-of-memory killer instead of a message.
const MAX_DATA_BYTES: f64 = 4e9;

/// First line (1-based) where `key:` appears as a whole word, to point validation errors at
/// the source.
pub(crate) fn line_of(src: &str, key: &str) -> Option<usize> {
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
