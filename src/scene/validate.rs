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
            &SystemSpec::DoublePendulum { m1, m2, l1, l2, g } => {
                if ![m1, m2, l1, l2, g].into_iter().all(positive) {
                    return Err(fail(
                        "system",
                        format!("masses {m1}, {m2}, lengths {l1}, {l2} and g = {g} must be finite and positive"),
                    ));
                }
            }
            SystemSpec::RapierDoublePendulum(r) => {
                for (name, v) in [
                    ("m1", r.m1),
                    ("m2", r.m2),
                    ("l1", r.l1),
                    ("l2", r.l2),
                    ("gravity", r.gravity),
                    ("dt", r.dt),
                ] {
                    if !positive(v) {
                        return Err(fail(name, format!("{v} must be finite and positive")));
                    }
                }
                if r.substeps == 0 || r.solver_iterations == 0 {
                    return Err(fail(
                        "substeps",
                        "substeps and solver_iterations must be > 0".into(),
                    ));
                }
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
            &SystemSpec::Spring { k, m } | &SystemSpec::Pendulum { k, m } => {
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
        {
            let v = &self.view;
            if !(v.time_rate.is_finite() && (0.05..=8.0).contains(&v.time_rate)) {
                return Err(fail(
                    "view.time_rate",
                    format!("{} must be in [0.05, 8]", v.time_rate),
                ));
            }
            if !(v.add_energy.is_finite() && v.add_energy > 0.0) {
                return Err(fail(
                    "view.add_energy",
                    format!("{} must be finite and positive", v.add_energy),
                ));
            }
            if !(v.kick.is_finite() && v.kick > 0.0) {
                return Err(fail(
                    "view.kick",
                    format!("{} must be finite and positive", v.kick),
                ));
            }
            if let Some(g) = &v.game {
                let ok = !g.targets.is_empty()
                    && g.targets.iter().all(|t| t.is_finite() && *t > 0.0)
                    && g.band.is_finite()
                    && g.band > 0.0
                    && g.kick.is_finite()
                    && g.kick > 0.0
                    && g.kicks > 0
                    && g.hold.is_finite()
                    && g.hold > 0.0;
                if !ok {
                    return Err(fail(
                        "view.game",
                        "needs targets (> 0), and band, kick, kicks and hold > 0".into(),
                    ));
                }
            }
            if let Some((a, b)) = v.start {
                if !(a.is_finite() && b.is_finite()) {
                    return Err(fail("view.start", format!("({a}, {b}) must be finite")));
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
        crate::scene::check_cues(&self.timeline, src, &self.source)?;
        if self.eval.splits == 0 {
            return Err(fail("eval.splits", "must be > 0".into()));
        }
        if !(self.eval.rtol > 0.0 && self.eval.rtol < 1.0) {
            return Err(fail("eval.rtol", "must be in (0, 1)".into()));
        }
        Ok(())
    }
}

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
