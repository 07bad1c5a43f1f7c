//! The ground truth the app's twins are compared with, for every kind of scene: the rapier
//! pendulum seen through the camera (pixel scenes), the rapier double pendulum read in
//! canonical coordinates, an analytic system in (q, p) (spring, pendulum, orbits), or a
//! recording played back (the real pendulum). Bevy-free; the app steps it.

mod kick;
mod ledger;

pub use ledger::EnergyLedger;

use std::sync::Arc;

use anyhow::Result;

use crate::data::recorded_samples;
use crate::integrate::rk4_step;
use crate::observed::ObservedPendulum;
use crate::physics::{Hamiltonian, RapierDoublePendulum};
use crate::scene::{DataSpec, Scene, SystemSpec};

/// What a twin's encoder is given: two frames (pixel models) or the state itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    Pair(Vec<f32>),
    /// The state (q₁…qₙ, p₁…pₙ) itself.
    State(Vec<f64>),
}

/// An analytic system integrated by RK4 at a fixed step.
pub struct Analytic {
    pub h: Arc<dyn Hamiltonian>,
    pub x: Vec<f64>,
}

/// A recorded trajectory, looped; between samples the state is interpolated linearly.
pub struct Replay {
    pub t: Vec<f64>,
    /// The recorded states, flat (`dim` numbers each).
    pub x: Vec<f64>,
    pub dim: usize,
    /// The energy function used to judge it (the scene's eval energy).
    pub h: Arc<dyn Hamiltonian>,
}

pub enum TruthKind {
    Pixels(Box<ObservedPendulum>),
    /// The rapier double pendulum, read and set in canonical (θ₁, θ₂, p₁, p₂).
    Rapier2(Box<RapierDoublePendulum>),
    Analytic(Analytic),
    Replay(Replay),
}

pub struct TruthSystem {
    pub kind: TruthKind,
    /// The system simulated (its constants change with `set_system`).
    pub system: SystemSpec,
    /// The friction it is simulated with (the scene's, until changed).
    pub friction: crate::physics::Friction,
    /// Seconds per step.
    pub dt: f64,
    pub time: f64,
}

impl TruthSystem {
    /// The scene's truth at its start state (`start` in (θ, ω) for pixel scenes, (q, p) else;
    /// 2n numbers).
    pub fn for_scene(scene: &Scene, start: &[f64], dt: f64) -> Result<Self> {
        let dim = 2 * scene.system.dof();
        anyhow::ensure!(
            start.len() == dim,
            "scene {}: a start state needs {dim} numbers, got {}",
            scene.source.display(),
            start.len()
        );
        let kind = match (&scene.system, &scene.data) {
            (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) => TruthKind::Pixels(Box::new(
                ObservedPendulum::new(*p, d.clone(), start[0], start[1])?,
            )),
            (SystemSpec::RapierDoublePendulum(spec), DataSpec::Synthetic(_)) => {
                TruthKind::Rapier2(Box::new(rapier_double_at(spec, start)))
            }
            (_, DataSpec::Recorded(spec)) => {
                let path = scene.resolve(&spec.file);
                let all = recorded_samples(&scene.system, spec, &path)?;
                anyhow::ensure!(
                    all.len() >= 2,
                    "{}: too few samples to replay",
                    path.display()
                );
                TruthKind::Replay(Replay {
                    t: all.t,
                    x: all.x,
                    dim,
                    h: Arc::from(
                        scene
                            .eval
                            .energy
                            .as_ref()
                            .unwrap_or(&scene.system)
                            .hamiltonian(),
                    ),
                })
            }
            _ => TruthKind::Analytic(Analytic {
                h: Arc::from(scene.dynamics()),
                x: start.to_vec(),
            }),
        };
        let dt = match &kind {
            TruthKind::Pixels(o) => o.sim.spec.dt,
            TruthKind::Rapier2(p) => p.spec.dt,
            _ => dt,
        };
        Ok(Self {
            kind,
            system: scene.system.clone(),
            friction: scene.friction,
            dt,
            time: 0.0,
        })
    }

    pub fn step(&mut self) {
        match &mut self.kind {
            TruthKind::Pixels(o) => o.step(),
            TruthKind::Rapier2(p) => p.step(),
            TruthKind::Analytic(a) => {
                let h = a.h.clone();
                let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
                rk4_step(&mut f, &mut a.x, self.dt);
            }
            TruthKind::Replay(_) => {}
        }
        self.time += self.dt;
    }

    /// (θ, ω) for the rapier pendulum, (q, p) otherwise (canonical (θ₁, θ₂, p₁, p₂) for the
    /// rapier double pendulum).
    pub fn state(&self) -> Vec<f64> {
        match &self.kind {
            TruthKind::Pixels(o) => {
                let (t, w) = o.state();
                vec![t, w]
            }
            TruthKind::Rapier2(p) => p.canonical().to_vec(),
            TruthKind::Analytic(a) => a.x.clone(),
            TruthKind::Replay(r) => r.at(self.time),
        }
    }

    /// The true energy (J for the rapier pendulum, the scene's H units otherwise).
    pub fn energy(&self) -> f64 {
        let (k, u) = self.parts(&self.state());
        k + u
    }

    /// (kinetic, potential) of a state in this system's coordinates.
    pub fn parts(&self, x: &[f64]) -> (f64, f64) {
        match &self.kind {
            TruthKind::Pixels(o) => o.sim.spec.energy_parts(x[0], x[1]),
            TruthKind::Rapier2(p) => p.spec.hamiltonian().parts(x),
            TruthKind::Analytic(a) => a.h.parts(x),
            TruthKind::Replay(r) => r.h.parts(x),
        }
    }

    pub fn observe(&self) -> Observation {
        match &self.kind {
            TruthKind::Pixels(o) => Observation::Pair(o.pair()),
            _ => Observation::State(self.state()),
        }
    }

    /// Whether kicks and drags apply (not to a recording).
    pub fn interactive(&self) -> bool {
        !matches!(self.kind, TruthKind::Replay(_))
    }

    /// Puts the system at `x`; false (and nothing done) for a recording or a state of the
    /// wrong size.
    pub fn set_state(&mut self, x: &[f64]) -> bool {
        if x.len() != self.state().len() {
            return false;
        }
        match &mut self.kind {
            TruthKind::Pixels(o) => o.set_state(x[0], x[1]),
            TruthKind::Rapier2(p) => **p = rapier_double_at(&p.spec, x),
            TruthKind::Analytic(a) => a.x.copy_from_slice(x),
            TruthKind::Replay(_) => return false,
        }
        true
    }

    /// Back to the start: time zero (a recording restarts), state `x` where it applies.
    pub fn reset(&mut self, x: &[f64]) {
        self.set_state(x);
        self.time = 0.0;
    }

    /// How far a twin moves per truth step: a fraction of a frame interval for pixel models
    /// (their unit of time), seconds for the low-dimensional ones.
    pub fn twin_step(&self) -> f64 {
        match &self.kind {
            TruthKind::Pixels(o) => 1.0 / o.steps_per_frame() as f64,
            _ => self.dt,
        }
    }
}

/// The rapier double pendulum at the canonical state `x` = (θ₁, θ₂, p₁, p₂): rapier is set in
/// angles and angular velocities, ω = M(θ)⁻¹ p.
fn rapier_double_at(spec: &crate::physics::RapierDoubleSpec, x: &[f64]) -> RapierDoublePendulum {
    let th = [x[0], x[1]];
    let om = spec.hamiltonian().velocities(th, [x[2], x[3]]);
    RapierDoublePendulum::new(*spec, th, om)
}

impl Replay {
    /// The recorded state at time `time` after the start, looping over the recording.
    pub fn at(&self, time: f64) -> Vec<f64> {
        let (t0, t1) = (self.t[0], self.t[self.t.len() - 1]);
        let t = t0 + time.rem_euclid((t1 - t0).max(1e-9));
        let i = self
            .t
            .partition_point(|&s| s <= t)
            .clamp(1, self.t.len() - 1);
        let (a, b) = (self.t[i - 1], self.t[i]);
        let w = if b > a {
            ((t - a) / (b - a)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // A gap between trials: hold the earlier sample rather than blend two trials.
        let d = self.dim;
        let (xa, xb) = (&self.x[(i - 1) * d..i * d], &self.x[i * d..(i + 1) * d]);
        if b - a > 3.0 * (self.t[1] - self.t[0]).abs().max(1e-9) {
            return xa.to_vec();
        }
        xa.iter().zip(xb).map(|(a, b)| a + w * (b - a)).collect()
    }
}

#[cfg(test)]
mod tests;
