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
mod tests {
    use super::*;

    fn scene(path: &str) -> Scene {
        Scene::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    #[test]
    fn analytic_truth_keeps_energy_and_kicks_add_momentum() {
        let mut t = TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.5, 0.0], 0.01).unwrap();
        let e0 = t.energy();
        for _ in 0..1000 {
            t.step();
        }
        assert!((t.energy() - e0).abs() < 1e-8, "{} vs {e0}", t.energy());
        assert!((t.time - 10.0).abs() < 1e-9);
        let Some((Observation::State(a), Observation::State(b))) = t.kick(0.2).unwrap() else {
            panic!("a spring takes kicks")
        };
        assert!((b[1] - a[1] - 0.2).abs() < 1e-12 && a[0] == b[0]);
        // H = k q² + m p² with k = m = 1: the parts add up and split as expected.
        let (k, u) = t.parts(&[0.3, 0.4]);
        assert!((k - 0.16).abs() < 1e-12 && (u - 0.09).abs() < 1e-12);
    }

    #[test]
    fn the_recording_replays_its_samples_and_refuses_kicks() {
        let s = scene("scenes/real_pendulum.ron");
        let mut t = TruthSystem::for_scene(&s, &[0.0, 0.0], 1.0 / 60.0).unwrap();
        let TruthKind::Replay(r) = &t.kind else {
            panic!("recorded scene")
        };
        let (t1, x1) = (r.t[1] - r.t[0], r.x[2..4].to_vec());
        assert!(!t.interactive() && t.kick(0.1).unwrap().is_none() && !t.set_state(&[0.0, 0.0]));
        t.time = t1;
        let got = t.state();
        assert!((got[0] - x1[0]).abs() < 1e-9 && (got[1] - x1[1]).abs() < 1e-9);
    }

    #[test]
    fn a_kick_for_energy_changes_the_energy_by_exactly_that_much() {
        for (path, x) in [
            ("scenes/pixel_pendulum.ron", [0.3, -0.8]),
            ("scenes/pixel_pendulum.ron", [0.2, 0.0]),
            ("scenes/spring.ron", [0.4, 0.3]),
            ("scenes/pendulum.ron", [1.0, -0.2]),
        ] {
            let mut t = TruthSystem::for_scene(&scene(path), &x, 1.0 / 60.0).unwrap();
            for de in [0.1, 0.37, -0.01] {
                let e0 = t.energy();
                let (q0, p0) = (t.state()[0], t.state()[1]);
                let j = t.kick_for_energy(de).unwrap();
                t.kick(j).unwrap();
                // rapier keeps f32 state: exact to its precision.
                let tol = 2e-5 * (1.0 + e0.abs());
                let got = t.energy() - e0;
                assert!((got - de).abs() < tol, "{path} {x:?} {de}: {got}");
                // Along the motion (a gain), at the same place.
                assert_eq!(t.state()[0], q0);
                if de > 0.0 && p0 != 0.0 {
                    assert!(t.state()[1] * p0 > 0.0 && t.state()[1].abs() > p0.abs());
                }
            }
        }
        // A loss larger than the kinetic energy stops the motion.
        let mut t = TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.4, 0.3], 0.01).unwrap();
        t.kick(t.kick_for_energy(-10.0).unwrap()).unwrap();
        assert!(t.state()[1].abs() < 1e-12);
    }

    #[test]
    fn new_physics_keep_the_state_and_change_the_motion() {
        let s = scene("scenes/pixel_pendulum.ron");
        let mut earth = TruthSystem::for_scene(&s, &[0.3, 0.0], 0.5).unwrap();
        let mut moon = TruthSystem::for_scene(&s, &[0.3, 0.0], 0.5).unwrap();
        let mut spec = moon.physics().unwrap();
        spec.gravity = 1.62;
        assert!(moon.set_physics(spec).unwrap());
        assert_eq!(moon.state(), vec![0.3, 0.0]);
        assert_eq!(moon.physics().unwrap().gravity, 1.62);
        for _ in 0..30 {
            earth.step();
            moon.step();
        }
        // Half a second: the Earth pendulum has swung most of the way across (period 1.64 s),
        // the Moon one has barely started (period 4.0 s); the Moon's energy scale is g's.
        assert!(earth.state()[0] < 0.0, "{:?}", earth.state());
        assert!(moon.state()[0] > 0.15, "{:?}", moon.state());
        let (_, u_moon) = moon.parts(&[0.3, 0.0]);
        let (_, u_earth) = earth.parts(&[0.3, 0.0]);
        assert!((u_moon / u_earth - 1.62 / 9.81).abs() < 1e-12);
        let mut spring =
            TruthSystem::for_scene(&scene("scenes/spring.ron"), &[0.1, 0.0], 0.01).unwrap();
        assert!(spring.physics().is_none() && !spring.set_physics(spec).unwrap());
    }

    #[test]
    fn pixel_truth_observes_frame_pairs_and_advances_a_third_of_a_frame() {
        let t =
            TruthSystem::for_scene(&scene("scenes/pixel_pendulum.ron"), &[0.3, 0.0], 0.5).unwrap();
        assert!((t.dt - 1.0 / 60.0).abs() < 1e-12, "the physics dt wins");
        assert!((t.twin_step() - 1.0 / 3.0).abs() < 1e-12);
        assert!(matches!(t.observe(), Observation::Pair(p) if p.len() == 1568));
    }
}

#[cfg(test)]
mod dof_tests {
    use super::*;

    /// An analytic truth with two degrees of freedom steps in its own coordinates and keeps
    /// its energy; a kick changes p₁ only.
    #[test]
    fn a_double_pendulum_truth() {
        let scene: Scene = ron::from_str(
            r#"Scene(name: "dp", system: DoublePendulum(m1: 1.0, m2: 1.0, l1: 1.0, l2: 1.0, g: 9.81),
            data: Synthetic(()))"#,
        )
        .unwrap();
        assert!(TruthSystem::for_scene(&scene, &[0.5, 0.0], 0.01).is_err());
        let mut t = TruthSystem::for_scene(&scene, &[0.5, -0.2, 0.0, 0.3], 0.001).unwrap();
        let e0 = t.energy();
        for _ in 0..2000 {
            t.step();
        }
        assert!(
            (t.energy() - e0).abs() < 1e-8 * e0.abs().max(1.0),
            "{} vs {e0}",
            t.energy()
        );
        let before = t.state();
        t.kick(0.25).unwrap();
        let after = t.state();
        assert!((after[2] - before[2] - 0.25).abs() < 1e-15 && after[3] == before[3]);
        assert_eq!(&after[..2], &before[..2]);
    }
}
