//! The ground truth the app's twins are compared with, for every kind of scene: the rapier
//! pendulum seen through the camera (pixel scenes), an analytic system in (q, p) (spring,
//! pendulum), or a recording played back (the real pendulum). Bevy-free; the app steps it.

use std::sync::Arc;

use anyhow::Result;

use crate::data::recorded_samples;
use crate::integrate::rk4_step;
use crate::observed::ObservedPendulum;
use crate::physics::{Hamiltonian, RapierSpec};
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
    Analytic(Analytic),
    Replay(Replay),
}

pub struct TruthSystem {
    pub kind: TruthKind,
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
                h: Arc::from(scene.system.hamiltonian()),
                x: start.to_vec(),
            }),
        };
        let dt = match &kind {
            TruthKind::Pixels(o) => o.sim.spec.dt,
            _ => dt,
        };
        Ok(Self {
            kind,
            dt,
            time: 0.0,
        })
    }

    pub fn step(&mut self) {
        match &mut self.kind {
            TruthKind::Pixels(o) => o.step(),
            TruthKind::Analytic(a) => {
                let h = a.h.clone();
                let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
                rk4_step(&mut f, &mut a.x, self.dt);
            }
            TruthKind::Replay(_) => {}
        }
        self.time += self.dt;
    }

    /// (θ, ω) for the rapier pendulum, (q, p) otherwise.
    pub fn state(&self) -> Vec<f64> {
        match &self.kind {
            TruthKind::Pixels(o) => {
                let (t, w) = o.state();
                vec![t, w]
            }
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

    /// A kick of strength `j`: an angular impulse (N·m·s) for the rapier pendulum, Δp for
    /// the analytic systems (on p₁, the first momentum). Returns how the twins observe the
    /// state before and after it; `None` for a recording.
    pub fn kick(&mut self, j: f64) -> Result<Option<(Observation, Observation)>> {
        match &mut self.kind {
            TruthKind::Pixels(o) => {
                let (a, b) = o.kick(j)?;
                Ok(Some((Observation::Pair(a), Observation::Pair(b))))
            }
            TruthKind::Analytic(a) => {
                let before = a.x.clone();
                let n = a.x.len() / 2;
                a.x[n] += j;
                Ok(Some((
                    Observation::State(before),
                    Observation::State(a.x.clone()),
                )))
            }
            TruthKind::Replay(_) => Ok(None),
        }
    }

    /// The rapier pendulum's physical settings, if the truth is one.
    pub fn physics(&self) -> Option<RapierSpec> {
        match &self.kind {
            TruthKind::Pixels(o) => Some(o.sim.spec),
            _ => None,
        }
    }

    /// New physics (gravity, rod length, mass) for the rapier pendulum, from its current
    /// state: it moves on under them at once. False (nothing changed) for other truths.
    pub fn set_physics(&mut self, spec: RapierSpec) -> Result<bool> {
        let TruthKind::Pixels(o) = &mut self.kind else {
            return Ok(false);
        };
        let (theta, omega) = o.state();
        let time = o.time;
        let mut next = ObservedPendulum::new(spec, o.data.clone(), theta, omega)?;
        next.time = time;
        **o = next;
        Ok(true)
    }

    /// The kick along the current motion (or forwards, at rest) that changes the energy by
    /// exactly `de`; a loss larger than the kinetic energy stops the motion. None for a
    /// recording. Found by bisection on p₁ (the coordinate a kick changes), whose kinetic
    /// part grows with its size in every system here.
    pub fn kick_for_energy(&self, de: f64) -> Option<f64> {
        if !self.interactive() {
            return None;
        }
        let x = self.state();
        let n = x.len() / 2;
        let p = x[n];
        let energy = |v: f64| {
            let mut y = x.clone();
            y[n] = v;
            let (k, u) = self.parts(&y);
            k + u
        };
        let target = energy(p) + de;
        let s = if p < 0.0 { -1.0 } else { 1.0 };
        if target <= energy(0.0) {
            return Some(-p);
        }
        let mut hi = p.abs().max(1e-3);
        while energy(s * hi) < target {
            hi *= 2.0;
            if !hi.is_finite() {
                return None;
            }
        }
        let mut lo = 0.0;
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if energy(s * mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let kick = s * 0.5 * (lo + hi) - p;
        // An impulse for the rapier pendulum (its state holds ω, the kick J = I Δω).
        Some(match &self.kind {
            TruthKind::Pixels(o) => kick * o.sim.spec.inertia(),
            _ => kick,
        })
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
